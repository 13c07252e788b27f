/** Reading what the care features write, with the record's version for optimistic concurrency. */
import type { Patient, Practitioner, Reference, Resource } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import type { StoredResource } from '../record/resource-store';
import type { RecordResourceType } from '../record/resource-types';
import { practitionerIdOf } from './care-context';

/** A patient's resources of one type with their versions (index resource_by_patient), newest first. */
export function patientResources<T extends Resource>(
  record: LocalRecord,
  patientId: string,
  type: RecordResourceType,
): StoredResource<T>[] {
  const rows = record.queries
    .statement(
      'select version, json from resource where patient_id = ? and type = ? and deleted = 0 order by date desc, rowid desc',
    )
    .all(patientId, type) as { version: number; json: string }[];
  return rows.map((row) => ({ resource: JSON.parse(row.json) as T, version: row.version }));
}

export function requirePatient(record: LocalRecord, patientId: string): Patient {
  const patient = record.store.read<Patient>('Patient', patientId);
  if (!patient) throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${patientId} is not in the record`);
  return patient;
}

export function requireStored<T extends Resource>(
  record: LocalRecord,
  type: RecordResourceType,
  id: string,
): StoredResource<T> {
  const stored = record.store.readStored<T>(type, id);
  if (!stored) throw new TabibError('RESOURCE_NOT_FOUND', `${type}/${id} is not in the record`);
  return stored;
}

/**
 * The acting practitioner as a reference: resolvable when their Practitioner is in the record,
 * else their name only (a FHIR Reference may hold a display alone), so that a workstation whose
 * actor is not (yet) a Practitioner of the record can still write.
 */
export function actorReference(record: LocalRecord, actor: Actor): Reference<Practitioner> {
  const id = practitionerIdOf(actor.reference);
  if (id && record.store.read('Practitioner', id))
    return { reference: actor.reference, display: actor.display };
  return { display: actor.display };
}

/** `Type/<id>` → id, for the type asked; null otherwise. */
export function referenceId(reference: Reference | undefined, type: string): string | null {
  const match = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference?.reference ?? '');
  return match && match[1] === type ? (match[2] as string) : null;
}
