/**
 * The registration form's state: what is typed, as typed (a date as "14/03/1985", an age as
 * digits), the draft the contract takes (PatientDraft), and the problems the form can see by
 * itself at once. What depends on the country profile, the record or the clinic's date is
 * checked by main (patients.checkDraft) with the same codes, so the two never disagree.
 */
import type { PatientDraft } from '../../../main/contract/features/registration-contract';
import type {
  CoverageRelationship,
  DraftIssue,
  DraftProblem,
} from '../../../main/contract/registration-types';
import type { Gender } from '../../../main/contract/types';

export interface RegistrationFormState {
  latinFamily: string;
  latinGiven: string;
  arabicFamily: string;
  arabicGiven: string;
  nationalId: string;
  passport: string;
  /** The birth date as typed, dd/mm/yyyy (day first, as in the Maghreb). */
  birthDate: string;
  estimated: boolean;
  ageYears: string;
  ageMonths: string;
  gender: Gender | null;
  phone: string;
  /** Division codes chosen, from the top level down. */
  path: string[];
  /** The last level, typed (matched to a listed commune when its name is typed exactly). */
  locality: string;
  line: string;
  plan: string;
  memberId: string;
  relationship: CoverageRelationship;
  insurer: string;
}

/** The form's fields, by the draft path main names in its problems (`latin.family`, `coverage.plan`…). */
export const fieldKeys = [
  'latin.family',
  'latin.given',
  'arabic.family',
  'arabic.given',
  'gender',
  'birth',
  'nationalId',
  'passport',
  'phone',
  'address.path.0',
  'address.path.1',
  'address.path.2',
  'address.locality',
  'address.line',
  'coverage.plan',
  'coverage.memberId',
  'coverage.insurer',
] as const;
export type FieldKey = (typeof fieldKeys)[number];

export function emptyForm(): RegistrationFormState {
  return {
    latinFamily: '',
    latinGiven: '',
    arabicFamily: '',
    arabicGiven: '',
    nationalId: '',
    passport: '',
    birthDate: '',
    estimated: false,
    ageYears: '',
    ageMonths: '',
    gender: null,
    phone: '',
    path: [],
    locality: '',
    line: '',
    plan: '',
    memberId: '',
    relationship: 'self',
    insurer: '',
  };
}

const ARABIC_INDIC = /[\u0660-\u0669\u06F0-\u06F9]/g;

function asciiDigits(text: string): string {
  return text.replace(ARABIC_INDIC, (digit) => String((digit.codePointAt(0) as number) & 0xf));
}

/**
 * A typed birth date as ISO 8601: "14/03/1985", "14.3.1985", "14-03-1985" (day first) or
 * "1985-03-14"; null when it is not one of these shapes (whether the day exists is main's check).
 */
