import { PNG } from 'pngjs';
import { beforeAll, describe, expect, test } from 'vitest';
import {
  buildCardIdentity,
  dataGroupReports,
  decodeJpeg2000,
  encodeTlv,
  identityFromMrz,
  parseDg1,
  parseDg11,
  parseDg12,
  parseDg2,
  parseEfCom,
  parseFacialRecord,
  parseLdsFiles,
  parseSod,
} from '../../../main/card/lds';
import { parseMrz } from '../../../main/card/mrz';
import {
  FILE_IDS,
  algerianIdCard,
  dg1,
  dg11,
  dg2,
  faceImage,
  facialRecord,
  moroccanCnie,
  td1,
  tunisianPassport,
  type TestDocument,
} from '../fixtures';

const file = (document: TestDocument, name: keyof typeof FILE_IDS): Uint8Array => {
  const bytes = document.files.get(FILE_IDS[name]);
  if (!bytes) throw new Error(`${name} missing`);
  return bytes;
};

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'no error';
}

let cnie: TestDocument;
let dz: TestDocument;
let passport: TestDocument;

beforeAll(async () => {
  [cnie, dz, passport] = await Promise.all([
    moroccanCnie(),
    algerianIdCard({ face: 'jpeg2000' }),
    tunisianPassport({ face: 'jpeg-15k' }),
  ]);
});

describe('EF.COM', () => {
  test('LDS version, Unicode version and the data groups present', () => {
    expect(parseEfCom(file(cnie, 'EF.COM'))).toEqual({
      ldsVersion: '1.7',
      unicodeVersion: '4.0.0',
      tags: [0x61, 0x75, 0x6b, 0x6c],
      dataGroups: ['DG1', 'DG2', 'DG11', 'DG12'],
    });
    expect(codeOf(() => parseEfCom(encodeTlv(0x60, encodeTlv(0x5f01, new Uint8Array([0x30, 0x31])))))).toBe(
      'CARD_PROTOCOL_ERROR',
    );
    expect(codeOf(() => parseEfCom(encodeTlv(0x60, encodeTlv(0x5f01, Buffer.from('0107')))))).toBe(
      'CARD_PROTOCOL_ERROR',
    );
  });
});

describe('DG1', () => {
  test('the fixtures’ access passwords come from their MRZ', () => {
    expect(cnie.mrzAccess).toEqual({
      kind: 'mrz',
      documentNumber: 'ZT4815162',
      birthDate: '870314',
      expiryDate: '310630',
    });
    expect(passport.mrzAccess).toEqual({
      kind: 'mrz',
      documentNumber: 'X0417292',
      birthDate: '920721',
      expiryDate: '290109',
    });
    expect(cnie.can).toMatch(/^\d{6}$/);
  });

  test('the MRZ as the chip stores it, without line ends', () => {
    expect(parseDg1(file(cnie, 'DG1'))).toMatchObject({
      format: 'TD1',
      documentNumber: 'ZT4815162',
      lines: cnie.mrz,
    });
    expect(parseDg1(file(passport, 'DG1'))).toMatchObject({ format: 'TD3', documentNumber: 'X0417292' });
  });

  test('a DG1 whose MRZ does not check is a protocol error, its MRZ details kept', () => {
    const broken = cnie.mrz.map((line, index) => (index === 1 ? `${line.slice(0, 29)}0` : line));
    try {
      parseDg1(dg1(broken));
      throw new Error('expected an error');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'CARD_PROTOCOL_ERROR',
        details: { fields: [{ field: 'compositeCheckDigit' }] },
      });
    }
    expect(codeOf(() => parseDg1(encodeTlv(0x61, encodeTlv(0x5f1e, new Uint8Array(90)))))).toBe(
      'CARD_PROTOCOL_ERROR',
    );
  });
});

