/**
 * The background sync's schedule, on fake time: every interval, on reconnection, on request; never
 * two runs at once (requests during a run coalesce into one follow-up); backing off after
 * failures; stopping only once the run in progress has ended.
 */
import { describe, expect, it } from 'vitest';
import { SyncScheduler } from '../../main/sync/sync-scheduler';
import type { SyncProgress, SyncRunner, SyncRunReport, SyncTrigger } from '../../main/sync/sync-types';
import { fakeTimers, settle, type FakeTimers } from './fake-timers';

interface PendingRun {
  trigger: SyncTrigger;
  progress?: (progress: SyncProgress) => void;
  finish(outcome?: 'ok' | 'failed'): void;
}

/** A runner whose runs end when the test says, counting how many run at once. */
class ScriptedRunner implements SyncRunner {
  readonly runs: PendingRun[] = [];
  active = 0;
  mostAtOnce = 0;
  private seq = 0;

  runOnce(trigger: SyncTrigger, progress?: (progress: SyncProgress) => void): Promise<SyncRunReport> {
    this.active += 1;
    this.mostAtOnce = Math.max(this.mostAtOnce, this.active);
    const seq = ++this.seq;
    return new Promise((resolve) => {
      this.runs.push({
        trigger,
        ...(progress ? { progress } : {}),
        finish: (outcome = 'ok') => {
          this.active -= 1;
          resolve({
            seq,
            trigger,
            started: '2026-11-22T08:30:00.000Z',
            finished: '2026-11-22T08:30:01.000Z',
            outcome,
            pulled: 0,
            pushed: 0,
            conflicts: 0,
            error: outcome === 'ok' ? null : { code: 'SYNC_UNREACHABLE', message: 'offline' },
          });
        },
      });
    });
  }

  get last(): PendingRun {
    return this.runs.at(-1)!;
  }
}

const MINUTE = 60_000;

function scheduler(runner: SyncRunner, time: FakeTimers, intervalMs = 5 * MINUTE) {
  return new SyncScheduler({ runner, intervalMs, timers: time });
}

