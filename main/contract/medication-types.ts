/**
 * Result types of the medication calls (features/medication-contract.ts): medicines and
 * prescriptions, lab results, immunizations. Plain data: they cross IPC by structured clone.
 */

/** A label in each interface language (fr, ar, en). */
export interface Labels {
  fr: string;
  ar: string;
  en: string;
}

/** A group of the ATC classification (WHO), named in the three languages. */
export interface AtcGroupLabel extends Labels {
  code: string;
}

/**
 * Routes of administration, as resources/terminology/medications.json names them (the file's
 * schema, main/record/demo/terminology.ts, holds the same list: the contract cannot import it,
 * since the renderer reads the contract).
 */
export type MedicationRoute =
  | 'oral'
  | 'buccal'
  | 'sublingual'
  | 'rectal'
  | 'cutaneous'
  | 'transdermal'
  | 'nasal'
  | 'inhalation'
  | 'ophthalmic'
  | 'auricular'
  | 'vaginal'
  | 'intrauterine'
  | 'intradermal'
  | 'subcutaneous'
  | 'intramuscular'
  | 'intravenous';

export interface DrugPresentation {
  form: string;
  strength: string;
  route: MedicationRoute;
}

/** A medicine as the catalogue knows it: its INN (French, as prescribed) and English name. */
export interface DrugName {
  atc: string;
  inn: string;
  en: string;
}

export interface DrugHit extends DrugName {
  presentations: DrugPresentation[];
  /** Its ATC groups, broadest first (therapeutic, pharmacological, chemical subgroup). */
  groups: AtcGroupLabel[];
  /** What the query matched: the name, the code, or the class. */
  matchedOn: 'inn' | 'atc' | 'class';
}

/** The units a dose is counted in; the dosage text says them in French, the screens in each language. */
export const doseUnits = [
  'tablet',
  'capsule',
  'sachet',
  'mL',
  'drop',
  'puff',
  'inhalation',
  'spray',
  'application',
  'suppository',
  'pessary',
  'unit',
  'ampoule',
  'patch',
] as const;
export type DoseUnit = (typeof doseUnits)[number];

/** UCUM-style units of a timing period (FHIR R4 Timing.repeat.periodUnit). */
export const periodUnits = ['h', 'd', 'wk', 'mo'] as const;
export type PeriodUnit = (typeof periodUnits)[number];

/** How a medicine is taken, as the prescription editor writes it. */
export interface Dosage {
  dose: number;
  unit: DoseUnit;
  /** Intakes per period: 3 per 1 d is "3 times a day"; 1 per 8 h is "every 8 hours". */
  frequency: number;
  period: number;
  periodUnit: PeriodUnit;
  /** Days of treatment; null: a long-term treatment, renewed. */
  durationDays: number | null;
  asNeeded: boolean;
  /** A complement for the patient ("au milieu des repas"). */
  instructions: string | null;
}

export type MedicationStatus =
  'active' | 'on-hold' | 'cancelled' | 'completed' | 'entered-in-error' | 'stopped' | 'draft' | 'unknown';

/** One MedicationRequest as the medication list shows it. */
export interface MedicationView {
  id: string;
  status: MedicationStatus;
  /** Taken now: active (or on hold) and its course not over at the services' clock. */
  current: boolean;
  /** The ATC code, when the request is coded with one. */
  atc: string | null;
  /** As written on the prescription ("Amoxicilline 1 g, comprimé dispersible"). */
  text: string;
  drug: DrugName | null;
  presentation: DrugPresentation | null;
  /** The structured dosage, when the request holds one Tabib can read; else only `dosageText`. */
  dosage: Dosage | null;
  dosageText: string | null;
  authoredOn: string | null;
  /** When its course ends (authoredOn + duration); null for a long-term treatment. */
  endsOn: string | null;
  requester: { reference: string; display: string | null } | null;
  encounterId: string | null;
  /** The prescription it was signed in (groupIdentifier urn:tabib:prescription). */
  prescriptionId: string | null;
  /** Why it was stopped, and by whom, when. */
  stop: { reason: string; by: string | null; at: string | null } | null;
  /** Warnings the prescriber acknowledged when signing (contained DetectedIssues). */
  acknowledgedWarnings: AcknowledgedWarning[];
}

/** A warning overridden at signing, as the request keeps it (a contained DetectedIssue). */
export interface AcknowledgedWarning {
  id: string;
  /** v3-ActCode: ALGY allergy alert, DUPTHPY duplicate therapy alert. */
  code: 'ALGY' | 'DUPTHPY';
  severity: 'high' | 'moderate';
  /** In French, as the record keeps it. */
  detail: string;
}

/** Medicines signed together (one groupIdentifier): printed on one page. */
export interface PrescriptionView {
  /** The groupIdentifier's value; for a request signed alone without one, its own id. */
  id: string;
  authoredOn: string | null;
  requester: { reference: string; display: string | null } | null;
  encounterId: string | null;
  medications: MedicationView[];
}

export interface MedicationListView {
  /** Taken now, newest first. */
  current: MedicationView[];
  /** Stopped, completed, course over, cancelled; newest first. */
  past: MedicationView[];
  /** Prepared, not signed. */
  drafts: MedicationView[];
  /** Signed prescriptions, newest first. */
  prescriptions: PrescriptionView[];
}

export type PrescriptionWarningKind = 'allergy' | 'crossReactivity' | 'duplicateSubstance' | 'duplicateClass';