export function parseTypedDate(text: string): string | null {
  const value = asciiDigits(text.trim());
  let match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match) return value;
  match = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$/.exec(value);
  if (!match) return null;
  const [, day, month, year] = match as unknown as [string, string, string, string];
  return `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
}

/** An ISO date as the form shows it: dd/mm/yyyy. */
export function typedDate(iso: string): string {
  const [year, month, day] = iso.split('-');
  return `${day}/${month}/${year}`;
}

function wholeNumber(text: string): number | null {
  const value = asciiDigits(text.trim());
  return /^\d{1,3}$/.test(value) ? Number(value) : null;
}

export function formFromDraft(draft: PatientDraft): RegistrationFormState {
  const birth = draft.birth;
  return {
    latinFamily: draft.latin.family,
    latinGiven: draft.latin.given,
    arabicFamily: draft.arabic.family,
    arabicGiven: draft.arabic.given,
    nationalId: draft.nationalId,
    passport: draft.passport,
    birthDate: birth?.kind === 'date' ? typedDate(birth.date) : '',
    estimated: birth?.kind === 'estimated',
    ageYears: birth?.kind === 'estimated' ? String(birth.years) : '',
    ageMonths: birth?.kind === 'estimated' && birth.months > 0 ? String(birth.months) : '',
    gender: draft.gender,
    phone: draft.phone,
    path: draft.address.path,
    locality: draft.address.locality,
    line: draft.address.line,
    plan: draft.coverage?.plan ?? '',
    memberId: draft.coverage?.memberId ?? '',
    relationship: draft.coverage?.relationship ?? 'self',
    insurer: draft.coverage?.insurer ?? '',
  };
}

function birthOf(form: RegistrationFormState): PatientDraft['birth'] {
  if (form.estimated) {
    const years = wholeNumber(form.ageYears || '0');
    const months = wholeNumber(form.ageMonths || '0');
    if (years === null || months === null || months > 11 || years > 150) return null;
    if (!form.ageYears.trim() && !form.ageMonths.trim()) return null;
    return { kind: 'estimated', years, months };
  }
  const date = parseTypedDate(form.birthDate);
  return date ? { kind: 'date', date } : null;
}

export function draftFromForm(form: RegistrationFormState): PatientDraft {
  return {
    latin: { family: form.latinFamily, given: form.latinGiven },
    arabic: { family: form.arabicFamily, given: form.arabicGiven },
    nationalId: form.nationalId,
    passport: form.passport,
    birth: birthOf(form),
    gender: form.gender,
    phone: form.phone,
    address: { path: form.path, locality: form.locality, line: form.line },
    coverage: form.plan
      ? { plan: form.plan, memberId: form.memberId, relationship: form.relationship, insurer: form.insurer }
      : null,
  };
}

/** A problem of a field, with the draft path main would name (for focusing the field). */
export type FormProblems = Partial<Record<FieldKey, DraftProblem | 'ageInvalid'>>;

/** The field a draft path belongs to (`birth.date` and `birth.years` are the birth field). */
export function fieldOfPath(path: readonly string[]): FieldKey | null {
  const [head] = path;
  if (head === 'birth') return 'birth';
  const key = path.join('.');
  return (fieldKeys as readonly string[]).includes(key) ? (key as FieldKey) : null;
}

/** main's problems (patients.checkDraft, or a save's INVALID_ARGUMENT) by field. */
export function problemsOfIssues(issues: readonly Pick<DraftIssue, 'path' | 'code'>[]): FormProblems {
  const problems: FormProblems = {};
  for (const issue of issues) {
    const path = issue.path[0] === 'draft' ? issue.path.slice(1) : issue.path;
    const field = fieldOfPath(path);
    if (field && !problems[field]) problems[field] = issue.code;
  }
  return problems;
}

/**
 * What the form sees at once, before main answers: a name in neither script, half a name, no
 * birth date, a date or an age that is not typed as one, no sex, a plan without member number.
 */
export function localProblems(form: RegistrationFormState): FormProblems {
  const problems: FormProblems = {};
  const blank = (text: string) => text.trim() === '';
  const latin = !blank(form.latinFamily) || !blank(form.latinGiven);
  const arabic = !blank(form.arabicFamily) || !blank(form.arabicGiven);
  if (!latin && !arabic) problems['latin.family'] = 'nameRequired';
  if (latin && blank(form.latinFamily)) problems['latin.family'] = 'familyRequired';
  if (latin && blank(form.latinGiven)) problems['latin.given'] = 'givenRequired';
  if (arabic && blank(form.arabicFamily)) problems['arabic.family'] = 'familyRequired';
  if (arabic && blank(form.arabicGiven)) problems['arabic.given'] = 'givenRequired';
  if (form.estimated) {
    if (blank(form.ageYears) && blank(form.ageMonths)) problems.birth = 'birthRequired';
    else if (birthOf(form) === null) problems.birth = 'ageInvalid';
  } else if (blank(form.birthDate)) problems.birth = 'birthRequired';
  else if (parseTypedDate(form.birthDate) === null) problems.birth = 'dateInvalid';
  if (!form.gender) problems.gender = 'sexRequired';
  if (form.plan && blank(form.memberId)) problems['coverage.memberId'] = 'memberIdRequired';
  return problems;
}
