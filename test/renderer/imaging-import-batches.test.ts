/**
 * The import panel's batching (renderer/src/imaging/import-batches.ts): a CD is sent in batches
 * whose bytes and file counts are bounded, in order, none empty; and the batches' reports add up
 * to one, each study once.
 */
import { describe, expect, it } from 'vitest';
import type { ImportReport } from '../../main/contract/imaging-types';
import { batchesOf, mergeReports } from '../../renderer/src/imaging/import-batches';

const picked = (name: string, size: number) => ({ name, file: { size } });

function report(partial: Partial<ImportReport>): ImportReport {
  return {
    files: [],
    studies: [],
    total: 0,
    imported: 0,
    duplicates: 0,
    errors: 0,
    notAttempted: 0,
    stoppedBy: null,
    bytes: 0,
    milliseconds: 0,
    ...partial,
  };
}

describe('the import batches', () => {
  it('bound each batch by bytes and by files, keep the order, and send a large file alone', () => {
    const files = [
      picked('a', 400),
      picked('b', 500),
      picked('c', 200),
      picked('huge', 5_000),
      picked('d', 10),
      picked('e', 10),
      picked('f', 10),
    ];
    const batches = batchesOf(files, 1_000, 2);
    expect(batches.map((batch) => batch.map((file) => file.name))).toEqual([
      ['a', 'b'],
      ['c'],
      ['huge'],
      ['d', 'e'],
      ['f'],
    ]);
    for (const batch of batches) {
      expect(batch.length).toBeGreaterThan(0);
      expect(batch.length).toBeLessThanOrEqual(2);
      if (batch.length > 1)
        expect(batch.reduce((sum, file) => sum + file.file.size, 0)).toBeLessThanOrEqual(1_000);
    }
    expect(batchesOf([], 1_000, 2)).toEqual([]);
  });

  it('add the reports up, each study once with its counts summed, the last stop kept', () => {
    const match = { kind: 'none' } as const;
    const study = {
      studyInstanceUid: '1.2.3',
      patientName: null,
      patientNameText: 'X',
      dicomPatientId: 'P1',
      birthDate: null,
      studyDate: null,
      description: '',
      imported: 2,
      duplicates: 1,
      match,
    };
    const first = report({
      files: [{ path: 'a', status: 'imported', sopInstanceUid: '1', studyInstanceUid: '1.2.3', error: null }],
      studies: [study],
      total: 3,
      imported: 2,
      duplicates: 1,
      bytes: 100,
    });
    const second = report({
      files: [
        {
          path: 'b',
          status: 'error',
          sopInstanceUid: null,
          studyInstanceUid: null,
          error: { code: 'IMAGING_TRUNCATED', message: 'cut' },
        },
      ],
      studies: [
        { ...study, imported: 3, duplicates: 0 },
        { ...study, studyInstanceUid: '4.5.6', imported: 1 },
      ],
      total: 5,
      imported: 4,
      errors: 1,
      bytes: 50,
      stoppedBy: { code: 'IMAGING_CACHE_FULL', message: 'full' },
    });
    const merged = mergeReports(mergeReports(null, first), second);
    expect(merged.files.map((file) => file.path)).toEqual(['a', 'b']);
    expect(merged.studies.map((entry) => [entry.studyInstanceUid, entry.imported, entry.duplicates])).toEqual(
      [
        ['1.2.3', 5, 1],
        ['4.5.6', 1, 1],
      ],
    );
    expect([merged.total, merged.imported, merged.duplicates, merged.errors, merged.bytes]).toEqual([
      8, 6, 1, 1, 150,
    ]);
    expect(merged.stoppedBy?.code).toBe('IMAGING_CACHE_FULL');
  });
});
