/** The chart calls of the contract (issue 5). Names in ../names.ts (chartCallNames). */
import { z } from 'zod';
import { call, fhirId, type CallSpec } from '../call-spec';
import {
  allergyCategories,
  allergyCriticalities,
  allergyStatuses,
  allergyVerifications,
  problemStatuses,
  reactionSeverities,
  VISIT_NOTE_SECTION_MAX,
  vitalFields,
  type AllergenHit,
  type AllergyView,
  type ChartSummary,
  type Icd10Hit,
  type ProblemView,
  type StartedVisit,
  type TimelinePage,
  type VisitView,
  type VitalsRecorded,
  type VitalsSeries,
} from '../chart-types';
import type { ChartCallName } from '../names';
import { languages } from '../types';

/** FHIR R4 datatypes.html#string: no control characters but tab, carriage return and line feed. */
const fhirText = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u0008\u000B\u000C\u000E-\u001F]*$/, 'must not hold control characters');
const shortText = fhirText(500).trim().min(1);
const calendarDate = z.iso.date();
const dateTime = z.iso.datetime({ offset: true });
/** ICD-10 as Tabib's terminology writes it (resources/terminology/icd10.json): A00, A00.0. */
const icd10Code = z.string().regex(/^[A-Z]\d{2}(\.\d{1,2})?$/, 'must be an ICD-10 code');
const version = z.number().int().positive();

const visitNote = z
  .object({
    reason: fhirText(VISIT_NOTE_SECTION_MAX),
    history: fhirText(VISIT_NOTE_SECTION_MAX),
    examination: fhirText(VISIT_NOTE_SECTION_MAX),
    assessment: fhirText(VISIT_NOTE_SECTION_MAX),
    plan: fhirText(VISIT_NOTE_SECTION_MAX),
  })
  .strict();

const vitalValue = z.number().finite();
const vitalValues = z
  .object(
    Object.fromEntries(vitalFields.map((field) => [field, vitalValue.optional()])) as Record<
      (typeof vitalFields)[number],
      z.ZodOptional<typeof vitalValue>
    >,
  )
  .strict()
  .refine((values) => Object.values(values).some((value) => value !== undefined), 'give at least one value');

/** An update names the version it read; a creation names none. */
function versioned(
  id: string,
): [(request: Record<string, unknown>) => boolean, { message: string; path: string[] }] {
  return [
    (request) => (request[id] === undefined) === (request.version === undefined),
    { message: `give version with, and only with, ${id}`, path: ['version'] },
  ];
}

const terminologySearch = z
  .object({
    query: z.string().max(100),
    limit: z.number().int().min(1).max(50).optional(),
    /** The interface's language: labels in it rank first. */
    language: z.enum(languages).optional(),
  })
  .strict();

export const chartCalls = {
  'chart.summary': call<ChartSummary>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'A chart’s summary: allergies, active problems, current medications, the last vital signs with their dates, upcoming appointments, alerts, counts.',
  ),
  'chart.timeline': call<TimelinePage>()(
    z
      .object({
        patientId: fhirId,
        cursor: z.string().max(500).optional(),
        limit: z.number().int().min(1).max(100).optional(),
      })
      .strict(),
    'patient.read',
    'Visits and other dated events of a chart, newest first, a page at a time.',
  ),
  'chart.startVisit': call<StartedVisit>()(
    z.object({ patientId: fhirId }).strict(),
    'chart.document',
    'Start a visit (an ambulatory Encounter in progress), or resume the patient’s visit already in progress.',
  ),
  'chart.saveVisit': call<VisitView>()(
    z
      .object({
        encounterId: fhirId,
        versions: z.object({ encounter: version, note: version.nullable() }).strict(),
        note: visitNote,
        diagnoses: z.array(icd10Code).max(20),
        finish: z.boolean(),
      })
      .strict(),
    'chart.document',
    'Save a visit’s note and ICD-10 diagnoses at the versions read (VERSION_CONFLICT otherwise), and finish it when asked.',
  ),
  'chart.visit': call<VisitView>()(
    z.object({ encounterId: fhirId }).strict(),
    'patient.read',
    'A visit as written: its note, diagnoses, vital signs and versions, to read or go on writing.',
  ),
  'chart.recordVitals': call<VitalsRecorded>()(
    z
      .object({
        patientId: fhirId,
        encounterId: fhirId.optional(),
        effective: dateTime.optional(),
        values: vitalValues,
      })
      .strict(),
    'vitals.record',
    'Record vital signs (plausible values only; BMI computed from the weight and the latest height), linked to the open visit.',
  ),
  'chart.vitalsSeries': call<VitalsSeries>()(
    z.object({ patientId: fhirId, perKind: z.number().int().min(1).max(1000).optional() }).strict(),
    'patient.read',
    'Each vital sign’s readings, oldest first, for the trends.',
  ),
  'chart.problems': call<ProblemView[]>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'The problem list, whatever the status: active problems first.',
  ),
  'chart.saveProblem': call<ProblemView>()(
    z
      .object({
        patientId: fhirId,
        conditionId: fhirId.optional(),
        version: version.optional(),
        code: icd10Code,
        clinicalStatus: z.enum(problemStatuses),
        onset: calendarDate.nullable().optional(),
        abatement: calendarDate.nullable().optional(),
        note: fhirText(2000).nullable().optional(),
      })
      .strict()
      .refine(...versioned('conditionId')),
    'problems.write',
    'Add a problem (ICD-10) to the list, or change one at the version read: status, onset, resolution.',
  ),
  'chart.allergies': call<AllergyView[]>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'The patient’s allergies and intolerances, whatever the status: active ones first.',
  ),
  'chart.saveAllergy': call<AllergyView>()(
    z
      .object({
        patientId: fhirId,
        allergyId: fhirId.optional(),
        version: version.optional(),
        substance: z.union([
          z.object({ system: z.string().min(1).max(200), code: z.string().min(1).max(64) }).strict(),
          z.object({ text: shortText }).strict(),
        ]),
        category: z.enum(allergyCategories).optional(),
        criticality: z.enum(allergyCriticalities),
        clinicalStatus: z.enum(allergyStatuses),
        verificationStatus: z.enum(allergyVerifications),
        reactions: z
          .array(z.union([z.object({ code: icd10Code }).strict(), z.object({ text: shortText }).strict()]))
          .max(10),
        severity: z.enum(reactionSeverities).optional(),
        onset: calendarDate.nullable().optional(),
        note: fhirText(2000).nullable().optional(),
      })
      .strict()
      .refine(...versioned('allergyId'))
      .refine((request) => !('text' in request.substance) || request.category !== undefined, {
        message: 'a substance given as text needs its category',
        path: ['category'],
      }),
    'allergies.write',
    'Record an allergy (substance by ATC, Tabib’s allergen list, or text), or change one at the version read.',
  ),
  'terminology.searchIcd10': call<Icd10Hit[]>()(
    terminologySearch,
    'session',
    'ICD-10 codes by code or by words of their French, Arabic or English label (accents and case ignored).',
  ),
  'terminology.searchAllergens': call<AllergenHit[]>()(
    terminologySearch,
    'session',
    'Substances an allergy can be recorded against: medicines and their classes (ATC), foods and environmental allergens.',
  ),
} as const satisfies Record<ChartCallName, CallSpec<z.ZodType, unknown>>;
