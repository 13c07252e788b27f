/**
 * The sync as the services offer it: the engine and its scheduler for a workstation enrolled with
 * a national record service, the status, the conflicts and their resolution. The pull and the push
 * are given (main/sync/pull.ts, push.ts; a simulation in the e2e harness), as is the way to build
 * the FHIR client, so this file wires and decides nothing about the network itself.
 *
 * A demonstration, or a workstation not enrolled, has no sync: its status says 'disabled' and why.
 * The background runs start only when the host asks (the services worker does; the CLI does not),
 * and follow the configuration: an enrolment made while running starts them.
 */
import type { Patient, Resource } from '@medplum/fhirtypes';
import type { ConfigStore } from '../config/config-store';
import type { NationalFetchResult } from '../contract/types';
import type {
  ConflictChoice,
  SyncConflictView,
  SyncDisabledReason,
  SyncRunView,
  SyncStatus,
} from '../contract/sync-types';
import { isErrorCode } from '../contract/errors';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import type { CountryProfile } from '../record/identity/country-profile';
import { identifierKey, identifierProblem } from '../record/identity/national-id';
import type { RecordService } from '../record/record-service';
import { ConflictLog, type ConflictRecord } from './conflict-log';
import { resolveConflict } from './conflict-resolution';
import type { FhirClient } from './fhir-client';
import { fetchPatientByIdentifier } from './patient-fetch';
import { SyncEngine } from './sync-engine';
import { SyncScheduler, type SchedulerTimers } from './sync-scheduler';
import { buildSyncStatus, noSyncFacts, readSyncFacts } from './sync-status';
import type { PullFn, PushFn, SyncProgress, SyncRunReport, SyncScope, SyncTrigger } from './sync-types';

export interface SyncFunctions {
  push: PushFn;
  pull: PullFn;
}

export interface SyncServiceOptions {
  config: ConfigStore;
  record: RecordService;
  clock: () => Date;
  /** pull.ts's `pullChanges` and push.ts's `pushOutbox` (or the harness's simulation). */
  functions: SyncFunctions;
  /** Builds the client for the enrolled service (called at the first run, then kept). */
  client: () => Promise<FhirClient>;
  /** The workstation's country profile: the national identifier system and its rules (the on-demand fetch). */
  countryProfile: () => CountryProfile;
  /** Closes what the clients opened (their connection pools), after the last run. */
  release?: () => Promise<void>;
  timers?: SchedulerTimers;
}

/** What the UI hears when the state changes (the `sync.status` event). */
export interface SyncStatusSignal {
  state: SyncStatus['state'];
  running: boolean;
  pendingChanges: number;
  openConflicts: number;
}

/** patients.fetchNational's progress: resources received (the patient included), out of a total when known. */
export interface NationalFetchProgress {
  done: number;
  total: number | null;
}

export type SyncServiceEvent =
  | { name: 'sync.progress'; payload: SyncProgress }
  | { name: 'sync.status'; payload: SyncStatusSignal }
  | { name: 'patients.fetchProgress'; payload: NationalFetchProgress };

const HISTORY_LIMIT = 20;

function runView(report: SyncRunReport): SyncRunView {
  return {
    ...report,
    error: report.error
      ? {
          code: isErrorCode(report.error.code) ? report.error.code : 'INTERNAL',
          message: report.error.message,
        }
      : null,
  };
}

export class SyncService {
  private scheduler: SyncScheduler | null = null;
  private background = false;
  private closed = false;
  private client: Promise<FhirClient> | null = null;
  private readonly listeners = new Set<(event: SyncServiceEvent) => void>();

  constructor(private readonly options: SyncServiceOptions) {}

