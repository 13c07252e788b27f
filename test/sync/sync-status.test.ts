/**
 * The sync as the contract offers it, through the real services (in-process, as the CLI runs them)
 * on a real encrypted record, with the e2e harness's simulated national service in place of pull.ts
 * and push.ts: the status and its states, the history, running now, listing and resolving conflicts,
 * the events, and `tabib sync`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/tabib-cli';
import type { ConfigFile } from '../../main/config/schema';
import type { SyncConflictView, SyncRunView, SyncStatus } from '../../main/contract/types';
import { ConflictLog } from '../../main/sync/conflict-log';
import { buildSyncStatus, noSyncFacts, type SyncFacts } from '../../main/sync/sync-status';
import { testWorkstation } from '../support/test-workstation';
import { HARNESS_SYNC_SOURCE, type HarnessSyncControl } from './harness-sync-control';

const FIXED_NOW = '2026-11-22T08:30:00.000Z';
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

const national: ConfigFile = {
  mode: 'national',
  country: 'MA',
  // The key-file keychain of tests is not a protected one.
  allowWeakKeychain: true,
  facility: { id: 'CS-0001', name: 'Centre de santé Agdal' },
  nationalService: {
    baseUrl: 'https://dossier.sante.example/fhir',
    tokenUrl: 'https://iam.sante.example/token',
    clientId: 'tabib-ws-0001',
    publicKeyJwk: { kty: 'EC', crv: 'P-384', x: 'x', y: 'y' },
    keyThumbprint: 'thumb',
    enrolledAt: '2026-11-01T10:00:00.000Z',
  },
};

function workstation(userConfig: ConfigFile | null) {
  const station = testWorkstation({
    prefix: 'tabib-sync-status-',
    userConfig,
    env: (dir) => ({
      fixedNow: FIXED_NOW,
      syncSimulator: { module: HARNESS_SYNC_SOURCE, controlFile: join(dir, 'sync-control.json') },
    }),
  });
  const controlFile = join(station.dir, 'sync-control.json');
  const { host, call } = station;
  const events: { name: string; payload: unknown }[] = [];
  host.onEvent((name, payload) => events.push({ name, payload }));
  cleanup = station.close;
  const control = (value: HarnessSyncControl) => {
    mkdirSync(dirname(controlFile), { recursive: true });
    writeFileSync(controlFile, JSON.stringify(value));
  };
  return { host, call, control, events };
}

const amina: Patient = {
  resourceType: 'Patient',
  id: 'p-amina',
  name: [{ use: 'official', given: ['Amina'], family: 'Tazi' }],
  birthDate: '1990-03-14',
  gender: 'female',
};

describe('the sync status', () => {
  it('says a demonstration is not connected to a national service, and refuses to sync', async () => {
    const { call } = workstation({ mode: 'demo', facility: { id: 'demo', name: 'Démonstration' } });
    const status = await call<SyncStatus>('sync.status');
    expect(status).toMatchObject({
      state: 'disabled',
      disabledReason: 'demo',
      running: false,
      nextRun: null,
    });
    await expect(call('sync.runNow')).rejects.toMatchObject({ code: 'SYNC_DISABLED' });
    await expect(call('sync.runOnce')).rejects.toMatchObject({ code: 'SYNC_DISABLED' });
    expect(await call<SyncStatus>('sync.reconnected')).toMatchObject({ state: 'disabled' });
  });

  it('says a workstation not yet enrolled has no sync, without creating a record', async () => {
    const { call } = workstation(null);
    expect(await call<SyncStatus>('sync.status')).toMatchObject({
      state: 'disabled',
      disabledReason: 'notEnrolled',
      pendingChanges: 0,
      openConflicts: 0,
      history: [],
    });
    expect(await call<SyncConflictView[]>('sync.conflicts')).toEqual([]);
  });

  it('follows an enrolled workstation from pending changes to up to date, offline, failed, and back', async () => {
    const { host, call, control, events } = workstation(national);
    const record = await host.services.record.open();
    record.store.create(amina, host.services.record.actor());
    expect(await call<SyncStatus>('sync.status')).toMatchObject({
      state: 'pending',
      disabledReason: null,
      pendingChanges: 2, // the patient and its audit event
      lastSuccess: null,
      lastAttempt: null,
      intervalSeconds: 300,
    });

    const first = await call<SyncRunView>('sync.runNow');
    expect(first).toMatchObject({ seq: 1, trigger: 'manual', outcome: 'ok', pushed: 2, error: null });
    expect(await call<SyncStatus>('sync.status')).toMatchObject({
      state: 'upToDate',
      pendingChanges: 0,
      lastSuccess: FIXED_NOW,
      lastAttempt: FIXED_NOW,
      lastError: null,
    });

    control({ service: 'unreachable' });
    record.store.update(
      { ...amina, telecom: [{ system: 'phone', value: '+212661000000' }] },
      host.services.record.actor(),
    );
    const offline = await call<SyncRunView>('sync.runNow');
    expect(offline).toMatchObject({ outcome: 'failed', error: { code: 'SYNC_UNREACHABLE' } });
    expect(await call<SyncStatus>('sync.status')).toMatchObject({
      state: 'offline',
      pendingChanges: 2,
      lastSuccess: FIXED_NOW,
      lastError: { code: 'SYNC_UNREACHABLE', at: FIXED_NOW },
    });

    control({ service: 'serverError' });
    await call('sync.runNow');
    expect((await call<SyncStatus>('sync.status')).state).toBe('failed');

    control({ service: 'ok', pulled: 7 });
    const back = await call<SyncRunView>('sync.runOnce');
    expect(back).toMatchObject({ trigger: 'cli', outcome: 'ok', pushed: 2, pulled: 7 });
    const status = await call<SyncStatus>('sync.status');
    expect(status.state).toBe('upToDate');
    expect(status.history.map((run) => [run.seq, run.trigger, run.outcome, run.error?.code ?? null])).toEqual(
      [
        [4, 'cli', 'ok', null],
        [3, 'manual', 'failed', 'SYNC_SERVER_ERROR'],
        [2, 'manual', 'failed', 'SYNC_UNREACHABLE'],
        [1, 'manual', 'ok', null],
      ],
    );
    // Each run's start and end reached the renderer as sync.status, its progress as sync.progress.
    const states = events
      .filter((event) => event.name === 'sync.status')
      .map((event) => (event.payload as SyncStatus).state);
    expect(states.filter((state) => state === 'syncing')).toHaveLength(4);
    expect(states.at(-1)).toBe('upToDate');
    expect(
      events.some(
        (event) => event.name === 'sync.progress' && (event.payload as { phase: string }).phase === 'push',
      ),
    ).toBe(true);
  });

  it('lists conflicts with both versions, and resolves one through the contract', async () => {
    const { host, call, events } = workstation(national);
    const record = await host.services.record.open();
    record.store.create(amina, host.services.record.actor());
    const remote: Patient = { ...amina, address: [{ city: 'Rabat' }], meta: { versionId: '3' } };
    record.queries.transaction(() =>
      new ConflictLog(record.queries).record({
        resourceType: 'Patient',
        resourceId: 'p-amina',
        cause: 'precondition-failed',
        localVersion: 1,
        local: record.store.read('Patient', 'p-amina'),
        remote,
        remoteVersion: '3',
        detected: FIXED_NOW,
      }),
    );
    expect((await call<SyncStatus>('sync.status')).state).toBe('conflicts');
    const [conflict] = await call<SyncConflictView[]>('sync.conflicts', { status: 'open' });
    expect(conflict).toMatchObject({
      resourceType: 'Patient',
      resourceId: 'p-amina',
      patient: { id: 'p-amina', latin: { given: 'Amina', family: 'Tazi' } },
      cause: 'precondition-failed',
      local: { id: 'p-amina', name: amina.name },
      remote,
      remoteVersion: '3',
      status: 'open',
    });

    // The boundary refuses a merge without its resource, a resource with a choice other than merge.
    for (const args of [
      { seq: conflict!.seq, choice: 'merged' },
      { seq: conflict!.seq, choice: 'local', merged: amina },
      { seq: conflict!.seq, choice: 'theirs' },
      { seq: -1, choice: 'local' },
    ])
      await expect(call('sync.resolveConflict', args)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const merged = { ...conflict!.local!, address: remote.address } as Patient;
    const resolved = await call<SyncConflictView>('sync.resolveConflict', {
      seq: conflict!.seq,
      choice: 'merged',
      merged,
    });
    expect(resolved).toMatchObject({
      status: 'resolved',
      resolution: 'merged',
      resolvedBy: host.services.record.actor().reference,
    });
    expect(await call<SyncConflictView[]>('sync.conflicts', { status: 'open' })).toEqual([]);
    expect(record.store.read<Patient>('Patient', 'p-amina')?.address).toEqual(remote.address);
    await expect(call('sync.resolveConflict', { seq: conflict!.seq, choice: 'local' })).rejects.toMatchObject(
      {
        code: 'VERSION_CONFLICT',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(events.filter((event) => event.name === 'sync.status').at(-1)?.payload).toMatchObject({
      state: 'pending',
      openConflicts: 0,
    });
  });

  it('names the most urgent state: syncing, conflicts, offline, failed, pending, up to date, never', () => {
    const facts = (patch: Partial<SyncFacts>): SyncFacts => ({ ...noSyncFacts, ...patch });
    const run = (
      outcome: 'ok' | 'failed',
      code: 'SYNC_UNREACHABLE' | 'SYNC_TIMEOUT' | 'SYNC_SERVER_ERROR' | null = null,
    ) => ({
      seq: 1,
      trigger: 'schedule' as const,
      started: FIXED_NOW,
      finished: FIXED_NOW,
      outcome,
      pulled: 0,
      pushed: 0,
      conflicts: 0,
      error: code ? { code, message: code } : null,
    });
    const runtime = { running: false, progress: null, nextRunAt: null, intervalSeconds: 300 };
    const state = (value: SyncFacts, running = false, disabled: 'demo' | null = null) =>
      buildSyncStatus(value, { ...runtime, running }, disabled).state;
    const everything = facts({
      openConflicts: 1,
      pendingChanges: 3,
      lastFinished: run('failed', 'SYNC_UNREACHABLE'),
    });
    expect(state(everything, true, 'demo')).toBe('disabled');
    expect(state(everything, true)).toBe('syncing');
    expect(state(everything)).toBe('conflicts');
    expect(state({ ...everything, openConflicts: 0 })).toBe('offline');
    expect(state(facts({ lastFinished: run('failed', 'SYNC_TIMEOUT') }))).toBe('offline');
    expect(state(facts({ pendingChanges: 3, lastFinished: run('failed', 'SYNC_SERVER_ERROR') }))).toBe(
      'failed',
    );
    expect(state(facts({ pendingChanges: 3, lastSuccess: run('ok'), lastFinished: run('ok') }))).toBe(
      'pending',
    );
    expect(state(facts({ lastSuccess: run('ok'), lastFinished: run('ok') }))).toBe('upToDate');
    expect(state(facts({}))).toBe('never');
  });
});

describe('tabib sync', () => {
  it('runs once and prints the status, as text and as JSON', async () => {
    const { host } = workstation(national);
    const out: string[] = [];
    const err: string[] = [];
    const output = { out: (line: string) => out.push(line), err: (line: string) => err.push(line) };
    expect(await runCli(['sync', '--once'], host, output)).toBe(0);
    expect(out.at(-1)).toMatch(
      /^#1 {2}2026-11-22T08:30:00\.000Z {2}cli {7}ok {10}pushed 0, pulled 0, conflicts 0$/,
    );
    out.length = 0;
    expect(await runCli(['sync', 'status'], host, output)).toBe(0);
    expect(out.slice(0, 6)).toEqual([
      'Sync: up to date',
      `  last success      ${FIXED_NOW}`,
      `  last attempt      ${FIXED_NOW}`,
      '  pending changes   0',
      '  open conflicts    0',
      '  last error        none',
    ]);
    out.length = 0;
    expect(await runCli(['sync', 'status', '--json'], host, output)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      state: 'upToDate',
      history: [{ seq: 1, trigger: 'cli' }],
    });
    expect(await runCli(['sync'], host, output)).toBe(2);
    expect(err.join('\n')).toContain('sync --once');
  });

  it('exits 1 when the sync fails, and says why', async () => {
    const { host, control } = workstation(national);
    control({ service: 'unreachable' });
    const out: string[] = [];
    const output = { out: (line: string) => out.push(line), err: () => undefined };
    expect(await runCli(['sync', '--once', '--json'], host, output)).toBe(1);
    expect(JSON.parse(out.join('\n'))).toMatchObject({
      outcome: 'failed',
      error: { code: 'SYNC_UNREACHABLE' },
    });
  });
});
