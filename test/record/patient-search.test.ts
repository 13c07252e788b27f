/**
 * Patient search over a real encrypted record: national identifier, name (any order, prefix,
 * accents, variants, either script), birth date, phone — and the order results come in.
 */
import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { doctor, patient, recordFixture, type RecordFixture } from './record-fixture';

const CIN = 'urn:tabib:ma:cin';
const PASSPORT = 'urn:tabib:ma:passport';

const registered: Patient[] = [
  patient('benali', ['Mohamed', 'Benali'], ['محمد', 'بن علي'], {
    identifier: [
      { system: CIN, value: 'BE123456' },
      { system: PASSPORT, value: 'AB1234567' },
    ],
    birthDate: '1985-06-02',
    gender: 'male',
    telecom: [{ system: 'phone', value: '06 12 34 56 78' }],
  }),
  patient('benali-variant', ['Mohammed', 'Benali'], null, { birthDate: '1990-01-15' }),
  patient('benali-prefix', ['Mohamedine', 'Benalioua'], null, { birthDate: '1970-03-03' }),
  patient('benali-arabic-only', ['', ''], null, {
    name: [{ use: 'official', given: ['محمد'], family: 'بنعلي' }],
    birthDate: '1962-09-09',
  }),
  patient('mehdi', ['Mehdi', 'Benali'], ['مهدي', 'بن علي'], { birthDate: '1985-11-20' }),
  patient('ait', ['Fatima', 'Aït Ouahmane'], ['فاطمة', 'آيت واحمان'], {
    identifier: [{ system: CIN, value: 'J345678' }],
    birthDate: '2001-02-28',
    gender: 'female',
    telecom: [{ system: 'phone', value: '+212 661-234-987' }],
  }),
  patient('fatiha', ['Fatiha', 'Aït Ouahmane'], null, { birthDate: '1999-07-07', gender: 'female' }),
  patient('cherif', ['Abdelkader', 'Chérif'], null, { birthDate: '1948-12-01' }),
  patient('idrissi', ['Khadija', 'El Idrissi'], ['خديجة', 'الإدريسي'], { birthDate: '1977-04-16' }),
  patient('latin-only', ['Youssef', 'Alaoui'], null, { birthDate: '2010-10-10' }),
  patient('arabic-only', ['', ''], null, {
    name: [{ use: 'official', given: ['عائشة'], family: 'الشرايبي' }],
    birthDate: '1955-05-05',
  }),
];

let fixture: RecordFixture;
let record: LocalRecord;

beforeAll(async () => {
  fixture = recordFixture('MA');
  record = await fixture.open();
  record.store.importRemote(registered, doctor, { description: 'patient search specification' });
});

afterAll(() => {
  record?.close();
  fixture?.cleanup();
});

const ids = (query: string) => record.search.search(query).hits.map((hit) => hit.id);
const first = (query: string) => ids(query)[0];

describe('patient search: national identifier and passport', () => {
  it('finds the patient by CIN, typed exactly, in lower case, or with spaces and dashes', () => {
    for (const query of ['BE123456', 'be123456', 'BE 123456', 'be-123 456']) {
      expect(ids(query), query).toEqual(['benali']);
    }
  });

  it('finds the patient by passport number, and says the match was on an identifier', () => {
    const [hit] = record.search.search('ab1234567').hits;
    expect(hit?.id).toBe('benali');
    expect(hit?.matchedOn).toContain('identifier');
  });

  it('does not mistake a CIN for a name: the series letters typed apart are not searched as a name', () => {
    expect(ids('J 345678')).toEqual(['ait']);
  });
});

