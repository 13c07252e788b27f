/**
 * A clinician's answer to a conflict between this workstation and the national record, written in
 * ONE transaction with the conflict's closing (all or nothing, as every local write):
 *
 * - 'remote': the replica takes the national record's version (or its deletion); the resource's
 *   outbox entries are dropped, since there is nothing left to send; an audit entry says so.
 * - 'local' / 'merged': this workstation's version (or the merge) becomes a new local change
 *   whose base is the server's version: remote_version := the conflict's remote version, so the
 *   push sends it with `If-Match` on what the clinician saw (FHIR R4 http.html#concurrency) and a
 *   further change on the server raises a new conflict instead of being overwritten. One outbox
 *   entry (older ones superseded) and the audit entry name the practitioner.
 *
 * Deletions on either side: a local deletion kept is sent as a delete; a server deletion taken
 * removes the resource here; keeping a local version of what the server deleted sends it anew.
 */
import type { Patient, Resource } from '@medplum/fhirtypes';
import type { ConflictChoice } from '../contract/sync-types';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import { clinicalDateOf, isRecordResourceType, patientOf, statusOf } from '../record/resource-types';
import { ConflictLog, type ConflictRecord } from './conflict-log';

export interface ConflictResolution {
  seq: number;
  choice: ConflictChoice;
  /** The merged resource, when the choice is 'merged'. */
  merged?: Resource;
  /** The practitioner who decided. */
  actor: Actor;
  /** ISO 8601. */
  now: string;
}

interface ResourceRow {
  rowid: number;
  version: number;
  remote_version: string | null;
  deleted: number;
  json: string;
}

const choiceText: Record<ConflictChoice, string> = {
  local: "this workstation's version kept",
  remote: "the national record's version kept",
  merged: 'versions merged',
};

/** This workstation's side as the replica holds it now (it may have been edited since detection). */
function localSide(row: ResourceRow | undefined, conflict: ConflictRecord): Resource | null {
  if (!row) return conflict.local;
  return row.deleted ? null : (JSON.parse(row.json) as Resource);
}

function withBase(resource: Resource, versionId: string | null): Resource {
  const meta = { ...resource.meta };
  if (versionId === null) delete meta.versionId;
  else meta.versionId = versionId;
  return { ...resource, meta };
}

