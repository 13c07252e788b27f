/**
 * The pull against the FHIR peer (Medplum behind a full-server wrapper): initial load, incremental
 * changes, many versions sharing one lastUpdated, deletions, conflicts with unpushed local changes,
 * and a crash between pages.
 */
import type { Observation } from '@medplum/fhirtypes';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { ConflictLog } from '../../main/sync/conflict-log';
import { createFetch } from '../../main/sync/http-transport';
import { historyCursorKey, pull, pullChanges, type StreamCursor } from '../../main/sync/pull';
import { SyncState } from '../../main/sync/sync-state';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { recordFixture, type RecordFixture } from '../record/record-fixture';
import {
  client,
  context,
  dump,
  generated,
  replicaMatchesServer,
  replicaVersions,
  seedPeer,
  staff,
} from './pull-fixture';

const transport = createFetch();
const fixtures: RecordFixture[] = [];
const records: LocalRecord[] = [];
const peers: FhirPeer[] = [];

async function openRecord(): Promise<LocalRecord> {
  const fixture = recordFixture('MA');
  fixtures.push(fixture);
  const record = await fixture.open();
  records.push(record);
  return record;
}

async function peer(options: Parameters<typeof startFhirPeer>[0] = {}): Promise<FhirPeer> {
  const started = await startFhirPeer({ maxPageSize: 1000, ...options });
  peers.push(started);
  return started;
}

afterEach(async () => {
  for (const record of records.splice(0)) record.close();
  for (const fixture of fixtures.splice(0)) fixture.cleanup();
  for (const started of peers.splice(0)) await started.stop();
});

afterAll(async () => {
  await transport.close();
});

