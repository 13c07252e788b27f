/**
 * The sync's state for the top bar, the Sync page and `tabib sync status`, read from the record
 * (sync_run, sync_conflict, outbox: it survives a restart) and from the scheduler (running or
 * not, progress, next run). One state names what matters most; the counts say the rest.
 */
import type { ErrorCode } from '../contract/errors';
import type {
  SyncDisabledReason,
  SyncProgressView,
  SyncRunView,
  SyncStateName,
  SyncStatus,
} from '../contract/sync-types';
import type { SyncQueries } from '../record/database/sync-queries';
import { ConflictLog } from './conflict-log';
import { SyncRunLog } from './sync-run-log';

/** Errors that mean "no network to the national service", not "something is wrong". */
const OFFLINE_CODES: readonly ErrorCode[] = ['SYNC_UNREACHABLE', 'SYNC_TIMEOUT'];

export interface SyncRuntime {
  running: boolean;
  progress: SyncProgressView | null;
  nextRunAt: number | null;
  intervalSeconds: number;
}

export interface SyncFacts {
  history: SyncRunView[];
  lastSuccess: SyncRunView | null;
  lastFinished: SyncRunView | null;
  pendingChanges: number;
  openConflicts: number;
}

/** What the record says, in one read. */
export function readSyncFacts(queries: SyncQueries, historyLimit = 20): SyncFacts {
  const runs = new SyncRunLog(queries);
  const pending = queries.statement('select count(*) as n from outbox').get() as { n: number };
  return {
    history: runs.history(historyLimit),
    lastSuccess: runs.lastSuccess(),
    lastFinished: runs.lastFinished(),
    pendingChanges: pending.n,
    openConflicts: new ConflictLog(queries).openCount(),
  };
}

export function syncStateOf(
  facts: SyncFacts,
  runtime: Pick<SyncRuntime, 'running'>,
  disabled: SyncDisabledReason | null,
): SyncStateName {
  if (disabled) return 'disabled';
  if (runtime.running) return 'syncing';
  if (facts.openConflicts > 0) return 'conflicts';
  const last = facts.lastFinished;
  if (last?.outcome === 'failed')
    return last.error && OFFLINE_CODES.includes(last.error.code) ? 'offline' : 'failed';
  if (facts.pendingChanges > 0) return 'pending';
  return facts.lastSuccess ? 'upToDate' : 'never';
}

export function buildSyncStatus(
  facts: SyncFacts,
  runtime: SyncRuntime,
  disabled: SyncDisabledReason | null,
): SyncStatus {
  const last = facts.lastFinished;
  const latest = facts.history[0] ?? null;
  return {
    state: syncStateOf(facts, runtime, disabled),
    disabledReason: disabled,
    running: !disabled && runtime.running,
    progress: !disabled && runtime.running ? runtime.progress : null,
    lastSuccess: facts.lastSuccess?.finished ?? null,
    lastAttempt: latest?.started ?? null,
    lastError:
      last?.outcome === 'failed' && last.error
        ? { code: last.error.code, message: last.error.message, at: last.finished ?? last.started }
        : null,
    pendingChanges: facts.pendingChanges,
    openConflicts: facts.openConflicts,
    intervalSeconds: runtime.intervalSeconds,
    nextRun: !disabled && runtime.nextRunAt !== null ? new Date(runtime.nextRunAt).toISOString() : null,
    history: facts.history,
  };
}

/** Nothing recorded (no record yet): how a workstation that never synced looks. */
export const noSyncFacts: SyncFacts = {
  history: [],
  lastSuccess: null,
  lastFinished: null,
  pendingChanges: 0,
  openConflicts: 0,
};
