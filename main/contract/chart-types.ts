/**
 * What the chart's calls answer (features/chart-contract.ts), and the vital signs' definitions
 * that main validates with and the renderer checks inline with: one table for both.
 * Dependency-free: the renderer imports it.
 */
import type { ChartConcept, Language } from './types';

/** What the doctor writes at a visit, section by section (an empty string: nothing written). */
export interface VisitNote {
  /** Why the patient came (the complaint, in the patient's words or the doctor's). */
  reason: string;
  /** History of the present illness, relevant past history. */
  history: string;
  /** Physical examination findings. */
  examination: string;
  /** The doctor's assessment: what it is (the coded diagnoses sit beside it as Conditions). */
  assessment: string;
  /** What is done next: treatment, tests, advice, follow-up. */
  plan: string;
}

export const visitNoteSections = ['reason', 'history', 'examination', 'assessment', 'plan'] as const;
export type VisitNoteSection = (typeof visitNoteSections)[number];
/** The longest section accepted (characters): a long note is a few thousand. */
export const VISIT_NOTE_SECTION_MAX = 20_000;

// --- Vital signs -----------------------------------------------------------------------------

/** What can be typed at a visit; BMI is computed in main from the weight and the latest height. */
export const vitalFields = [
  'systolic',
  'diastolic',
  'heartRate',
  'temperature',
  'weight',
  'height',
  'spo2',
  'glucose',
] as const;
export type VitalField = (typeof vitalFields)[number];

/** The kinds of reading the chart shows (blood pressure holds systolic and diastolic). */
export const vitalKinds = [
  'bloodPressure',
  'heartRate',
  'temperature',
  'spo2',
  'weight',
  'height',
  'bmi',
  'glucose',
] as const;
export type VitalKind = (typeof vitalKinds)[number];

export interface VitalRange {
  /** Plausible bounds, inclusive: outside them the value is a typing error, not a finding. */
  min: number;
  max: number;
  /** The unit as shown (UCUM code in the record: vital-signs.ts). */
  unit: string;
  /** Decimals kept. */
  decimals: number;
}

/**
 * Plausible ranges (a living patient at a primary-care visit, newborns included); values outside
 * are refused with VITALS_IMPLAUSIBLE. Capillary glucose is in g/L as Maghreb glucometers show it.
 */
export const vitalRanges: Record<VitalField | 'bmi', VitalRange> = {
  systolic: { min: 50, max: 300, unit: 'mmHg', decimals: 0 },
  diastolic: { min: 20, max: 200, unit: 'mmHg', decimals: 0 },
  heartRate: { min: 20, max: 250, unit: '/min', decimals: 0 },
  temperature: { min: 30, max: 45, unit: '°C', decimals: 1 },
  weight: { min: 0.3, max: 350, unit: 'kg', decimals: 2 },
  height: { min: 20, max: 250, unit: 'cm', decimals: 1 },
  spo2: { min: 50, max: 100, unit: '%', decimals: 0 },
  glucose: { min: 0.1, max: 6, unit: 'g/L', decimals: 2 },
  bmi: { min: 5, max: 100, unit: 'kg/m²', decimals: 1 },
};

export type VitalsInput = Partial<Record<VitalField, number>>;

/** The problem with one typed value, or null (the renderer's inline check, and main's). */
export function vitalProblem(field: VitalField, value: number): 'range' | null {
  const range = vitalRanges[field];
  return Number.isFinite(value) && value >= range.min && value <= range.max ? null : 'range';
}

/** Several values together: the diastolic must be below the systolic. */
export function vitalsProblems(input: VitalsInput): Partial<Record<VitalField, 'range' | 'order'>> {
  const problems: Partial<Record<VitalField, 'range' | 'order'>> = {};
  for (const field of vitalFields) {
    const value = input[field];
    if (value !== undefined && vitalProblem(field, value)) problems[field] = 'range';
  }
  if ((input.systolic === undefined) !== (input.diastolic === undefined))
    problems[input.systolic === undefined ? 'systolic' : 'diastolic'] = 'range';
  if (
    input.systolic !== undefined &&
    input.diastolic !== undefined &&
    !problems.systolic &&
    !problems.diastolic &&
    input.diastolic >= input.systolic
  )
    problems.diastolic = 'order';
  return problems;
}

/** A reading outside the usual adult values: high/low, and critical where it calls for action now. */
export type VitalFlag = 'high' | 'low' | 'criticalHigh' | 'criticalLow';

export interface VitalReading {
  observationId: string;
  kind: VitalKind;
  /** The value (blood pressure: the systolic). */
  value: number;
  /** Blood pressure only. */
  diastolic?: number;
  unit: string;
  /** When it was measured (FHIR dateTime). */
  date: string;
  encounterId: string | null;
  flag: VitalFlag | null;
}

export interface VitalsRecorded {
  readings: VitalReading[];
  /** The visit the readings were linked to (given, or the patient's open visit). */
  encounterId: string | null;
}

/** chart.vitalsSeries: each kind's readings, oldest first (for a trend), the newest `limit` of each. */
export type VitalsSeries = Record<VitalKind, VitalReading[]>;

// --- Problems, allergies --------------------------------------------------------------------

export const problemStatuses = [
  'active',
  'recurrence',
  'relapse',
  'inactive',
  'remission',
  'resolved',
] as const;
export type ProblemStatus = (typeof problemStatuses)[number];

