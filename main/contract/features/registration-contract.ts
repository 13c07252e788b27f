/**
 * The registration calls of the contract (issue 5): create and edit a patient (names in both
 * scripts, identifiers, birth date or estimated age, sex, phone, address, insurance coverage),
 * and the possible duplicates shown before creating. Names in ../names.ts (registrationCallNames).
 *
 * The draft's shape is checked here, at the boundary; what depends on the country profile, the
 * clinic's date and the record (identifier formats, dates not in the future, at least one name,
 * known places and plans, duplicates) is checked again in main (main/registration/draft-checks.ts).
 */
import { z } from 'zod';
import { call, fhirId, none, type CallSpec } from '../call-spec';
import type { RegistrationCallName } from '../names';
import type { PatientSummary } from '../types';
import {
  coverageRelationships,
  genders,
  type CoveragePlansView,
  type DraftCheck,
  type DuplicateCheck,
  type PlacesView,
  type RegistrationResult,
} from '../registration-types';

const text = (max: number) => z.string().max(max);

/** A name in one script; an empty string is "not given". */
const scriptName = z.object({ family: text(100), given: text(100) }).strict();

const birth = z.discriminatedUnion('kind', [
  /** ISO 8601 calendar date; whether it exists and is not in the future is checked in main. */
  z
    .object({ kind: z.literal('date'), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD') })
    .strict(),
  /** "About 45": stored as an approximate birth date (a partial FHIR date, marked estimated). */
  z
    .object({
      kind: z.literal('estimated'),
      years: z.number().int().min(0).max(150),
      months: z.number().int().min(0).max(11),
    })
    .strict(),
]);

export const patientDraftSchema = z
  .object({
    latin: scriptName,
    arabic: scriptName,
    /** The country profile's national identifier (CIN, NIN); empty for none (a child). */
    nationalId: text(64),
    passport: text(64),
    birth: birth.nullable(),
    gender: z.enum(genders).nullable(),
    phone: text(32),
    address: z
      .object({
        /** Division codes from the top level down (resources/countries/<country>-divisions.json). */
        path: z.array(text(64)).max(3),
        /** The last level typed, where the list does not hold it (a commune, a locality). */
        locality: text(100),
        line: text(200),
      })
      .strict(),
    coverage: z
      .object({
        plan: text(64),
        memberId: text(40),
        relationship: z.enum(coverageRelationships),
        /** The insurer's name, for a private plan. */
        insurer: text(100),
      })
      .strict()
      .nullable(),
  })
  .strict();

export type PatientDraft = z.infer<typeof patientDraftSchema>;

/** What patients.get gives the edit form: the draft as saved, and the versions to send back. */
export interface PatientEditView {
  patientId: string;
  version: number;
  coverage: { id: string; version: number } | null;
  draft: PatientDraft;
  patient: PatientSummary;
}

const acknowledged = z.array(fhirId).max(100);

export const registrationCalls = {
  'patients.register': call<RegistrationResult>()(
    z.object({ draft: patientDraftSchema, acknowledgedDuplicates: acknowledged.optional() }).strict(),
    'patient.register',
    'Register a new patient (and their coverage) managed by this facility. Refused with PATIENT_IDENTIFIER_TAKEN when another patient holds the identifier, with PATIENT_POSSIBLE_DUPLICATES while similar patients are not in acknowledgedDuplicates.',
  ),
  'patients.update': call<RegistrationResult>()(
    z
      .object({
        patientId: fhirId,
        /** The version patients.get gave: VERSION_CONFLICT if someone saved meanwhile. */
        version: z.number().int().positive(),
        coverageVersion: z.number().int().positive().nullable(),
        draft: patientDraftSchema,
      })
      .strict(),
    'patient.register',
    'Save an edited patient: what the form holds replaces those fields; what else the record holds is kept.',
  ),
  'patients.get': call<PatientEditView>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'A patient as the registration form edits them, with the versions to save against; audited as a read.',
  ),
  'patients.checkDraft': call<DraftCheck>()(
    z.object({ draft: patientDraftSchema }).strict(),
    'patient.register',
    'The problems main finds in a draft (identifier formats, dates, places, plans), for inline validation; writes nothing.',
  ),
  'patients.findDuplicates': call<DuplicateCheck>()(
    z.object({ draft: patientDraftSchema, patientId: fhirId.optional() }).strict(),
    'patient.register',
    'Patients already in the record that the draft may be: same identifier, or similar names with the same birth year and sex.',
  ),
  'reference.places': call<PlacesView>()(
    none,
    'session',
    'The country’s administrative divisions for addresses, in French and Arabic.',
  ),
  'reference.coverages': call<CoveragePlansView>()(
    none,
    'session',
    'The country’s health insurance schemes (plans and payors).',
  ),
} as const satisfies Record<RegistrationCallName, CallSpec<z.ZodType, unknown>>;