describe('pull', () => {
  it('loads the facility’s patients and their records on the first pull, then only what changed', async () => {
    const fhir = await peer();
    await seedPeer(fhir, 12);
    const record = await openRecord();
    const ctx = context(record, client(fhir.baseUrl, transport.fetch));
    const progress: number[] = [];
    const first = await pull({ ...ctx, progress: (p) => progress.push(p.done) }, { pageSize: 25 });

    const expected = replicaVersions(record);
    const matched = replicaMatchesServer(record, fhir);
    expect(matched.clinical).toBe(12 * 1 + generatedCount(12));
    expect(matched.directory).toBeGreaterThan(0);
    expect(first.applied).toBe(expected.size);
    expect(first.deleted).toBe(0);
    expect(first.conflicts).toBe(0);
    expect(progress.at(-1)).toBe(expected.size);
    const followed = record.queries
      .statement(`select count(*) as n from sync_patient where reason = 'facility'`)
      .get() as { n: number };
    expect(followed.n).toBe(12);
    const patient = generated(3).patient;
    expect(record.search.search(patient.identifier?.[0]?.value as string).hits[0]?.id).toBe(patient.id);

    // Nothing new: nothing applied.
    const again = await pullChanges(ctx);
    expect(again).toMatchObject({ applied: 0, deleted: 0, conflicts: 0 });

    // Another facility changes one observation and adds one.
    const observation = Object.values(fhir.snapshot().Observation ?? {})[0] as Observation;
    await fhir.write({ ...observation, status: 'amended' });
    const added = await fhir.write<Observation>({ ...observation, id: 'added-obs-1', status: 'final' });
    const incremental = await pullChanges(ctx);
    expect(incremental).toMatchObject({ applied: 2, deleted: 0, conflicts: 0 });
    expect(record.store.read('Observation', observation.id as string)).toMatchObject({ status: 'amended' });
    expect(record.store.read('Observation', added.id)).toBeTruthy();
    replicaMatchesServer(record, fhir);
  });

  it('keeps only the followed and facility patients’ records', async () => {
    const fhir = await peer();
    await seedPeer(fhir, 3);
    // A patient of another facility, not followed.
    const other = generated(50);
    await fhir.write({ ...other.patient, managingOrganization: { reference: 'Organization/elsewhere' } });
    for (const resource of other.resources) await fhir.write(resource);
    const record = await openRecord();
    await pullChanges(context(record, client(fhir.baseUrl, transport.fetch)));
    expect(record.store.read('Patient', other.patient.id as string)).toBeNull();
    expect(record.store.countByPatient(other.patient.id as string)).toEqual({});
    expect(record.store.read('Patient', generated(1).patient.id as string)).toBeTruthy();
  });

  it('skips none and applies none twice when many versions share one lastUpdated, across pages and a crash', async () => {
    const frozen = new Date('2026-11-20T10:00:00.000Z');
    let clock = frozen;
    const fhir = await peer({ clock: () => clock });
    await seedPeer(fhir, 1);
    const patientId = generated(0).patient.id as string;
    const base = Object.values(fhir.snapshot().Observation ?? {})[0] as Observation;
    for (let i = 0; i < 230; i++)
      await fhir.write<Observation>({ ...base, id: `burst-${String(i).padStart(3, '0')}` });
    const record = await openRecord();
    const ctx = context(record, client(fhir.baseUrl, transport.fetch));

    // A crash after the third page of the pull.
    let pages = 0;
    await expect(
      pull(
        {
          ...ctx,
          progress: () => {
            if (++pages === 3) throw new Error('simulated crash');
          },
        },
        { pageSize: 40 },
      ),
    ).rejects.toThrow('simulated crash');
    const cursor = new SyncState(record.queries).get<StreamCursor>(historyCursorKey('Organization'));
    expect(cursor?.since).toBe(frozen.toISOString());
    const afterCrash = replicaVersions(record).size;
    expect(afterCrash).toBeGreaterThan(0);

    const resumed = await pull(ctx, { pageSize: 40 });
    replicaMatchesServer(record, fhir);
    expect(afterCrash + resumed.applied).toBe(replicaVersions(record).size);
    // Every resource stored once, from its first (only) version.
    const versions = record.queries.statement('select max(version) as v from resource').get() as {
      v: number;
    };
    expect(versions.v).toBe(1);
    expect(record.store.countByPatient(patientId).Observation).toBeGreaterThanOrEqual(230);

    // More at the same instant, then later ones: the boundary set lets them through, once.
    for (let i = 230; i < 260; i++) await fhir.write<Observation>({ ...base, id: `burst-${i}` });
    clock = new Date(frozen.getTime() + 1);
    await fhir.write<Observation>({ ...base, id: 'after-burst' });
    const next = await pull(ctx, { pageSize: 40 });
    expect(next.applied).toBe(31);
    replicaMatchesServer(record, fhir);
    expect((await pull(ctx, { pageSize: 40 })).applied).toBe(0);
  });

  it('propagates deletions: a deleted resource is marked deleted, a deleted patient leaves the index', async () => {
    const fhir = await peer();
    await seedPeer(fhir, 4);
    const record = await openRecord();
    const ctx = context(record, client(fhir.baseUrl, transport.fetch));
    await pullChanges(ctx);
    const victim = generated(2);
    const observation = victim.resources.find((r) => r.resourceType === 'Observation') as Observation;
    await fhir.remove('Observation', observation.id as string);
    // The patient goes with the rest of their record.
    for (const resource of victim.resources)
      if (fhir.read(resource.resourceType, resource.id as string))
        await fhir.remove(resource.resourceType, resource.id as string);
    await fhir.remove('Patient', victim.patient.id as string);

    const report = await pullChanges(ctx);
    expect(report.deleted).toBe(victim.resources.length + 1);
    const row = record.queries
      .statement('select deleted from resource where type = ? and id = ?')
      .get('Observation', observation.id) as { deleted: number };
    expect(row.deleted).toBe(1);
    expect(record.store.read('Patient', victim.patient.id as string)).toBeNull();
    expect(record.search.search(victim.patient.identifier?.[0]?.value as string).hits).toEqual([]);
    replicaMatchesServer(record, fhir);
    expect((await pullChanges(ctx)).deleted).toBe(0);
  });

  it('keeps a remote change over an unpushed local change as a conflict, local kept; our own write coming back is acknowledged', async () => {
    const fhir = await peer();
    await seedPeer(fhir, 2);
    const record = await openRecord();
    const ctx = context(record, client(fhir.baseUrl, transport.fetch));
    await pullChanges(ctx);
    const [first, second] = generated(1).resources.filter(
      (r) => r.resourceType === 'Observation',
    ) as Observation[];
    const local = record.store.update<Observation>(
      { ...(record.store.read('Observation', first!.id as string) as Observation), status: 'corrected' },
      actor(),
    );
    await fhir.write<Observation>({ ...first!, status: 'entered-in-error' });

    // Our own edit of the second one was pushed: the server's version has the same content.
    const mine = record.store.update<Observation>(
      { ...(record.store.read('Observation', second!.id as string) as Observation), status: 'amended' },
      actor(),
    );
    const content: Observation = { ...mine.resource };
    delete content.meta;
    const pushed = await fhir.write<Observation>(content);

    const report = await pullChanges(ctx);
    expect(report.conflicts).toBe(1);
    expect(record.store.read<Observation>('Observation', first!.id as string)?.status).toBe('corrected');
    const conflict = new ConflictLog(record.queries).openFor('Observation', first!.id as string);
    expect(conflict).toMatchObject({
      cause: 'remote-change',
      localVersion: local.version,
      status: 'open',
      remoteVersion: fhir.read('Observation', first!.id as string)?.meta?.versionId,
    });
    expect((conflict?.remote as Observation).status).toBe('entered-in-error');
    expect((conflict?.local as Observation).status).toBe('corrected');

    const acknowledged = record.queries
      .statement('select remote_version, version from resource where type = ? and id = ?')
      .get('Observation', second!.id) as { remote_version: string; version: number };
    expect(acknowledged).toEqual({ remote_version: pushed.meta?.versionId, version: mine.version });
    expect(new ConflictLog(record.queries).openFor('Observation', second!.id as string)).toBeNull();

    // The same remote version again: nothing new, still one conflict.
    expect(await pullChanges(ctx)).toMatchObject({ applied: 0, conflicts: 0 });
    expect(new ConflictLog(record.queries).openCount()).toBe(1);
  });

  it('resumes after an abort between pages from the last applied page, without duplicates', async () => {
    const fhir = await peer();
    await seedPeer(fhir, 8);
    const record = await openRecord();
    const controller = new AbortController();
    const ctx = context(record, client(fhir.baseUrl, transport.fetch));
    let pages = 0;
    await expect(
      pull(
        {
          ...ctx,
          signal: controller.signal,
          progress: () => ++pages === 5 && controller.abort(new Error('stopped')),
        },
        { pageSize: 10 },
      ),
    ).rejects.toThrow('stopped');
    // The cursor names exactly what was applied: every version it has seen is in the replica.
    const state = new SyncState(record.queries);
    const held = replicaVersions(record);
    for (const type of ['Patient', 'Encounter', 'Observation']) {
      const cursor = state.get<StreamCursor>(historyCursorKey(type));
      for (const key of cursor?.seen ?? []) {
        const [t, id, version] = key.split('/');
        expect(held.get(`${t}/${id}`)).toBe(version);
      }
    }
    const partial = held.size;
    const rest = await pull(ctx, { pageSize: 10 });
    expect(partial + rest.applied).toBe(replicaVersions(record).size);
    replicaMatchesServer(record, fhir);
    const maxVersion = record.queries.statement('select max(version) as v from resource').get() as {
      v: number;
    };
    expect(maxVersion.v).toBe(1);
    // One audit entry per patient per page, never for a no-op re-read.
    expect(dump(record)).toBe(dump(record));
  });
});

function generatedCount(patients: number): number {
  let total = 0;
  for (let index = 0; index < patients; index++) total += generated(index).resources.length;
  return total;
}

function actor() {
  return { reference: `Practitioner/${staff.practitioners[0]?.id}`, display: 'Dr Test' };
}
