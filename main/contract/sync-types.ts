/**
 * Result types of the sync calls (main/sync/): the state the top bar's indicator, the Sync page and
 * `tabib sync status` show, the run history, and the conflicts a clinician resolves. Plain data:
 * they cross IPC and the worker boundary by structured clone.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { ErrorCode } from './errors';
import type { PatientSummary } from './types';

export const syncTriggers = ['schedule', 'reconnect', 'manual', 'cli', 'fetch'] as const;
export type SyncTriggerName = (typeof syncTriggers)[number];

/**
 * What the indicator says, most urgent first when several hold: not connected to a national
 * service; a sync running; conflicts waiting for a clinician; the service unreachable; the last
 * sync failed otherwise; local changes waiting; everything sent and received; never synced yet.
 */
export const syncStates = [
  'disabled',
  'syncing',
  'conflicts',
  'offline',
  'failed',
  'pending',
  'upToDate',
  'never',
] as const;
export type SyncStateName = (typeof syncStates)[number];

/** Why sync is disabled: a demonstration, or a workstation not (yet) enrolled. */
export type SyncDisabledReason = 'demo' | 'notEnrolled';

export interface SyncProgressView {
  phase: 'idle' | 'pull' | 'push' | 'error';
  done: number;
  total: number | null;
}

export interface SyncRunView {
  seq: number;
  trigger: SyncTriggerName;
  started: string;
  /** Null while the run is in progress. */
  finished: string | null;
  outcome: 'ok' | 'failed' | 'interrupted' | 'running';
  pulled: number;
  pushed: number;
  conflicts: number;
  error: { code: ErrorCode; message: string } | null;
}

export interface SyncStatus {
  state: SyncStateName;
  disabledReason: SyncDisabledReason | null;
  running: boolean;
  progress: SyncProgressView | null;
  /** When the last run that succeeded finished. */
  lastSuccess: string | null;
  /** When the last run started (whatever its outcome). */
  lastAttempt: string | null;
  /** The last finished run's error, if it failed. */
  lastError: { code: ErrorCode; message: string; at: string } | null;
  /** Local changes not yet acknowledged by the national service (outbox entries). */
  pendingChanges: number;
  openConflicts: number;
  intervalSeconds: number;
  /** When the background sync runs next (null when stopped or disabled). */
  nextRun: string | null;
  /** Newest first. */
  history: SyncRunView[];
}

export type ConflictChoice = 'local' | 'remote' | 'merged';

/** A conflict with both versions, as the conflicts screen compares them. */
export interface SyncConflictView {
  seq: number;
  resourceType: string;
  resourceId: string;
  patientId: string | null;
  /** The patient as the replica knows them, for the list. */
  patient: PatientSummary | null;
  detected: string;
  cause: 'precondition-failed' | 'remote-change';
  /** This workstation's version; null when the local change deletes it. */
  local: Resource | null;
  /** The national record's version; null when the server has deleted it. */
  remote: Resource | null;
  remoteVersion: string | null;
  status: 'open' | 'resolved';
  resolved: string | null;
  resolution: ConflictChoice | null;
  resolvedBy: string | null;
}
