/**
 * Every way a registration draft can be wrong, refused with its field and a stable code, and
 * nothing written: at the boundary (the draft's shape, zod) and in main (what depends on the
 * country profile, the clinic's date and the bundled lists). patients.checkDraft gives the form
 * the same problems before it saves.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientDraft } from '../../main/contract/features/registration-contract';
import type { DraftCheck, DraftProblem, RegistrationResult } from '../../main/contract/registration-types';
import { draftProblems } from '../../main/contract/registration-types';
import { draft, registrationWorkstation, sample, type Station } from './registration-fixture';

let station: Station;
beforeAll(async () => {
  station = await registrationWorkstation('MA');
});
afterAll(() => station.close());

const coverage = (changes: Partial<NonNullable<PatientDraft['coverage']>> = {}) => ({
  plan: 'MA-AMO-CNSS',
  memberId: '123456789',
  relationship: 'self' as const,
  insurer: '',
  ...changes,
});

/** A draft, the field it is wrong in, and why (the clinic's date is 22 November 2026). */
const wrong: [string, PatientDraft, string[], DraftProblem][] = [
  [
    'no name at all',
    draft({ latin: { family: '', given: '' }, arabic: { family: ' ', given: '' } }),
    ['latin', 'family'],
    'nameRequired',
  ],
  [
    'a given name without family name',
    draft({ latin: { family: '', given: 'Ahmed' } }),
    ['latin', 'family'],
    'familyRequired',
  ],
  [
    'an Arabic family name alone',
    draft({ arabic: { family: 'بنعلي', given: '' } }),
    ['arabic', 'given'],
    'givenRequired',
  ],
  [
    'Arabic letters in the Latin name',
    draft({ latin: { family: 'بنعلي', given: 'Ahmed' } }),
    ['latin', 'family'],
    'latinLettersOnly',
  ],
  [
    'digits in the Latin name',
    draft({ latin: { family: 'Benali2', given: 'Ahmed' } }),
    ['latin', 'family'],
    'latinLettersOnly',
  ],
  [
    'Latin letters in the Arabic name',
    draft({ arabic: { family: 'بنعلي', given: 'Ahmed' } }),
    ['arabic', 'given'],
    'arabicLettersOnly',
  ],
  ['a CIN without its letters', draft({ nationalId: '123456' }), ['nationalId'], 'identifierFormat'],
  ['a CIN too long', draft({ nationalId: 'BE1234567' }), ['nationalId'], 'identifierFormat'],
  ['a passport number of ten characters', draft({ passport: 'AB12345678' }), ['passport'], 'passportFormat'],
  ['no birth date nor age', draft({ birth: null }), ['birth'], 'birthRequired'],
  ['31 February', draft({ birth: { kind: 'date', date: '1985-02-31' } }), ['birth', 'date'], 'dateInvalid'],
  ['tomorrow', draft({ birth: { kind: 'date', date: '2026-11-23' } }), ['birth', 'date'], 'dateInFuture'],
  ['140 years ago', draft({ birth: { kind: 'date', date: '1886-01-01' } }), ['birth', 'date'], 'dateTooOld'],
  [
    'an estimated age of 140',
    draft({ birth: { kind: 'estimated', years: 140, months: 0 } }),
    ['birth', 'years'],
    'dateTooOld',
  ],
  ['no sex', draft({ gender: null }), ['gender'], 'sexRequired'],
  ['a phone number too short', draft({ phone: '06 12 34' }), ['phone'], 'phoneInvalid'],
  ['letters in the phone number', draft({ phone: '06 12 AB 56 78' }), ['phone'], 'phoneInvalid'],
  [
    'a region that does not exist',
    draft({ address: { path: ['MA-99'], locality: '', line: '' } }),
    ['address', 'path', '0'],
    'placeUnknown',
  ],
  [
    'a province of another region',
    draft({ address: { path: ['MA-06', 'MA-RAB'], locality: '', line: '' } }),
    ['address', 'path', '1'],
    'placeUnknown',
  ],
  [
    'an unknown plan',
    draft({ coverage: coverage({ plan: 'DZ-CNAS' }) }),
    ['coverage', 'plan'],
    'planUnknown',
  ],
  [
    'no member number',
    draft({ coverage: coverage({ memberId: '  ' }) }),
    ['coverage', 'memberId'],
    'memberIdRequired',
  ],
  [
    'a member number with symbols',
    draft({ coverage: coverage({ memberId: '12#34' }) }),
    ['coverage', 'memberId'],
    'memberIdFormat',
  ],
  [
    'a private plan without its insurer',
    draft({ coverage: coverage({ plan: 'MA-PRIVATE' }) }),
    ['coverage', 'insurer'],
    'insurerRequired',
  ],
];

