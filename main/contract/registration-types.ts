/**
 * Result types of the registration calls (features/registration-contract.ts) and the fixed lists
 * the registration form shares with main. Dependency-free: the renderer imports it.
 */
import type { Gender, Language, PatientSummary } from './types';

export const genders = ['female', 'male', 'other', 'unknown'] as const satisfies readonly Gender[];

/** HL7 subscriber-relationship (terminology.hl7.org/CodeSystem/subscriber-relationship), the ones a clinic meets. */
export const coverageRelationships = ['self', 'spouse', 'child', 'parent', 'other'] as const;
export type CoverageRelationship = (typeof coverageRelationships)[number];

/**
 * Why a draft cannot be registered, one stable code per problem (the renderer localises
 * `registration.problem.<code>`). Each comes with the path of the field it is about.
 */
export const draftProblems = [
  /** Neither the Latin nor the Arabic name is given. */
  'nameRequired',
  'familyRequired',
  'givenRequired',
  /** A Latin-script field holds something else than Latin letters, spaces, hyphens, apostrophes. */
  'latinLettersOnly',
  'arabicLettersOnly',
  /** The national identifier does not have the country profile's format. */
  'identifierFormat',
  'passportFormat',
  'birthRequired',
  /** Not a calendar date (31 February). */
  'dateInvalid',
  'dateInFuture',
  /** More than 130 years ago (a typing error, most likely). */
  'dateTooOld',
  'sexRequired',
  'phoneInvalid',
  /** A division code that the country's list does not hold under the division chosen above it. */
  'placeUnknown',
  'planUnknown',
  'memberIdRequired',
  'memberIdFormat',
  /** A private plan: the insurer's name is needed. */
  'insurerRequired',
] as const;
export type DraftProblem = (typeof draftProblems)[number];

/** One problem of a draft: the field's path inside the draft (e.g. `['latin', 'family']`). */
export interface DraftIssue {
  path: string[];
  code: DraftProblem;
  message: string;
}

export interface DraftCheck {
  issues: DraftIssue[];
}

/** A patient already in the record that the new one may be, and why. */
export interface DuplicateCandidate extends PatientSummary {
  reasons: ('nationalIdentifier' | 'passport' | 'name')[];
}

export interface DuplicateCheck {
  /** Patients holding the same national identifier or passport: registering is refused. */
  identifier: DuplicateCandidate[];
  /** Similar names (either script) with the same birth year and a compatible sex: the user confirms. */
  similar: DuplicateCandidate[];
}

/** A saved patient (register or update): what the chart needs to open, and the versions to edit again. */
export interface RegistrationResult {
  patient: PatientSummary;
  version: number;
  coverage: { id: string; version: number } | null;
}

/** A name in the interface's languages; the English one is the French where none is given. */
export type LocalisedName = Record<Language, string>;

export interface PlaceLevelView {
  key: string;
  label: LocalisedName;
}

export interface PlaceView {
  code: string;
  name: LocalisedName;
  /** The divisions below this one, when the bundled list has them; else the next level is typed. */
  children: PlaceView[];
}

/** The country's administrative divisions (resources/countries/<country>-divisions.json). */
export interface PlacesView {
  country: string;
  /** From the top (region, wilaya, gouvernorat) down; the last one may be typed when not listed. */
  levels: PlaceLevelView[];
  places: PlaceView[];
  source: string;
}

export interface CoveragePlanView {
  code: string;
  name: LocalisedName;
  payor: { code: string; name: LocalisedName };
  kind: 'mandatory' | 'assistance' | 'military' | 'private';
  /** The insurer's name is asked for (a private plan). */
  insurerNamed: boolean;
}

export interface CoveragePlansView {
  country: string;
  plans: CoveragePlanView[];
  source: string;
}