describe('DG2', () => {
  test('a JPEG face, found by its magic bytes, with the record’s size', () => {
    const [face] = parseDg2(file(cnie, 'DG2'));
    expect(face).toMatchObject({ mediaType: 'image/jpeg', width: 60, height: 75 });
    expect(Buffer.from(face!.data).equals(Buffer.from(faceImage('jpeg')))).toBe(true);
  });

  test('the ~15 kB variant for the benchmark', () => {
    const bytes = file(passport, 'DG2');
    expect(bytes.length).toBeGreaterThan(14_000);
    expect(bytes.length).toBeLessThan(17_000);
    expect(parseDg2(bytes)[0]).toMatchObject({ mediaType: 'image/jpeg', width: 240, height: 300 });
  });

  test('a JPEG 2000 face decodes to a PNG of the right size', async () => {
    const [face] = parseDg2(file(dz, 'DG2'));
    expect(face?.mediaType).toBe('image/jp2');
    const decoded = await decodeJpeg2000(face!.data);
    expect(decoded).toMatchObject({ width: 60, height: 75, channels: 3 });
    const identity = (await buildCardIdentity(dz.files)).identity;
    expect(identity.photo?.mediaType).toBe('image/png');
    const png = PNG.sync.read(Buffer.from(identity.photo!.base64, 'base64'));
    expect([png.width, png.height]).toEqual([60, 75]);
    // The synthetic face: light background in the corner, dark eyes at 36 % across, 42 % down.
    const pixel = (x: number, y: number): number[] => [
      ...png.data.subarray((y * 60 + x) * 4, (y * 60 + x) * 4 + 3),
    ];
    expect(pixel(1, 1)[2]).toBeGreaterThan(200);
    expect(Math.max(...pixel(Math.round(60 * 0.36), Math.round(75 * 0.42)))).toBeLessThan(90);
  });

  test('a raw J2K codestream (no JP2 box) is recognised too', async () => {
    const jp2 = faceImage('jpeg2000');
    const codestream = jp2.subarray(Buffer.from(jp2).indexOf('jp2c') + 4);
    const [face] = parseDg2(dg2(facialRecord(codestream, 60, 75, true)));
    expect(face?.mediaType).toBe('image/j2k');
    expect(await decodeJpeg2000(face!.data)).toMatchObject({ width: 60, height: 75 });
  });

  test('a damaged JPEG 2000 is CARD_UNSUPPORTED, and the identity is built without the photo', async () => {
    const jp2 = faceImage('jpeg2000');
    const damaged = new Uint8Array(jp2.subarray(0, 200));
    await expect(decodeJpeg2000(damaged)).rejects.toMatchObject({ code: 'CARD_UNSUPPORTED' });
    const files = new Map(dz.files);
    files.set(FILE_IDS.DG2, dg2(facialRecord(damaged, 60, 75, true)));
    const result = await buildCardIdentity(files);
    expect(result.identity.photo).toBeNull();
    expect(result.warnings).toEqual(['The face image could not be decoded (image/jp2)']);
  });

  test('malformed, enciphered or image-less DG2', () => {
    expect(codeOf(() => parseDg2(encodeTlv(0x75, encodeTlv(0x02, new Uint8Array([1])))))).toBe(
      'CARD_PROTOCOL_ERROR',
    );
    const template = (child: Uint8Array): Uint8Array =>
      encodeTlv(
        0x75,
        encodeTlv(0x7f61, encodeTlv(0x02, new Uint8Array([1])), encodeTlv(0x7f60, encodeTlv(0xa1), child)),
      );
    expect(codeOf(() => parseDg2(template(encodeTlv(0x7f2e, encodeTlv(0x81, new Uint8Array(8))))))).toBe(
      'CARD_UNSUPPORTED',
    );
    expect(
      codeOf(() => parseDg2(template(encodeTlv(0x5f2e, Buffer.from('FAC\x00010\x00nothing here'))))),
    ).toBe('CARD_UNSUPPORTED');
    expect(codeOf(() => parseDg2(template(encodeTlv(0x5f2e, Buffer.from('ABCD')))))).toBe('CARD_UNSUPPORTED');
    expect(
      codeOf(() => parseDg2(encodeTlv(0x75, encodeTlv(0x7f61, encodeTlv(0x02, new Uint8Array([0])))))),
    ).toBe('CARD_UNSUPPORTED');
    // The record's length says more than there is.
    const truncated = file(cnie, 'DG2').subarray(0, 200);
    expect(codeOf(() => parseDg2(truncated))).toBe('CARD_PROTOCOL_ERROR');
  });

  test('a record of another version: the image is found by its magic bytes', () => {
    const image = faceImage('jpeg');
    const record = Buffer.concat([Buffer.from('FAC\x00030\x00'), Buffer.alloc(40, 7), image]);
    expect(parseFacialRecord(record)).toMatchObject({ mediaType: 'image/jpeg', width: 0, height: 0 });
  });
});