describe('a registration draft', () => {
  it('is refused for each problem, at its field, and nothing is written', async () => {
    // Every problem the contract names is exercised here.
    expect(new Set(wrong.map(([, , , code]) => code))).toEqual(new Set(draftProblems));
    for (const [label, candidate, path, code] of wrong) {
      const before = station.counts();
      const error = await station.refusal('patients.register', { draft: candidate });
      expect(error.code, label).toBe('INVALID_ARGUMENT');
      const issues = (error.details as { issues: { path: string[]; code: string }[] }).issues;
      expect(issues, label).toContainEqual(expect.objectContaining({ path: ['draft', ...path], code }));
      expect(station.counts(), label).toEqual(before);
      // The form is told the same before it saves: paths inside the draft.
      const check = await station.call<DraftCheck>('patients.checkDraft', { draft: candidate });
      expect(check.issues, label).toContainEqual(expect.objectContaining({ path, code }));
    }
  });

  it('reports every problem at once', async () => {
    const check = await station.call<DraftCheck>('patients.checkDraft', {
      draft: draft({
        nationalId: '42',
        phone: 'x',
        gender: null,
        birth: { kind: 'date', date: '2030-01-01' },
      }),
    });
    expect(check.issues.map((issue) => issue.code).sort()).toEqual([
      'dateInFuture',
      'identifierFormat',
      'phoneInvalid',
      'sexRequired',
    ]);
  });

  it('passes the checks when valid, in whatever form the identifiers and phone were typed', async () => {
    const valid = draft({
      nationalId: ' be-123 456',
      passport: 'ab 123 4567',
      phone: '+212 6 12 34 56 78',
      birth: { kind: 'date', date: '2026-11-22' },
      address: { path: ['MA-06', 'MA-NOU'], locality: 'Douar Lahjar', line: '' },
      coverage: coverage({ plan: 'MA-PRIVATE', insurer: 'Mutuelle du personnel' }),
    });
    expect((await station.call<DraftCheck>('patients.checkDraft', { draft: valid })).issues).toEqual([]);
    const saved = await station.call<RegistrationResult>('patients.register', { draft: valid });
    expect(saved.patient).toMatchObject({ identifier: { value: 'BE123456' }, phone: sample.MA.e164 });
  });

  it('is refused at the boundary when its shape is wrong, before main looks at it', async () => {
    const shapes: [string, unknown, string][] = [
      ['an unknown field', { ...draft(), nickname: 'Hmida' }, ''],
      [
        'a date typed the French way',
        { ...draft(), birth: { kind: 'date', date: '14/03/1985' } },
        'birth.date',
      ],
      ['a sex outside FHIR’s', { ...draft(), gender: 'm' }, 'gender'],
      [
        'months beyond 11',
        { ...draft(), birth: { kind: 'estimated', years: 1, months: 12 } },
        'birth.months',
      ],
      [
        'a relationship outside the list',
        { ...draft(), coverage: coverage({ relationship: 'cousin' as never }) },
        'coverage.relationship',
      ],
      [
        'a name of 101 characters',
        { ...draft(), latin: { family: 'B'.repeat(101), given: 'A' } },
        'latin.family',
      ],
      [
        'four address levels',
        { ...draft(), address: { path: ['a', 'b', 'c', 'd'], locality: '', line: '' } },
        'address.path',
      ],
    ];
    for (const [label, candidate, path] of shapes) {
      const before = station.counts();
      const error = await station.refusal('patients.register', { draft: candidate });
      expect(error.code, label).toBe('INVALID_ARGUMENT');
      const paths = (error.details as { issues: { path: string[] }[] }).issues.map((issue) =>
        issue.path.join('.'),
      );
      expect(paths, label).toContain(path ? `draft.${path}` : 'draft');
      expect(station.counts(), label).toEqual(before);
    }
    expect((await station.refusal('patients.register', {})).code).toBe('INVALID_ARGUMENT');
    expect((await station.refusal('patients.get', { patientId: '../etc' })).code).toBe('INVALID_ARGUMENT');
  });
});
