/**
 * AES secure messaging (ICAO 9303-11 §9.8: 16-byte SSC, IV = E(KS_enc, SSC), CMAC truncated to
 * 8 bytes), which the Appendix D example (3DES) does not cover: a recorded exchange reading
 * EF.COM with AES-256 session keys, published in gmrtd/gmrtd iso7816/nfc_session_test.go
 * (TestNfcSessionSecureMessagingAES). The values are theirs, not computed by Tabib's code.
 */
import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../main/card/protocol/apdu';
import { fromHex, toHex } from '../../../main/card/protocol/bytes';
import { HEADER_READ_LENGTH, readTlvFile } from '../../../main/card/protocol/file-reader';
import { SecureMessaging } from '../../../main/card/protocol/secure-messaging';
import { ScriptedTransport } from './scripted-transport';

const keys = {
  cipher: 'AES' as const,
  ksEnc: fromHex('74B94F408BBB2CD92571FD5B6370A94CCE7A2FA42AE3EB4DA47B97CE6EAA24C6'),
  ksMac: fromHex('9E28D5D9FF1D979BE752E8926BF0E1D35A440FC0AEFC4AA3BC5610055AC8B113'),
};

describe('AES-256 secure messaging (recorded exchange)', () => {
  it('reads EF.COM with exactly the recorded APDUs', async () => {
    const transport = new ScriptedTransport([
      [
        '0CA4020C1D8711011D35E7EB510E21A0DD12380D9AD2B92D8E0828CB68B81D3FAFC000',
        '990290008E08E083EAA61ADABFCE9000',
      ],
      [
        '0CB000000D9701048E084AFC933E0CDBE5F000',
        '871101D8059A9CF835105082CA2B1837E4AEC0990290008E08B36DB56761D706BB9000',
      ],
      [
        '0CB000040D9701168E0811F7EFC907D1F27400',
        '87210142E919C115FAF69350B01813D77A9E8D91912A7F717AFD073F199070E61B79C6990290008E083382E3D983F441369000',
      ],
    ]);
    const sm = new SecureMessaging(
      new ApduChannel(transport),
      keys,
      fromHex('00000000000000000000000000000020'),
    );
    const file = await readTlvFile(
      sm,
      { fid: 0x011e },
      { chunk: 223, oddChunk: 200, firstRead: HEADER_READ_LENGTH },
    );
    expect(toHex(file)).toBe('60185F0104303130385F36063034303030305C06617563766D6E');
    expect(toHex(sm.ssc)).toBe('00000000000000000000000000000026');
    expect(transport.finished).toBe(true);
  });

  it('refuses the recorded response with one MAC bit flipped', () => {
    const sm = new SecureMessaging(null, keys, fromHex('00000000000000000000000000000022'));
    sm.wrap({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 4 });
    expect(() =>
      sm.unwrap({
        data: fromHex('871101D8059A9CF835105082CA2B1837E4AEC0990290008E08B36DB56761D706BA'),
        sw: 0x9000,
      }),
    ).toThrow(expect.objectContaining({ code: 'CARD_PROTOCOL_ERROR' }));
  });
});
