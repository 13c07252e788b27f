/**
 * National identifiers per country profile (resources/countries): what is valid, the one form
 * they are compared in, and synthetic ones that are always valid.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { countries, type Country } from '../../main/contract/types';
import { loadCountryProfile, parseCountryProfile } from '../../main/record/identity/country-profile';
import {
  bundledCountryProfile,
  generateNationalId,
  uniqueSyntheticNationalId,
  identifierKey,
  identifierProblem,
  nationalIdProblem,
  passportNumberProblem,
} from '../../main/record/identity/national-id';
import { phoneKey } from '../../main/record/identity/phone-number';
import { resourcesDir } from './record-fixture';

const profile = (country: Country) => loadCountryProfile(resourcesDir, country);

describe('country profiles', () => {
  it('load and validate for every country, with identifier names in fr, ar and en', () => {
    for (const country of countries) {
      const loaded = profile(country);
      expect(loaded.country).toBe(country);
      expect(loaded.nationalIdentifier.system).toMatch(/^(urn:|https?:\/\/)/);
      expect(loaded.nationalIdentifier.system).not.toBe(loaded.passport.system);
      expect(Object.keys(loaded.nationalIdentifier.display).sort()).toEqual(['ar', 'en', 'fr']);
      expect(
        nationalIdProblem(loaded.nationalIdentifier.format, loaded.nationalIdentifier.example),
      ).toBeNull();
    }
    expect(profile('MA').nationalIdentifier.display.fr).toBe('CIN');
    expect(profile('DZ').nationalIdentifier.display.fr).toBe('NIN');
    expect(profile('TN').phone).toEqual({
      countryCode: '216',
      trunkPrefix: null,
      nationalNumberLengths: [8],
    });
  });

  it('say where a card carries the national identifier, never in the document number field', () => {
    for (const country of countries) {
      for (const card of profile(country).cards) {
        expect(card.nationalIdentifier.length).toBeGreaterThan(0);
        for (const location of card.nationalIdentifier)
          expect(location.where).not.toBe('mrz-document-number');
      }
    }
  });

  it('are the same on disk and bundled (the demo generator uses the bundled copy)', () => {
    for (const country of countries) expect(bundledCountryProfile(country)).toEqual(profile(country));
  });

  it('refuse an invalid profile with CONFIG_INVALID naming the field', () => {
    const broken = {
      ...profile('MA'),
      nationalIdentifier: { ...profile('MA').nationalIdentifier, system: 'cin' },
    };
    expect(() => parseCountryProfile(broken, 'test')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    expect(() => parseCountryProfile(profile('DZ'), 'test', 'MA')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});

describe('Morocco: CIN', () => {
  const ma = profile('MA');
  const system = ma.nationalIdentifier.system;

  it('accepts one or two letters followed by digits, as on the CNIE', () => {
    for (const value of ['BE123456', 'A12345', 'ZX987654', 'J345678', 'AB1']) {
      expect(identifierProblem(ma, system, value), value).toBeNull();
    }
  });

  it('accepts the CIN typed in lower case or with spaces, and compares it in one form', () => {
    expect(identifierProblem(ma, system, 'be 123456')).toBeNull();
    expect(identifierKey('be 123 456')).toBe('BE123456');
    expect(identifierKey('BE-123456')).toBe(identifierKey('BE123456'));
    expect(identifierKey('ＢＥ１２３４５６')).toBe('BE123456');
  });

  it('refuses digits first, three letters, too many digits, letters after digits, or nothing', () => {
    expect(identifierProblem(ma, system, '12-ABC')).toBe('ma-cin-format');
    expect(identifierProblem(ma, system, 'ABC12345')).toBe('ma-cin-format');
    expect(identifierProblem(ma, system, 'BE1234567')).toBe('ma-cin-format');
    expect(identifierProblem(ma, system, 'BE12345X')).toBe('ma-cin-format');
    expect(identifierProblem(ma, system, 'BE')).toBe('ma-cin-format');
    expect(identifierProblem(ma, system, '  ')).toBe('empty');
  });
});

describe('Algeria: NIN', () => {
  const dz = profile('DZ');
  const system = dz.nationalIdentifier.system;

  it('accepts 18 digits, typed in one block or in groups, with Arabic-Indic digits too', () => {
    expect(identifierProblem(dz, system, '109850160001230742')).toBeNull();
    expect(identifierProblem(dz, system, '10985 0160 00123 07 42')).toBeNull();
    expect(identifierKey('١٠٩٨٥٠١٦٠٠٠١٢٣٠٧٤٢')).toBe('109850160001230742');
  });

  it('refuses another length or letters', () => {
    expect(identifierProblem(dz, system, '10985016000123074')).toBe('dz-nin-format');
    expect(identifierProblem(dz, system, '1098501600012307421')).toBe('dz-nin-format');
    expect(identifierProblem(dz, system, '10985016000123074A')).toBe('dz-nin-format');
  });

  it('does not check the key digits: the algorithm is not published (decree 10-210 only names it)', () => {
    const nin = '109850160001230742';
    for (let key = 0; key < 100; key += 7) {
      expect(identifierProblem(dz, system, nin.slice(0, 16) + String(key).padStart(2, '0'))).toBeNull();
    }
  });
});

describe('Tunisia: CIN', () => {
  const tn = profile('TN');
  const system = tn.nationalIdentifier.system;

  it('accepts exactly 8 digits, leading zero included', () => {
    expect(identifierProblem(tn, system, '08123456')).toBeNull();
    expect(identifierProblem(tn, system, '8123456')).toBe('tn-cin-format');
    expect(identifierProblem(tn, system, '081234567')).toBe('tn-cin-format');
  });
});

describe('passports (ICAO 9303 document number)', () => {
  it('accept up to nine letters and digits, without the MRZ fillers', () => {
    expect(passportNumberProblem('AB1234567')).toBeNull();
    expect(passportNumberProblem('X1234<<<<')).toBeNull();
    expect(passportNumberProblem('ab 123 4567')).toBeNull();
    expect(passportNumberProblem('AB12345678')).toBe('passport-format');
    expect(passportNumberProblem('AB-12/34É')).toBe('passport-format');
  });

  it('are checked under the profile passport system only; other systems are not ruled', () => {
    const ma = profile('MA');
    expect(identifierProblem(ma, ma.passport.system, 'TOO-LONG-NUMBER')).toBe('passport-format');
    expect(identifierProblem(ma, 'urn:oid:2.16.250.1.213.1.4.8', 'anything at all')).toBeNull();
  });

  it('follow the profile when its system changes: former systems still validate', () => {
    const ma = profile('MA');
    const moved = parseCountryProfile(
      {
        ...ma,
        nationalIdentifier: {
          ...ma.nationalIdentifier,
          system: 'https://sante.gov.ma/fhir/NamingSystem/cin',
          formerSystems: [ma.nationalIdentifier.system],
        },
      },
      'test',
    );
    expect(identifierProblem(moved, 'https://sante.gov.ma/fhir/NamingSystem/cin', '12')).toBe(
      'ma-cin-format',
    );
    expect(identifierProblem(moved, ma.nationalIdentifier.system, '12')).toBe('ma-cin-format');
  });
});

describe('generated national identifiers', () => {
  it('are always valid for their country, typed NI, under the profile system', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 30 }),
        (country, draws) => {
          let at = 0;
          const random = () => draws[at++ % draws.length] as number;
          const identifier = generateNationalId(country, random);
          const loaded = profile(country);
          expect(identifier.system).toBe(loaded.nationalIdentifier.system);
          expect(identifier.type?.coding?.[0]).toMatchObject({
            system: 'http://terminology.hl7.org/CodeSystem/v2-0203',
            code: 'NI',
          });
          expect(
            identifierProblem(loaded, identifier.system as string, identifier.value as string),
          ).toBeNull();
          expect(identifierKey(identifier.value as string)).toBe(identifier.value);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('are deterministic for a deterministic source, and vary with it', () => {
    const seeded = (seed: number) => {
      let state = seed;
      return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    };
    expect(generateNationalId('MA', seeded(7))).toEqual(generateNationalId('MA', seeded(7)));
    const values = new Set(
      Array.from({ length: 200 }, (_, index) => generateNationalId('DZ', seeded(index)).value),
    );
    expect(values.size).toBeGreaterThan(190);
  });
});

describe('synthetic national identifiers by serial number (demonstration, benchmarks)', () => {
  it('never give two patients the same identifier, and are valid for their country', () => {
    const random = () => 0.5;
    for (const country of countries) {
      const loaded = profile(country);
      const seen = new Set<string>();
      for (let serial = 0; serial < 200_000; serial++) {
        const identifier = uniqueSyntheticNationalId(country, serial, random);
        seen.add(identifier.value as string);
        if (serial % 997 === 0)
          expect(
            identifierProblem(loaded, identifier.system as string, identifier.value as string),
          ).toBeNull();
      }
      expect(seen.size, country).toBe(200_000);
    }
  });

  it('are valid for any serial and any source (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...countries),
        fc.integer({ min: 0, max: 9_999_999 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (country, serial, draw) => {
          const identifier = uniqueSyntheticNationalId(country, serial, () => draw);
          expect(
            identifierProblem(profile(country), identifier.system as string, identifier.value as string),
          ).toBeNull();
        },
      ),
      { numRuns: 2000 },
    );
    expect(() => uniqueSyntheticNationalId('MA', -1, Math.random)).toThrow(RangeError);
  });
});

describe('phone numbers (E.164 digits without +)', () => {
  it('Morocco: national, international with + or 00, with spaces, dots, dashes or (0)', () => {
    const plan = profile('MA').phone;
    for (const raw of [
      '0612345678',
      '06 12 34 56 78',
      '06.12.34.56.78',
      '+212 6 12 34 56 78',
      '00212612345678',
      '+212 (0)6 12 34 56 78',
      '212612345678',
    ]) {
      expect(phoneKey(plan, raw), raw).toBe('212612345678');
    }
    expect(phoneKey(plan, '+33 6 12 34 56 78')).toBe('33612345678');
    expect(phoneKey(plan, '06123')).toBeNull();
    expect(phoneKey(plan, 'BE123456')).toBeNull();
  });

  it('Algeria: mobile (9 digits) and fixed (8 digits) numbers', () => {
    const plan = profile('DZ').phone;
    expect(phoneKey(plan, '0551 23 45 67')).toBe('213551234567');
    expect(phoneKey(plan, '021 23 45 67')).toBe('21321234567');
    expect(phoneKey(plan, '+213 551 23 45 67')).toBe('213551234567');
  });

  it('Tunisia: no trunk prefix, 8 digits', () => {
    const plan = profile('TN').phone;
    expect(phoneKey(plan, '98 765 432')).toBe('21698765432');
    expect(phoneKey(plan, '+216 98 765 432')).toBe('21698765432');
    expect(phoneKey(plan, '0021698765432')).toBe('21698765432');
  });
});
