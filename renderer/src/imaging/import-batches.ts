/**
 * How the import panel sends what was dropped or chosen: in batches whose bytes are bounded, so a
 * whole CD never sits in memory twice (once as Files, once as base64); and the batches' reports
 * added up into one. Plain data (no DOM), tested under Node.
 */
import type { ImportReport } from '../../../main/contract/imaging-types';

/** What the batching reads of a file: its size. */
export interface Sized {
  file: { size: number };
}

/** At most this many bytes of files (before base64) in one call. */
export const BATCH_BYTES = 24 * 1024 * 1024;
/** And at most this many files. */
export const BATCH_FILES = 200;

/** The files in batches, in order; a file larger than BATCH_BYTES goes alone. */
export function batchesOf<T extends Sized>(
  files: T[],
  maxBytes = BATCH_BYTES,
  maxFiles = BATCH_FILES,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const picked of files) {
    if (current.length > 0 && (bytes + picked.file.size > maxBytes || current.length >= maxFiles)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(picked);
    bytes += picked.file.size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Two batches' reports as one: the files in order, each study once with its counts added. */
export function mergeReports(before: ImportReport | null, next: ImportReport): ImportReport {
  if (!before) return next;
  const studies = new Map(before.studies.map((study) => [study.studyInstanceUid, study]));
  for (const study of next.studies) {
    const known = studies.get(study.studyInstanceUid);
    studies.set(
      study.studyInstanceUid,
      known
        ? {
            ...study,
            imported: known.imported + study.imported,
            duplicates: known.duplicates + study.duplicates,
          }
        : study,
    );
  }
  return {
    files: [...before.files, ...next.files],
    studies: [...studies.values()],
    total: before.total + next.total,
    imported: before.imported + next.imported,
    duplicates: before.duplicates + next.duplicates,
    errors: before.errors + next.errors,
    notAttempted: before.notAttempted + next.notAttempted,
    stoppedBy: next.stoppedBy ?? before.stoppedBy,
    bytes: before.bytes + next.bytes,
    milliseconds: before.milliseconds + next.milliseconds,
  };
}
