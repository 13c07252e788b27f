/**
 * The patients the pull follows besides the facility's (table `sync_patient`): a chart opened on
 * this workstation ('opened'), a patient fetched on demand by national identifier ('fetched'), and
 * the facility's own patients as the pull finds them ('facility'). A patient is followed once; the
 * first reason stays.
 */
import type { SyncPatientTable } from '../record/database/schema';
import type { LocalRecord } from '../record/local-record';

export type FollowReason = SyncPatientTable['reason'];

/** Call when a chart opens: from now on the pull keeps this patient's record up to date. */
export function followOpenedPatient(
  record: LocalRecord,
  patientId: string,
  when: Date = new Date(),
): boolean {
  return followPatient(record, patientId, 'opened', when);
}

/** Adds a followed patient; false when already followed. */
export function followPatient(
  record: LocalRecord,
  patientId: string,
  reason: FollowReason,
  when: Date | string = new Date(),
): boolean {
  const result = record.queries
    .statement(
      'insert into sync_patient (patient_id, reason, added) values (?, ?, ?) on conflict (patient_id) do nothing',
    )
    .run(patientId, reason, typeof when === 'string' ? when : when.toISOString());
  return result.changes === 1;
}

/** Every followed patient's id. */
export function followedPatientIds(record: LocalRecord): Set<string> {
  const rows = record.queries.statement('select patient_id from sync_patient').all() as {
    patient_id: string;
  }[];
  return new Set(rows.map((row) => row.patient_id));
}
