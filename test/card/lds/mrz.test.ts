import { describe, expect, test } from 'vitest';
import { TabibError } from '../../../main/errors';
import {
  accessKeyFromFields,
  accessKeyFromMrz,
  documentProfileFor,
  extractNationalId,
  mrzCheckDigit,
  mrzDateToIso,
  normaliseMrz,
  parseCan,
  parseMrz,
  type MrzFieldProblem,
} from '../../../main/card/mrz';
import { bundledCountryProfile } from '../../../main/record/identity/national-id';
import { td1, td3 } from '../fixtures';

// ICAO 9303-5 (TD1), 9303-6 (TD2) and 9303-4 (TD3) specimens, with their published check digits.
const TD1_SPECIMEN = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];
const TD2_SPECIMEN = ['I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<', 'D231458907UTO7408122F1204159<<<<<<<6'];
const TD3_SPECIMEN = [
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<',
  'L898902C36UTO7408122F1204159ZE184226B<<<<<10',
];
// ICAO 9303-5: a document number of more than nine characters (D23145890734, check digit 9).
const TD1_LONG_NUMBER = [
  'I<UTOD23145890<7349<<<<<<<<<<<',
  '3407127M9507122UTO<<<<<<<<<<<2',
  'STEVENSON<<PETER<JOHN<<<<<<<<<',
];

function mrzError(run: () => unknown): TabibError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TabibError);
    expect((error as TabibError).code).toBe('MRZ_INVALID');
    return error as TabibError;
  }
  throw new Error('expected MRZ_INVALID');
}

function failedFields(run: () => unknown): string[] {
  const details = mrzError(run).details as { fields: MrzFieldProblem[] };
  return details.fields.map((problem) => problem.field);
}

/** Replaces the character at (line, 0-based column). */
function withCharacter(lines: string[], line: number, column: number, character: string): string[] {
  return lines.map((text, index) =>
    index === line ? text.slice(0, column) + character + text.slice(column + 1) : text,
  );
}

describe('check digits (ICAO 9303-3 §4.9)', () => {
  test('reproduce the specimens', () => {
    expect(mrzCheckDigit('D23145890')).toBe('7');
    expect(mrzCheckDigit('L898902C3')).toBe('6');
    expect(mrzCheckDigit('740812')).toBe('2');
    expect(mrzCheckDigit('120415')).toBe('9');
    expect(mrzCheckDigit('ZE184226B<<<<<')).toBe('1');
    expect(mrzCheckDigit('D23145890734')).toBe('9');
    expect(() => mrzCheckDigit('a')).toThrow(RangeError);
  });
});

describe('parseMrz on the ICAO specimens', () => {
  test('TD1', () => {
    const mrz = parseMrz(TD1_SPECIMEN);
    expect(mrz).toMatchObject({
      format: 'TD1',
      documentCode: 'I<',
      issuingState: 'UTO',
      nationality: 'UTO',
      documentNumber: 'D23145890',
      documentNumberCheckDigit: '7',
      birthDate: '740812',
      expiryDate: '120415',
      sex: 'female',
      familyName: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      nameTruncated: false,
      optionalData1: '<<<<<<<<<<<<<<<',
      optionalData2: '<<<<<<<<<<<',
    });
  });

  test('TD2', () => {
    expect(parseMrz(TD2_SPECIMEN)).toMatchObject({
      format: 'TD2',
      documentNumber: 'D23145890',
      birthDate: '740812',
      familyName: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      optionalData2: null,
    });
  });

  test('TD3', () => {
    expect(parseMrz(TD3_SPECIMEN)).toMatchObject({
      format: 'TD3',
      documentCode: 'P<',
      documentNumber: 'L898902C3',
      documentNumberCheckDigit: '6',
      nationality: 'UTO',
      optionalData1: 'ZE184226B<<<<<',
      sex: 'female',
    });
  });

  test('TD1 long document number: the rest and its check digit are taken out of the optional data', () => {
    const mrz = parseMrz(TD1_LONG_NUMBER);
    expect(mrz.documentNumber).toBe('D23145890734');
    expect(mrz.documentNumberCheckDigit).toBe('9');
    expect(mrz.optionalData1).toBe('<<<<<<<<<<');
    expect(mrz.sex).toBe('male');
    expect(accessKeyFromMrz(mrz)).toEqual({
      kind: 'mrz',
      documentNumber: 'D23145890734',
      birthDate: '340712',
      expiryDate: '950712',
    });
  });

  test('a built TD1 with a long number and optional data round-trips', () => {
    const lines = td1({
      documentCode: 'ID',
      issuingState: 'MAR',
      documentNumber: 'AB12345678901',
      optional1: 'BE1234',
      birthDate: '900101',
      sex: 'M',
      expiryDate: '300101',
      nationality: 'MAR',
      familyName: 'ALAOUI',
      givenNames: 'AHMED',
    });
    const mrz = parseMrz(lines);
    expect(mrz.documentNumber).toBe('AB12345678901');
    expect(mrz.optionalData1.replace(/<+$/, '')).toBe('BE1234');
  });
});