describe('the sync scheduler', () => {
  it('runs in the background: first a minute after start, then every interval after each run', async () => {
    const time = fakeTimers();
    const runner = new ScriptedRunner();
    const sync = scheduler(runner, time);
    sync.start();
    expect(time.pending()).toEqual([MINUTE]);
    await time.advance(MINUTE - 1);
    expect(runner.runs).toHaveLength(0);
    await time.advance(1);
    expect(runner.runs.map((run) => run.trigger)).toEqual(['schedule']);
    expect(sync.running).toBe(true);
    expect(time.pending()).toEqual([]); // no timer while a run is in progress
    runner.last.finish();
    await settle();
    expect(sync.running).toBe(false);
    expect(time.pending()).toEqual([5 * MINUTE]);
    expect(sync.nextRunAt).toBe(time.now() + 5 * MINUTE);
    await time.advance(5 * MINUTE);
    expect(runner.runs.map((run) => run.trigger)).toEqual(['schedule', 'schedule']);
  });

  it('never runs two at once: requests during a run coalesce into ONE follow-up, which all of them get', async () => {
    const time = fakeTimers();
    const runner = new ScriptedRunner();
    const sync = scheduler(runner, time);
    const first = sync.runNow('manual');
    const during = [sync.runNow('manual'), sync.runNow('manual')];
    sync.reconnected();
    await settle();
    expect(runner.runs).toHaveLength(1);
    runner.last.finish();
    expect((await first).seq).toBe(1);
    await settle();
    // The follow-up started as soon as the first ended; it is the only other run.
    expect(runner.runs).toHaveLength(2);
    expect(runner.last.trigger).toBe('manual'); // a person's request outranks a reconnection
    runner.last.finish();
    const reports = await Promise.all(during);
    expect(reports.map((report) => report.seq)).toEqual([2, 2]);
    await settle();
    expect(runner.runs).toHaveLength(2);
    expect(runner.mostAtOnce).toBe(1);
  });

  it('never runs two at once under a storm of timers, reconnections and requests', async () => {
    const time = fakeTimers();
    const runner = new ScriptedRunner();
    const sync = scheduler(runner, time, MINUTE);
    sync.start();
    for (let step = 0; step < 50; step++) {
      if (step % 3 === 0) void sync.runNow();
      if (step % 5 === 0) sync.reconnected();
      await time.advance(17_000);
      if (step % 2 === 0 && runner.active > 0) runner.last.finish(step % 4 ? 'ok' : 'failed');
    }
    expect(runner.runs.length).toBeGreaterThan(5);
    expect(runner.mostAtOnce).toBe(1);
  });

  it('backs off after failures (30 s, 1, 2, 4 min … up to an hour) and returns to the interval after a success', async () => {
    const time = fakeTimers();
    const runner = new ScriptedRunner();
    const sync = scheduler(runner, time);
    sync.start();
    await time.advance(MINUTE);
    const delays: number[] = [];
    for (let failure = 0; failure < 10; failure++) {
      runner.last.finish('failed');
      await settle();
      delays.push(time.pending()[0]!);
      await time.advance(time.pending()[0]!);
    }
    expect(delays).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
    expect(sync.consecutiveFailures).toBe(10);
    runner.last.finish('ok');
    await settle();
    expect(time.pending()).toEqual([5 * MINUTE]);
    expect(sync.consecutiveFailures).toBe(0);
  });

  it('spreads the background runs with jitter, within ±10 %', async () => {
    for (const random of [0, 0.999]) {
      const time = fakeTimers(Date.UTC(2026, 10, 22), () => random);
      const sync = scheduler(new ScriptedRunner(), time);
      sync.start();
      const delay = time.pending()[0]!;
      expect(Math.abs(delay - MINUTE)).toBeLessThanOrEqual(0.1 * MINUTE);
      expect(delay).not.toBe(MINUTE);
      await sync.stop();
    }
  });

  it('syncs at once when the network comes back, forgetting the backoff', async () => {
    const time = fakeTimers();
    const runner = new ScriptedRunner();
    const sync = scheduler(runner, time);
    sync.start();
    await time.advance(MINUTE);
    for (let failure = 0; failure < 4; failure++) {
      runner.last.finish('failed');
      await settle();
      await time.advance(time.pending()[0]!);
    }
    runner.last.finish('failed');
    await settle();
    expect(time.pending()).toEqual([480_000]);
    sync.reconnected();
    await settle();
    expect(runner.last.trigger).toBe('reconnect');
    expect(time.pending()).toEqual([]);
    runner.last.finish('failed');
    await settle();
    // The backoff starts over: one failure since the reconnection.
    expect(time.pending()).toEqual([30_000]);
  });

  it('reports the progress of the run in progress only', async () => {
    const time = fakeTimers();
    const runner = new ScriptedRunner();
    const sync = scheduler(runner, time);
    const events: string[] = [];
    sync.onEvent((event) =>
      events.push(
        event.type === 'progress' ? `progress ${event.progress.phase} ${event.progress.done}` : event.type,
      ),
    );
    const run = sync.runNow();
    await settle();
    runner.last.progress?.({ phase: 'pull', done: 40, total: null });
    expect(sync.progress).toEqual({ phase: 'pull', done: 40, total: null });
    runner.last.finish();
    await run;
    expect(sync.progress).toBeNull();
    expect(events).toEqual(['started', 'progress pull 40', 'finished']);
  });

  it('stops only once the run in progress has ended, drops the follow-up, and refuses new requests', async () => {
    const time = fakeTimers();
    const runner = new ScriptedRunner();
    const sync = scheduler(runner, time);
    sync.start();
    await time.advance(MINUTE);
    const followUp = sync.runNow();
    let stopped = false;
    const stopping = sync.stop().then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    runner.last.finish();
    await stopping;
    expect(stopped).toBe(true);
    // Those waiting for a follow-up get the last run's report; no run starts after stop().
    expect((await followUp).seq).toBe(1);
    await time.advance(24 * 60 * MINUTE);
    expect(runner.runs).toHaveLength(1);
    expect(time.pending()).toEqual([]);
    await expect(sync.runNow()).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('keeps its schedule even if a runner breaks its promise and throws', async () => {
    const time = fakeTimers();
    const sync = new SyncScheduler({
      runner: { runOnce: () => Promise.reject(new Error('boom')) },
      intervalMs: 5 * MINUTE,
      timers: time,
    });
    sync.start();
    const report = await sync.runNow();
    expect(report).toMatchObject({ outcome: 'failed', error: { code: 'INTERNAL', message: 'boom' } });
    await settle();
    expect(time.pending()).toEqual([30_000]);
    await sync.stop();
  });
});
