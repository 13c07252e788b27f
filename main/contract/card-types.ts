/**
 * Result types of the card calls (main/card/card-service.ts). Plain data: they cross IPC and the
 * worker boundary by structured clone. The read report is the one main/card/ builds
 * (card-identity.ts): the identity and what was checked, never a data group's bytes.
 */
import type { CardReadReport } from '../card/card-identity';
import type { PatientSummary } from './types';

export type {
  AccessProtocol,
  CardIdentity,
  CardReadProgress,
  CardReadReport,
  DataGroupReport,
  DocumentKind,
  PassiveAuthenticationStatus,
} from '../card/card-identity';

export interface CardReaderView {
  name: string;
  cardPresent: boolean;
}

export interface CardReadersView {
  readers: CardReaderView[];
}

/**
 * Why a patient of the replica is offered for a card:
 * - 'identifier': the card's national identifier (or, for a passport, its number) is recorded
 *   for this patient, under the country profile's system;
 * - 'nameAndBirthDate': no recorded identifier matches, but the names and the full birth date
 *   agree and the patient has no other national identifier: the clinician checks before opening.
 */
export type CardMatchBasis = 'identifier' | 'nameAndBirthDate';

/** Where the record and the card disagree, shown next to the match so that it is checked. */
export const cardIdentityFields = ['name', 'birthDate', 'sex'] as const;
export type CardIdentityField = (typeof cardIdentityFields)[number];

export interface CardPatientMatch {
  patient: PatientSummary;
  matchedBy: CardMatchBasis;
  differences: CardIdentityField[];
}

export interface CardReadResult {
  report: CardReadReport;
  /** Best first: identifier matches before name-and-birth-date ones, then by fewer differences. */
  matches: CardPatientMatch[];
}

/**
 * What is wrong with a typed access key: its layout (ICAO 9303-4/-5/-6: 3 × 30, 2 × 36 or 2 × 44
 * characters), characters (9303-3 §4.3), or the check digit of a field (9303-3 §4.9); a CAN's six
 * digits. `line` is 1-based, null for the whole key. The renderer localises
 * `card.access.problem.<problem>`.
 */
export const cardAccessProblems = [
  'layout',
  'characters',
  'documentNumber',
  'birthDate',
  'expiryDate',
  'personalNumber',
  'composite',
  'otherField',
  'canFormat',
] as const;
export type CardAccessProblem = (typeof cardAccessProblems)[number];

export interface CardAccessCheck {
  valid: boolean;
  /** ICAO 9303 layout of a typed MRZ (TD1 ID card, TD2, TD3 passport); null for a CAN or an unknown layout. */
  format: 'TD1' | 'TD2' | 'TD3' | null;
  /** The key as the chip is given it (capitals, fillers, Latin digits), when it is valid. */
  mrz: string[] | null;
  can: string | null;
  problems: { problem: CardAccessProblem; line: number | null }[];
}