describe('input noise', () => {
  const td3Text = TD3_SPECIMEN.join('\n');

  test('lower case, spaces, CR/LF, guillemets and full-width fillers', () => {
    const noisy = `  ${TD3_SPECIMEN[0]!.toLowerCase().replace(/</g, '«')}\r\n${TD3_SPECIMEN[1]!.replace(/</g, '＜').replace('7408122', '7408 122')}\r\n`;
    expect(parseMrz(noisy)).toEqual(parseMrz(td3Text));
  });

  test('lines run together (a keyboard-wedge scanner without line ends) or split in the wrong place', () => {
    expect(parseMrz(TD1_SPECIMEN.join('')).lines).toEqual(TD1_SPECIMEN);
    const joined = TD1_SPECIMEN.join('');
    expect(normaliseMrz([joined.slice(0, 45), joined.slice(45)]).lines).toEqual(TD1_SPECIMEN);
    expect(normaliseMrz(`${TD2_SPECIMEN[0]}\r${TD2_SPECIMEN[1]}`).format).toBe('TD2');
  });

  test('Arabic-Indic digits and single angle quotes', () => {
    const arabic = TD3_SPECIMEN[1]!.replace('7408122', '٧٤٠٨١٢٢').replace(/</g, '‹');
    expect(parseMrz([TD3_SPECIMEN[0]!, arabic]).birthDate).toBe('740812');
  });
});

describe('invalid MRZs are MRZ_INVALID and name the failing field', () => {
  test('each check digit of TD1', () => {
    expect(failedFields(() => parseMrz(withCharacter(TD1_SPECIMEN, 0, 14, '8')))).toContain(
      'documentNumberCheckDigit',
    );
    expect(failedFields(() => parseMrz(withCharacter(TD1_SPECIMEN, 1, 6, '3')))).toContain(
      'birthDateCheckDigit',
    );
    expect(failedFields(() => parseMrz(withCharacter(TD1_SPECIMEN, 1, 14, '0')))).toContain(
      'expirationDateCheckDigit',
    );
    expect(failedFields(() => parseMrz(withCharacter(TD1_SPECIMEN, 1, 29, '7')))).toEqual([
      'compositeCheckDigit',
    ]);
  });

  test('each check digit of TD3, the personal number included', () => {
    expect(failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 1, 9, '5')))).toContain(
      'documentNumberCheckDigit',
    );
    expect(failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 1, 19, '1')))).toContain(
      'birthDateCheckDigit',
    );
    expect(failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 1, 27, '8')))).toContain(
      'expirationDateCheckDigit',
    );
    expect(failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 1, 42, '2')))).toContain(
      'personalNumberCheckDigit',
    );
    expect(failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 1, 43, '9')))).toEqual([
      'compositeCheckDigit',
    ]);
  });

  test('a changed field whose check digit was not updated', () => {
    // Document number L898902C3 → L898902C4: its own check digit and the composite fail.
    const fields = failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 1, 8, '4')));
    expect(fields).toEqual(expect.arrayContaining(['documentNumberCheckDigit', 'compositeCheckDigit']));
  });

  test('the problem gives positions, never values', () => {
    const error = mrzError(() => parseMrz(withCharacter(TD1_SPECIMEN, 1, 6, '3')));
    const problem = (error.details as { fields: MrzFieldProblem[] }).fields.find(
      (entry) => entry.field === 'birthDateCheckDigit',
    );
    expect(problem).toEqual({ field: 'birthDateCheckDigit', line: 2, position: 7, reason: 'check-digit' });
    expect(JSON.stringify(error.details)).not.toContain('740812');
  });

  test('an impossible date, a bad sex code, a state code with digits', () => {
    // Month 13 with a matching check digit.
    const month13 = td3({
      documentCode: 'P',
      issuingState: 'UTO',
      documentNumber: 'L898902C3',
      birthDate: '741312',
      sex: 'F',
      expiryDate: '120415',
      nationality: 'UTO',
      familyName: 'ERIKSSON',
      givenNames: 'ANNA',
    });
    expect(failedFields(() => parseMrz(month13))).toContain('birthDate');
    expect(failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 1, 20, 'Q')))).toContain('sex');
    expect(failedFields(() => parseMrz(withCharacter(TD3_SPECIMEN, 0, 3, '7')))).toContain('issuingState');
  });

  test('a national layout of the same size is not taken for an ICAO one (French identity card, 2 × 36)', () => {
    const french = ['IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<', '8806923102858CORINNE<<<<<<<6512068F6'];
    expect(mrzError(() => parseMrz(french)).details).toEqual({
      field: 'layout',
      format: 'FRENCH_NATIONAL_ID',
    });
  });

  test('wrong layout and characters outside the MRZ set', () => {
    expect(mrzError(() => parseMrz(TD1_SPECIMEN.slice(0, 2))).details).toMatchObject({ field: 'layout' });
    expect(mrzError(() => parseMrz('')).details).toMatchObject({ field: 'layout' });
    expect(mrzError(() => parseMrz([TD3_SPECIMEN[0]!, `${TD3_SPECIMEN[1]!}<`])).details).toMatchObject({
      field: 'layout',
    });
    expect(mrzError(() => parseMrz(withCharacter(TD3_SPECIMEN, 0, 10, '#'))).details).toEqual({
      field: 'characters',
      line: 1,
      position: 11,
    });
  });
});