describe('patient search: names', () => {
  it('matches given and family names in any order', () => {
    expect(first('Mohamed Benali')).toBe('benali');
    expect(first('benali mohamed')).toBe('benali');
  });

  it('matches by prefix while the name is typed (type-ahead), in both scripts', () => {
    expect(ids('moh ben')).toEqual(expect.arrayContaining(['benali', 'benali-variant', 'benali-prefix']));
    expect(ids('بن')).toEqual(expect.arrayContaining(['benali', 'mehdi', 'benali-arabic-only']));
    expect(ids('خدي')).toContain('idrissi');
  });

  it('ignores accents, case, apostrophes and hyphens', () => {
    expect(first('abdelkader cherif')).toBe('cherif');
    expect(first('ABDELKADER CHÉRIF')).toBe('cherif');
    expect(ids('ait ouahmane')).toEqual(expect.arrayContaining(['ait', 'fatiha']));
    expect(first('Fatima Ait-Ouahmane')).toBe('ait');
    expect(first('khadija el-idrissi')).toBe('idrissi');
  });

  it('finds a particle written apart or attached, and a family name with or without its article', () => {
    expect(ids('mohamed ben ali')).toContain('benali');
    expect(ids('khadija idrissi')).toContain('idrissi');
    expect(ids('khadija elidrissi')).toContain('idrissi');
    expect(ids('abd el kader cherif')).toContain('cherif');
  });

  it('finds transliteration variants of the same name, not a different name that sounds alike', () => {
    expect(ids('Muhammad Benali')).toEqual(expect.arrayContaining(['benali', 'benali-variant']));
    expect(ids('Muhammad Benali')).not.toContain('mehdi');
    expect(ids('Fatma Ait Ouahmane')).toContain('ait');
    expect(ids('Fatima Ait Ouahmane')).not.toContain('fatiha');
    expect(ids('Fatiha Ait Ouahmane')).not.toContain('ait');
  });

  it('normalises Arabic: tashkeel, alef and hamza forms, ta marbuta and alef maqsura, tatweel', () => {
    expect(first('مُحَمَّد بن عَلِيّ')).toBe('benali');
    expect(ids('خديجه الادريسي')).toContain('idrissi');
    expect(ids('خـــديجة')).toContain('idrissi');
    expect(ids('عايشة الشرايبي')).toContain('arabic-only');
  });

  it('finds across scripts: Arabic typed for a Latin-only record, and Latin typed for an Arabic-only one', () => {
    expect(ids('يوسف العلوي')).toContain('latin-only');
    expect(ids('Aicha Chraibi')).toContain('arabic-only');
    expect(ids('محمد بن علي')).toEqual(expect.arrayContaining(['benali', 'benali-arabic-only']));
    expect(ids('mohamed benali')).toContain('benali-arabic-only');
  });
});

describe('patient search: birth date, phone, combinations', () => {
  it('finds by birth date in ISO or French order, or narrows a name by birth year', () => {
    expect(ids('1985-06-02')).toEqual(['benali']);
    expect(ids('02/06/1985')).toEqual(['benali']);
    expect(ids('benali 1985').sort()).toEqual(['benali', 'mehdi']);
    expect(ids('mohamed benali 1990')).toEqual(['benali-variant']);
  });

  it('finds by phone in national and international forms', () => {
    for (const query of [
      '0612345678',
      '06 12 34 56 78',
      '+212 6 12 34 56 78',
      '00212612345678',
      '+212612345678',
    ]) {
      expect(first(query), query).toBe('benali');
    }
    expect(first('0661234987')).toBe('ait');
  });

  it('reads Arabic-Indic digits as typed on an Arabic keyboard (phone, identifier, birth year)', () => {
    expect(first('٠٦١٢٣٤٥٦٧٨')).toBe('benali');
    expect(ids('بن علي ١٩٨٥').sort()).toEqual(['benali', 'mehdi']);
  });
});