describe('DG11 and DG12', () => {
  test('Moroccan card: the Arabic full name, the Latin other name, the CIN, place and address', () => {
    const details = parseDg11(file(cnie, 'DG11'));
    expect(details.fullName).toMatchObject({ family: 'الإدريسي', given: 'فاطمة الزهراء', script: 'arabic' });
    expect(details.otherNames).toEqual([
      { raw: 'EL<IDRISSI<<FATIMA<ZAHRA', family: 'EL IDRISSI', given: 'FATIMA ZAHRA', script: 'latin' },
    ]);
    expect(details).toMatchObject({
      personalNumber: 'BE123456',
      fullDateOfBirth: '1987-03-14',
      placeOfBirth: 'FES, MAROC',
      address: '12 RUE IBN KHALDOUN, FES',
      telephone: null,
    });
  });

  test('BCD dates, unknown day, an unparseable date, a loose 5F0F, Latin-1 bytes', () => {
    const bcd = encodeTlv(
      0x6b,
      encodeTlv(0x5f0e, Buffer.from('BENALI<<AHMED')),
      encodeTlv(0x5f0f, Buffer.from('بنعلي<<أحمد')),
      encodeTlv(0x5f2b, new Uint8Array([0x19, 0x74, 0x08, 0x12])),
      encodeTlv(0x5f11, Buffer.from('F\xe8s', 'latin1')),
    );
    expect(parseDg11(bcd)).toMatchObject({
      fullDateOfBirth: '1974-08-12',
      placeOfBirth: 'Fès',
      otherNames: [{ family: 'بنعلي', given: 'أحمد', script: 'arabic' }],
    });
    expect(parseDg11(dg11({ fullName: 'X<<Y', fullDateOfBirth: '19740800' })).fullDateOfBirth).toBe(
      '1974-08',
    );
    expect(parseDg11(dg11({ fullName: 'X<<Y', fullDateOfBirth: '19741399' })).fullDateOfBirth).toBeNull();
    expect(parseDg11(dg11({ fullName: 'X<<Y', fullDateOfBirth: '1974' })).fullDateOfBirth).toBeNull();
    expect(codeOf(() => parseDg11(encodeTlv(0x6b, new Uint8Array([0x5f, 0x0e, 0x09]))))).toBe(
      'CARD_PROTOCOL_ERROR',
    );
  });

  test('DG12: issuing authority and date of issue', () => {
    expect(parseDg12(file(dz, 'DG12'))).toMatchObject({
      issuingAuthority: 'COMMUNE D ORAN',
      dateOfIssue: '2020-09-15',
    });
  });
});

describe('EF.SOD', () => {
  test('the hash algorithm and a hash per data group', () => {
    const sod = parseSod(file(cnie, 'EF.SOD'));
    expect(sod.hashAlgorithmOid).toBe('2.16.840.1.101.3.4.2.1');
    expect([...sod.dataGroupHashes.keys()]).toEqual([1, 2, 11, 12]);
    expect(sod.dataGroupHashes.get(1)?.length).toBe(32);
    expect(sod.signedData.signerInfos.length).toBe(1);
  });

  test('malformed EF.SOD', () => {
    expect(codeOf(() => parseSod(encodeTlv(0x77, new Uint8Array([0x30, 0x03, 0x02, 0x01]))))).toBe(
      'CARD_PROTOCOL_ERROR',
    );
    expect(codeOf(() => parseSod(encodeTlv(0x77, new Uint8Array([0x30, 0x00]))))).toBe('CARD_PROTOCOL_ERROR');
    expect(codeOf(() => parseSod(file(cnie, 'DG1')))).toBe('CARD_PROTOCOL_ERROR');
  });
});

