/**
 * MRZ information and CAN (ICAO 9303-11 §9.7.2, §4.4.1) and EF.CardAccess parsing (§9.2.1).
 * The long document number example is ICAO 9303-11 Appendix D.2's TD1 case
 * (I<UTOD23145890<7349…, birth 340712, expiry 950712): its MRZ information
 * D23145890734934071279507122 as transcribed by gmrtd/gmrtd (TestMrzDecodeMrziEncode) and its
 * K_seed B366AD857DDCA2B08C0E299811714730 as transcribed by ZeroPass/dmrtd (BACKeySeed test).
 */
import { mrzCheckDigit, parseCan } from '../../../main/card/mrz';
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../../main/errors';
import { fromHex, toHex } from '../../../main/card/protocol/bytes';
import {
  decodeOid,
  encodeOid,
  encodePaceInfo,
  encodeSecurityInfos,
  PACE_ALGORITHMS,
  parseCardAccess,
} from '../../../main/card/protocol/card-access';
import { bacKeySeed, mrzInformation, pacePasswordBytes } from '../../../main/card/protocol/mrz-password';
import { openSecureSession } from '../../../main/card/protocol/session';
import { ChipSimulator } from '../simulator/chip-simulator';
import { fakeFiles, SIM_CAN, SIM_MRZ } from '../simulator/fake-files';

describe('MRZ information', () => {
  it('uses a document number longer than 9 characters in full (TD1, Appendix D.2)', () => {
    const long = {
      kind: 'mrz' as const,
      documentNumber: 'D23145890734',
      birthDate: '340712',
      expiryDate: '950712',
    };
    expect(mrzInformation(long)).toBe('D23145890734934071279507122');
    expect(toHex(bacKeySeed(long))).toBe('B366AD857DDCA2B08C0E299811714730');
  });

  it('computes ICAO 9303-3 check digits', () => {
    expect(mrzCheckDigit('L898902C<')).toBe('3');
    expect(mrzCheckDigit('690806')).toBe('1');
    expect(mrzCheckDigit('940623')).toBe('6');
    expect(mrzCheckDigit('D23145890734')).toBe('9');
  });

  it('refuses malformed input with MRZ_INVALID / CAN_INVALID', () => {
    const bad =
      (documentNumber: string, birthDate = '690806', expiryDate = '940623') =>
      () =>
        mrzInformation({ kind: 'mrz', documentNumber, birthDate, expiryDate });
    expect(bad('')).toThrow(TabibError);
    expect(bad('L8989-02C')).toThrow(/letters, digits/);
    expect(bad('L898902C', '691306')).toThrow(/date/);
    expect(bad('L898902C', '690806', '94062')).toThrow(/six digits/);
    expect(() => parseCan('12345a')).toThrow(expect.objectContaining({ code: 'CAN_INVALID' }));
    expect(parseCan(' 123 456 ')).toBe('123456');
    expect(toHex(pacePasswordBytes({ kind: 'can', can: '123456' }))).toBe('313233343536');
  });
});

