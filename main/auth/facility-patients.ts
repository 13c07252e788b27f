/**
 * The facility's list: the patients a practitioner of this workstation may open without
 * break-the-glass. The local record holds more than them (a national pull, a fetch by identifier,
 * a whole region's synthetic patients); opening any other chart needs a reason, which the audit
 * trail keeps (break-glass.ts).
 *
 * A patient is on the list when the record says the facility cares for them:
 * 1. their `Patient.managingOrganization` is the facility — a reference to an Organization of
 *    the record whose identifier is `urn:tabib:facility|<facility code>`, or a logical reference
 *    by that identifier (as registration writes it before the Organization is in the record);
 * 2. they were registered on this workstation and not yet sent to the national record (a local
 *    Patient with no national version: created here, by someone signed in here);
 * 3. this workstation follows them because the pull found them as the facility's own, or because
 *    they were fetched on demand by national identifier here (main/sync/followed-patients.ts,
 *    reasons 'facility' and 'fetched': the patient stood at the desk with their identifier).
 *    A chart merely opened here ('opened') does not count: else one break-the-glass opening
 *    would put the patient on the list for good;
 * 4. they had an encounter here (`Encounter.serviceProvider` is the facility);
 * 5. they have an appointment with a practitioner who has an account on this workstation.
 *
 * In the demonstration every seeded patient is managed by the demonstration's centre (rule 1),
 * so every one of them is on the list.
 */
import type { Organization, Patient, Reference } from '@medplum/fhirtypes';
import type { LocalRecord } from '../record/local-record';

/** The facility's code in an Organization's identifiers (main/record/demo/practitioners.ts uses it too). */
export const FACILITY_IDENTIFIER_SYSTEM = 'urn:tabib:facility';

export interface FacilityContext {
  /** The facility's code (configuration `facility.id`), or null when the workstation has none. */
  facilityId: string | null;
  /** The FHIR Practitioners of this workstation's accounts (`Practitioner/<id>` references). */
  practitionerReferences: readonly string[];
}

/** The record's Organizations that are the facility (by their `urn:tabib:facility` identifier). */
function facilityOrganizations(record: LocalRecord, facilityId: string): string[] {
  const rows = record.queries
    .statement(
      `select json from resource where type = 'Organization' and deleted = 0 and json like '%"${FACILITY_IDENTIFIER_SYSTEM}"%'`,
    )
    .all() as { json: string }[];
  return rows
    .map((row) => JSON.parse(row.json) as Organization)
    .filter((organization) =>
      organization.identifier?.some(
        (identifier) => identifier.system === FACILITY_IDENTIFIER_SYSTEM && identifier.value === facilityId,
      ),
    )
    .map((organization) => `Organization/${organization.id}`);
}

function isFacility(reference: Reference | undefined, organizations: string[], facilityId: string): boolean {
  if (!reference) return false;
  if (reference.reference && organizations.includes(reference.reference)) return true;
  return (
    reference.identifier?.system === FACILITY_IDENTIFIER_SYSTEM && reference.identifier.value === facilityId
  );
}

/** Which rule puts the patient on the list (1–5 above), or null. The patient must be in the record. */
export function facilityListRule(
  record: LocalRecord,
  patientId: string,
  facility: FacilityContext,
): 'managed' | 'registeredHere' | 'followed' | 'encounter' | 'appointment' | null {
  const stored = record.queries
    .statement(`select json, remote_version from resource where type = 'Patient' and id = ? and deleted = 0`)
    .get(patientId) as { json: string; remote_version: string | null } | undefined;
  if (!stored) return null;
  const organizations = facility.facilityId ? facilityOrganizations(record, facility.facilityId) : [];
  const patient = JSON.parse(stored.json) as Patient;
  if (facility.facilityId && isFacility(patient.managingOrganization, organizations, facility.facilityId))
    return 'managed';
  if (stored.remote_version === null) return 'registeredHere';
  const followed = record.queries
    .statement(`select 1 from sync_patient where patient_id = ? and reason in ('facility', 'fetched')`)
    .get(patientId);
  if (followed) return 'followed';
  if (facility.facilityId) {
    const placeholders = organizations.map(() => '?').join(', ');
    const encounter = record.queries
      .statement(
        `select 1 from resource where patient_id = ? and type = 'Encounter' and deleted = 0 and (
           ${organizations.length > 0 ? `json_extract(json, '$.serviceProvider.reference') in (${placeholders}) or` : ''}
           (json_extract(json, '$.serviceProvider.identifier.system') = ?
            and json_extract(json, '$.serviceProvider.identifier.value') = ?)) limit 1`,
      )
      .get(patientId, ...organizations, FACILITY_IDENTIFIER_SYSTEM, facility.facilityId);
    if (encounter) return 'encounter';
  }
  if (facility.practitionerReferences.length > 0) {
    const placeholders = facility.practitionerReferences.map(() => '?').join(', ');
    const appointment = record.queries
      .statement(
        `select 1 from resource r, json_each(r.json, '$.participant') p
          where r.patient_id = ? and r.type = 'Appointment' and r.deleted = 0
            and json_extract(p.value, '$.actor.reference') in (${placeholders}) limit 1`,
      )
      .get(patientId, ...facility.practitionerReferences);
    if (appointment) return 'appointment';
  }
  return null;
}

export function isOnFacilityList(record: LocalRecord, patientId: string, facility: FacilityContext): boolean {
  return facilityListRule(record, patientId, facility) !== null;
}