/**
 * Something the prescriber must see before signing. `id` is stable for the same patient and
 * items: signing names the ids it acknowledges.
 */
export interface PrescriptionWarning {
  id: string;
  kind: PrescriptionWarningKind;
  severity: 'high' | 'moderate';
  /** The item of the prescription it is about (0-based). */
  itemIndex: number;
  drug: DrugName;
  /** allergy, crossReactivity: the documented allergy. */
  allergy: {
    id: string;
    text: string;
    /** The ATC code it is coded with, if any. */
    code: string | null;
    /** What that code names in each language (the class, or the medicine), where Tabib knows it. */
    labels: Labels | null;
    criticality: 'low' | 'high' | 'unable-to-assess' | null;
  } | null;
  /** duplicate*: what it duplicates, already taken or in the same prescription. */
  other: {
    medicationRequestId: string | null;
    itemIndex: number | null;
    drug: DrugName | null;
    text: string;
  } | null;
  /** The class concerned (the allergy's class, the class both share). */
  group: AtcGroupLabel | null;
  /** duplicateSubstance, or an allergy through a combination: the substance, as the INN writes it. */
  substance: string | null;
}

export interface PrescriptionCheck {
  warnings: PrescriptionWarning[];
}

export interface SignedPrescription {
  prescription: PrescriptionView;
  /** The warnings the prescriber acknowledged. */
  acknowledged: PrescriptionWarning[];
}

export interface SavedDrafts {
  drafts: MedicationView[];
  warnings: PrescriptionWarning[];
}

// --- Lab results.

/** v3-ObservationInterpretation codes Tabib shows: normal, high, low, critical high/low, abnormal. */
export type LabFlag = 'N' | 'H' | 'L' | 'HH' | 'LL' | 'A' | 'AA';

export interface LabRange {
  low: number | null;
  high: number | null;
  text: string | null;
  /** Where it comes from: the result's own referenceRange, or Tabib's lab-tests.json. */
  source: 'result' | 'terminology';
}

export interface LabResultView {
  observationId: string;
  /** When the sample was taken. */
  effective: string | null;
  issued: string | null;
  value: number | null;
  /** A result that is not a number ("négatif"), or a comparator ("< 0,5"). */
  valueText: string | null;
  unit: string | null;
  range: LabRange | null;
  /** null: no range to judge by and no interpretation recorded. */
  flag: LabFlag | null;
  critical: boolean;
  /** The DiagnosticReport that holds it, if any. */
  reportId: string | null;
  status: string;
}

export interface LabTestView {
  /** LOINC code, or the code of another system, or the text when uncoded. */
  code: string;
  system: string | null;
  /** The test's name in each language where Tabib knows it; else `text` in all three. */
  labels: Labels;
  unit: string | null;
  decimals: number | null;
  /** The range that applies to this patient (their sex), from the latest result or the terminology. */
  range: LabRange | null;
  /** Newest first. */
  results: LabResultView[];
  /** Oldest first, numeric values only: the trend chart. */
  trend: { at: string; value: number; flag: LabFlag | null }[];
}

export interface LabReportView {
  id: string;
  status: string;
  text: string;
  effective: string | null;
  issued: string | null;
  performer: string | null;
  observationIds: string[];
}

export interface LabChartView {
  /** Tests with their results, the most recently measured first. */
  tests: LabTestView[];
  reports: LabReportView[];
  /** The tests Tabib knows, with the range for this patient: the entry form's choices. */
  definitions: LabTestDefinition[];
  /** Today in the clinic's time zone (`YYYY-MM-DD`), at the services' clock: no result is dated later. */
  today: string;
}

/** A test Tabib knows (lab-tests.json), for the entry form. */
export interface LabTestDefinition {
  code: string;
  labels: Labels;
  unit: string;
  unitDisplay: string;
  decimals: number;
  range: { low: number | null; high: number | null } | null;
  /** Beyond these a result is critical (HH, LL). */
  critical: { low: number | null; high: number | null } | null;
}

export interface RecordedLabs {
  reportId: string;
  observationIds: string[];
  results: LabResultView[];
}

// --- Immunizations.

export type ImmunizationDoseStatus = 'given' | 'due' | 'overdue' | 'upcoming' | 'notRecorded' | 'unknown';

export interface VaccineView extends Labels {
  id: string;
  cvx: string;
  atc: string;
  route: MedicationRoute;
}

export interface GivenDoseView {
  immunizationId: string;
  date: string | null;
  lot: string | null;
  performer: string | null;
  vaccine: VaccineView | null;
  /** As recorded, for a vaccine Tabib does not know. */
  text: string;
  series: string | null;
  dose: number | null;
}

export interface ScheduledDoseView {
  vaccine: VaccineView;
  series: string;
  dose: number;
  ageMonths: number;
  /** birth date + ageMonths; null without a birth date. */
  dueDate: string | null;
  status: ImmunizationDoseStatus;
  given: GivenDoseView | null;
  note: string | null;
}

export interface ImmunizationChartView {
  country: 'MA' | 'DZ' | 'TN';
  birthDate: string | null;
  /** The services' clock the statuses were computed at. */
  asOf: string;
  /** That day in the clinic's time zone, `YYYY-MM-DD`. */
  today: string;
  /** The national schedule for this patient (sex, introduction dates), by age. */
  schedule: ScheduledDoseView[];
  /** Doses recorded that are not part of the schedule (or beyond it). */
  other: GivenDoseView[];
  /** The vaccines, for the record-a-dose form. */
  vaccines: VaccineView[];
}
