/**
 * The FHIR R4 resource types the record holds (architecture.md, "The record"), and what the
 * store pulls out of each into indexed columns.
 */
import type { Reference, Resource } from '@medplum/fhirtypes';

export const recordResourceTypes = [
  'Patient',
  /** The patient's insurance (registration, main/registration/coverage-resource.ts). */
  'Coverage',
  'Practitioner',
  'PractitionerRole',
  'Organization',
  'Encounter',
  'Observation',
  'Condition',
  'AllergyIntolerance',
  'MedicationRequest',
  'MedicationDispense',
  'Immunization',
  'DiagnosticReport',
  'ImagingStudy',
  'ServiceRequest',
  'Appointment',
  'CarePlan',
  'DocumentReference',
] as const;
export type RecordResourceType = (typeof recordResourceTypes)[number];

export function isRecordResourceType(value: unknown): value is RecordResourceType {
  return typeof value === 'string' && (recordResourceTypes as readonly string[]).includes(value);
}

/** FHIR R4 datatypes.html#id. */
export const FHIR_ID = /^[A-Za-z0-9\-.]{1,64}$/;

type Json = Record<string, unknown>;

function referenceId(reference: unknown, type: string): string | null {
  const value = (reference as Reference | undefined)?.reference;
  if (typeof value !== 'string') return null;
  const match = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(value);
  return match && match[1] === type ? (match[2] as string) : null;
}

/** The Patient a resource belongs to: the compartment the chart opens (FHIR R4 compartmentdefinition-patient). */
export function patientOf(resource: Resource): string | null {
  if (resource.resourceType === 'Patient') return resource.id ?? null;
  const json = resource as unknown as Json;
  for (const field of ['subject', 'patient', 'beneficiary']) {
    const id = referenceId(json[field], 'Patient');
    if (id) return id;
  }
  if (resource.resourceType === 'Appointment') {
    for (const participant of resource.participant ?? []) {
      const id = referenceId(participant.actor, 'Patient');
      if (id) return id;
    }
  }
  return null;
}

function firstString(json: Json, paths: string[][]): string | null {
  for (const path of paths) {
    let node: unknown = json;
    for (const key of path) node = (node as Json | undefined)?.[key];
    if (typeof node === 'string' && node.length > 0) return node;
  }
  return null;
}

/** The date the chart sorts by: when it happened clinically, not when it was typed. */
export function clinicalDateOf(resource: Resource): string | null {
  return firstString(resource as unknown as Json, [
    ['effectiveDateTime'],
    ['effectivePeriod', 'start'],
    ['effectiveInstant'],
    ['occurrenceDateTime'],
    ['onsetDateTime'],
    ['recordedDate'],
    ['authoredOn'],
    ['whenHandedOver'],
    ['period', 'start'],
    ['start'],
    ['started'],
    ['issued'],
    ['date'],
    ['created'],
    ['birthDate'],
  ]);
}

export function statusOf(resource: Resource): string | null {
  const json = resource as unknown as Json;
  if (typeof json.status === 'string') return json.status;
  return (
    firstString(json, [['clinicalStatus', 'coding', '0', 'code']]) ??
    (typeof json.active === 'boolean' ? String(json.active) : null)
  );
}
