/**
 * The facility a new patient is registered by, as Patient.managingOrganization: the configured
 * facility (config.facility) as the record knows it. The sync pulls the facility's patients by
 * this reference (sync-service.ts: `organization=Organization/<facility id>`).
 */
import type { Organization, Reference } from '@medplum/fhirtypes';
import type { Facility } from '../contract/types';
import type { LocalRecord } from '../record/local-record';

/** The system of a facility's code (the demonstration's Organization carries it, demo/practitioners.ts). */
export const FACILITY_SYSTEM = 'urn:tabib:facility';

/**
 * - the Organization whose id is the facility's id (an enrolled workstation: the national record's id);
 * - else the Organization that carries the facility's code (the demonstration's facility);
 * - else a logical reference by the facility's code (FHIR R4 references.html#logical): the
 *   record's validation requires a literal reference to resolve, and an enrolled workstation may
 *   register a patient before its first pull brought the facility's Organization.
 */
export function facilityReference(
  record: LocalRecord,
  facility: Facility | null,
): Reference<Organization> | null {
  if (!facility) return null;
  if (record.store.read<Organization>('Organization', facility.id))
    return { reference: `Organization/${facility.id}`, display: facility.name };
  const rows = record.queries
    .statement(`select id, json from resource where type = 'Organization' and deleted = 0`)
    .all() as { id: string; json: string }[];
  for (const row of rows) {
    const organization = JSON.parse(row.json) as Organization;
    const carries = organization.identifier?.some(
      (identifier) => identifier.system === FACILITY_SYSTEM && identifier.value === facility.id,
    );
    if (carries) return { reference: `Organization/${row.id}`, display: organization.name ?? facility.name };
  }
  return { identifier: { system: FACILITY_SYSTEM, value: facility.id }, display: facility.name };
}
