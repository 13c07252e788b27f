/**
 * Possible duplicates, shown before creating: the same national identifier or passport stops the
 * registration (the patient is already here); a similar name in either script with the same birth
 * year and sex needs the user's confirmation. main checks again when saving, whatever the form did.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuplicateCheck, RegistrationResult } from '../../main/contract/registration-types';
import { draft, registrationWorkstation, type Station } from './registration-fixture';

let station: Station;
let benali: RegistrationResult;
let estimated: RegistrationResult;

beforeAll(async () => {
  station = await registrationWorkstation('MA');
  benali = await station.call<RegistrationResult>('patients.register', {
    draft: draft({
      nationalId: 'BE123456',
      passport: 'AB1234567',
      arabic: { family: '', given: '' },
    }),
  });
  // Only an estimated age: born "about" 1960 (66 on 22 November 2026).
  estimated = await station.call<RegistrationResult>('patients.register', {
    draft: draft({
      latin: { family: 'El Idrissi', given: 'Fatima' },
      arabic: { family: 'الإدريسي', given: 'فاطمة' },
      gender: 'female',
      birth: { kind: 'estimated', years: 66, months: 0 },
    }),
  });
});
afterAll(() => station.close());

const ids = (candidates: { id: string }[]) => candidates.map((candidate) => candidate.id);

describe('possible duplicates', () => {
  it('finds the patient holding the same national identifier, however it is typed', async () => {
    const check = await station.call<DuplicateCheck>('patients.findDuplicates', {
      draft: draft({
        latin: { family: 'Alaoui', given: 'Karim' },
        arabic: { family: '', given: '' },
        nationalId: 'be 123-456',
      }),
    });
    expect(ids(check.identifier)).toEqual([benali.patient.id]);
    expect(check.identifier[0]).toMatchObject({
      reasons: ['nationalIdentifier'],
      latin: { family: 'Benali', given: 'Ahmed' },
      birthDate: '1985-03-14',
      identifier: { value: 'BE123456' },
    });
    expect(check.similar).toEqual([]);
  });

  it('refuses to register a second patient with that identifier or passport, even when confirmed', async () => {
    for (const changes of [{ nationalId: 'BE123456' }, { passport: 'ab1234567' }]) {
      const before = station.counts();
      const error = await station.refusal('patients.register', {
        draft: draft({
          latin: { family: 'Alaoui', given: 'Karim' },
          arabic: { family: '', given: '' },
          ...changes,
        }),
        acknowledgedDuplicates: [benali.patient.id],
      });
      expect(error.code).toBe('PATIENT_IDENTIFIER_TAKEN');
      expect(error.details).toEqual({ patientIds: [benali.patient.id] });
      expect(station.counts()).toEqual(before);
    }
  });

  it('finds a similar name with the same birth year and sex, in either script', async () => {
    const drafts = [
      // The same names spelt otherwise, another day of the same year.
      draft({
        latin: { family: 'Ben Ali', given: 'Ahmad' },
        arabic: { family: '', given: '' },
        birth: { kind: 'date', date: '1985-11-02' },
      }),
      // Only in Arabic script: the search's transliteration finds the Latin-only patient.
      draft({ latin: { family: '', given: '' }, arabic: { family: 'بنعلي', given: 'أحمد' } }),
    ];
    for (const candidate of drafts) {
      const check = await station.call<DuplicateCheck>('patients.findDuplicates', { draft: candidate });
      expect(check.identifier).toEqual([]);
      expect(ids(check.similar)).toEqual([benali.patient.id]);
      expect(check.similar[0]?.reasons).toEqual(['name']);
    }
  });

  it('does not count another birth year, the other sex, or another name', async () => {
    const unlike = [
      draft({ arabic: { family: '', given: '' }, birth: { kind: 'date', date: '1986-03-14' } }),
      draft({ arabic: { family: '', given: '' }, birth: { kind: 'date', date: '1984-12-31' } }),
      draft({
        arabic: { family: '', given: '' },
        gender: 'female',
        latin: { family: 'Benali', given: 'Ahmed' },
      }),
      draft({ arabic: { family: '', given: '' }, latin: { family: 'Benali', given: 'Youssef' } }),
      draft({ arabic: { family: '', given: '' }, latin: { family: 'Tazi', given: 'Ahmed' } }),
    ];
    for (const candidate of unlike) {
      const check = await station.call<DuplicateCheck>('patients.findDuplicates', { draft: candidate });
      expect(check, JSON.stringify(candidate.latin) + JSON.stringify(candidate.birth)).toEqual({
        identifier: [],
        similar: [],
      });
    }
  });

  it('allows a year either side when one of the birth dates is an estimate', async () => {
    for (const birth of [
      { kind: 'date' as const, date: '1959-06-01' },
      { kind: 'date' as const, date: '1961-06-01' },
      { kind: 'estimated' as const, years: 65, months: 0 },
    ]) {
      const check = await station.call<DuplicateCheck>('patients.findDuplicates', {
        draft: draft({
          latin: { family: 'Idrissi', given: 'Fatima' },
          arabic: { family: '', given: '' },
          gender: 'female',
          birth,
        }),
      });
      expect(ids(check.similar), JSON.stringify(birth)).toEqual([estimated.patient.id]);
    }
    const farther = await station.call<DuplicateCheck>('patients.findDuplicates', {
      draft: draft({
        latin: { family: 'El Idrissi', given: 'Fatima' },
        arabic: { family: '', given: '' },
        gender: 'female',
        birth: { kind: 'date', date: '1958-06-01' },
      }),
    });
    expect(farther.similar).toEqual([]);
  });

  it('registers a similar patient only once the user confirmed having seen each candidate', async () => {
    const twin = draft({
      latin: { family: 'Benali', given: 'Ahmed' },
      arabic: { family: '', given: '' },
      birth: { kind: 'date', date: '1985-07-30' },
    });
    const before = station.counts();
    const refused = await station.refusal('patients.register', { draft: twin });
    expect(refused.code).toBe('PATIENT_POSSIBLE_DUPLICATES');
    expect(refused.details).toEqual({ patientIds: [benali.patient.id] });
    // Confirming some other patient is not confirming this one.
    const wrongOne = await station.refusal('patients.register', {
      draft: twin,
      acknowledgedDuplicates: [estimated.patient.id],
    });
    expect(wrongOne.code).toBe('PATIENT_POSSIBLE_DUPLICATES');
    expect(station.counts()).toEqual(before);

    const created = await station.call<RegistrationResult>('patients.register', {
      draft: twin,
      acknowledgedDuplicates: [benali.patient.id],
    });
    expect(created.patient.id).not.toBe(benali.patient.id);
    // From now on each is the other's possible duplicate; editing one does not list itself.
    const check = await station.call<DuplicateCheck>('patients.findDuplicates', {
      draft: twin,
      patientId: created.patient.id,
    });
    expect(ids(check.similar)).toEqual([benali.patient.id]);
  });
});
