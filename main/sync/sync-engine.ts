/**
 * One sync with the national record service: push the outbox, then pull. Push first, so that what
 * a doctor wrote offline leaves the workstation before anything else happens, and so that the pull
 * finds fewer unpushed local changes to hold back as conflicts.
 *
 * Each run is a `sync_run` row, inserted when the run starts and completed when it ends; rows a
 * crash left open are closed as 'interrupted' before this process's first run. The engine never
 * throws: a failure becomes the report's error with its TabibError code (unknown failures INTERNAL).
 * The pull and the push are injected (main/sync/pull.ts, push.ts): the engine only orders them.
 */
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import { isErrorCode, type ErrorCode } from '../contract/errors';
import { toErrorShape } from '../errors';
import type { FhirClient } from './fhir-client';
import { SyncRunLog } from './sync-run-log';
import type {
  PullFn,
  PushFn,
  SyncContext,
  SyncProgress,
  SyncRunner,
  SyncRunReport,
  SyncScope,
  SyncTrigger,
} from './sync-types';

export interface SyncEngineOptions {
  /** The replica, or how to open it (the services open the record on first use). */
  record: LocalRecord | (() => Promise<LocalRecord>);
  /** The FHIR client, or how to build it (its token source needs the workstation key). */
  client: FhirClient | (() => Promise<FhirClient>);
  scope: SyncScope;
  clock: () => Date;
  /** The workstation as a Device: who the sync's own audit entries name. */
  actor: Actor;
  push: PushFn;
  pull: PullFn;
}

/**
 * The report's error: a TabibError's code, or the code an error carries from a copy of main/errors
 * bundled apart (a pull or push loaded as a module of its own); anything else INTERNAL.
 */
function errorOf(error: unknown): { code: ErrorCode; message: string } {
  const shape = toErrorShape(error);
  const carried = (error as { code?: unknown } | null)?.code;
  const code = shape.code === 'INTERNAL' && isErrorCode(carried) ? carried : shape.code;
  return { code, message: shape.message };
}

function resolver<T extends object>(value: T | (() => Promise<T>)): () => Promise<T> {
  return typeof value === 'function' ? (value as () => Promise<T>) : () => Promise.resolve(value);
}

export class SyncEngine implements SyncRunner {
  private readonly openRecord: () => Promise<LocalRecord>;
  private readonly openClient: () => Promise<FhirClient>;
  private interruptedClosed = false;
  private controller: AbortController | null = null;

  constructor(private readonly options: SyncEngineOptions) {
    this.openRecord = resolver(options.record);
    this.openClient = resolver(options.client);
  }

  private now(): string {
    return this.options.clock().toISOString();
  }

  /** Aborts the run in progress, if any (its report says why); the next run starts afresh. */
  cancel(): void {
    this.controller?.abort();
  }

  async runOnce(trigger: SyncTrigger, progress?: (progress: SyncProgress) => void): Promise<SyncRunReport> {
    const started = this.now();
    const report: SyncRunReport = {
      seq: 0,
      trigger,
      started,
      finished: started,
      outcome: 'failed',
      pulled: 0,
      pushed: 0,
      conflicts: 0,
      error: null,
    };
    const tell = (value: SyncProgress) => {
      try {
        progress?.(value);
      } catch {
        // A listener's failure is not the sync's.
      }
    };
    let runs: SyncRunLog | null = null;
    const controller = new AbortController();
    this.controller = controller;
    try {
      const record = await this.openRecord();
      runs = new SyncRunLog(record.queries);
      if (!this.interruptedClosed) {
        runs.closeInterrupted(started);
        this.interruptedClosed = true;
      }
      report.seq = runs.start(trigger, started);
      const context: SyncContext = {
        record,
        client: await this.openClient(),
        scope: this.options.scope,
        clock: this.options.clock,
        actor: this.options.actor,
        signal: controller.signal,
        progress: tell,
      };
      tell({ phase: 'push', done: 0, total: null });
      const pushed = await this.options.push(context);
      report.pushed = pushed.pushed;
      report.conflicts += pushed.conflicts;
      controller.signal.throwIfAborted();
      tell({ phase: 'pull', done: 0, total: null });
      const pulled = await this.options.pull(context);
      report.pulled = pulled.applied + pulled.deleted;
      report.conflicts += pulled.conflicts;
      report.outcome = 'ok';
    } catch (error) {
      report.outcome = 'failed';
      report.error = errorOf(error);
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    report.finished = this.now();
    if (runs && report.seq > 0) {
      try {
        runs.finish(report.seq, report.finished, report);
      } catch (error) {
        // The run's outcome stands; the row stays open and is closed as 'interrupted' next start.
        report.outcome = 'failed';
        report.error ??= errorOf(error);
      }
    }
    tell(
      report.outcome === 'ok'
        ? { phase: 'idle', done: report.pushed + report.pulled, total: report.pushed + report.pulled }
        : { phase: 'error', done: 0, total: null },
    );
    return report;
  }
}
