/** The medication calls of the contract (issue 5). Names in ../names.ts (medicationCallNames). */
import { z } from 'zod';
import { call, fhirId, type CallSpec } from '../call-spec';
import {
  doseUnits,
  periodUnits,
  type DrugHit,
  type ImmunizationChartView,
  type LabChartView,
  type MedicationListView,
  type MedicationView,
  type PrescriptionCheck,
  type RecordedLabs,
  type SavedDrafts,
  type SignedPrescription,
} from '../medication-types';
import type { MedicationCallName } from '../names';

const atcCode = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]\d{2}[A-Z]{2}(\d{2})?$/, 'must be an ATC code');
const shortText = z.string().trim().min(1).max(200);

/** One line of a prescription: the medicine's presentation and how to take it. */
const prescriptionItem = z
  .object({
    atc: atcCode,
    form: shortText,
    strength: shortText,
    dose: z.number().positive().max(1000),
    unit: z.enum(doseUnits),
    frequency: z.number().int().min(1).max(24),
    period: z.number().positive().max(365),
    periodUnit: z.enum(periodUnits),
    /** null: a long-term treatment. */
    durationDays: z.number().int().min(1).max(365).nullable(),
    asNeeded: z.boolean(),
    instructions: z.string().trim().max(500).nullable(),
    refills: z.number().int().min(0).max(11).optional(),
  })
  .strict();

const prescriptionLines = {
  patientId: fhirId,
  encounterId: fhirId.optional(),
  items: z.array(prescriptionItem).max(20).optional(),
  draftIds: z.array(fhirId).max(20).optional(),
};

const someLine = (request: { items?: unknown[] | undefined; draftIds?: unknown[] | undefined }) =>
  (request.items?.length ?? 0) + (request.draftIds?.length ?? 0) > 0;

/** A date (`YYYY-MM-DD`) or an instant with its offset (RFC 3339). */
const clinicalDate = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);

export const medicationCalls = {
  'terminology.searchDrugs': call<DrugHit[]>()(
    z.object({ query: z.string().max(200), limit: z.number().int().min(1).max(100).optional() }).strict(),
    'session',
    'Medicines of the bundled catalogue (INN, ATC, forms and strengths) by INN, ATC code or class, any accent or case.',
  ),
  'prescriptions.check': call<PrescriptionCheck>()(
    z
      .object(prescriptionLines)
      .strict()
      .refine(someLine, { message: 'give items or draftIds', path: ['items'] }),
    'patient.read',
    'The warnings a prescription raises before it is signed: a documented allergy, a duplicate substance or class.',
  ),
  'prescriptions.saveDraft': call<SavedDrafts>()(
    z
      .object({
        patientId: fhirId,
        encounterId: fhirId.optional(),
        items: z.array(prescriptionItem).min(1).max(20),
      })
      .strict(),
    'medications.write',
    'Keep prescription lines as drafts (MedicationRequest status draft), to sign later; with their warnings.',
  ),
  'prescriptions.discardDraft': call<{ id: string }>()(
    z.object({ id: fhirId }).strict(),
    'medications.write',
    'Delete a draft prescription line that will not be signed.',
  ),
  'prescriptions.sign': call<SignedPrescription>()(
    z
      .object({ ...prescriptionLines, acknowledgedWarnings: z.array(z.string().max(300)).max(200) })
      .strict()
      .refine(someLine, { message: 'give items or draftIds', path: ['items'] }),
    'prescriptions.sign',
    'Sign a prescription (new lines and/or drafts): active orders of the signing doctor under one groupIdentifier; every warning must be acknowledged.',
  ),
  'medications.stop': call<MedicationView>()(
    z.object({ id: fhirId, reason: z.string().trim().min(1).max(500) }).strict(),
    'medications.write',
    'Stop an active medication, with the reason.',
  ),
  'medications.list': call<MedicationListView>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'A patient’s medications: current, past, drafts, and the signed prescriptions.',
  ),
  'chart.labs': call<LabChartView>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'Lab results by test: values, units, reference ranges, abnormal flags, trends, and the reports grouping them.',
  ),
  'labs.record': call<RecordedLabs>()(
    z
      .object({
        patientId: fhirId,
        encounterId: fhirId.optional(),
        effective: clinicalDate,
        issued: clinicalDate.optional(),
        laboratory: z.string().trim().max(200).optional(),
        results: z
          .array(
            z
              .object({
                code: z.string().regex(/^\d{1,7}-\d$/, 'must be a LOINC code'),
                value: z.number().nonnegative().max(1_000_000),
                comment: z.string().trim().max(500).optional(),
              })
              .strict(),
          )
          .min(1)
          .max(50),
      })
      .strict(),
    'labs.record',
    'Enter results received on paper: one Observation per test and a DiagnosticReport holding them.',
  ),
  'chart.immunizations': call<ImmunizationChartView>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'The national schedule of the patient’s country, each dose given, due, overdue or upcoming today.',
  ),
  'immunizations.record': call<ImmunizationChartView>()(
    z
      .object({
        patientId: fhirId,
        encounterId: fhirId.optional(),
        vaccine: z.string().trim().min(1).max(40),
        dose: z.number().int().min(1).max(10),
        date: z.iso.date(),
        lot: z.string().trim().max(40).optional(),
        source: z.enum(['administered', 'reported']).optional(),
      })
      .strict(),
    'immunizations.record',
    'Record a vaccine dose given here, or copied from the vaccination booklet; answers the updated schedule.',
  ),
} as const satisfies Record<MedicationCallName, CallSpec<z.ZodType, unknown>>;
