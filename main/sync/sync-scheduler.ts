/**
 * Runs the sync in the background: every `intervalMs`, when the network comes back
 * (`reconnected()`), and when someone asks (`runNow()`). Never two runs at once: a request during
 * a run is coalesced into ONE follow-up run, which every such request shares. After failures it
 * backs off (the retry delay doubles, with jitter, up to a ceiling) so that a clinic offline for a
 * day does not hammer the network; a success or a reconnection resets it. `stop()` waits for the
 * run in progress. Time comes from injected timers, so tests drive it deterministically.
 */
import { TabibError } from '../errors';
import type { SyncProgress, SyncRunner, SyncRunReport, SyncTrigger } from './sync-types';

export interface SchedulerTimers {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  /** In [0, 1): the jitter's source. */
  random(): number;
}

export const systemTimers: SchedulerTimers = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => {
    const handle = setTimeout(callback, ms);
    // A pending background sync never keeps a process (the CLI, a test) alive.
    handle.unref();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  random: () => Math.random(),
};

export interface SyncSchedulerOptions {
  runner: SyncRunner;
  intervalMs: number;
  /** The first background run after start(); default the interval, at most a minute. */
  startDelayMs?: number;
  /** The first retry after a failure; default the interval, at most 30 s. Doubles per failure. */
  retryBaseMs?: number;
  /** The longest wait after repeated failures; default one hour (never below the interval). */
  maxBackoffMs?: number;
  /** ± this fraction of each background delay (default 0.1), so that a facility's workstations spread out. */
  jitter?: number;
  timers?: SchedulerTimers;
}

export type SchedulerEvent =
  | { type: 'started'; trigger: SyncTrigger }
  | { type: 'progress'; progress: SyncProgress }
  | { type: 'finished'; report: SyncRunReport };

/** Who asked matters for the history: a person's request outranks the timer's. */
const triggerRank: Record<SyncTrigger, number> = { schedule: 0, reconnect: 1, fetch: 2, manual: 3, cli: 3 };

interface FollowUp {
  trigger: SyncTrigger;
  promise: Promise<SyncRunReport>;
  resolve(report: SyncRunReport): void;
}

export class SyncScheduler {
  private readonly timers: SchedulerTimers;
  private current: Promise<SyncRunReport> | null = null;
  private followUp: FollowUp | null = null;
  private timer: unknown = null;
  private nextAt: number | null = null;
  private failures = 0;
  private started = false;
  private stopped = false;
  private lastProgress: SyncProgress | null = null;
  private readonly listeners = new Set<(event: SchedulerEvent) => void>();

  constructor(private readonly options: SyncSchedulerOptions) {
    this.timers = options.timers ?? systemTimers;
  }

  get running(): boolean {
    return this.current !== null;
  }

  /** The progress of the run in progress, if any. */
  get progress(): SyncProgress | null {
    return this.current ? this.lastProgress : null;
  }

  /** When the next background run is due (ms since the epoch), or null. */
  get nextRunAt(): number | null {
    return this.nextAt;
  }

  /** Consecutive failed runs (0 after a success). */
  get consecutiveFailures(): number {
    return this.failures;
  }

  onEvent(listener: (event: SchedulerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Starts the background runs. runNow() and reconnected() work without it (the CLI's one-off sync). */
  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    if (!this.current) this.schedule(this.options.startDelayMs ?? Math.min(this.options.intervalMs, 60_000));
  }

  /** Runs now, or, if a run is in progress, once more right after it (shared by all who ask meanwhile). */
  runNow(trigger: SyncTrigger = 'manual'): Promise<SyncRunReport> {
    return this.request(trigger);
  }

  /** The network is back (the renderer's `online` event, a successful probe): sync now, backoff forgotten. */
  reconnected(): void {
    if (this.stopped) return;
    this.failures = 0;
    void this.request('reconnect');
  }

  /** No more runs; resolves once the run in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimer();
    await this.current;
  }

  private emit(event: SchedulerEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure must not stop the sync.
      }
    }
  }

  private request(trigger: SyncTrigger): Promise<SyncRunReport> {
    if (this.stopped) return Promise.reject(new TabibError('SERVICE_UNAVAILABLE', 'The sync is stopped'));
    if (!this.current) return this.launch(trigger);
    if (this.followUp) {
      if (triggerRank[trigger] > triggerRank[this.followUp.trigger]) this.followUp.trigger = trigger;
      return this.followUp.promise;
    }
    let resolve!: (report: SyncRunReport) => void;
    const promise = new Promise<SyncRunReport>((done) => (resolve = done));
    this.followUp = { trigger, promise, resolve };
    return promise;
  }

  private launch(trigger: SyncTrigger): Promise<SyncRunReport> {
    this.clearTimer();
    this.lastProgress = { phase: 'push', done: 0, total: null };
    const started = this.timers.now();
    const run = Promise.resolve()
      .then(() =>
        this.options.runner.runOnce(trigger, (progress) => {
          this.lastProgress = progress;
          this.emit({ type: 'progress', progress });
        }),
      )
      .catch((error: unknown): SyncRunReport => {
        // SyncRunner.runOnce throws nothing; should one break that promise, the schedule goes on.
        const at = new Date(this.timers.now()).toISOString();
        const message = error instanceof Error ? error.message : String(error);
        return {
          seq: 0,
          trigger,
          started: new Date(started).toISOString(),
          finished: at,
          outcome: 'failed',
          pulled: 0,
          pushed: 0,
          conflicts: 0,
          error: { code: 'INTERNAL', message },
        };
      })
      .then((report) => {
        this.finished(report);
        return report;
      });
    this.current = run;
    this.emit({ type: 'started', trigger });
    return run;
  }

  private finished(report: SyncRunReport): void {
    this.current = null;
    this.lastProgress = null;
    this.failures = report.outcome === 'failed' ? this.failures + 1 : 0;
    const followUp = this.followUp;
    this.followUp = null;
    if (followUp && !this.stopped) {
      // Launched before listeners hear of this run's end, so they already see the follow-up running.
      void this.launch(followUp.trigger).then(followUp.resolve);
    } else {
      followUp?.resolve(report);
      if (this.started && !this.stopped) this.schedule(this.delayAfterRun());
    }
    this.emit({ type: 'finished', report });
  }

  /** The regular interval after a success; after n failures, base × 2^(n−1), capped. */
  private delayAfterRun(): number {
    const { intervalMs } = this.options;
    if (this.failures === 0) return intervalMs;
    const base = this.options.retryBaseMs ?? Math.min(intervalMs, 30_000);
    const ceiling = Math.max(this.options.maxBackoffMs ?? 3_600_000, intervalMs);
    return Math.min(ceiling, base * 2 ** Math.min(this.failures - 1, 30));
  }

  private schedule(delayMs: number): void {
    this.clearTimer();
    const jitter = this.options.jitter ?? 0.1;
    const delay = Math.max(0, Math.round(delayMs * (1 + jitter * (this.timers.random() * 2 - 1))));
    this.nextAt = this.timers.now() + delay;
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.nextAt = null;
      if (!this.stopped && !this.current) void this.request('schedule');
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
  }
}