describe('dates', () => {
  const today = new Date('2026-11-23T00:00:00Z');
  test('century: births are in the past, expiries at most 50 years ahead', () => {
    expect(mrzDateToIso('740812', 'birth', today)).toBe('1974-08-12');
    expect(mrzDateToIso('150101', 'birth', today)).toBe('2015-01-01');
    expect(mrzDateToIso('270101', 'birth', today)).toBe('1927-01-01');
    expect(mrzDateToIso('120415', 'expiry', today)).toBe('2012-04-15');
    expect(mrzDateToIso('350101', 'expiry', today)).toBe('2035-01-01');
  });
  test('unknown parts and impossible dates', () => {
    expect(mrzDateToIso('74<<<<', 'birth', today)).toBe('1974');
    expect(mrzDateToIso('7408<<', 'birth', today)).toBe('1974-08');
    expect(mrzDateToIso('740230', 'birth', today)).toBeNull();
    expect(mrzDateToIso('741301', 'birth', today)).toBeNull();
    expect(mrzDateToIso('74081', 'birth', today)).toBeNull();
  });
});

describe('access passwords', () => {
  test('typed fields are cleaned and checked', () => {
    expect(
      accessKeyFromFields({ documentNumber: ' l898902c3 ', birthDate: '740812', expiryDate: '120415' }),
    ).toEqual({
      kind: 'mrz',
      documentNumber: 'L898902C3',
      birthDate: '740812',
      expiryDate: '120415',
    });
    expect(
      mrzError(() =>
        accessKeyFromFields({ documentNumber: 'L89-89', birthDate: '740812', expiryDate: '120415' }),
      ).details,
    ).toEqual({
      field: 'documentNumber',
    });
    expect(
      mrzError(() =>
        accessKeyFromFields({ documentNumber: 'L898902C3', birthDate: '741312', expiryDate: '120415' }),
      ).details,
    ).toEqual({
      field: 'birthDate',
    });
    expect(
      mrzError(() =>
        accessKeyFromFields({ documentNumber: 'L898902C3', birthDate: '740812', expiryDate: '1204' }),
      ).details,
    ).toEqual({
      field: 'expiryDate',
    });
  });

  test('CAN: six digits, spaces and Arabic-Indic digits accepted', () => {
    expect(parseCan('123456')).toBe('123456');
    expect(parseCan(' 123 456 ')).toBe('123456');
    expect(parseCan('١٢٣٤٥٦')).toBe('123456');
    for (const bad of ['12345', '1234567', '12345a', '', 'abcdef'])
      expect(() => parseCan(bad)).toThrow(expect.objectContaining({ code: 'CAN_INVALID' }));
  });
});

