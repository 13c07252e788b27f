/**
 * ICAO Doc 9303 Part 11, Appendix D (worked example: Basic Access Control), reproduced byte for
 * byte. The published figures are copied from open-source eMRTD readers that quote the appendix:
 * - gmrtd/gmrtd bac/bac_test.go (D.2 MRZ information, SHA-1, K_seed, K_enc, K_mac; D.3 RND.IC,
 *   RND.IFD, K.IFD, S, E_IFD, M_IFD, cmd_data, the chip's response, K.IC, KS_enc, KS_mac, SSC, and
 *   the two APDUs 0084000008 / 0082000028…28);
 * - gmrtd/gmrtd cryptoutils/kdf_test.go and the appendix text quoted in bac_test.go
 *   (D.1/D.2 Ka/Kb before and after parity adjustment);
 * - gmrtd/gmrtd iso7816/nfc_session_test.go TestNfcSessionSecureMessagingTDES and
 *   AndyQ/NFCPassportReader Tests SecureMessagingTests.swift testSecureMessagingSpec_Part1..3
 *   (D.4: masked padded headers, DO'87', DO'97', M, protected APDUs, responses, decrypted data,
 *   and the final SSC 887022120C06C22C);
 * - tsenger/animamea SecureMessagingTest.java (D.4 plain response 60145F01 9000).
 * None of these values is computed by Tabib's code.
 */
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../../main/errors';
import { ApduChannel } from '../../../main/card/protocol/apdu';
import { bacKeys, performBac } from '../../../main/card/protocol/bac';
import { concat, fromHex, toHex } from '../../../main/card/protocol/bytes';
import { adjustParity, retailMac, sha1, tdesDecrypt, tdesEncrypt } from '../../../main/card/protocol/crypto';
import { HEADER_READ_LENGTH, readTlvFile } from '../../../main/card/protocol/file-reader';
import { bacKeySeed, mrzInformation, type MrzPassword } from '../../../main/card/protocol/mrz-password';
import { SecureMessaging } from '../../../main/card/protocol/secure-messaging';
import { ScriptedTransport } from './scripted-transport';

// D.2: document number L898902C<, birth 690806, expiry 940623 (the specimen passport of 9303-4).
const specimen: MrzPassword = {
  kind: 'mrz',
  documentNumber: 'L898902C<',
  birthDate: '690806',
  expiryDate: '940623',
};

// D.3 published values.
const RND_IC = '4608F91988702212';
const RND_IFD = '781723860C06C226';
const K_IFD = '0B795240CB7049B01C19B33E32804F0B';
const E_IFD = '72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2';
const M_IFD = '5F1448EEA8AD90A7';
const RESP = '46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449';
const KS_ENC = '979EC13B1CBFE9DCD01AB0FED307EAE5';
const KS_MAC = 'F1CB1F1FB5ADF208806B89DC579DC1F8';
const SSC = '887022120C06C226';

/** Returns the given byte strings in order (RND.IFD, then K.IFD). */
function fixedRandom(...values: string[]): (length: number) => Uint8Array {
  let i = 0;
  return (length) => {
    const value = fromHex(values[i++]!);
    expect(value.length).toBe(length);
    return value;
  };
}

describe('ICAO 9303-11 Appendix D.2: keys from the MRZ', () => {
  it('builds the MRZ information with its check digits', () => {
    expect(mrzInformation(specimen)).toBe('L898902C<369080619406236');
    // The document number without its trailing filler gives the same information.
    expect(mrzInformation({ ...specimen, documentNumber: 'L898902C' })).toBe('L898902C<369080619406236');
  });

  it('hashes it into K_seed', () => {
    expect(toHex(sha1(new TextEncoder().encode('L898902C<369080619406236')))).toBe(
      '239AB9CB282DAF66231DC5A4DF6BFBAEDF477565',
    );
    expect(toHex(bacKeySeed(specimen))).toBe('239AB9CB282DAF66231DC5A4DF6BFBAE');
  });

  it('derives K_enc and K_mac with adjusted parity', () => {
    // D.2 / D.1: Ka, Kb of K_enc before parity: AB94FCEDF2664EDF, B9B291F85D7F77F2.
    expect(toHex(adjustParity(fromHex('AB94FCEDF2664EDFB9B291F85D7F77F2')))).toBe(
      'AB94FDECF2674FDFB9B391F85D7F76F2',
    );
    const { kEnc, kMac } = bacKeys(specimen);
    expect(toHex(kEnc)).toBe('AB94FDECF2674FDFB9B391F85D7F76F2');
    expect(toHex(kMac)).toBe('7962D9ECE03D1ACD4C76089DCE131543');
  });
});

