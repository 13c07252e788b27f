/**
 * One sync run: push, then pull, each run a sync_run row written when it starts and completed when
 * it ends; a failure anywhere becomes the report's error with its code, never an exception; rows a
 * crash left open are closed as 'interrupted' before the next run.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TabibError } from '../../main/errors';
import type { LocalRecord } from '../../main/record/local-record';
import { FhirClient } from '../../main/sync/fhir-client';
import { SyncEngine, type SyncEngineOptions } from '../../main/sync/sync-engine';
import { SyncRunLog } from '../../main/sync/sync-run-log';
import type { PullReport, PushReport, SyncProgress } from '../../main/sync/sync-types';
import { recordFixture, type RecordFixture } from '../record/record-fixture';

const device = { reference: 'Device/3f1d2c8e-0000-4000-8000-000000000001', display: 'Tabib sync' };
const client = new FhirClient({
  baseUrl: 'https://dossier.sante.example/fhir',
  fetch: () => Promise.reject(new Error('no network in this test')),
});
const pushed: PushReport = { pushed: 3, bundles: 1, conflicts: 1, remaining: 1 };
const pulled: PullReport = { applied: 10, deleted: 2, pages: 2, conflicts: 1 };

let fixture: RecordFixture;
let record: LocalRecord;
let now: Date;

beforeEach(async () => {
  fixture = recordFixture();
  record = await fixture.open();
  now = new Date('2026-11-22T08:30:00.000Z');
});
afterEach(() => {
  record.close();
  fixture.cleanup();
});

function engine(overrides: Partial<SyncEngineOptions> = {}): SyncEngine {
  return new SyncEngine({
    record,
    client,
    scope: { facilityPatients: null },
    clock: () => now,
    actor: device,
    push: async () => pushed,
    pull: async () => pulled,
    ...overrides,
  });
}

const rows = () =>
  record.queries.statement('select * from sync_run order by seq').all() as Record<string, unknown>[];

describe('a sync run', () => {
  it('pushes, then pulls, and records the run with its counts', async () => {
    const order: string[] = [];
    const progress: SyncProgress[] = [];
    const report = await engine({
      push: async (context) => {
        order.push('push');
        // The run's row exists while it runs: a crash now leaves it for the next start to close.
        expect(rows()).toMatchObject([{ trigger: 'manual', finished: null, outcome: null }]);
        expect(context).toMatchObject({ record, client, actor: device, scope: { facilityPatients: null } });
        context.progress?.({ phase: 'push', done: 2, total: 3 });
        now = new Date('2026-11-22T08:30:05.000Z');
        return pushed;
      },
      pull: async () => {
        order.push('pull');
        return pulled;
      },
    }).runOnce('manual', (value) => progress.push(value));
    expect(order).toEqual(['push', 'pull']);
    expect(report).toEqual({
      seq: 1,
      trigger: 'manual',
      started: '2026-11-22T08:30:00.000Z',
      finished: '2026-11-22T08:30:05.000Z',
      outcome: 'ok',
      pulled: 12,
      pushed: 3,
      conflicts: 2,
      error: null,
    });
    expect(rows()).toEqual([
      {
        seq: 1,
        trigger: 'manual',
        started: '2026-11-22T08:30:00.000Z',
        finished: '2026-11-22T08:30:05.000Z',
        outcome: 'ok',
        pulled: 12,
        pushed: 3,
        conflicts: 2,
        error_code: null,
        error_message: null,
      },
    ]);
    expect(progress.map((value) => value.phase)).toEqual(['push', 'push', 'pull', 'idle']);
  });

  it('never throws: a failed push ends the run with the error’s code, and the pull is not attempted', async () => {
    let pulls = 0;
    const report = await engine({
      push: async () => {
        throw new TabibError('SYNC_UNREACHABLE', 'POST /: cannot connect (ECONNREFUSED)');
      },
      pull: async () => {
        pulls += 1;
        return pulled;
      },
    }).runOnce('schedule');
    expect(pulls).toBe(0);
    expect(report).toMatchObject({
      outcome: 'failed',
      pushed: 0,
      pulled: 0,
      error: { code: 'SYNC_UNREACHABLE', message: 'POST /: cannot connect (ECONNREFUSED)' },
    });
    expect(rows()[0]).toMatchObject({
      outcome: 'failed',
      error_code: 'SYNC_UNREACHABLE',
      error_message: 'POST /: cannot connect (ECONNREFUSED)',
    });
  });

  it('keeps what the push did when the pull fails', async () => {
    const report = await engine({
      pull: async () => {
        throw new TabibError('SYNC_RESPONSE_INVALID', 'page 2: not a Bundle');
      },
    }).runOnce('schedule');
    expect(report).toMatchObject({
      outcome: 'failed',
      pushed: 3,
      conflicts: 1,
      error: { code: 'SYNC_RESPONSE_INVALID' },
    });
    expect(rows()[0]).toMatchObject({ outcome: 'failed', pushed: 3, conflicts: 1 });
  });

  it('reports an unknown failure as INTERNAL, and a code carried by an error from another bundle as that code', async () => {
    const internal = await engine({ push: () => Promise.reject(new RangeError('bad index')) }).runOnce(
      'manual',
    );
    expect(internal.error).toEqual({ code: 'INTERNAL', message: 'bad index' });
    const thrownString = await engine({
      push: () => {
        throw 'not even an Error';
      },
    }).runOnce('manual');
    expect(thrownString.error).toEqual({ code: 'INTERNAL', message: 'not even an Error' });
    const carried = await engine({
      push: () => Promise.reject(Object.assign(new Error('503'), { code: 'SYNC_SERVER_ERROR' })),
    }).runOnce('manual');
    expect(carried.error).toEqual({ code: 'SYNC_SERVER_ERROR', message: '503' });
    const nodeCode = await engine({
      push: () => Promise.reject(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })),
    }).runOnce('manual');
    expect(nodeCode.error?.code).toBe('INTERNAL');
  });

  it('records a client that cannot be built (no workstation key) as the run’s failure', async () => {
    const report = await engine({
      client: () => Promise.reject(new TabibError('KEYCHAIN_UNAVAILABLE', 'The workstation key is missing')),
    }).runOnce('cli');
    expect(report).toMatchObject({
      seq: 1,
      trigger: 'cli',
      outcome: 'failed',
      error: { code: 'KEYCHAIN_UNAVAILABLE' },
    });
    expect(rows()[0]).toMatchObject({
      trigger: 'cli',
      outcome: 'failed',
      error_code: 'KEYCHAIN_UNAVAILABLE',
    });
  });

  it('answers with a failed report, and no row, when the record cannot be opened', async () => {
    const report = await engine({
      record: () => Promise.reject(new TabibError('RECORD_KEY_MISMATCH', 'No key opens the record')),
    }).runOnce('schedule');
    expect(report).toMatchObject({ seq: 0, outcome: 'failed', error: { code: 'RECORD_KEY_MISMATCH' } });
    expect(rows()).toEqual([]);
  });

  it('closes the rows a crash left open as interrupted before its first run, and only those', async () => {
    const log = new SyncRunLog(record.queries);
    const crashed = log.start('schedule', '2026-11-22T07:00:00.000Z');
    const finished = log.start('manual', '2026-11-22T07:10:00.000Z');
    log.finish(finished, '2026-11-22T07:10:03.000Z', {
      outcome: 'ok',
      pulled: 1,
      pushed: 1,
      conflicts: 0,
      error: null,
    });
    const sync = engine();
    await sync.runOnce('schedule');
    expect(rows().map((row) => [row.seq, row.outcome, row.finished])).toEqual([
      [crashed, 'interrupted', '2026-11-22T08:30:00.000Z'],
      [finished, 'ok', '2026-11-22T07:10:03.000Z'],
      [3, 'ok', '2026-11-22T08:30:00.000Z'],
    ]);
    expect(log.history(10).map((run) => run.outcome)).toEqual(['ok', 'ok', 'interrupted']);
  });

  it('passes an abort signal that cancel() fires, and the run ends failed', async () => {
    const sync = engine({
      push: (context) =>
        new Promise<PushReport>((_resolve, reject) =>
          context.signal?.addEventListener('abort', () =>
            reject(new TabibError('SYNC_TIMEOUT', 'cancelled')),
          ),
        ),
    });
    const running = sync.runOnce('manual');
    await new Promise((resolve) => setTimeout(resolve, 10));
    sync.cancel();
    expect(await running).toMatchObject({ outcome: 'failed', error: { code: 'SYNC_TIMEOUT' } });
  });
});
