/**
 * The sync killed with SIGKILL at random moments (issue 4, acceptance): a child process opens the
 * encrypted record and syncs as the engine does — pushes its backlog, then pulls, in pages of 10,
 * what another facility wrote for its patients — with the FHIR peer living here, so it survives
 * the kill. Between trials this process makes more local changes (creates, updates, deletes, some
 * of resources whose push was cut) and the other facility adds and removes observations of the
 * same patients. After every trial the record agrees with the server wherever it says it does,
 * at the version it says; after a final complete sync, the replica equals the server, every local
 * change is there exactly once and the outbox is empty.
 */
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Encounter, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { createFetch } from '../../main/sync/http-transport';
import { sameContent } from '../../main/record/resource-content';
import { followPatient } from '../../main/sync/followed-patients';
import { pull } from '../../main/sync/pull';
import { pushOutboxWith } from '../../main/sync/push';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { doctor, patient, recordFixture, resourcesDir, type RecordFixture } from '../record/record-fixture';
import { seededRandom } from '../support/seeded-random';
import { differences, outboxCount, pushClient, syncContext } from './support/push-harness';

const TRIALS = Number(process.env.CRASH_TRIALS ?? 50);
const BUNDLE = 12;
const childSource = resolve(import.meta.dirname, 'support', 'sync-child.ts');
/**
 * The child, bundled once with esbuild (packages left external): started with tsx, its imports
 * alone take ~1 s here, which fifty trials cannot afford. Written under node_modules/.cache so
 * that its external imports resolve.
 */
const child = resolve(
  import.meta.dirname,
  '..',
  '..',
  'node_modules',
  '.cache',
  'tabib-test',
  `sync-child-${process.pid}.mjs`,
);

let peer: FhirPeer;
let fixture: RecordFixture;
const transport = createFetch();

beforeAll(async () => {
  peer = await startFhirPeer({ maxBundleEntries: 1000 });
  await peer.write({ resourceType: 'Organization', id: 'other-facility', name: 'Centre de santé voisin' });
  fixture = recordFixture();
  await build({
    entryPoints: [childSource],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: child,
    logLevel: 'error',
  });
}, 60_000);
afterAll(async () => {
  await peer?.stop();
  await transport.close();
  fixture?.cleanup();
  rmSync(child, { force: true });
});

/**
 * Runs the syncing child and kills it once the server has answered `killAtRequest` of its
 * requests (0: as soon as it is ready), unless it finished first. Counting requests rather than
 * milliseconds puts the kill at the same step of the push however loaded the machine is: the
 * server lives in this process, and the check runs right after each answer is sent, before the
 * next request can be served, so the child dies between a send and its acknowledgement, or
 * between two bundles.
 */