describe('the identity built from the files', () => {
  test('Moroccan CNIE (TD1): CIN apart from the card number, names in both scripts', async () => {
    const result = await buildCardIdentity(cnie.files, { today: new Date('2026-11-23T00:00:00Z') });
    const { person } = cnie;
    expect(result.identity).toEqual({
      kind: 'id-card',
      documentCode: 'ID',
      issuingState: 'MAR',
      documentNumber: person.documentNumber,
      nationalId: { country: 'MA', value: person.nationalId },
      familyName: person.familyName,
      givenNames: person.givenNames,
      familyNameArabic: person.familyNameArabic,
      givenNamesArabic: person.givenNamesArabic,
      birthDate: person.birthDate,
      sex: 'female',
      nationality: 'MAR',
      expiryDate: person.expiryDate,
      placeOfBirth: person.placeOfBirth,
      address: person.address,
      photo: { mediaType: 'image/jpeg', base64: Buffer.from(faceImage('jpeg')).toString('base64') },
    });
    expect(result.nationalIdSource).toBe('mrz-optional-data-line-1');
  });

  test('Algerian card (TD1): the NIN from DG11, Arabic names from the other names', async () => {
    const { identity, nationalIdSource } = await buildCardIdentity(dz.files);
    expect(identity).toMatchObject({
      documentNumber: '201834567',
      nationalId: { country: 'DZ', value: dz.person.nationalId },
      familyNameArabic: 'بن عبد الله',
      givenNamesArabic: 'محمد أمين',
      sex: 'male',
    });
    expect(nationalIdSource).toBe('chip-dg11-personal-number');
  });

  test('Tunisian passport (TD3)', async () => {
    const { identity } = await buildCardIdentity(passport.files);
    expect(identity).toMatchObject({
      kind: 'passport',
      documentCode: 'P<',
      documentNumber: 'X0417292',
      nationalId: { country: 'TN', value: '08123456' },
      familyName: 'BEN SALAH',
      givenNamesArabic: 'عائشة',
      birthDate: '1992-07-21',
      expiryDate: '2029-01-09',
    });
  });

  test('DG1 alone is enough; without DG1 the document is unsupported', async () => {
    const dg1Only = new Map([[FILE_IDS.DG1, file(cnie, 'DG1')]]);
    const { identity } = await buildCardIdentity(dg1Only);
    expect(identity).toMatchObject({
      photo: null,
      familyNameArabic: null,
      placeOfBirth: null,
      birthDate: '1987-03-14',
    });
    expect(identity.nationalId?.value).toBe('BE123456');
    await expect(buildCardIdentity(new Map([[FILE_IDS.DG2, file(cnie, 'DG2')]]))).rejects.toMatchObject({
      code: 'CARD_UNSUPPORTED',
    });
  });

  test('a truncated MRZ name gives way to the DG11 Latin full name', async () => {
    const long = td1({
      documentCode: 'ID',
      issuingState: 'MAR',
      documentNumber: 'ZT4815162',
      optional1: 'BE123456',
      birthDate: '870314',
      sex: 'F',
      expiryDate: '310630',
      nationality: 'MAR',
      familyName: 'EL IDRISSI EL HASSANI',
      givenNames: 'FATIMAZAHRA',
    });
    // ICAO 9303-3 §4.6: a truncated name field ends on a letter.
    expect(long[2]).toBe('EL<IDRISSI<EL<HASSANI<<FATIMAZ');
    expect(parseMrz(long).nameTruncated).toBe(true);
    const files = new Map([
      [FILE_IDS.DG1, dg1(long)],
      [FILE_IDS.DG11, dg11({ fullName: 'EL<IDRISSI<EL<HASSANI<<FATIMAZAHRA' })],
    ]);
    const { identity } = await buildCardIdentity(files);
    expect([identity.familyName, identity.givenNames]).toEqual(['EL IDRISSI EL HASSANI', 'FATIMAZAHRA']);
    // Not truncated: the MRZ's own names are kept even when DG11 spells them otherwise.
    const whole = new Map([
      [FILE_IDS.DG1, file(cnie, 'DG1')],
      [FILE_IDS.DG11, dg11({ fullName: 'EL<IDRISSI<<FATIMA-ZAHRA' })],
    ]);
    expect((await buildCardIdentity(whole)).identity.givenNames).toBe('FATIMA ZAHRA');
  });

  test('from the MRZ alone (no chip)', () => {
    const { identity } = identityFromMrz(parseMrz(cnie.mrz));
    expect(identity).toMatchObject({
      nationalId: { country: 'MA', value: 'BE123456' },
      photo: null,
      familyNameArabic: null,
    });
  });

  test('data group reports, with the hash results where given', () => {
    const reports = dataGroupReports(cnie.files, [
      { dataGroup: 1, hashValid: true },
      { dataGroup: 11, hashValid: false },
    ]);
    expect(reports.map((entry) => [entry.name, entry.hashValid])).toEqual([
      ['EF.COM', null],
      ['DG1', true],
      ['DG2', null],
      ['DG11', false],
      ['DG12', null],
      ['EF.SOD', null],
    ]);
    expect(reports[1]?.bytes).toBe(file(cnie, 'DG1').length);
  });

  test('parseLdsFiles reads every file of the fixture', () => {
    const document = parseLdsFiles(passport.files);
    expect(document.com?.dataGroups).toEqual(['DG1', 'DG2', 'DG11', 'DG12']);
    expect(document.dg12?.issuingAuthority).toBe('MINISTERE DE L INTERIEUR');
    expect(document.sod?.dataGroupHashes.size).toBe(4);
  });
});
