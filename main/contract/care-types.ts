/**
 * Result types of the care calls (referrals, appointments, attached documents): plain data that
 * crosses IPC by structured clone. The FHIR resources behind them are described in main/care/.
 */
import type { Language, PatientSummary } from './types';

/** Labels of a coded item in the interface languages. */
export type Labels = Record<Language, string>;

// --- Referrals (FHIR R4 ServiceRequest, category SNOMED CT 3457005 "Patient referral").

export const referralStatuses = ['draft', 'active', 'completed', 'revoked'] as const;
export type ReferralStatus = (typeof referralStatuses)[number];

/** FHIR R4 request-priority, without `stat` (an emergency is not referred by letter). */
export const referralPriorities = ['routine', 'urgent', 'asap'] as const;
export type ReferralPriority = (typeof referralPriorities)[number];

/** A specialty a patient may be referred to (resources/terminology/specialties.json). */
export interface SpecialtyOption {
  /** Tabib's key, e.g. `cardiology`. */
  key: string;
  system: string;
  code: string;
  labels: Labels;
  /** Other words a clinician may type for it (e.g. "ORL"). */
  synonyms: string[];
}

export const referralFacilityKinds = ['university', 'regional', 'specialised'] as const;
export type ReferralFacilityKind = (typeof referralFacilityKinds)[number];

/** A facility patients are referred to (resources/countries/<country>-referral-facilities.json). */
export interface ReferralFacilityOption {
  code: string;
  system: string;
  kind: ReferralFacilityKind;
  name: { fr: string; ar: string };
  city: { fr: string; ar: string };
  /** The specialty keys it is known for; empty: a general hospital. */
  specialties: string[];
}

export interface ReferralFacilities {
  /** Where the list comes from, as its file says. */
  source: string;
  facilities: ReferralFacilityOption[];
}

export interface ReferralView {
  id: string;
  /** The record's version: pass it back to referrals.update. */
  version: number;
  patientId: string;
  status: ReferralStatus;
  priority: ReferralPriority;
  /** The specialty as coded; `labels` from Tabib's list when it knows the code, else null. */
  specialty: { code: string | null; text: string; labels: Labels | null };
  /** The facility: from the country's list (code and both names), or typed as free text. */
  facility: { code: string | null; text: string; name: { fr: string; ar: string } | null } | null;
  reason: string;
  note: string | null;
  authoredOn: string | null;
  /** When the referral last changed (a status change included). */
  lastUpdated: string | null;
  requester: { reference: string; display: string | null } | null;
  encounterId: string | null;
}

// --- Appointments (FHIR R4 Appointment).

/** HL7 v2 table 0276 appointment reason codes, as the demonstration record uses them. */
export const appointmentTypes = ['ROUTINE', 'FOLLOWUP', 'CHECKUP', 'WALKIN', 'EMERGENCY'] as const;
export type AppointmentType = (typeof appointmentTypes)[number];

export interface AppointmentView {
  id: string;
  version: number;
  /** FHIR appointment status: `booked`, `cancelled`, or another one the national record sent. */
  status: string;
  /** Instants (ISO 8601, UTC). */
  start: string;
  end: string;
  minutes: number;
  /** The same moments as the clinic's calendar shows them (its time zone): `YYYY-MM-DD`, `HH:mm`. */
  local: { date: string; start: string; end: string };
  type: AppointmentType | null;
  description: string | null;
  cancellationReason: string | null;
  patient: PatientSummary | { id: string; latin: null; arabic: null; display: string | null };
  practitioner: { id: string; display: string | null } | null;
  created: string | null;
}

/** A moment as the clinic's calendar shows it: `YYYY-MM-DD` and `HH:mm`. */
export interface ClinicMoment {
  date: string;
  time: string;
}

export interface PractitionerOption {
  id: string;
  /** "Dr Salma Haddad": the Latin-script name with its prefix. */
  latin: string | null;
  /** "د. سلمى حداد". */
  arabic: string | null;
  /** doctor, nurse, midwife, as the qualification says; null when unknown. */
  role: 'doctor' | 'nurse' | 'midwife' | null;
}

export interface BookablePractitioners {
  /** The clinic's time zone (IANA), from the workstation's country. */
  timeZone: string;
  practitioners: PractitionerOption[];
  /** The practitioner acting now, when they are one of the list (the calendar's default). */
  self: string | null;
  /** The services' clock, so the calendar's "today" is the clinic's. */
  now: string;
  /**
   * The same moment on the clinic's wall clock, computed by the services: a browser's own time-zone
   * data may disagree (Chromium's put Casablanca at UTC+0 in November 2026), so screens use this.
   */
  clinicNow: ClinicMoment;
}

export interface PatientAppointments {
  timeZone: string;
  now: string;
  clinicNow: ClinicMoment;
  /** Oldest first. */
  appointments: AppointmentView[];
}

export interface CalendarDay {
  /** `YYYY-MM-DD` in the clinic's zone, and the instants its day starts and ends at. */
  date: string;
  start: string;
  end: string;
}

export interface PractitionerCalendar {
  timeZone: string;
  now: string;
  clinicNow: ClinicMoment;
  practitionerId: string;
  days: CalendarDay[];
  /** Appointments that are not cancelled and overlap the days, by start. */
  appointments: AppointmentView[];
}

// --- Attached documents (FHIR R4 DocumentReference with the file inline, encrypted with the record).

export const documentCategories = [
  'lab-report',
  'imaging-report',
  'consult-note',
  'discharge-summary',
  'prescription',
  'ecg',
  'photo',
  'other',
] as const;
export type DocumentCategory = (typeof documentCategories)[number];

export const documentContentTypes = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type DocumentContentType = (typeof documentContentTypes)[number];

/** The most a document may weigh (10 MiB), as the renderer checks it too. */
export const DOCUMENT_MAX_BYTES = 10 * 1024 * 1024;

export interface DocumentView {
  id: string;
  version: number;
  patientId: string;
  title: string;
  category: DocumentCategory | null;
  /** What the category or type says when Tabib's list does not know it. */
  categoryText: string | null;
  contentType: string | null;
  size: number | null;
  /** The document's own date (`YYYY-MM-DD` or an instant), as the clinician gave it. */
  date: string | null;
  /** When it was attached to the record. */
  attached: string | null;
  author: string | null;
  encounterId: string | null;
  /** The file is in the record (else only a link elsewhere, not viewable here). */
  hasContent: boolean;
}

export interface PatientDocuments {
  /** The clinic's date today (a new document's date by default, and the latest it may have). */
  today: string;
  /** Newest first. */
  documents: DocumentView[];
}

export interface DocumentContent {
  document: DocumentView;
  contentType: DocumentContentType;
  /** The file, base64. */
  data: string;
}
