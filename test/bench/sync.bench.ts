/**
 * `npm run bench:sync [-- --patients N]`: the sync with the national record service over loopback.
 * The server (the Medplum FHIR peer, seeded with N generated patients, about 11.6 resources each)
 * runs in a process of its own; Tabib's pull and push run here, on an encrypted record.
 * Prints:
 * - the initial replica: resources/s end to end, the time spent waiting for the server (request
 *   sent → last byte of the answer) against the time in Tabib (parsing, checks, writing), and
 *   Tabib's side as a rate of its own;
 * - the push of 10,000 local changes (and the audit events they make): resources/s.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Observation, Patient } from '@medplum/fhirtypes';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { LocalRecord } from '../../main/record/local-record';
import { createSearchRules } from '../../main/record/search/search-rules-for-country';
import { uniqueSyntheticNationalId } from '../../main/record/identity/national-id';
import { FhirClient } from '../../main/sync/fhir-client';
import { createFetch, type FetchLike, type ResponseLike } from '../../main/sync/http-transport';
import { pushedResourceTypes } from '../../main/sync/outbox-plan';
import { pull } from '../../main/sync/pull';
import { pushOutboxWith } from '../../main/sync/push';
import type { SyncContext } from '../../main/sync/sync-types';
import { describeMachine, machineLoad } from './machine';
import { startSyncServer } from './support/sync-server-process';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '10000' },
    changes: { type: 'string', default: '10000' },
    /** Skips the renderer's part (which builds the app and starts Chromium). */
    'without-renderer': { type: 'boolean', default: false },
  },
});
const PATIENTS = Number(values.patients);
const CHANGES = Number(values.changes);
const repository = resolve(import.meta.dirname, '..', '..');
const resourcesDir = join(repository, 'resources');
const facility = { organization: 'Organization/de300000-0f00-8000-8000-000000000001' };
const workstation = { reference: 'Device/bench-sync', display: 'bench workstation' };
const doctor = { reference: 'Practitioner/de300000-0d00-8000-8000-000000000002', display: 'Dr bench' };

/** The transport as the app builds it, with the time spent waiting for answers added up. */
function timedFetch(inner: FetchLike) {
  const timing = { waitMs: 0, requests: 0 };
  const fetch: FetchLike = async (url, init) => {
    const started = performance.now();
    const response = await inner(url, init);
    const body = response.body ? new Uint8Array(await new Response(response.body).arrayBuffer()) : null;
    timing.waitMs += performance.now() - started;
    timing.requests++;
    const replay: ResponseLike = {
      status: response.status,
      ok: response.ok,
      headers: response.headers,
      body: body
        ? new ReadableStream({
            start(controller) {
              controller.enqueue(body);
              controller.close();
            },
          })
        : null,
    };
    return replay;
  };
  return { fetch, timing };
}

