/**
 * The push against the FHIR peer (Medplum's router behind test/peers/fhir) on loopback: the
 * outbox reaches the server once, as transaction bundles; a 412 from a foreign change becomes a
 * conflict and nothing is overwritten; a lost answer is resent without duplicates; a 413 makes
 * bundles smaller; an entry the server refuses does not hold the rest.
 */
import type { CapabilityStatement, Encounter, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { ConflictLog } from '../../main/sync/conflict-log';
import { createFetch, type FetchLike } from '../../main/sync/http-transport';
import { pushOutboxWith } from '../../main/sync/push';
import type { SyncProgress } from '../../main/sync/sync-types';
import { startFaultProxy, type FaultProxy } from '../peers/fault-proxy/fault-proxy';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { doctor, patient, recordFixture, type RecordFixture } from '../record/record-fixture';
import { differences, outboxCount, pushClient, syncContext } from './support/push-harness';

const transport = createFetch();
let peer: FhirPeer;
let fixture: RecordFixture;
let record: LocalRecord;

beforeAll(async () => {
  peer = await startFhirPeer({ maxBundleEntries: 1000 });
}, 60_000);
afterAll(async () => {
  await peer?.stop();
  await transport.close();
});
afterEach(() => {
  record?.close();
  fixture?.cleanup();
});

async function freshRecord(): Promise<LocalRecord> {
  fixture = recordFixture();
  record = await fixture.open();
  return record;
}

const push = (
  options: {
    client?: ReturnType<typeof pushClient>;
    maxBundleEntries?: number;
    progress?: (p: SyncProgress) => void;
  } = {},
) =>
  pushOutboxWith(
    syncContext(
      record,
      options.client ?? pushClient(peer.baseUrl, transport.fetch),
      options.progress ? { progress: options.progress } : {},
    ),
    options.maxBundleEntries ? { maxBundleEntries: options.maxBundleEntries } : {},
  );

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(++counter).toString(36)}`;

function newPatient(extra: Partial<Patient> = {}): Patient {
  const id = `pat-${unique()}`;
  return patient(id, ['Amina', 'Bennani'], ['أمينة', 'بناني'], {
    identifier: [{ system: 'urn:tabib:ma:cin', value: `BE${100000 + counter}` }],
    ...extra,
  });
}

function encounterOf(patientId: string): Encounter {
  return {
    resourceType: 'Encounter',
    status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
    subject: { reference: `Patient/${patientId}` },
    period: { start: '2026-11-20T09:00:00Z' },
  };
}

function pulse(patientId: string, value: number, encounterId?: string): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
    subject: { reference: `Patient/${patientId}` },
    ...(encounterId ? { encounter: { reference: `Encounter/${encounterId}` } } : {}),
    effectiveDateTime: '2026-11-20T09:05:00Z',
    valueQuantity: { value, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
  };
}

/** Requests other than reading the CapabilityStatement. */
const writes = () => peer.requests.filter((r) => !r.url.endsWith('/metadata')).length;

const server = <T extends Resource>(type: string, id: string) => peer.read(type, id) as T | undefined;

describe('pushing the outbox', () => {
  it('creates, updates and deletes, with AuditEvents, in order, once; the record learns the server versions', async () => {
    await freshRecord();
    const p = record.store.create(newPatient(), doctor).resource;
    const e = record.store.create(encounterOf(p.id!), doctor).resource;
    const o1 = record.store.create(pulse(p.id!, 72, e.id), doctor);
    const o2 = record.store.create(pulse(p.id!, 80), doctor);
    record.store.update({ ...o1.resource, status: 'amended' }, doctor, o1.version);
    record.store.delete('Observation', o2.resource.id!, doctor); // created and deleted: nothing to send
    const progress: SyncProgress[] = [];
    const before = writes();
    const report = await push({ progress: (p) => progress.push(p) });
    expect(report).toMatchObject({ pushed: 9, conflicts: 0, remaining: 0, bundles: 1 });
    expect(outboxCount(record)).toBe(0);
    expect(server('Observation', o2.resource.id!)).toBeUndefined();
    expect(server<Observation>('Observation', o1.resource.id!)?.status).toBe('amended');
    expect(
      differences(record, peer.snapshot()).filter(
        (d) => !d.startsWith('AuditEvent/') || !d.includes('not here'),
      ),
    ).toEqual([]);
    // One transaction, no read, nothing else.
    expect(
      peer.requests
        .slice(before)
        .filter((r) => !r.url.endsWith('/metadata'))
        .map((r) => `${r.method} ${r.status} ${r.bundleEntries}`),
    ).toEqual(['POST 200 9']);
    expect(progress.at(-1)).toEqual({ phase: 'push', done: 10, total: 10 });
    const stored = record.store.read<Patient>('Patient', p.id!);
    expect(stored?.meta?.versionId).toBe(server<Patient>('Patient', p.id!)?.meta?.versionId);

    // Updates carry If-Match with the server's version; a delete too.
    const versionBefore = server<Patient>('Patient', p.id!)?.meta?.versionId;
    const current = record.store.readStored<Patient>('Patient', p.id!)!;
    record.store.update({ ...current.resource, gender: 'female' }, doctor, current.version);
    record.store.delete('Observation', o1.resource.id!, doctor);
    const second = await push();
    expect(second).toMatchObject({ pushed: 4, conflicts: 0, remaining: 0 });
    expect(server<Patient>('Patient', p.id!)).toMatchObject({ gender: 'female' });
    expect(server<Patient>('Patient', p.id!)?.meta?.versionId).not.toBe(versionBefore);
    expect(server('Observation', o1.resource.id!)).toBeUndefined();
    const changes = peer.changes().filter((c) => c.id === p.id);
    expect(changes).toHaveLength(2); // created once, updated once
  });

  it('keeps a foreign change behind a 412 as a conflict, overwrites nothing, pushes the rest and holds that resource', async () => {
    await freshRecord();
    const p = record.store.create(newPatient(), doctor).resource;
    await push();
    const remote = await peer.write({
      ...server<Patient>('Patient', p.id!)!,
      gender: 'male',
      birthDate: '1980-01-01',
    });
    const local = record.store.readStored<Patient>('Patient', p.id!)!;
    record.store.update({ ...local.resource, gender: 'female' }, doctor, local.version);
    const other = record.store.create(newPatient(), doctor).resource;
    const report = await push();
    expect(report.conflicts).toBe(1);
    expect(server<Patient>('Patient', p.id!)).toMatchObject({
      gender: 'male',
      meta: { versionId: remote.meta?.versionId },
    });
    expect(server('Patient', other.id!)).toBeDefined();
    const conflict = new ConflictLog(record.queries).openFor('Patient', p.id!);
    expect(conflict).toMatchObject({
      cause: 'precondition-failed',
      local: { gender: 'female' },
      remote: { gender: 'male' },
      remoteVersion: remote.meta?.versionId,
    });
    // The local change stays, and is not sent while the conflict is open.
    expect(record.store.read<Patient>('Patient', p.id!)?.gender).toBe('female');
    expect(report.remaining).toBe(1);
    const before = writes();
    const again = await push();
    expect(again).toMatchObject({ pushed: 0, bundles: 0, remaining: 1 });
    expect(writes()).toBe(before);
  });

  it('recognises its own write behind a lost answer: no duplicate, no conflict, acknowledged', async () => {
    await freshRecord();
    const proxy: FaultProxy = await startFaultProxy(peer.baseUrl);
    try {
      const patients = Array.from({ length: 3 }, () => record.store.create(newPatient(), doctor).resource);
      await push();
      for (const p of patients) {
        const stored = record.store.readStored<Patient>('Patient', p.id!)!;
        record.store.update({ ...stored.resource, gender: 'other' }, doctor, stored.version);
      }
      const created = record.store.create(newPatient(), doctor).resource;
      // The server commits the transaction; the answer is cut. No retry inside the client: the
      // push fails, as a crash would leave it.
      proxy.plan({ method: 'POST', fault: { kind: 'drop', afterBytes: 10 } });
      await expect(push({ client: pushClient(proxy.baseUrl, transport.fetch, 1) })).rejects.toMatchObject({
        code: 'SYNC_UNREACHABLE',
      });
      expect(proxy.log.at(-1)).toMatchObject({ forwarded: true, upstreamStatus: 200 });
      expect(outboxCount(record)).toBeGreaterThan(0);
      const report = await push({ client: pushClient(proxy.baseUrl, transport.fetch, 1) });
      expect(report).toMatchObject({ conflicts: 0, remaining: 0 });
      // The updates were recognised behind their 412 (one version each); the create was simply
      // repeated under its id (one resource, at most one more version).
      for (const p of patients) expect(peer.changes().filter((c) => c.id === p.id)).toHaveLength(2);
      expect(peer.changes().filter((c) => c.id === created.id && c.created)).toHaveLength(1);
      expect(differences(record, peer.snapshot()).filter((d) => !d.includes('not here'))).toEqual([]);
      // The same, with the client's own retry after the drop: one push, still no duplicate.
      for (const p of patients) {
        const stored = record.store.readStored<Patient>('Patient', p.id!)!;
        record.store.update({ ...stored.resource, gender: 'unknown' }, doctor, stored.version);
      }
      proxy.plan({ method: 'POST', fault: { kind: 'drop', afterBytes: 10 } });
      expect(await push({ client: pushClient(proxy.baseUrl, transport.fetch, 3) })).toMatchObject({
        conflicts: 0,
        remaining: 0,
      });
      for (const p of patients) expect(peer.changes().filter((c) => c.id === p.id)).toHaveLength(3);
      expect(new ConflictLog(record.queries).openCount()).toBe(0);
    } finally {
      await proxy.stop();
    }
  });

  it('halves a bundle the server finds too large (413) and keeps the smaller size', async () => {
    const small = await startFhirPeer({ maxBundleEntries: 8 });
    try {
      await freshRecord();
      for (let i = 0; i < 12; i++) record.store.create(newPatient(), doctor); // 24 entries with the audit
      const report = await pushOutboxWith(syncContext(record, pushClient(small.baseUrl, transport.fetch)), {
        maxBundleEntries: 30,
      });
      expect(report).toMatchObject({ pushed: 24, remaining: 0 });
      const posts = small.requests.filter((r) => r.method === 'POST');
      expect(posts.map((r) => `${r.status}:${r.bundleEntries}`)).toEqual([
        '413:24',
        '413:12',
        '200:6',
        '200:6',
        '200:6',
        '200:6',
      ]);
      expect(Object.keys(small.snapshot().Patient ?? {})).toHaveLength(12);
      // Remembered: the next push starts small.
      record.store.create(newPatient(), doctor);
      await pushOutboxWith(syncContext(record, pushClient(small.baseUrl, transport.fetch)), {
        maxBundleEntries: 30,
      });
      expect(small.requests.filter((r) => r.method === 'POST').at(-1)).toMatchObject({
        status: 200,
        bundleEntries: 2,
      });
    } finally {
      await small.stop();
    }
  });

  it('reports an entry the server refuses as SYNC_CHANGE_REFUSED, keeps it, pushes the rest, does not resend it unchanged', async () => {
    await freshRecord();
    const good = Array.from({ length: 6 }, () => record.store.create(newPatient(), doctor).resource);
    const bad = record.store.create(newPatient(), doctor).resource;
    // A value the server's validation refuses (the local store would refuse it too; written behind its back).
    const json = JSON.parse(
      (record.sqlite.prepare('select json from resource where id = ?').get(bad.id) as { json: string }).json,
    );
    record.sqlite
      .prepare('update resource set json = ? where id = ?')
      .run(JSON.stringify({ ...json, id: `${bad.id}-elsewhere` }), bad.id);
    const report = await push();
    expect(report.refused).toMatchObject([
      { resourceType: 'Patient', id: bad.id, code: 'SYNC_CHANGE_REFUSED', status: 400 },
    ]);
    expect(report.remaining).toBe(1);
    for (const p of good) expect(server('Patient', p.id!)).toBeDefined();
    expect(server('Patient', bad.id!)).toBeUndefined();
    const before = writes();
    expect(await push()).toMatchObject({ bundles: 0, remaining: 1, refused: [{ id: bad.id }] });
    expect(writes()).toBe(before);
    // Corrected here: sent again.
    const stored = record.store.readStored<Patient>('Patient', bad.id!)!;
    record.store.update({ ...stored.resource, id: bad.id, gender: 'female' }, doctor, stored.version);
    expect(await push()).toMatchObject({ remaining: 0, refused: [] });
    expect(server<Patient>('Patient', bad.id!)?.gender).toBe('female');
  });

  it('creates conditionally by identifier where the server does not offer update-as-create, without duplicates on resend', async () => {
    await freshRecord();
    const proxy = await startFaultProxy(peer.baseUrl);
    // The same server, announcing no update-as-create.
    const withoutUpdateCreate: FetchLike = async (url, init) => {
      const response = await transport.fetch(url, init);
      if (!String(url).endsWith('/metadata')) return response;
      const statement = (await new Response(response.body).json()) as CapabilityStatement;
      for (const resource of statement.rest?.[0]?.resource ?? []) resource.updateCreate = false;
      return new Response(JSON.stringify(statement), {
        status: 200,
        headers: { 'content-type': 'application/fhir+json' },
      });
    };
    try {
      const patients = Array.from({ length: 4 }, () => record.store.create(newPatient(), doctor).resource);
      proxy.plan({ method: 'POST', fault: { kind: 'drop', afterBytes: 10 } });
      await expect(push({ client: pushClient(proxy.baseUrl, withoutUpdateCreate, 1) })).rejects.toBeDefined();
      const report = await push({ client: pushClient(proxy.baseUrl, withoutUpdateCreate, 1) });
      expect(report.remaining).toBe(0);
      const onServer = Object.values(peer.snapshot().Patient ?? {}) as Patient[];
      for (const p of patients) {
        const value = p.identifier![0]!.value;
        expect(onServer.filter((s) => s.identifier?.some((i) => i.value === value))).toHaveLength(1);
      }
      const conditional = proxy.log.filter((entry) => entry.method === 'POST');
      expect(conditional.length).toBe(2);
    } finally {
      await proxy.stop();
    }
  });
});