export function resolveConflict(record: LocalRecord, resolution: ConflictResolution): ConflictRecord {
  const { queries } = record;
  const log = new ConflictLog(queries);
  const { actor, now, choice } = resolution;

  return queries.transaction(() => {
    const conflict = log.get(resolution.seq);
    if (!conflict) throw new TabibError('RESOURCE_NOT_FOUND', `No conflict ${resolution.seq}`);
    if (conflict.status !== 'open')
      throw new TabibError('VERSION_CONFLICT', `Conflict ${resolution.seq} is already resolved`, {
        resolution: conflict.resolution,
        resolvedBy: conflict.resolvedBy,
      });
    const { resourceType: type, resourceId: id } = conflict;
    if (!isRecordResourceType(type))
      throw new TabibError('RESOURCE_INVALID', `${type} is not a resource type of the record`);

    const readRow = () =>
      queries
        .statement(
          'select rowid, version, remote_version, deleted, json from resource where type = ? and id = ?',
        )
        .get(type, id) as ResourceRow | undefined;
    const dropOutbox = (keepSeq: number | null = null) =>
      queries
        .statement('delete from outbox where resource_type = ? and resource_id = ? and seq != ?')
        .run(type, id, keepSeq ?? -1);
    const row = readRow();
    const local = localSide(row, conflict);
    const description = `sync conflict ${conflict.seq} resolved: ${choiceText[choice]}`;
    const entity = type === 'Patient' ? null : { type, id };

    if (choice === 'remote') {
      const remote = conflict.remote;
      dropOutbox();
      if (remote) {
        const columns = [patientOf(remote), statusOf(remote), clinicalDateOf(remote)] as const;
        const lastUpdated = remote.meta?.lastUpdated ?? now;
        if (row)
          queries
            .statement(
              `update resource set version = version + 1, remote_version = ?, remote_updated = ?, last_updated = ?,
                 patient_id = ?, status = ?, date = ?, deleted = 0, json = ? where rowid = ?`,
            )
            .run(
              conflict.remoteVersion,
              remote.meta?.lastUpdated ?? null,
              lastUpdated,
              ...columns,
              JSON.stringify(remote),
              row.rowid,
            );
        else
          queries
            .statement(
              `insert into resource (type, id, version, remote_version, remote_updated, last_updated, patient_id,
                 status, date, deleted, json) values (?, ?, 1, ?, ?, ?, ?, ?, ?, 0, ?)`,
            )
            .run(
              type,
              id,
              conflict.remoteVersion,
              remote.meta?.lastUpdated ?? null,
              lastUpdated,
              ...columns,
              JSON.stringify(remote),
            );
        if (type === 'Patient') record.patients.put(remote as Patient);
        record.audit.append(actor, { action: 'U', patientId: patientOf(remote), entity, description }, now);
      } else {
        // The national record deleted it: so does the replica (kept as a deleted row, as the store does).
        if (row)
          queries
            .statement(
              `update resource set version = version + 1, remote_version = null, remote_updated = null, deleted = 1,
                 last_updated = ? where rowid = ?`,
            )
            .run(now, row.rowid);
        if (type === 'Patient') record.patients.remove(id);
        const patientId = local ? patientOf(local) : conflict.patientId;
        record.audit.append(actor, { action: 'D', patientId, entity, description }, now);
      }
    } else {
      let chosen: Resource | null = local;
      if (choice === 'merged') {
        const merged = resolution.merged;
        if (!merged)
          throw new TabibError('INVALID_ARGUMENT', 'A merge needs the merged resource', { path: 'merged' });
        if (merged.resourceType !== type || merged.id !== id)
          throw new TabibError('INVALID_ARGUMENT', `The merged resource must be ${type}/${id}`, {
            issues: [{ path: ['merged'], code: 'custom', message: `must be ${type}/${id}` }],
          });
        chosen = merged;
      }
      if (chosen) {
        // The store validates it and writes resource, outbox entry and audit entry (a savepoint of
        // this transaction); then its base becomes the server's version.
        const stored =
          row && !row.deleted ? record.store.update(chosen, actor) : record.store.create(chosen, actor);
        const rebased = withBase(stored.resource, conflict.remoteVersion);
        queries
          .statement(
            'update resource set remote_version = ?, remote_updated = ?, json = ? where type = ? and id = ?',
          )
          .run(
            conflict.remoteVersion,
            conflict.remote?.meta?.lastUpdated ?? null,
            JSON.stringify(rebased),
            type,
            id,
          );
        const newest = queries
          .statement('select max(seq) as seq from outbox where resource_type = ? and resource_id = ?')
          .get(type, id) as { seq: number };
        dropOutbox(newest.seq);
        // What the server has decides the operation: nothing (it deleted it) → create anew.
        queries
          .statement('update outbox set operation = ? where seq = ?')
          .run(conflict.remote ? 'update' : 'create', newest.seq);
      } else if (conflict.remote) {
        // This workstation deleted it, and the clinician keeps the deletion: send it on the server's version.
        if (!row) throw new TabibError('RESOURCE_NOT_FOUND', `${type}/${id} is not in the record`);
        queries
          .statement(
            `update resource set version = version + 1, remote_version = ?, remote_updated = ?, deleted = 1,
               last_updated = ? where rowid = ?`,
          )
          .run(conflict.remoteVersion, conflict.remote.meta?.lastUpdated ?? null, now, row.rowid);
        dropOutbox();
        queries
          .statement(
            `insert into outbox (resource_type, resource_id, version, operation, recorded, practitioner)
             values (?, ?, ?, 'delete', ?, ?)`,
          )
          .run(type, id, row.version + 1, now, actor.reference);
        if (type === 'Patient') record.patients.remove(id);
        record.audit.append(
          actor,
          { action: 'D', patientId: patientOf(conflict.remote), entity, description },
          now,
        );
      } else {
        // Deleted on both sides: nothing left to send.
        dropOutbox();
        record.audit.append(actor, { action: 'D', patientId: conflict.patientId, entity, description }, now);
      }
    }

    log.close(conflict.seq, choice, actor.reference, now);
    return log.get(conflict.seq) as ConflictRecord;
  });
}