describe('country profiles and the national identifier', () => {
  const moroccan = td1({
    documentCode: 'ID',
    issuingState: 'MAR',
    documentNumber: 'ZT4815162',
    optional1: 'BE123456',
    birthDate: '870314',
    sex: 'F',
    expiryDate: '310630',
    nationality: 'MAR',
    familyName: 'EL IDRISSI',
    givenNames: 'FATIMA',
  });

  test('Morocco: the CIN from TD1 line 1 optional data, per the country profile', () => {
    const mrz = parseMrz(moroccan);
    const profile = documentProfileFor(mrz);
    expect(profile).toMatchObject({ country: 'MA', kind: 'id-card', origin: 'country-profile' });
    expect(profile.nationalIdSources).toEqual(['mrz-optional-data-line-1', 'chip-dg11-personal-number']);
    expect(extractNationalId(profile, { mrz })).toEqual({
      country: 'MA',
      value: 'BE123456',
      source: 'mrz-optional-data-line-1',
    });
  });

  test('the document number is never taken for the national identifier', () => {
    // A card whose optional data repeats the document number, which has the shape of a CIN.
    const lines = td1({
      documentCode: 'ID',
      issuingState: 'MAR',
      documentNumber: 'AB123456',
      optional1: 'AB123456',
      birthDate: '870314',
      sex: 'F',
      expiryDate: '310630',
      nationality: 'MAR',
      familyName: 'X',
      givenNames: 'Y',
    });
    const mrz = parseMrz(lines);
    expect(extractNationalId(documentProfileFor(mrz), { mrz })).toBeNull();
    expect(extractNationalId(documentProfileFor(mrz), { mrz, dg11PersonalNumber: 'BE654321' })?.value).toBe(
      'BE654321',
    );
  });

  test('a candidate that fails the country format is skipped', () => {
    const mrz = parseMrz(moroccan);
    const profile = documentProfileFor(mrz, {
      sources: ['chip-dg11-personal-number', 'mrz-optional-data-line-1'],
    });
    expect(profile.origin).toBe('caller');
    expect(extractNationalId(profile, { mrz, dg11PersonalNumber: '12345678' })).toMatchObject({
      value: 'BE123456',
      source: 'mrz-optional-data-line-1',
    });
  });

  test('Algeria: the 18-digit NIN split over both TD1 optional data fields, when configured', () => {
    const nin = '109870160012340712';
    const mrz = parseMrz(
      td1({
        documentCode: 'ID',
        issuingState: 'DZA',
        documentNumber: '201834567',
        optional1: nin.slice(0, 15),
        optional2: nin.slice(15),
        birthDate: '871102',
        sex: 'M',
        expiryDate: '300914',
        nationality: 'DZA',
        familyName: 'BENABDALLAH',
        givenNames: 'MOHAMED',
      }),
    );
    // The shipped profile (DZ.json) names DG11 only: from the MRZ alone there is nothing.
    const shipped = documentProfileFor(mrz);
    expect(shipped.nationalIdSources).toEqual(['chip-dg11-personal-number']);
    expect(extractNationalId(shipped, { mrz })).toBeNull();
    expect(extractNationalId(shipped, { mrz, dg11PersonalNumber: nin })?.value).toBe(nin);
    const joined = documentProfileFor(mrz, { sources: ['mrz-optional-data-joined'] });
    expect(extractNationalId(joined, { mrz })).toEqual({
      country: 'DZ',
      value: nin,
      source: 'mrz-optional-data-joined',
    });
    // Line 1 alone holds 15 digits: not a NIN.
    expect(
      extractNationalId(documentProfileFor(mrz, { sources: ['mrz-optional-data-line-1'] }), { mrz }),
    ).toBeNull();
  });

  test('a profile without a card of that layout falls back to the defaults', () => {
    const profile = bundledCountryProfile('MA');
    const withoutCards = { ...profile, cards: [] };
    const mrz = parseMrz(moroccan);
    expect(documentProfileFor(mrz, { countryProfile: withoutCards })).toMatchObject({
      origin: 'default',
      nationalIdSources: ['mrz-optional-data-line-1', 'chip-dg11-personal-number'],
    });
  });

  test('Tunisian passport: the CIN in the personal number field', () => {
    const mrz = parseMrz(
      td3({
        documentCode: 'P',
        issuingState: 'TUN',
        documentNumber: 'X0417292',
        optional1: '08123456',
        birthDate: '920721',
        sex: 'F',
        expiryDate: '290109',
        nationality: 'TUN',
        familyName: 'BEN SALAH',
        givenNames: 'AICHA',
      }),
    );
    const profile = documentProfileFor(mrz);
    expect(profile).toMatchObject({ country: 'TN', kind: 'passport', origin: 'default' });
    expect(extractNationalId(profile, { mrz })).toEqual({
      country: 'TN',
      value: '08123456',
      source: 'mrz-optional-data-line-2',
    });
  });

  test('a foreign document carries no Tabib national identifier', () => {
    const mrz = parseMrz(TD3_SPECIMEN);
    const profile = documentProfileFor(mrz);
    expect(profile).toMatchObject({ country: null, kind: 'passport', nationalIdSources: [] });
    expect(extractNationalId(profile, { mrz, dg11PersonalNumber: 'ZE184226B' })).toBeNull();
  });
});
