/**
 * The registration form's own model (renderer/src/registration/registration-form-state.ts): what
 * is typed becomes the contract's draft and back, and the problems the form shows before main
 * answers use main's codes and field paths.
 */
import { describe, expect, it } from 'vitest';
import {
  draftFromForm,
  emptyForm,
  formFromDraft,
  localProblems,
  parseTypedDate,
  problemsOfIssues,
} from '../../renderer/src/registration/registration-form-state';
import { draft } from './registration-fixture';

describe('the registration form', () => {
  it('reads a birth date typed day first, in any of the usual separators, or ISO', () => {
    expect(parseTypedDate('14/03/1985')).toBe('1985-03-14');
    expect(parseTypedDate(' 4.3.1985 ')).toBe('1985-03-04');
    expect(parseTypedDate('04-03-1985')).toBe('1985-03-04');
    expect(parseTypedDate('١٤/٠٣/١٩٨٥')).toBe('1985-03-14');
    expect(parseTypedDate('1985-03-14')).toBe('1985-03-14');
    for (const wrong of ['', '1985', '03/1985', '14/03/85', '14 mars 1985', '1985/03/14'])
      expect(parseTypedDate(wrong), wrong).toBeNull();
  });

  it('gives the draft back as it came (an edit saved unchanged is the same draft)', () => {
    const complete = draft({
      nationalId: 'BE123456',
      passport: 'AB1234567',
      phone: '+212612345678',
      address: { path: ['MA-06', 'MA-CAS', 'MA-CAS.casablanca'], locality: '', line: '12, rue X' },
      coverage: { plan: 'MA-AMO-CNSS', memberId: '123', relationship: 'child', insurer: '' },
    });
    expect(draftFromForm(formFromDraft(complete))).toEqual(complete);
    const estimated = draft({ birth: { kind: 'estimated', years: 1, months: 6 }, coverage: null });
    expect(draftFromForm(formFromDraft(estimated))).toEqual(estimated);
    expect(formFromDraft(estimated)).toMatchObject({ estimated: true, ageYears: '1', ageMonths: '6' });
  });

  it('sends no birth for an age or a date that is not typed as one', () => {
    const typed = (changes: Partial<ReturnType<typeof emptyForm>>) =>
      draftFromForm({ ...emptyForm(), ...changes }).birth;
    expect(typed({ birthDate: '31/02/1985' })).toEqual({ kind: 'date', date: '1985-02-31' });
    expect(typed({ birthDate: 'hier' })).toBeNull();
    expect(typed({ estimated: true, ageYears: '45' })).toEqual({ kind: 'estimated', years: 45, months: 0 });
    expect(typed({ estimated: true, ageMonths: '8' })).toEqual({ kind: 'estimated', years: 0, months: 8 });
    expect(typed({ estimated: true, ageYears: '2', ageMonths: '12' })).toBeNull();
    expect(typed({ estimated: true })).toBeNull();
  });

  it('sees at once what needs no country profile: names, birth, sex, a plan without its number', () => {
    expect(localProblems(emptyForm())).toEqual({
      'latin.family': 'nameRequired',
      birth: 'birthRequired',
      gender: 'sexRequired',
    });
    expect(
      localProblems({
        ...emptyForm(),
        latinGiven: 'Ahmed',
        arabicFamily: 'بنعلي',
        birthDate: '14-3',
        gender: 'male',
        plan: 'MA-AMO-CNSS',
      }),
    ).toEqual({
      'latin.family': 'familyRequired',
      'arabic.given': 'givenRequired',
      birth: 'dateInvalid',
      'coverage.memberId': 'memberIdRequired',
    });
    expect(
      localProblems({
        ...emptyForm(),
        arabicFamily: 'بنعلي',
        arabicGiven: 'أحمد',
        estimated: true,
        ageYears: 'x',
        gender: 'female',
      }),
    ).toEqual({
      birth: 'ageInvalid',
    });
  });

  it('puts main’s problems at their fields, from a check or from a refused save', () => {
    expect(
      problemsOfIssues([
        { path: ['nationalId'], code: 'identifierFormat' },
        { path: ['draft', 'birth', 'years'], code: 'dateTooOld' },
        { path: ['address', 'path', '1'], code: 'placeUnknown' },
        { path: ['draft', 'coverage', 'memberId'], code: 'memberIdFormat' },
        { path: ['draft', 'nickname'], code: 'nameRequired' },
      ]),
    ).toEqual({
      nationalId: 'identifierFormat',
      birth: 'dateTooOld',
      'address.path.1': 'placeUnknown',
      'coverage.memberId': 'memberIdFormat',
    });
  });
});
