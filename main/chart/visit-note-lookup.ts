/** Finds a visit's note in the record: the progress-note DocumentReference whose context is the Encounter. */
import type { DocumentReference, Encounter } from '@medplum/fhirtypes';
import type { LocalRecord } from '../record/local-record';
import type { StoredResource } from '../record/resource-store';
import { patientOf } from '../record/resource-types';
import { findVisitNoteDocument, visitNoteOf, type VisitNote } from './visit-note';

export interface StoredVisitNote {
  /** The DocumentReference and its local version (for an optimistic update). */
  stored: StoredResource<DocumentReference>;
  note: VisitNote;
}

/**
 * The note of one visit, or null when none was written. Only the patient's documents that name
 * the Encounter are parsed (a LIKE on the indexed patient's rows, then checked exactly).
 */
export function findVisitNote(record: LocalRecord, encounterId: string): StoredVisitNote | null {
  const encounter = record.store.read<Encounter>('Encounter', encounterId);
  if (!encounter) return null;
  const patientId = patientOf(encounter);
  if (!patientId) return null;
  const rows = record.sqlite
    .prepare<[string, string]>(
      `select id from resource where patient_id = ? and type = 'DocumentReference' and deleted = 0
         and json like ? escape '\\'`,
    )
    .all(patientId, `%"Encounter/${encounterId.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`) as { id: string }[];
  const candidates: StoredResource<DocumentReference>[] = [];
  for (const row of rows) {
    const stored = record.store.readStored<DocumentReference>('DocumentReference', row.id);
    if (stored) candidates.push(stored);
  }
  const document = findVisitNoteDocument(
    candidates.map((candidate) => candidate.resource),
    encounterId,
  );
  const stored = candidates.find((candidate) => candidate.resource === document);
  const note = visitNoteOf(document);
  return stored && note ? { stored, note } : null;
}