describe('ICAO 9303-11 Appendix D.3: mutual authentication', () => {
  const { kEnc, kMac } = bacKeys(specimen);

  it('computes E_IFD and M_IFD', () => {
    const s = concat(fromHex(RND_IFD), fromHex(RND_IC), fromHex(K_IFD));
    expect(toHex(s)).toBe('781723860C06C2264608F919887022120B795240CB7049B01C19B33E32804F0B');
    const eIfd = tdesEncrypt(kEnc, s);
    expect(toHex(eIfd)).toBe(E_IFD);
    expect(toHex(retailMac(kMac, eIfd))).toBe(M_IFD);
  });

  it('decrypts the chip’s answer to RND.IC ‖ RND.IFD ‖ K.IC', () => {
    const r = tdesDecrypt(kEnc, fromHex(RESP).subarray(0, 32));
    expect(toHex(r)).toBe(RND_IC + RND_IFD + '0B4F80323EB3191CB04970CB4052790B');
    expect(toHex(retailMac(kMac, fromHex(RESP).subarray(0, 32)))).toBe('2F2D235D074D7449');
  });

  it('runs BAC over the published APDUs and gets KS_enc, KS_mac and the SSC', async () => {
    const transport = new ScriptedTransport([
      ['0084000008', RND_IC + '9000'],
      ['0082000028' + E_IFD + M_IFD + '28', RESP + '9000'],
    ]);
    const result = await performBac(new ApduChannel(transport), specimen, fixedRandom(RND_IFD, K_IFD));
    expect(transport.finished).toBe(true);
    expect(toHex(result.keys.ksEnc)).toBe(KS_ENC);
    expect(toHex(result.keys.ksMac)).toBe(KS_MAC);
    expect(toHex(result.ssc)).toBe(SSC);
  });

  it('refuses a wrong MRZ as the chip does (6300 → CARD_ACCESS_DENIED)', async () => {
    const wrong: MrzPassword = { ...specimen, birthDate: '690807' };
    const transport = new ScriptedTransport([
      ['0084000008', RND_IC + '9000'],
      // The E_IFD differs from the published one: the chip refuses it.
      ['*', '6300'],
    ]);
    const { kEnc } = bacKeys(wrong);
    expect(toHex(tdesEncrypt(kEnc, concat(fromHex(RND_IFD), fromHex(RND_IC), fromHex(K_IFD))))).not.toBe(
      E_IFD,
    );
    const error = await performBac(new ApduChannel(transport), wrong, fixedRandom(RND_IFD, K_IFD)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TabibError);
    expect((error as TabibError).code).toBe('CARD_ACCESS_DENIED');
  });

  it('refuses an answer whose MAC is wrong', async () => {
    const tampered = RESP.slice(0, -2) + '48';
    const transport = new ScriptedTransport([
      ['0084000008', RND_IC + '9000'],
      ['0082000028' + E_IFD + M_IFD + '28', tampered + '9000'],
    ]);
    await expect(
      performBac(new ApduChannel(transport), specimen, fixedRandom(RND_IFD, K_IFD)),
    ).rejects.toMatchObject({
      code: 'CARD_PROTOCOL_ERROR',
    });
  });
});

