/**
 * The care calls of the contract (issue 5): referrals, appointments, attached documents. Names in
 * ../names.ts (careCallNames); result types in ../care-types.ts; the services in main/care/.
 */
import { z } from 'zod';
import { call, fhirId, none, type CallSpec } from '../call-spec';
import {
  appointmentTypes,
  documentCategories,
  referralPriorities,
  referralStatuses,
  type AppointmentView,
  type BookablePractitioners,
  type DocumentContent,
  type DocumentView,
  type PatientDocuments,
  type PatientAppointments,
  type PractitionerCalendar,
  type ReferralFacilities,
  type ReferralView,
  type SpecialtyOption,
} from '../care-types';
import type { CareCallName } from '../names';

const reason = z.string().trim().min(1).max(2000);
const note = z.string().trim().max(2000);
const specialtyKey = z.string().regex(/^[a-z][a-z-]{1,40}$/, 'must be a specialty of the list');
/** A facility of the country's list (its code), or one typed as free text. */
const facility = z.union([
  z.object({ code: z.string().regex(/^[A-Z]{2}-[A-Z0-9-]{2,60}$/, 'must be a facility code') }).strict(),
  z.object({ text: z.string().trim().min(2).max(200) }).strict(),
]);
const version = z.number().int().positive();
/** The clinic's wall clock (`YYYY-MM-DDTHH:mm`, its time zone) or an instant with offset. */
const dateTime = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/,
    'must be YYYY-MM-DDTHH:mm (clinic time) or an instant with offset',
  );
const localDate = z.iso.date();
const minutes = z.number().int().min(5).max(480);

/** The file as base64: up to the 10 MiB limit (main says DOCUMENT_TOO_LARGE above it), with room to say so. */
const MAX_BASE64_CHARS = 64 * 1024 * 1024;

export const careCalls = {
  'referrals.specialties': call<SpecialtyOption[]>()(
    none,
    'session',
    'The specialties a patient may be referred to (SNOMED CT), with their labels in fr, ar, en.',
  ),
  'referrals.facilities': call<ReferralFacilities>()(
    none,
    'session',
    'The referral facilities of the workstation’s country (university, regional, specialised hospitals), names in fr and ar, and where the list comes from.',
  ),
  'referrals.create': call<ReferralView>()(
    z
      .object({
        patientId: fhirId,
        specialty: specialtyKey,
        facility: facility.nullable(),
        reason,
        priority: z.enum(referralPriorities),
        status: z.enum(['draft', 'active']).optional(),
        note: note.optional(),
        encounterId: fhirId.optional(),
      })
      .strict(),
    'referrals.write',
    'Refer a patient (a ServiceRequest, SNOMED CT 3457005) to a specialty and a facility, with a reason and a priority; active (sent) unless a draft.',
  ),
  'referrals.update': call<ReferralView>()(
    z
      .object({
        id: fhirId,
        version,
        status: z.enum(referralStatuses).optional(),
        specialty: specialtyKey.optional(),
        facility: facility.nullable().optional(),
        reason: reason.optional(),
        priority: z.enum(referralPriorities).optional(),
        note: note.nullable().optional(),
      })
      .strict(),
    'referrals.write',
    'Change a referral’s status (draft → active → completed; draft or active → revoked), or a draft’s content; refused if it changed since `version`.',
  ),
  'referrals.list': call<ReferralView[]>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'A patient’s referrals, newest first.',
  ),
  'appointments.practitioners': call<BookablePractitioners>()(
    none,
    'patient.read',
    'The practitioners appointments can be booked with, the one acting now, and the clinic’s time zone.',
  ),
  'appointments.book': call<AppointmentView>()(
    z
      .object({
        patientId: fhirId,
        practitionerId: fhirId,
        start: dateTime,
        minutes: minutes.optional(),
        type: z.enum(appointmentTypes),
        description: z.string().trim().max(500).optional(),
      })
      .strict(),
    'appointments.write',
    'Book an appointment (15 minutes unless told); refused if the practitioner already has one at that time, or if the time has passed.',
  ),
  'appointments.reschedule': call<AppointmentView>()(
    z
      .object({
        id: fhirId,
        version,
        start: dateTime,
        minutes: minutes.optional(),
        practitionerId: fhirId.optional(),
      })
      .strict(),
    'appointments.write',
    'Move a booked appointment (and optionally to another practitioner), with the same double-booking check.',
  ),
  'appointments.cancel': call<AppointmentView>()(
    z.object({ id: fhirId, version, reason }).strict(),
    'appointments.write',
    'Cancel a booked appointment, saying why.',
  ),
  'appointments.list': call<PatientAppointments>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'A patient’s appointments, past and coming, cancelled ones included, oldest first.',
  ),
  'appointments.calendar': call<PractitionerCalendar>()(
    z.object({ practitionerId: fhirId, from: localDate, to: localDate }).strict(),
    'patient.read',
    'A practitioner’s standing appointments from one day to another (clinic dates, both included, at most 42 days).',
  ),
  'documents.attach': call<DocumentView>()(
    z
      .object({
        patientId: fhirId,
        title: z.string().trim().min(1).max(200),
        category: z.enum(documentCategories),
        date: localDate.optional(),
        data: z.string().max(MAX_BASE64_CHARS),
        encounterId: fhirId.optional(),
      })
      .strict(),
    'documents.write',
    'Attach a PDF, JPEG or PNG (told apart by its bytes; at most 10 MiB) to a patient’s record, encrypted with it.',
  ),
  'documents.list': call<PatientDocuments>()(
    z.object({ patientId: fhirId }).strict(),
    'patient.read',
    'A patient’s attached documents (without their bytes), newest first, and the clinic’s date today.',
  ),
  'documents.read': call<DocumentContent>()(
    z.object({ id: fhirId }).strict(),
    'patient.read',
    'An attached document’s bytes, for viewing; audited as a read.',
  ),
} as const satisfies Record<CareCallName, CallSpec<z.ZodType, unknown>>;