export interface ProblemView {
  conditionId: string;
  version: number;
  concept: ChartConcept;
  category: 'problem-list-item' | 'encounter-diagnosis';
  clinicalStatus: ProblemStatus | null;
  /** Date (YYYY-MM-DD) or dateTime. */
  onset: string | null;
  abatement: string | null;
  recorded: string | null;
  encounterId: string | null;
  note: string | null;
}

export const allergyStatuses = ['active', 'inactive', 'resolved'] as const;
export type AllergyStatus = (typeof allergyStatuses)[number];
export const allergyCategories = ['medication', 'food', 'environment', 'biologic'] as const;
export type AllergyCategory = (typeof allergyCategories)[number];
export const allergyCriticalities = ['low', 'high', 'unable-to-assess'] as const;
export type AllergyCriticality = (typeof allergyCriticalities)[number];
export const allergyVerifications = ['unconfirmed', 'confirmed', 'refuted'] as const;
export type AllergyVerification = (typeof allergyVerifications)[number];
export const reactionSeverities = ['mild', 'moderate', 'severe'] as const;
export type ReactionSeverity = (typeof reactionSeverities)[number];

export interface AllergyView {
  allergyId: string;
  version: number;
  /** The substance: ATC (drugs), Tabib's allergen list (foods, environment), or text only. */
  substance: ChartConcept & { system: string | null };
  category: AllergyCategory | null;
  criticality: AllergyCriticality | null;
  clinicalStatus: AllergyStatus | null;
  verificationStatus: AllergyVerification | null;
  reactions: ChartConcept[];
  severity: ReactionSeverity | null;
  onset: string | null;
  recorded: string | null;
  note: string | null;
}

// --- Visits ---------------------------------------------------------------------------------

export interface DiagnosisView {
  conditionId: string;
  concept: ChartConcept;
  /** 1 = the main diagnosis. */
  rank: number;
}

export interface VisitView {
  encounterId: string;
  patientId: string;
  status:
    | 'planned'
    | 'arrived'
    | 'triaged'
    | 'in-progress'
    | 'onleave'
    | 'finished'
    | 'cancelled'
    | 'entered-in-error'
    | 'unknown';
  start: string | null;
  end: string | null;
  /** What the visit was (as recorded: "Consultation de médecine générale", a follow-up label). */
  type: string | null;
  practitioner: string | null;
  note: VisitNote;
  /** The note's document (DocumentReference) id, null until written. */
  noteId: string | null;
  diagnoses: DiagnosisView[];
  vitals: VitalReading[];
  /** Pass them back to chart.saveVisit: a change made meanwhile elsewhere is refused (VERSION_CONFLICT). */
  versions: { encounter: number; note: number | null };
}

export interface StartedVisit {
  visit: VisitView;
  /** An open visit of this patient already existed: it is returned instead of a second one. */
  resumed: boolean;
}

// --- Summary, timeline ----------------------------------------------------------------------

export interface MedicationView {
  medicationRequestId: string;
  concept: ChartConcept;
  dosage: string | null;
  authoredOn: string | null;
  requester: string | null;
}

export interface AppointmentView {
  appointmentId: string;
  start: string;
  end: string | null;
  description: string | null;
  reason: ChartConcept | null;
  /** The practitioner's name, as the appointment names them. */
  with: string | null;
}

export type ChartAlert =
  | { kind: 'severeAllergy'; severity: 'danger'; concept: ChartConcept; allergyId: string }
  | { kind: 'abnormalVital'; severity: 'danger' | 'warning'; reading: VitalReading }
  | { kind: 'openVisit'; severity: 'info'; encounterId: string; start: string | null }
  | {
      kind: 'overdueImmunizations';
      severity: 'warning';
      /** The doses of the national schedule past due and not recorded (main/medication/immunization-schedule.ts). */
      doses: { vaccine: Record<Language, string>; dose: number; dueDate: string }[];
    };

export interface ChartSummary {
  patientId: string;
  allergies: AllergyView[];
  problems: ProblemView[];
  medications: MedicationView[];
  /** The latest reading of each kind, each with its date. */
  vitals: VitalReading[];
  appointments: AppointmentView[];
  alerts: ChartAlert[];
  openVisit: { encounterId: string; start: string | null } | null;
  lastVisit: { encounterId: string; start: string | null; type: string | null } | null;
  /** Resources per type in the local record. */
  counts: Record<string, number>;
}

export type TimelineKind =
  | 'visit'
  | 'problem'
  | 'allergy'
  | 'immunization'
  | 'referral'
  | 'document'
  | 'report'
  | 'imaging'
  | 'appointment';

export interface TimelineEntry {
  kind: TimelineKind;
  resourceType: string;
  id: string;
  date: string | null;
  status: string | null;
  title: ChartConcept | null;
  practitioner: string | null;
  /** Visits: the diagnoses made, medicines prescribed, whether a note was written. */
  diagnoses: ChartConcept[];
  medications: string[];
  hasNote: boolean;
}

export interface TimelinePage {
  entries: TimelineEntry[];
  /** Pass it back as `cursor` for the next (older) page; null at the end. */
  next: string | null;
}

// --- Terminology ----------------------------------------------------------------------------

export interface Icd10Hit {
  code: string;
  labels: Record<Language, string>;
}

export type AllergenKind = 'medication' | 'drugClass' | 'food' | 'environment';

export interface AllergenHit {
  system: string;
  code: string;
  kind: AllergenKind;
  category: AllergyCategory;
  labels: Partial<Record<Language, string>> & { fr: string; en: string };
}
