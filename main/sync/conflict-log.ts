/**
 * Conflicts between this workstation and the national record (table `sync_conflict`): both
 * versions kept, at most one open conflict per resource. While a resource has an open conflict,
 * the pull does not overwrite it and the push does not send it; a clinician's resolution
 * (conflict-resolution) closes it and becomes a new local change.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { SyncQueries } from '../record/database/sync-queries';
import type { SyncConflictTable } from '../record/database/schema';
import { patientOf } from '../record/resource-types';

export interface ConflictInput {
  resourceType: string;
  resourceId: string;
  cause: SyncConflictTable['cause'];
  localVersion: number;
  /** null: the local change deletes it. */
  local: Resource | null;
  /** null: the server has deleted it. */
  remote: Resource | null;
  remoteVersion: string | null;
  detected: string;
}

export interface ConflictRecord {
  seq: number;
  resourceType: string;
  resourceId: string;
  patientId: string | null;
  detected: string;
  cause: SyncConflictTable['cause'];
  localVersion: number;
  local: Resource | null;
  remoteVersion: string | null;
  remote: Resource | null;
  status: 'open' | 'resolved';
  resolved: string | null;
  resolution: 'local' | 'remote' | 'merged' | null;
  resolvedBy: string | null;
}

interface ConflictRow {
  seq: number;
  resource_type: string;
  resource_id: string;
  patient_id: string | null;
  detected: string;
  cause: SyncConflictTable['cause'];
  local_version: number;
  local_json: string | null;
  remote_version: string | null;
  remote_json: string | null;
  status: 'open' | 'resolved';
  resolved: string | null;
  resolution: 'local' | 'remote' | 'merged' | null;
  resolved_by: string | null;
}

function fromRow(row: ConflictRow): ConflictRecord {
  return {
    seq: row.seq,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    patientId: row.patient_id,
    detected: row.detected,
    cause: row.cause,
    localVersion: row.local_version,
    local: row.local_json ? (JSON.parse(row.local_json) as Resource) : null,
    remoteVersion: row.remote_version,
    remote: row.remote_json ? (JSON.parse(row.remote_json) as Resource) : null,
    status: row.status,
    resolved: row.resolved,
    resolution: row.resolution,
    resolvedBy: row.resolved_by,
  };
}

export class ConflictLog {
  constructor(private readonly queries: SyncQueries) {}

  /**
   * Records a conflict (inside the caller's transaction). If the resource already has an open
   * conflict, its versions are brought up to date instead: still one conflict, both latest sides.
   */
  record(input: ConflictInput): ConflictRecord {
    const patientId = patientOf(
      input.local ?? input.remote ?? ({ resourceType: input.resourceType } as Resource),
    );
    const open = this.openFor(input.resourceType, input.resourceId);
    const local = input.local ? JSON.stringify(input.local) : null;
    const remote = input.remote ? JSON.stringify(input.remote) : null;
    if (open) {
      this.queries
        .statement(
          `update sync_conflict set local_version = ?, local_json = ?, remote_version = ?, remote_json = ?
           where seq = ?`,
        )
        .run(input.localVersion, local, input.remoteVersion, remote, open.seq);
    } else {
      this.queries
        .statement(
          `insert into sync_conflict (resource_type, resource_id, patient_id, detected, cause, local_version,
             local_json, remote_version, remote_json) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.resourceType,
          input.resourceId,
          patientId,
          input.detected,
          input.cause,
          input.localVersion,
          local,
          input.remoteVersion,
          remote,
        );
    }
    return this.openFor(input.resourceType, input.resourceId) as ConflictRecord;
  }

  openFor(resourceType: string, resourceId: string): ConflictRecord | null {
    const row = this.queries
      .statement(
        `select * from sync_conflict where resource_type = ? and resource_id = ? and status = 'open'`,
      )
      .get(resourceType, resourceId) as ConflictRow | undefined;
    return row ? fromRow(row) : null;
  }

  get(seq: number): ConflictRecord | null {
    const row = this.queries.statement('select * from sync_conflict where seq = ?').get(seq) as
      ConflictRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Open conflicts first (oldest first), then the latest resolved ones. */
  list(options: { status?: 'open' | 'resolved'; limit?: number } = {}): ConflictRecord[] {
    const limit = Math.min(Math.max(options.limit ?? 200, 1), 1000);
    const rows = (
      options.status
        ? this.queries
            .statement('select * from sync_conflict where status = ? order by seq limit ?')
            .all(options.status, limit)
        : this.queries
            .statement(
              `select * from sync_conflict order by status = 'resolved', case when status = 'open' then seq else -seq end limit ?`,
            )
            .all(limit)
    ) as ConflictRow[];
    return rows.map(fromRow);
  }

  openCount(): number {
    return (
      this.queries.statement(`select count(*) as n from sync_conflict where status = 'open'`).get() as {
        n: number;
      }
    ).n;
  }

  /** Closes a conflict (inside the transaction that writes the resolution as a local change). */
  close(seq: number, resolution: 'local' | 'remote' | 'merged', resolvedBy: string, when: string): void {
    const result = this.queries
      .statement(
        `update sync_conflict set status = 'resolved', resolution = ?, resolved_by = ?, resolved = ?
         where seq = ? and status = 'open'`,
      )
      .run(resolution, resolvedBy, when, seq);
    if (result.changes !== 1) throw new Error(`conflict ${seq} is not open`);
  }
}