console.log(describeMachine());
console.log(`patients on the server: ${PATIENTS}; local changes pushed: ${CHANGES}\n`);
const seedStarted = performance.now();
const server = await startSyncServer(PATIENTS);
console.log(
  `server: ${server.resources} resources written in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s (not measured below)`,
);
const dir = mkdtempSync(join(tmpdir(), 'tabib-bench-sync-'));
const transport = createFetch();
try {
  const record = await LocalRecord.open({
    databasePath: join(dir, 'record', 'tabib.db'),
    keyPath: join(dir, 'record', 'tabib.key.wrapped'),
    keychain: new KeyFileKeychain(join(dir, 'keychain.key')),
    allowWeakKeychain: true,
    workstation: { id: 'bench-sync', facilityId: 'CS-0001' },
    rules: createSearchRules(resourcesDir, 'MA'),
  });
  const { fetch, timing } = timedFetch(transport.fetch);
  const client = new FhirClient({
    baseUrl: server.baseUrl,
    fetch,
    acceptedResourceTypes: pushedResourceTypes,
    timeoutMs: 120_000,
  });
  const context: SyncContext = {
    record,
    client,
    scope: { facilityPatients: facility },
    clock: () => new Date(),
    actor: workstation,
  };

  // Initial replica.
  const serverCpuBefore = await server.cpuMs();
  const cpuBefore = process.cpuUsage();
  const pullStarted = performance.now();
  const pulled = await pull(context);
  const pullMs = performance.now() - pullStarted;
  const cpu = process.cpuUsage(cpuBefore);
  const serverCpuMs = (await server.cpuMs()) - serverCpuBefore;
  const counts = record.store.counts();
  const tabibMs = pullMs - timing.waitMs;
  console.log(`\n## Initial replica (pull)\n`);
  console.log('| figure | value |');
  console.log('|---|---|');
  console.log(
    `| resources applied | ${pulled.applied} (${counts.patients} patients, ${pulled.pages} pages, ${timing.requests} requests) |`,
  );
  console.log(
    `| end to end | ${(pullMs / 1000).toFixed(1)} s, **${Math.round(pulled.applied / (pullMs / 1000))} resources/s** |`,
  );
  console.log(
    `| waiting for the server | ${(timing.waitMs / 1000).toFixed(1)} s (${Math.round((100 * timing.waitMs) / pullMs)} %); server CPU ${(serverCpuMs / 1000).toFixed(1)} s |`,
  );
  console.log(
    `| in Tabib (parse, check, write) | ${(tabibMs / 1000).toFixed(1)} s (${Math.round((100 * tabibMs) / pullMs)} %): **${Math.round(pulled.applied / (tabibMs / 1000))} resources/s**; Tabib CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s |`,
  );
  if (pulled.applied < server.resources * 0.95)
    throw new Error(`only ${pulled.applied} of ${server.resources} resources pulled`);

  // The pull's own audit entries (who received which patient's record) go to the server first,
  // unmeasured, so the push below is the clinicians' changes alone.
  const auditBacklog = await pushOutboxWith(context, { maxBundleEntries: 1000 });

  // Local changes: new patients and their pulse readings, as clinicians would record them.
  const patients: Patient[] = [];
  for (let index = 0; patients.length < Math.ceil(CHANGES / 10); index++) {
    const n = 900_000 + index;
    patients.push(
      record.store.create<Patient>(
        {
          resourceType: 'Patient',
          identifier: [uniqueSyntheticNationalId('MA', n, () => 0.5)],
          name: [{ use: 'official', family: `Bench${n}`, given: ['Local'] }],
          gender: index % 2 ? 'female' : 'male',
          birthDate: '1980-01-01',
        },
        doctor,
      ).resource,
    );
  }
  let changes = patients.length;
  for (let index = 0; changes < CHANGES; index++, changes++) {
    const patient = patients[index % patients.length] as Patient;
    record.store.create<Observation>(
      {
        resourceType: 'Observation',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
        subject: { reference: `Patient/${patient.id}` },
        effectiveDateTime: new Date(Date.UTC(2026, 10, 22, 9, index % 60)).toISOString(),
        valueQuantity: {
          value: 60 + (index % 40),
          unit: '/min',
          system: 'http://unitsofmeasure.org',
          code: '/min',
        },
      },
      doctor,
    );
  }
  const entries = record.store.counts().pendingChanges;
  const pushStarted = performance.now();
  const pushed = await pushOutboxWith(context, { maxBundleEntries: 1000 });
  const pushMs = performance.now() - pushStarted;
  console.log(`\n## Push\n`);
  console.log(`(before it, unmeasured: the pull's ${auditBacklog.pushed} audit events)\n`);
  console.log('| figure | value |');
  console.log('|---|---|');
  console.log(
    `| local changes | ${changes} resources + ${entries - changes} audit events = ${entries} outbox entries |`,
  );
  console.log(
    `| pushed | ${pushed.pushed} in ${pushed.bundles} transaction bundles, ${(pushMs / 1000).toFixed(1)} s: **${Math.round(changes / (pushMs / 1000))} resources/s** (${Math.round(pushed.pushed / (pushMs / 1000))} entries/s) |`,
  );
  if (pushed.remaining !== 0 || pushed.conflicts !== 0)
    throw new Error(`push left ${pushed.remaining} entries, ${pushed.conflicts} conflicts`);
  record.close();
} finally {
  await transport.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
if (!values['without-renderer']) {
  // In its own process: the harness is browser-side code, type-checked with the DOM (tsconfig.e2e).
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(repository, 'test', 'e2e', 'bench', 'sync-renderer.ts'),
      '--patients',
      String(PATIENTS),
    ],
    { cwd: repository, stdio: 'inherit' },
  );
  const code = await new Promise<number | null>((done) => child.once('exit', done));
  if (code !== 0) throw new Error(`the renderer part ended with ${code}`);
}
console.log(`\nat the end, ${machineLoad()}`);