function pushInChild(killAtRequest: number): Promise<'killed' | 'finished'> {
  return new Promise((resolvePromise, reject) => {
    const process_ = spawn(
      process.execPath,
      [child, fixture.dir, peer.baseUrl, String(BUNDLE), resourcesDir],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    let stdout = '';
    let exited = false;
    process_.stderr.on('data', (chunk) => (stderr += String(chunk)));
    process_.stdout.on('data', (chunk) => {
      const before = stdout;
      stdout += String(chunk);
      if (!before.includes('ready') && stdout.includes('ready')) {
        const base = peer.requests.length;
        const watch = () => {
          if (exited) return;
          if (peer.requests.length - base >= killAtRequest) process_.kill('SIGKILL');
          else setImmediate(watch);
        };
        watch();
      }
    });
    process_.on('exit', (code, signal) => {
      exited = true;
      if (signal === 'SIGKILL') resolvePromise(stdout.includes('done') ? 'finished' : 'killed');
      else if (code === 0 && stdout.includes('done')) resolvePromise('finished');
      else reject(new Error(`sync child ended with ${code ?? signal}: ${stderr}`));
    });
  });
}

let cin = 100000;

/** Seeded local work between trials: new patients with encounters and vitals, edits, deletions. */
function localChanges(record: LocalRecord, random: () => number): void {
  const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
  for (let n = 0; n < 2; n++) {
    const p = record.store.create(
      patient(`crash-${cin}`, ['Karim', 'Tazi'], ['كريم', 'التازي'], {
        identifier: [{ system: 'urn:tabib:ma:cin', value: `CD${cin++}` }],
      }),
      doctor,
    ).resource;
    // Opened here: the pull follows this patient.
    followPatient(record, p.id as string, 'opened');
    const e = record.store.create(
      {
        resourceType: 'Encounter',
        status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
        subject: { reference: `Patient/${p.id}` },
      } as Encounter,
      doctor,
    ).resource;
    for (let i = 0; i < 2; i++)
      record.store.create(
        {
          resourceType: 'Observation',
          status: 'final',
          code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
          subject: { reference: `Patient/${p.id}` },
          encounter: { reference: `Encounter/${e.id}` },
          valueQuantity: { value: Math.round(50 + random() * 60), unit: '/min' },
        } as Observation,
        doctor,
      );
  }
  // This workstation's own resources only: what the other facility wrote it leaves alone.
  const live = (type: string) =>
    (
      record.sqlite
        .prepare(
          "select id from resource where type = ? and deleted = 0 and json not like '%Organization/other-facility%'",
        )
        .all(type) as {
        id: string;
      }[]
    ).map((row) => row.id);
  for (let n = 0; n < 3; n++) {
    const id = pick(live('Observation'));
    if (!id) continue;
    const stored = record.store.readStored<Observation>('Observation', id)!;
    record.store.update(
      { ...stored.resource, valueQuantity: { value: Math.round(50 + random() * 60), unit: '/min' } },
      doctor,
      stored.version,
    );
  }
  const someone = pick(live('Patient'));
  if (someone) {
    const stored = record.store.readStored<Patient>('Patient', someone)!;
    record.store.update(
      { ...stored.resource, gender: random() < 0.5 ? 'female' : 'male' },
      doctor,
      stored.version,
    );
  }
  // Delete the newest or a random observation (newest: often created, maybe sent, not acknowledged).
  const observations = live('Observation');
  const victim = random() < 0.5 ? observations.at(-1) : pick(observations);
  if (victim) record.store.delete('Observation', victim, doctor);
}

const otherFacility = { reference: 'Organization/other-facility', display: 'another facility' };

/**
 * Seeded work of another facility between trials, straight on the server: a new observation for
 * a patient this workstation has pushed, and now and then the removal of one of its own earlier
 * observations (never what this workstation wrote, so no conflict is expected).
 */
async function otherFacilityChanges(random: () => number): Promise<void> {
  const snapshot = peer.snapshot();
  const patients = Object.keys(snapshot.Patient ?? {});
  const mine = Object.values(snapshot.Observation ?? {}).filter(
    (observation) => (observation as Observation).performer?.[0]?.reference === otherFacility.reference,
  );
  for (let n = 0; n < 2 && patients.length > 0; n++) {
    const patientId = patients[Math.floor(random() * patients.length)] as string;
    await peer.write<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '8310-5' }] },
      subject: { reference: `Patient/${patientId}` },
      performer: [otherFacility],
      valueQuantity: { value: Math.round(360 + random() * 30) / 10, unit: 'Cel' },
    });
  }
  if (mine.length > 0 && random() < 0.4) {
    const victim = mine[Math.floor(random() * mine.length)] as Resource;
    await peer.remove('Observation', victim.id as string);
  }
}

/**
 * Where the record says it agrees with the server (nothing pending), it holds exactly the
 * server's version it names (the server may have moved on since: the next pull brings that).
 */
function acknowledgedAgree(record: LocalRecord): string[] {
  const snapshot = peer.snapshot();
  const problems: string[] = [];
  const settled = record.sqlite
    .prepare(
      `select type, id, deleted, remote_version, json from resource r where not exists
         (select 1 from outbox o where o.resource_type = r.type and o.resource_id = r.id)`,
    )
    .all() as { type: string; id: string; deleted: number; remote_version: string | null; json: string }[];
  const versions = new Map<string, Resource | null>();
  for (const change of peer.changes())
    versions.set(`${change.resourceType}/${change.id}/${change.versionId}`, change.resource ?? null);
  for (const row of settled) {
    const remote = snapshot[row.type]?.[row.id];
    if (row.deleted) {
      // Deleted here and acknowledged, or a deletion pulled: the server has it deleted too.
      if (remote) problems.push(`${row.type}/${row.id}: deleted and settled, still on the server`);
      continue;
    }
    const named = versions.get(`${row.type}/${row.id}/${row.remote_version}`);
    if (!named)
      problems.push(
        `${row.type}/${row.id}: settled at ${row.remote_version}, a version the server never had`,
      );
    else if (!sameContent(named, JSON.parse(row.json) as Resource))
      problems.push(`${row.type}/${row.id}: differs from the server's version ${row.remote_version}`);
  }
  const audits = record.sqlite
    .prepare(
      `select id from audit_event a where not exists
         (select 1 from outbox o where o.resource_type = 'AuditEvent' and o.resource_id = a.id)`,
    )
    .all() as { id: string }[];
  for (const { id } of audits)
    if (!snapshot.AuditEvent?.[id]) problems.push(`AuditEvent/${id}: acknowledged, not on the server`);
  const orphans = record.sqlite
    .prepare(
      `select count(*) as n from outbox o where o.resource_type <> 'AuditEvent'
         and not exists (select 1 from resource r where r.type = o.resource_type and r.id = o.resource_id)`,
    )
    .get() as { n: number };
  if (orphans.n > 0) problems.push(`${orphans.n} outbox entries without a resource`);
  return problems;
}

