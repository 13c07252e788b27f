/** Result types of contract calls. Plain data: they cross IPC by structured clone. */

export * from './update-types';
export * from './card-types';
export * from './sync-types';

export const languages = ['fr', 'ar', 'en'] as const;
export type Language = (typeof languages)[number];

export const countries = ['MA', 'DZ', 'TN'] as const;
export type Country = (typeof countries)[number];

export type WorkstationMode = 'unconfigured' | 'demo' | 'national';

export interface Facility {
  id: string;
  name: string;
}

export interface NationalServiceView {
  baseUrl: string;
  tokenUrl: string;
  clientId: string;
  /** The workstation's public key (JWK, ES384) that the administrator registers with the identity provider. */
  publicKeyJwk: Record<string, string>;
  keyThumbprint: string;
  enrolledAt: string;
}

export interface AppConfigView {
  mode: WorkstationMode;
  language: Language;
  country: Country;
  facility: Facility | null;
  nationalService: NationalServiceView | null;
  idleLockMinutes: number;
  /** Settings fixed by the administrator's machine-wide configuration; the UI shows them read-only. */
  lockedByAdministrator: string[];
}

export interface AppInfo {
  name: string;
  version: string;
  runtime: { node: string; electron: string | null; platform: string; arch: string };
  dataDir: string;
  /** Where the services answered from: proof that the record and heavy work run off Electron main's loop. */
  serviceThread: { threadId: number; isMainThread: boolean };
}

export type HealthStatus = 'ok' | 'warning' | 'error';

export const healthCheckIds = [
  'dataFolder',
  'configuration',
  'keychain',
  'database',
  'nationalService',
  'cardReaders',
] as const;
export type HealthCheckId = (typeof healthCheckIds)[number];

/** Every reason a check may give; the renderer localises `health.reason.<check>.<reason>`. */
export const healthReasons = {
  dataFolder: ['willBeCreated', 'notWritable', 'lowDisk', 'ready'],
  configuration: ['firstRun', 'demo', 'national', 'invalid'],
  keychain: ['protected', 'weakAllowed', 'weakRefused', 'unavailable'],
  database: ['notCreated', 'present', 'open', 'keyMismatch', 'keychainWeak', 'unreadable'],
  nationalService: ['unknown', 'notConfigured', 'unreachable', 'notR4', 'reachable'],
  cardReaders: ['osService', 'pcscdNotRunning', 'pcscdRunning', 'noReader', 'readersFound'],
} as const satisfies Record<HealthCheckId, readonly string[]>;

export type HealthCheck = {
  [Id in HealthCheckId]: {
    id: Id;
    status: HealthStatus;
    /** A stable reason code; the renderer localises it, the CLI prints it with the facts. */
    reason: (typeof healthReasons)[Id][number];
    facts: Record<string, string | number | boolean | null>;
  };
}[HealthCheckId];

export interface HealthReport {
  checkedAt: string;
  status: HealthStatus;
  checks: HealthCheck[];
}

export interface ServiceReachability {
  reachable: boolean;
  httpStatus: number | null;
  fhirVersion: string | null;
  software: string | null;
  error: string | null;
}

export interface EnrolmentResult {
  config: AppConfigView;
  reachability: ServiceReachability;
}

/** A name as registered, in one script. */
export interface PersonName {
  given: string;
  family: string;
}

export type Gender = 'male' | 'female' | 'other' | 'unknown';

/** What a patient list shows: both scripts where known, the national identifier, age and sex. */
export interface PatientSummary {
  id: string;
  latin: PersonName | null;
  arabic: PersonName | null;
  identifier: { system: string; value: string } | null;
  birthDate: string | null;
  gender: Gender | null;
  phone: string | null;
}

export type PatientMatchKind = 'identifier' | 'name' | 'birthDate' | 'phone';

export interface PatientSearchHit extends PatientSummary {
  /** Higher is better; results come sorted by it. */
  score: number;
  matchedOn: PatientMatchKind[];
}

export interface PatientSearchResult {
  hits: PatientSearchHit[];
  /** More patients matched than were ranked: the user should add a name part or a birth year. */
  truncated: boolean;
  /**
   * The national identifier the query is or contains, valid for the country profile (normalised,
   * under the profile's current system): what `patients.fetchNational` can ask the national
   * record for when nobody here holds it. null when the query holds none.
   */
  nationalIdentifier: { system: string; value: string } | null;
}

/** The patient `patients.fetchNational` brought into the replica, ready for `patients.openChart`. */
export interface NationalFetchResult {
  patientId: string;
  patient: PatientSummary;
}

/**
 * A coded item as the chart shows it: the text recorded with it, and, where Tabib's terminology
 * knows the code (ICD-10 for problems), its label in each interface language.
 */
export interface ChartConcept {
  text: string;
  code: string | null;
  labels: Partial<Record<Language, string>>;
}

/** The chart's header: who the patient is, and what the record holds about them. */
export interface ChartHeader {
  patient: PatientSummary;
  address: string | null;
  allergies: ChartConcept[];
  problems: ChartConcept[];
  lastEncounter: string | null;
  counts: Record<string, number>;
}

export interface RecordStatus {
  state: 'notCreated' | 'open';
  patients: number;
  resources: number;
  pendingChanges: number;
  cipher: string;
  keychainBackend: string;
  sizeBytes: number;
}

export interface AuditTrailEntry {
  recorded: string;
  /** C create, R read (chart opened), U update, D delete, E other. */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  practitioner: string;
  practitionerDisplay: string | null;
  entity: string | null;
  workstation: string;
  description: string | null;
}

export interface SeedReport {
  patients: number;
  resources: number;
  milliseconds: number;
}
