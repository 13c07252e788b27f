/**
 * The history of sync runs (table `sync_run`). A run's row is written when it starts and completed
 * when it ends, each in its own short transaction: a process killed mid-run leaves a row without
 * `finished`, which the next start closes as 'interrupted', so the history never hides a crash.
 */
import type { SyncRunView } from '../contract/sync-types';
import { isErrorCode } from '../contract/errors';
import type { SyncQueries } from '../record/database/sync-queries';
import type { SyncRunTable } from '../record/database/schema';
import type { SyncTrigger } from './sync-types';

interface SyncRunRow {
  seq: number;
  trigger: SyncRunTable['trigger'];
  started: string;
  finished: string | null;
  outcome: SyncRunTable['outcome'];
  pulled: number;
  pushed: number;
  conflicts: number;
  error_code: string | null;
  error_message: string | null;
}

export interface SyncRunCompletion {
  outcome: 'ok' | 'failed' | 'interrupted';
  pulled: number;
  pushed: number;
  conflicts: number;
  error: { code: string; message: string } | null;
}

function viewOf(row: SyncRunRow): SyncRunView {
  return {
    seq: row.seq,
    trigger: row.trigger,
    started: row.started,
    finished: row.finished,
    outcome: row.outcome ?? 'running',
    pulled: row.pulled,
    pushed: row.pushed,
    conflicts: row.conflicts,
    error:
      row.error_code !== null
        ? {
            code: isErrorCode(row.error_code) ? row.error_code : 'INTERNAL',
            message: row.error_message ?? '',
          }
        : null,
  };
}

export class SyncRunLog {
  constructor(private readonly queries: SyncQueries) {}

  /** Rows a crash left open: closed as 'interrupted' at `when`. Call before this process's first run. */
  closeInterrupted(when: string): number {
    return this.queries
      .statement(`update sync_run set finished = ?, outcome = 'interrupted' where finished is null`)
      .run(when).changes;
  }

  start(trigger: SyncTrigger, when: string): number {
    const result = this.queries
      .statement('insert into sync_run (trigger, started) values (?, ?)')
      .run(trigger, when);
    return Number(result.lastInsertRowid);
  }

  finish(seq: number, when: string, completion: SyncRunCompletion): void {
    this.queries
      .statement(
        `update sync_run set finished = ?, outcome = ?, pulled = ?, pushed = ?, conflicts = ?,
           error_code = ?, error_message = ? where seq = ?`,
      )
      .run(
        when,
        completion.outcome,
        completion.pulled,
        completion.pushed,
        completion.conflicts,
        completion.error?.code ?? null,
        completion.error?.message ?? null,
        seq,
      );
  }

  /** Newest first. */
  history(limit = 20): SyncRunView[] {
    const rows = this.queries
      .statement('select * from sync_run order by seq desc limit ?')
      .all(Math.min(Math.max(limit, 1), 500)) as SyncRunRow[];
    return rows.map(viewOf);
  }

  lastSuccess(): SyncRunView | null {
    const row = this.queries
      .statement(`select * from sync_run where outcome = 'ok' order by seq desc limit 1`)
      .get() as SyncRunRow | undefined;
    return row ? viewOf(row) : null;
  }

  /** The latest run that has ended (ok, failed or interrupted). */
  lastFinished(): SyncRunView | null {
    const row = this.queries
      .statement('select * from sync_run where finished is not null order by seq desc limit 1')
      .get() as SyncRunRow | undefined;
    return row ? viewOf(row) : null;
  }

  latest(): SyncRunView | null {
    const row = this.queries.statement('select * from sync_run order by seq desc limit 1').get() as
      SyncRunRow | undefined;
    return row ? viewOf(row) : null;
  }
}