describe('a sync killed with SIGKILL', () => {
  it(`loses nothing and duplicates nothing (${TRIALS} trials)`, async () => {
    const random = seededRandom(20261123);
    const started = performance.now();
    const outcomes = { killed: 0, finished: 0 };
    for (let trial = 0; trial < TRIALS; trial++) {
      const record = await fixture.open();
      localChanges(record, random);
      // The requests this sync needs: the CapabilityStatement, one transaction per bundle, then
      // the pull's history pages (about one per record type, more when others wrote).
      const needed = 1 + Math.ceil(outboxCount(record) / BUNDLE) + 20;
      record.close();
      await otherFacilityChanges(random);
      // Kill anywhere from before the first answer to after the last.
      outcomes[await pushInChild(Math.floor(random() * (needed + 1)))]++;
      const reopened = await fixture.open();
      try {
        expect(reopened.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
        expect(acknowledgedAgree(reopened), `trial ${trial}`).toEqual([]);
        // No one else writes: a 412 here is always our own earlier write, never a conflict.
        const conflicts = reopened.sqlite.prepare('select * from sync_conflict').all();
        expect(conflicts, `trial ${trial}: conflicts`).toEqual([]);
      } finally {
        reopened.close();
      }
    }
    const record = await fixture.open();
    try {
      const context = syncContext(record, pushClient(peer.baseUrl, transport.fetch));
      const report = await pushOutboxWith(context, { maxBundleEntries: BUNDLE });
      expect(report).toMatchObject({ remaining: 0, conflicts: 0, refused: [] });
      await pull(context, { pageSize: 10 });
      // The pull's own audit entries (who received which record) go up too.
      await pushOutboxWith(context, { maxBundleEntries: BUNDLE });
      expect(record.sqlite.prepare('select count(*) as n from sync_conflict').get()).toEqual({ n: 0 });
      expect(outboxCount(record)).toBe(0);
      const snapshot = peer.snapshot();
      expect(differences(record, snapshot)).toEqual([]);
      // Nothing on the server that is not here, and each resource created there once.
      const local = new Set(
        (
          record.sqlite.prepare('select type, id from resource where deleted = 0').all() as {
            type: string;
            id: string;
          }[]
        ).map((row) => `${row.type}/${row.id}`),
      );
      // Including what the other facility wrote: the pull brought it all.
      for (const [type, byId] of Object.entries(snapshot))
        if (type !== 'AuditEvent')
          for (const id of Object.keys(byId)) expect(local.has(`${type}/${id}`), `${type}/${id}`).toBe(true);
      const fromOthers = Object.values(snapshot.Observation ?? {}).filter(
        (observation) => (observation as Observation).performer?.[0]?.reference === otherFacility.reference,
      );
      expect(fromOthers.length).toBeGreaterThan(0);
      const creations = new Map<string, number>();
      for (const change of peer.changes())
        if (change.created)
          creations.set(
            `${change.resourceType}/${change.id}`,
            (creations.get(`${change.resourceType}/${change.id}`) ?? 0) + 1,
          );
      expect([...creations].filter(([, n]) => n !== 1)).toEqual([]);
      const identifiers = new Map<string, number>();
      for (const p of Object.values(snapshot.Patient ?? {}) as Patient[])
        for (const identifier of p.identifier ?? [])
          identifiers.set(identifier.value!, (identifiers.get(identifier.value!) ?? 0) + 1);
      expect([...identifiers].filter(([, n]) => n !== 1)).toEqual([]);
      expect(identifiers.size).toBe(TRIALS * 2);
      const audits = (record.sqlite.prepare('select count(*) as n from audit_event').get() as { n: number })
        .n;
      expect(Object.keys(snapshot.AuditEvent ?? {})).toHaveLength(audits);
    } finally {
      record.close();
    }
    console.info(
      `sync crash test: ${TRIALS} trials (${outcomes.killed} killed mid-sync, ${outcomes.finished} finished first; ${peer.requests.filter((r) => r.status === 412).length} resends met their own earlier write behind a 412) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    // Most trials really cut a sync.
    expect(outcomes.killed).toBeGreaterThan(TRIALS / 2);
  }, 180_000);
});
