/**
 * What main checks in a registration draft beyond its shape (checked by zod at the boundary):
 * what depends on the country profile, the clinic's date and the bundled lists. Each problem
 * names its field, so the form shows it there. The same checks serve the form's inline
 * validation (patients.checkDraft) and the save (patients.register, patients.update), so the two
 * never disagree.
 */
import type { PatientDraft } from '../contract/features/registration-contract';
import type { DraftIssue, DraftProblem } from '../contract/registration-types';
import { TabibError } from '../errors';
import type { CountryProfile } from '../record/identity/country-profile';
import { identifierKey, nationalIdProblem, passportNumberProblem } from '../record/identity/national-id';
import { phoneKey } from '../record/identity/phone-number';
import { compareDays, OLDEST_AGE_YEARS, parseCalendarDay, type CalendarDay } from './birth-date';
import type { CountryCoverages } from './coverage-plans';
import { invalidPathIndex, type CountryPlaces } from './places';

export interface DraftContext {
  profile: CountryProfile;
  places: CountryPlaces;
  coverages: CountryCoverages;
  today: CalendarDay;
}

/** Unicode NFC, no leading, trailing or repeated spaces (a name pasted from a document). */
function tidy(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/**
 * The draft as it will be stored: texts tidied, identifiers in their indexed form ("be 123456"
 * is "BE123456"), a locality dropped when the list already gave the last level.
 */
export function normaliseDraft(draft: PatientDraft, places: CountryPlaces): PatientDraft {
  const path = draft.address.path.map(tidy).filter(Boolean);
  return {
    latin: { family: tidy(draft.latin.family), given: tidy(draft.latin.given) },
    arabic: { family: tidy(draft.arabic.family), given: tidy(draft.arabic.given) },
    nationalId: identifierKey(draft.nationalId),
    passport: identifierKey(draft.passport),
    birth: draft.birth,
    gender: draft.gender,
    phone: tidy(draft.phone),
    address: {
      path,
      locality: path.length >= places.levels.length ? '' : tidy(draft.address.locality),
      line: tidy(draft.address.line),
    },
    coverage: draft.coverage
      ? {
          plan: draft.coverage.plan.trim(),
          memberId: tidy(draft.coverage.memberId).toUpperCase(),
          relationship: draft.coverage.relationship,
          insurer: tidy(draft.coverage.insurer),
        }
      : null,
  };
}

/** Latin letters (accents included), spaces, hyphens, apostrophes, dots ("Aït", "El-Idrissi", "O'Neil", "M."). */
const LATIN_NAME = /^[\p{Script=Latin}\p{M}][\p{Script=Latin}\p{M} '’.-]*$/u;
/** Arabic letters and marks (harakat), spaces, hyphens; tatweel is an Arabic-script character too. */
const ARABIC_NAME = /^[\p{Script=Arabic}][\p{Script=Arabic}\p{M} '’-]*$/u;
/** A member number: letters, digits and the separators printed on cards. */
const MEMBER_ID = /^[A-Z0-9][A-Z0-9 ./-]{0,29}$/;

const messages: Record<DraftProblem, string> = {
  nameRequired: 'a name in Latin or Arabic script is required',
  familyRequired: 'the family name is required with the given name',
  givenRequired: 'the given name is required with the family name',
  latinLettersOnly: 'only Latin letters, spaces, hyphens and apostrophes',
  arabicLettersOnly: 'only Arabic letters, spaces and hyphens',
  identifierFormat: 'not a valid national identifier for the country profile',
  passportFormat: 'not a passport number (up to 9 letters and digits)',
  birthRequired: 'a birth date or an estimated age is required',
  dateInvalid: 'not a calendar date',
  dateInFuture: 'the date is after today',
  dateTooOld: `more than ${OLDEST_AGE_YEARS} years ago`,
  sexRequired: 'the sex is required (unknown is a choice)',
  phoneInvalid: 'not a phone number of the country (or an international one with its +code)',
  placeUnknown: 'not a division of the list under the one chosen above',
  planUnknown: 'not an insurance plan of the country',
  memberIdRequired: 'the member number is required',
  memberIdFormat: 'a member number has 1 to 30 letters, digits and separators',
  insurerRequired: 'the insurer is required for a private plan',
};

/** The problems of a normalised draft; none when it can be saved. */
export function draftIssues(draft: PatientDraft, context: DraftContext): DraftIssue[] {
  const issues: DraftIssue[] = [];
  const add = (code: DraftProblem, ...path: string[]) => issues.push({ path, code, message: messages[code] });

  let named = false;
  for (const script of ['latin', 'arabic'] as const) {
    const { family, given } = draft[script];
    if (!family && !given) continue;
    named = true;
    if (!family) add('familyRequired', script, 'family');
    if (!given) add('givenRequired', script, 'given');
    const pattern = script === 'latin' ? LATIN_NAME : ARABIC_NAME;
    for (const part of ['family', 'given'] as const)
      if (draft[script][part] && !pattern.test(draft[script][part]))
        add(script === 'latin' ? 'latinLettersOnly' : 'arabicLettersOnly', script, part);
  }
  if (!named) add('nameRequired', 'latin', 'family');

  if (draft.nationalId && nationalIdProblem(context.profile.nationalIdentifier.format, draft.nationalId))
    add('identifierFormat', 'nationalId');
  if (draft.passport && passportNumberProblem(draft.passport)) add('passportFormat', 'passport');

  const birth = draft.birth;
  if (!birth) add('birthRequired', 'birth');
  else if (birth.kind === 'date') {
    const day = parseCalendarDay(birth.date);
    const oldest = { ...context.today, year: context.today.year - OLDEST_AGE_YEARS };
    if (!day) add('dateInvalid', 'birth', 'date');
    else if (compareDays(day, context.today) > 0) add('dateInFuture', 'birth', 'date');
    else if (compareDays(day, oldest) < 0) add('dateTooOld', 'birth', 'date');
  } else if (birth.years > OLDEST_AGE_YEARS) add('dateTooOld', 'birth', 'years');

  if (!draft.gender) add('sexRequired', 'gender');
  if (draft.phone && phoneKey(context.profile.phone, draft.phone) === null) add('phoneInvalid', 'phone');

  const wrong = invalidPathIndex(context.places, draft.address.path);
  if (wrong >= 0) add('placeUnknown', 'address', 'path', String(wrong));

  const coverage = draft.coverage;
  if (coverage) {
    const plan = context.coverages.byCode.get(coverage.plan);
    if (!plan) add('planUnknown', 'coverage', 'plan');
    if (!coverage.memberId) add('memberIdRequired', 'coverage', 'memberId');
    else if (!MEMBER_ID.test(coverage.memberId)) add('memberIdFormat', 'coverage', 'memberId');
    if (plan?.insurerNamed && !coverage.insurer) add('insurerRequired', 'coverage', 'insurer');
  }
  return issues;
}

/**
 * Throws INVALID_ARGUMENT with the issues, their paths from the call's arguments (`draft.…`) as
 * the boundary's own validation gives them, so the form handles both alike.
 */
export function assertDraftValid(draft: PatientDraft, context: DraftContext): void {
  const issues = draftIssues(draft, context);
  if (issues.length === 0) return;
  throw new TabibError(
    'INVALID_ARGUMENT',
    `The patient cannot be saved: ${issues.map((issue) => `${issue.path.join('.')} ${issue.code}`).join(', ')}`,
    { issues: issues.map((issue) => ({ ...issue, path: ['draft', ...issue.path] })) },
  );
}