describe('patient search: ranking', () => {
  it('ranks the exact spelling above a variant, a variant above the other script, and those above a prefix', () => {
    const order = ids('Mohamed Benali');
    const rank = (id: string) => order.indexOf(id);
    expect(rank('benali')).toBe(0);
    expect(rank('benali-variant')).toBeGreaterThan(rank('benali'));
    expect(rank('benali-arabic-only')).toBeGreaterThan(rank('benali-variant'));
    expect(rank('benali-prefix')).toBeGreaterThan(rank('benali-arabic-only'));
    expect(order).not.toContain('mehdi');
  });

  it('ranks an identifier match above any name match', () => {
    const [top] = record.search.search('BE123456 Mohammed').hits;
    expect(top?.id).toBe('benali');
  });
});

describe('patient search in the other country profiles', () => {
  it('Algeria: the NIN is found typed in groups; an ill-formed NIN is refused on write', async () => {
    const dz = recordFixture('DZ');
    const dzRecord = await dz.open();
    try {
      dzRecord.store.create(
        patient('dz1', ['Youcef', 'Boumediene'], ['يوسف', 'بومدين'], {
          identifier: [{ system: 'urn:tabib:dz:nin', value: '109850160001230742' }],
          telecom: [{ system: 'phone', value: '0551 23 45 67' }],
        }),
        doctor,
      );
      expect(dzRecord.search.search('109850 1600 01230 742').hits[0]?.id).toBe('dz1');
      expect(dzRecord.search.search('+213 551 234 567').hits[0]?.id).toBe('dz1');
      const bad = patient('dz2', ['Amina', 'Saadi'], null, {
        identifier: [{ system: 'urn:tabib:dz:nin', value: '1098501600012307' }],
      });
      expect(() => dzRecord.store.create(bad, doctor)).toThrow(
        expect.objectContaining({ code: 'IDENTIFIER_INVALID' }),
      );
    } finally {
      dzRecord.close();
      dz.cleanup();
    }
  });

  it('Tunisia: the 8-digit CIN and a phone number without trunk prefix', async () => {
    const tn = recordFixture('TN');
    const tnRecord = await tn.open();
    try {
      tnRecord.store.create(
        patient('tn1', ['Skander', 'Trabelsi'], null, {
          identifier: [{ system: 'urn:tabib:tn:cin', value: '08123456' }],
          telecom: [{ system: 'phone', value: '98 765 432' }],
        }),
        doctor,
      );
      expect(tnRecord.search.search('08123456').hits[0]?.id).toBe('tn1');
      expect(tnRecord.search.search('+216 98 765 432').hits[0]?.id).toBe('tn1');
      expect(tnRecord.search.search('iskander trabelsi').hits[0]?.id).toBe('tn1');
    } finally {
      tnRecord.close();
      tn.cleanup();
    }
  });
});

describe('the name index after a change of the search rules', () => {
  it('is rebuilt at the next open when the rules’ version differs, and only then', async () => {
    const fixture = recordFixture();
    try {
      const record = await fixture.open();
      record.store.create(patient('p-rebuild', ['Youssef', 'Benjelloun'], ['يوسف', 'بنجلون']), doctor);
      const version = () =>
        (
          record.sqlite.prepare("select value from record_meta where key = 'nameIndexVersion'").get() as {
            value: string;
          }
        ).value;
      expect(version()).toBe(`layout-2:${fixture.options.rules.version}`);
      // An older Tabib indexed nothing useful for this name.
      record.sqlite.prepare('delete from patient_name_fts').run();
      record.sqlite
        .prepare("update record_meta set value = 'rules-of-an-older-version' where key = 'nameIndexVersion'")
        .run();
      expect(record.search.search('Benjelloun').hits).toEqual([]);
      record.close();

      const reopened = await fixture.open();
      expect(reopened.search.search('Benjelloun').hits.map((hit) => hit.id)).toEqual(['p-rebuild']);
      expect(reopened.search.search('بنجلون').hits.map((hit) => hit.id)).toEqual(['p-rebuild']);
      expect(reopened.patients.rebuildIfRulesChanged()).toBeNull();
      reopened.close();
    } finally {
      fixture.cleanup();
    }
  });
});