describe('EF.CardAccess', () => {
  it('encodes and decodes OIDs', () => {
    expect(toHex(encodeOid('0.4.0.127.0.7.2.2.4.2.2'))).toBe('04007F00070202040202');
    expect(decodeOid(fromHex('04007F00070202040202'))).toBe('0.4.0.127.0.7.2.2.4.2.2');
    expect(decodeOid(encodeOid('1.2.840.10045.2.1'))).toBe('1.2.840.10045.2.1');
  });

  it('names every PACE protocol of §9.2.3', () => {
    expect(PACE_ALGORITHMS.get('0.4.0.127.0.7.2.2.4.2.1')!.name).toBe('id-PACE-ECDH-GM-3DES-CBC-CBC');
    expect(PACE_ALGORITHMS.get('0.4.0.127.0.7.2.2.4.2.4')!.name).toBe('id-PACE-ECDH-GM-AES-CBC-CMAC-256');
    expect(PACE_ALGORITHMS.get('0.4.0.127.0.7.2.2.4.6.2')!.mapping).toBe('CAM');
    expect(PACE_ALGORITHMS.get('0.4.0.127.0.7.2.2.4.1.1')!.agreement).toBe('DH');
  });

  it('keeps PACEInfos, skips other SecurityInfos, and rejects malformed files', () => {
    // gmrtd/gmrtd pace_test.go TestSelectPaceForConfig: ECDH-GM-AES-256 and ECDH-CAM-AES-256 on parameters 16.
    const two = parseCardAccess(
      fromHex('31283012060a04007f000702020402040201020201103012060a04007f00070202040604020102020110'),
    );
    expect(two.paceInfos.map((i) => [i.algorithm!.name, i.parameterId])).toEqual([
      ['id-PACE-ECDH-GM-AES-CBC-CMAC-256', 16],
      ['id-PACE-ECDH-CAM-AES-CBC-CMAC-256', 16],
    ]);
    // A ChipAuthenticationInfo (id-CA-ECDH-AES-CBC-CMAC-128, 0.4.0.127.0.7.2.2.3.2.2) is listed, not parsed as PACE.
    const withCa = parseCardAccess(
      encodeSecurityInfos(
        encodePaceInfo('0.4.0.127.0.7.2.2.4.2.2', 13),
        encodePaceInfo('0.4.0.127.0.7.2.2.3.2.2', null, 1),
      ),
    );
    expect(withCa.paceInfos).toHaveLength(1);
    expect(withCa.protocols).toEqual(['0.4.0.127.0.7.2.2.4.2.2', '0.4.0.127.0.7.2.2.3.2.2']);
    expect(() => parseCardAccess(fromHex('3003020102'))).toThrow(
      expect.objectContaining({ code: 'CARD_PROTOCOL_ERROR' }),
    );
    expect(() => parseCardAccess(fromHex('3114301206'))).toThrow(TabibError);
    expect(() => parseCardAccess(fromHex('300100'))).toThrow(/not a SET/);
  });
});

describe('choosing PACE from EF.CardAccess', () => {
  const cardAccess = (...infos: Uint8Array[]) =>
    new Map([[0x011c, encodeSecurityInfos(...infos)], ...fakeFiles(500)]);

  it('picks the supported PACEInfo and names the domain parameters when the chip offers several', async () => {
    const files = cardAccess(
      encodePaceInfo('0.4.0.127.0.7.2.2.4.1.2', 2), // DH-GM: not supported here
      encodePaceInfo('0.4.0.127.0.7.2.2.4.2.2', 13),
    );
    const commands: string[] = [];
    const card = new ChipSimulator({
      can: SIM_CAN,
      files,
      pace: { parameterId: 13, cipher: 'AES-128' },
      fault: (_n, command) => {
        commands.push(toHex(command));
        return undefined;
      },
    });
    const session = await openSecureSession(card, { kind: 'can', can: SIM_CAN });
    expect(session.protocol).toBe('PACE');
    // MSE:Set AT with 84 0D: the parameters are ambiguous with two PACEInfos (§4.4.4.1).
    expect(commands).toContain('0022C1A412800A04007F0007020204020283010284010D');
  });

  it('falls back to BAC with the MRZ when no offered PACE variant is supported, refuses the CAN', async () => {
    const files = cardAccess(encodePaceInfo('0.4.0.127.0.7.2.2.4.4.2', 13)); // ECDH-IM
    // A fresh card each time: a session starts at the master file, just after the card is connected.
    const card = () => new ChipSimulator({ mrz: SIM_MRZ, can: SIM_CAN, files });
    expect((await openSecureSession(card(), { kind: 'mrz', ...SIM_MRZ })).protocol).toBe('BAC');
    await expect(openSecureSession(card(), { kind: 'can', can: SIM_CAN })).rejects.toMatchObject({
      code: 'CARD_UNSUPPORTED',
    });
  });

  it('falls back to BAC when EF.CardAccess is malformed and the MRZ is known', async () => {
    const files = new Map([[0x011c, fromHex('31053003060100')], ...fakeFiles(500)]);
    const card = new ChipSimulator({ mrz: SIM_MRZ, files });
    expect((await openSecureSession(card, { kind: 'mrz', ...SIM_MRZ })).protocol).toBe('BAC');
  });
});