describe('ICAO 9303-11 Appendix D.4: secure messaging', () => {
  const keys = { cipher: '3DES' as const, ksEnc: fromHex(KS_ENC), ksMac: fromHex(KS_MAC) };

  it('protects SELECT EF.COM and checks the response', () => {
    const sm = new SecureMessaging(null, keys, fromHex(SSC));
    const wrapped = sm.wrap({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: fromHex('011E') });
    expect(toHex(sm.ssc)).toBe('887022120C06C227');
    expect(wrapped.extended).toBe(false);
    expect(
      toHex(concat(Uint8Array.of(0x0c, 0xa4, 0x02, 0x0c, 0x15), wrapped.apdu.data!, Uint8Array.of(0))),
    ).toBe('0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800');
    const response = sm.unwrap({ data: fromHex('990290008E08FA855A5D4C50A8ED'), sw: 0x9000 });
    expect(toHex(sm.ssc)).toBe('887022120C06C228');
    expect(response.sw).toBe(0x9000);
    expect(response.data.length).toBe(0);
  });

  it('protects READ BINARY of 4 bytes and decrypts 60145F01', () => {
    const sm = new SecureMessaging(null, keys, fromHex('887022120C06C228'));
    const wrapped = sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, ne: 4 });
    expect(toHex(wrapped.apdu.data!)).toBe('9701048E08ED6705417E96BA55');
    const response = sm.unwrap({
      data: fromHex('8709019FF0EC34F9922651990290008E08AD55CC17140B2DED'),
      sw: 0x9000,
    });
    expect(toHex(response.data)).toBe('60145F01');
    expect(response.sw).toBe(0x9000);
  });

  it('protects READ BINARY of the remaining 18 bytes', () => {
    const sm = new SecureMessaging(null, keys, fromHex('887022120C06C22A'));
    const wrapped = sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x04, ne: 0x12 });
    expect(toHex(wrapped.apdu.data!)).toBe('9701128E082EA28A70F3C7B535');
    const response = sm.unwrap({
      data: fromHex('871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D74'),
      sw: 0x9000,
    });
    expect(toHex(response.data)).toBe('04303130365F36063034303030305C026175');
    expect(toHex(sm.ssc)).toBe('887022120C06C22C');
  });

  it('reads EF.COM through the file reader with exactly the published APDUs', async () => {
    const transport = new ScriptedTransport([
      ['0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800', '990290008E08FA855A5D4C50A8ED9000'],
      ['0CB000000D9701048E08ED6705417E96BA5500', '8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000'],
      [
        '0CB000040D9701128E082EA28A70F3C7B53500',
        '871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000',
      ],
    ]);
    const channel = new ApduChannel(transport);
    const sm = new SecureMessaging(channel, keys, fromHex(SSC));
    const file = await readTlvFile(
      sm,
      { fid: 0x011e },
      { chunk: 231, oddChunk: 200, firstRead: HEADER_READ_LENGTH },
    );
    expect(toHex(file)).toBe('60145F0104303130365F36063034303030305C026175');
    expect(channel.apduCount).toBe(3);
    expect(transport.finished).toBe(true);
    expect(toHex(sm.ssc)).toBe('887022120C06C22C');
  });

  it('refuses a response whose MAC was altered, and ends the session', () => {
    const sm = new SecureMessaging(null, keys, fromHex('887022120C06C228'));
    sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, ne: 4 });
    // One bit of the MAC flipped (…2DED → …2DEC).
    expect(() =>
      sm.unwrap({ data: fromHex('8709019FF0EC34F9922651990290008E08AD55CC17140B2DEC'), sw: 0x9000 }),
    ).toThrow(expect.objectContaining({ code: 'CARD_PROTOCOL_ERROR' }));
    expect(() => sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x04, ne: 0x12 })).toThrow(
      /session has ended/,
    );
  });

  it('refuses a response whose data was altered under an intact MAC', () => {
    const sm = new SecureMessaging(null, keys, fromHex('887022120C06C228'));
    sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, ne: 4 });
    expect(() =>
      sm.unwrap({ data: fromHex('8709019FF0EC34F9922650990290008E08AD55CC17140B2DED'), sw: 0x9000 }),
    ).toThrow(expect.objectContaining({ code: 'CARD_PROTOCOL_ERROR' }));
  });

  it('refuses a response without a MAC', () => {
    const sm = new SecureMessaging(null, keys, fromHex('887022120C06C228'));
    sm.wrap({ cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, ne: 4 });
    expect(() => sm.unwrap({ data: fromHex('8709019FF0EC34F992265199029000'), sw: 0x9000 })).toThrow(
      expect.objectContaining({ code: 'CARD_PROTOCOL_ERROR' }),
    );
  });
});
