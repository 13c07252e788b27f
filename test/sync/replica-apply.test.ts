/**
 * Versions older than the one the replica holds (a history re-read from an older cursor, after a
 * crash between two pages) are superseded: they neither roll the replica back nor raise a
 * conflict against a local change (found by the sync crash test).
 */
import type { Observation, Resource } from '@medplum/fhirtypes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { ReplicaApply } from '../../main/record/replica-apply';
import { doctor, patient, recordFixture, type RecordFixture } from '../record/record-fixture';

const actor = { reference: 'Device/ws-test', display: 'test workstation' };
let fixture: RecordFixture;
let record: LocalRecord;
let apply: ReplicaApply;

beforeEach(async () => {
  fixture = recordFixture();
  record = await fixture.open();
  apply = new ReplicaApply(record);
  apply.apply({
    changes: [
      {
        op: 'put',
        resource: version(patient('p1', ['Salma', 'Idrissi'], null), 'p1', '2026-11-01T08:00:00Z'),
      },
    ],
    actor,
    description: 'test',
  });
});
afterEach(() => {
  record.close();
  fixture.cleanup();
});

function version<T extends Resource>(resource: T, versionId: string, lastUpdated: string): T {
  return { ...resource, meta: { versionId, lastUpdated } };
}

const pulse = (value: number): Observation => ({
  resourceType: 'Observation',
  id: 'o1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/p1' },
  valueQuantity: { value, unit: '/min' },
});

const held = () =>
  record.sqlite.prepare("select remote_version, deleted, json from resource where id = 'o1'").get() as {
    remote_version: string;
    deleted: number;
    json: string;
  };

const put = (resource: Resource) =>
  apply.apply({ changes: [{ op: 'put', resource }], actor, description: 'test' });

describe('an older version than the one held', () => {
  it('is skipped: the replica keeps the newer one', () => {
    put(version(pulse(66), 'v2', '2026-11-02T10:00:00Z'));
    expect(put(version(pulse(60), 'v1', '2026-11-02T09:00:00Z'))).toMatchObject({ unchanged: 1, applied: 0 });
    expect(held().remote_version).toBe('v2');
    expect(put(version(pulse(61), 'v3', '2026-11-02T11:00:00Z'))).toMatchObject({ applied: 1 });
    expect(held().remote_version).toBe('v3');
  });

  it('raises no conflict against a local change made on the newer one', () => {
    put(version(pulse(66), 'v2', '2026-11-02T10:00:00Z'));
    const stored = record.store.readStored<Observation>('Observation', 'o1')!;
    record.store.update(
      { ...stored.resource, valueQuantity: { value: 54, unit: '/min' } },
      doctor,
      stored.version,
    );
    expect(put(version(pulse(60), 'v1', '2026-11-02T09:00:00Z'))).toMatchObject({
      unchanged: 1,
      conflicts: 0,
    });
    expect(record.sqlite.prepare('select count(*) as n from sync_conflict').get()).toEqual({ n: 0 });
    // A newer remote version over the local change is a conflict, as before.
    expect(put(version(pulse(70), 'v3', '2026-11-02T11:00:00Z'))).toMatchObject({ conflicts: 1 });
  });

  it('a deletion older than the version held is skipped; a newer one applies', () => {
    put(version(pulse(66), 'v2', '2026-11-02T10:00:00Z'));
    const remove = (time: string) =>
      apply.apply({
        changes: [{ op: 'delete', resourceType: 'Observation', id: 'o1', time }],
        actor,
        description: 'test',
      });
    expect(remove('2026-11-02T09:30:00Z')).toMatchObject({ unchanged: 1, deleted: 0 });
    expect(held().deleted).toBe(0);
    expect(remove('2026-11-02T10:30:00Z')).toMatchObject({ deleted: 1 });
    expect(held().deleted).toBe(1);
  });
});
