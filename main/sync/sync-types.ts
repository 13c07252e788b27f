/**
 * The sync's parts and how they meet. pull.ts, push.ts and patient-fetch.ts do the work against
 * a FhirClient and the LocalRecord; sync-engine.ts runs one sync (push, then pull); the scheduler
 * runs it in the background, never two at once; the status and the run history come from the
 * record (tables sync_run, sync_conflict, outbox), so they survive a restart.
 */
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import type { FhirClient } from './fhir-client';

export type SyncTrigger = 'schedule' | 'reconnect' | 'manual' | 'cli' | 'fetch';

export type SyncPhase = 'idle' | 'pull' | 'push' | 'error';

/** Progress as the contract's `sync.progress` event carries it. */
export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  /** null when the total is not known in advance (a pull follows link[next]). */
  total: number | null;
}

export interface PullReport {
  /** Resources created or updated in the replica. */
  applied: number;
  /** Resources removed from the replica because the server deleted them. */
  deleted: number;
  /** Pages applied, each in one transaction with its cursor. */
  pages: number;
  /** Remote changes that met unpushed local changes (kept as conflicts, not applied). */
  conflicts: number;
}

export interface PushReport {
  /** Resources the server acknowledged (outbox entries removed). */
  pushed: number;
  /** Transaction bundles sent. */
  bundles: number;
  /** 412 answers, kept as conflicts. */
  conflicts: number;
  /** Outbox entries still waiting (e.g. held by an open conflict). */
  remaining: number;
  /** Local changes the server refused as invalid: kept in the outbox, not resent until changed again. */
  refused?: PushRefusal[];
}

/** A local change the national service refused (400, 422…), as the sync page lists it. */
export interface PushRefusal {
  resourceType: string;
  id: string;
  code: 'SYNC_CHANGE_REFUSED';
  /** The HTTP status of the refusal (null when only the transaction's failure is known). */
  status: number | null;
  /** The server's diagnostics (for an administrator; the clinician sees the localised code). */
  message: string;
  /** When it was refused. */
  refused: string;
}

export interface SyncRunReport {
  seq: number;
  trigger: SyncTrigger;
  started: string;
  finished: string;
  outcome: 'ok' | 'failed' | 'interrupted';
  pulled: number;
  pushed: number;
  conflicts: number;
  error: { code: string; message: string } | null;
}

/** The engine as the scheduler, the contract and the CLI see it. */
export interface SyncRunner {
  /** One sync: push the outbox, then pull; records a sync_run row; throws nothing (the report says). */
  runOnce(trigger: SyncTrigger, progress?: (progress: SyncProgress) => void): Promise<SyncRunReport>;
}

/** Which patients this workstation keeps a replica of. */
export interface SyncScope {
  /**
   * The facility's patients as a Patient search on the national service (e.g.
   * `{ organization: 'Organization/…' }`); null: only the followed patients (table sync_patient:
   * opened here, fetched on demand).
   */
  facilityPatients: Record<string, string> | null;
}

/** What a pull, a push or an on-demand fetch works with. */
export interface SyncContext {
  record: LocalRecord;
  client: FhirClient;
  scope: SyncScope;
  clock: () => Date;
  /** Who the sync's own audit entries name (the workstation as a Device). */
  actor: Actor;
  signal?: AbortSignal;
  progress?: (progress: SyncProgress) => void;
}

/** pull.ts exports `pullChanges`, push.ts `pushOutbox`, with these shapes. */
export type PullFn = (context: SyncContext) => Promise<PullReport>;
export type PushFn = (context: SyncContext) => Promise<PushReport>;