  onEvent(listener: (event: SyncServiceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: SyncServiceEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  disabledReason(): SyncDisabledReason | null {
    const config = this.options.config.effective();
    if (config.mode === 'demo') return 'demo';
    if (config.mode !== 'national' || !config.nationalService) return 'notEnrolled';
    return null;
  }

  private intervalSeconds(): number {
    return this.options.config.effective().syncIntervalSeconds;
  }

  /** Which patients the replica keeps: the facility's (Patient?organization=) and the followed ones. */
  private scope(): SyncScope {
    const config = this.options.config.effective();
    return {
      facilityPatients: config.facility ? { organization: `Organization/${config.facility.id}` } : null,
    };
  }

  /** The one client of the enrolled service, built on first need (again after a failure to build it). */
  private fhirClient(): Promise<FhirClient> {
    return (this.client ??= this.options.client().catch((error: unknown) => {
      this.client = null;
      throw error;
    }));
  }

  private disabledError(): TabibError {
    return new TabibError(
      'SYNC_DISABLED',
      this.disabledReason() === 'demo'
        ? 'A demonstration workstation does not sync with a national record service'
        : 'This workstation is not enrolled with a national record service',
    );
  }

  /** The scheduler of an enrolled workstation (built on first need), or null. */
  private enabledScheduler(): SyncScheduler | null {
    if (this.closed || this.disabledReason()) return null;
    if (this.scheduler) return this.scheduler;
    const { record, clock, functions } = this.options;
    const engine = new SyncEngine({
      record: () => record.open(),
      client: () => this.fhirClient(),
      scope: this.scope(),
      clock,
      actor: { reference: `Device/${record.workstation().id}`, display: 'Tabib sync' },
      push: functions.push,
      pull: functions.pull,
    });
    const scheduler = new SyncScheduler({
      runner: engine,
      intervalMs: this.intervalSeconds() * 1000,
      ...(this.options.timers ? { timers: this.options.timers } : {}),
    });
    scheduler.onEvent((event) => {
      if (event.type === 'progress') this.emit({ name: 'sync.progress', payload: event.progress });
      else void this.signal();
    });
    this.scheduler = scheduler;
    return scheduler;
  }

  /** Background runs: every interval and on reconnection (the services worker calls this; the CLI does not). */
  start(): void {
    this.background = true;
    this.enabledScheduler()?.start();
  }

  /** The configuration changed (enrolment): start the background runs if they are wanted now. */
  configChanged(): void {
    if (this.background) this.start();
    void this.signal();
  }

  private async record(): Promise<LocalRecord | null> {
    if (this.options.config.effective().mode === 'unconfigured') return null;
    return this.options.record.open();
  }

  async status(): Promise<SyncStatus> {
    const disabled = this.disabledReason();
    const record = await this.record();
    const facts = record ? readSyncFacts(record.queries, HISTORY_LIMIT) : noSyncFacts;
    const scheduler = disabled ? null : this.scheduler;
    return buildSyncStatus(
      facts,
      {
        running: scheduler?.running ?? false,
        progress: scheduler?.progress ?? null,
        nextRunAt: scheduler?.nextRunAt ?? null,
        intervalSeconds: this.intervalSeconds(),
      },
      disabled,
    );
  }

  /** Tells listeners the state changed (a run started or ended, a conflict was resolved). */
  private async signal(): Promise<void> {
    try {
      const status = await this.status();
      this.emit({
        name: 'sync.status',
        payload: {
          state: status.state,
          running: status.running,
          pendingChanges: status.pendingChanges,
          openConflicts: status.openConflicts,
        },
      });
    } catch {
      // The record cannot be read now; the next change will say so through the calls.
    }
  }

  /** One sync now (or right after the one in progress); resolves with its report. */
  async runNow(trigger: SyncTrigger = 'manual'): Promise<SyncRunView> {
    const scheduler = this.enabledScheduler();
    if (!scheduler) throw this.disabledError();
    return runView(await scheduler.runNow(trigger));
  }

  /**
   * On demand (issue 4, item 5): a patient not in the replica, by identifier — the country's
   * national one unless `system` names another — fetched from the national record with their
   * record (patient-fetch.ts), and followed from then on. The value is checked against the
   * profile before anything is asked (IDENTIFIER_INVALID) and asked for in its indexed form.
   * The pages are applied and audited as `actor`'s (the clinician who asked: the audit trail
   * says who brought the record here); progress goes out as `patients.fetchProgress`, apart from
   * `sync.progress`, which tells of the background runs. Opening the chart is then the usual
   * `patients.openChart`.
   */
  async fetchPatient(
    request: { system?: string | undefined; value: string },
    actor: Actor,
  ): Promise<NationalFetchResult> {
    if (this.closed || this.disabledReason()) throw this.disabledError();
    const profile = this.options.countryProfile();
    const system = request.system ?? profile.nationalIdentifier.system;
    const value = identifierKey(request.value);
    const problem = value === '' ? 'empty' : identifierProblem(profile, system, value);
    if (problem)
      throw new TabibError('IDENTIFIER_INVALID', `${request.value} is not a valid identifier for ${system}`, {
        system,
        problem,
      });
    const record = await this.options.record.open();
    const tell = (progress: SyncProgress) => {
      try {
        this.emit({
          name: 'patients.fetchProgress',
          payload: { done: progress.done, total: progress.total },
        });
      } catch {
        // A listener's failure is not the fetch's.
      }
    };
    const patientId = await fetchPatientByIdentifier(
      {
        record,
        client: await this.fhirClient(),
        scope: this.scope(),
        clock: this.options.clock,
        actor,
      },
      { system, value },
      { progress: tell },
    );
    const patient = record.store.read<Patient>('Patient', patientId);
    if (!patient)
      throw new TabibError('INTERNAL', `Patient/${patientId} was fetched but is not in the record`);
    void this.signal();
    return { patientId, patient: record.patients.summaryOf(patient) };
  }

  /** The network is back: sync now (backoff forgotten). */
  reconnected(): void {
    this.enabledScheduler()?.reconnected();
  }

  private view(record: LocalRecord, conflict: ConflictRecord): SyncConflictView {
    const row = record.queries
      .statement('select deleted, json from resource where type = ? and id = ?')
      .get(conflict.resourceType, conflict.resourceId) as { deleted: number; json: string } | undefined;
    // This workstation's side is what the replica holds now: what keeping it would send.
    const local =
      conflict.status === 'open' && row
        ? row.deleted
          ? null
          : (JSON.parse(row.json) as Resource)
        : conflict.local;
    const patient = conflict.patientId ? record.store.read<Patient>('Patient', conflict.patientId) : null;
    return {
      seq: conflict.seq,
      resourceType: conflict.resourceType,
      resourceId: conflict.resourceId,
      patientId: conflict.patientId,
      patient: patient ? record.patients.summaryOf(patient) : null,
      detected: conflict.detected,
      cause: conflict.cause,
      local,
      remote: conflict.remote,
      remoteVersion: conflict.remoteVersion,
      status: conflict.status,
      resolved: conflict.resolved,
      resolution: conflict.resolution,
      resolvedBy: conflict.resolvedBy,
    };
  }

  async conflicts(
    options: { status?: 'open' | 'resolved'; limit?: number } = {},
  ): Promise<SyncConflictView[]> {
    const record = await this.record();
    if (!record) return [];
    return new ConflictLog(record.queries).list(options).map((conflict) => this.view(record, conflict));
  }

  async resolve(request: {
    seq: number;
    choice: ConflictChoice;
    merged?: Resource;
    actor: Actor;
  }): Promise<SyncConflictView> {
    const record = await this.record();
    if (!record) throw new TabibError('RECORD_NOT_READY', 'There is no record on this workstation yet');
    const resolved = resolveConflict(record, {
      ...request,
      now: this.options.clock().toISOString(),
    });
    void this.signal();
    return this.view(record, resolved);
  }

  /** Stops the background runs, waiting for the one in progress. */
  async close(): Promise<void> {
    this.closed = true;
    await this.scheduler?.stop();
    await this.options.release?.();
  }
}
