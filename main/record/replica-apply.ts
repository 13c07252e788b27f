/**
 * Applies what the national record sent (one pull page, one page of an on-demand fetch) to the
 * replica, in ONE transaction together with the sync position that page moves to (a cursor in
 * sync_state) and the patients it makes this workstation follow (sync_patient): after a crash,
 * the page, its position and its followers are all there or none is.
 *
 * The page is validated as a whole before anything is written (validate()): resource types the
 * record holds, FHIR ids, a server versionId, the elements FHIR requires, and references that
 * resolve in the page or the replica. A page that fails is refused with a SYNC_* TabibError and
 * changes nothing, cursor included.
 *
 * Per resource (the rules of issue 4, "Pull" and "Conflicts"):
 * - the same remote version again (remote_version = meta.versionId): nothing;
 * - unpushed local changes (an outbox entry) or an open conflict: not overwritten. If the remote
 *   content equals the local one (our own pushed write coming back), only remote_version is set;
 *   otherwise a 'remote-change' conflict keeps both versions (ConflictLog);
 * - otherwise stored with its server version as remote_version (the columns importRemote fills),
 *   the patient index kept in step for Patients;
 * - a deletion marks the resource deleted (resource.deleted = 1) and takes a Patient out of the
 *   patient index; over unpushed local changes it is a conflict whose remote side is null.
 * One audit entry per patient touched by the page, as importRemote writes.
 *
 * Everything runs through prepared statements (SyncQueries.statement): no kysely compile per row.
 */
import type { Patient, Resource } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import { ConflictLog } from '../sync/conflict-log';
import { followPatient, type FollowReason } from '../sync/followed-patients';
import { SyncState } from '../sync/sync-state';
import type { Actor } from './actor';
import type { LocalRecord } from './local-record';
import { FHIR_ID, clinicalDateOf, isRecordResourceType, patientOf, statusOf } from './resource-types';
import { validateResource, type ValidationIssue } from './resource-validation';
import { UPSERT_REMOTE } from './resource-store';
import { contentKey } from './resource-content';

/** One change the server reports: a version to store, or a deletion. */
export type RemoteChange =
  | { op: 'put'; resource: Resource }
  /** `time`: when the server deleted it (history's response.lastModified), when it says. */
  | { op: 'delete'; resourceType: string; id: string; time?: string | null };

export interface ApplyRequest {
  changes: readonly RemoteChange[];
  actor: Actor;
  /** What the audit entries say (e.g. "national record pull"). */
  description: string;
  /** Sync positions written in the same transaction (e.g. the pull stream's cursor). */
  state?: readonly { key: string; value: unknown }[];
  /** Patients to follow from now on (sync_patient), in the same transaction. */
  follow?: { patientIds: readonly string[]; reason: FollowReason };
  /** Most changes accepted in one page (SYNC_BUNDLE_TOO_LARGE above). */
  maxChanges?: number;
  /** For messages: the request the page answers. */
  request?: string;
}

export interface ApplyResult {
  /** Resources created or updated. */
  applied: number;
  /** Resources marked deleted. */
  deleted: number;
  /** Remote changes kept as conflicts (local side unpushed or already in conflict). */
  conflicts: number;
  /** Versions the replica already had (and deletions of what it does not hold). */
  unchanged: number;
  /** Remote writes of our own coming back: only remote_version was set. */
  acknowledged: number;
  /** Patients whose record the page touched. */
  patients: string[];
}

interface Row {
  rowid: number;
  version: number;
  remote_version: string | null;
  remote_updated: string | null;
  patient_id: string | null;
  deleted: number;
  json: string;
}

export const DEFAULT_MAX_PAGE_CHANGES = 5_000;

/** Is the server instant `time` before `held` (both FHIR instants; unknown is never older)? */
function isOlder(time: string | null | undefined, held: string | null): boolean {
  if (!time || !held) return false;
  const a = Date.parse(time);
  const b = Date.parse(held);
  return Number.isFinite(a) && Number.isFinite(b) && a < b;
}

function refused(
  code: 'SYNC_RESPONSE_INVALID' | 'SYNC_REFERENCE_UNRESOLVED',
  request: string,
  problems: object[],
) {
  const summary = problems
    .slice(0, 5)
    .map((problem) => Object.values(problem).join(' '))
    .join('; ');
  return new TabibError(
    code,
    `${request}: page refused (${summary}${problems.length > 5 ? '; …' : ''}); nothing was applied`,
    { request, problems },
  );
}

export class ReplicaApply {
  private readonly conflicts: ConflictLog;
  private readonly syncState: SyncState;
  private readonly statements;

  constructor(
    private readonly record: LocalRecord,
    private readonly clock: () => Date = () => new Date(),
  ) {
    const queries = record.queries;
    this.conflicts = new ConflictLog(queries);
    this.syncState = new SyncState(queries);
    this.statements = {
      row: queries.statement(
        'select rowid, version, remote_version, remote_updated, patient_id, deleted, json from resource where type = ? and id = ?',
      ),
      live: queries.statement('select 1 from resource where type = ? and id = ? and deleted = 0'),
      pending: queries.statement('select 1 from outbox where resource_type = ? and resource_id = ? limit 1'),
      openConflict: queries.statement(
        `select 1 from sync_conflict where resource_type = ? and resource_id = ? and status = 'open'`,
      ),
      upsert: queries.statement(UPSERT_REMOTE),
      setRemoteVersion: queries.statement(
        'update resource set remote_version = ?, remote_updated = ? where rowid = ?',
      ),
      markDeleted: queries.statement(
        'update resource set deleted = 1, version = version + 1, last_updated = ? where rowid = ?',
      ),
    };
  }

  /** Is `Type/id` in the replica (not deleted)? */
  holds(type: string, id: string): boolean {
    return this.statements.live.get(type, id) !== undefined;
  }

  /** Is `Type/id` in the replica at all (deleted or not)? */
  knows(type: string, id: string): boolean {
    return this.statements.row.get(type, id) !== undefined;
  }

  /**
   * References (`Type/id`) of the page's resources that neither the page nor the replica holds:
   * what the caller may fetch from the server before applying the page.
   */
  missingReferences(changes: readonly RemoteChange[]): string[] {
    const inPage = this.pageKeys(changes);
    const missing = new Set<string>();
    for (const change of changes) {
      if (change.op !== 'put') continue;
      const issues = validateResource(change.resource, {
        exists: (type, id) => inPage.has(`${type}/${id}`) || this.holds(type, id),
        identifierProblem: () => null,
      });
      for (const issue of issues)
        if (issue.problem === 'unresolved' && issue.detail) missing.add(issue.detail);
    }
    return [...missing];
  }

  private pageKeys(changes: readonly RemoteChange[]): Set<string> {
    const keys = new Set<string>();
    for (const change of changes)
      if (change.op === 'put') keys.add(`${change.resource.resourceType}/${change.resource.id}`);
    return keys;
  }

  /** Throws the page's refusal (SYNC_BUNDLE_TOO_LARGE, SYNC_RESPONSE_INVALID, SYNC_REFERENCE_UNRESOLVED); writes nothing. */
  validate(
    changes: readonly RemoteChange[],
    options: { maxChanges?: number; request?: string } = {},
    texts?: readonly (string | undefined)[],
  ): void {
    const request = options.request ?? 'remote page';
    const max = options.maxChanges ?? DEFAULT_MAX_PAGE_CHANGES;
    if (changes.length > max)
      throw new TabibError(
        'SYNC_BUNDLE_TOO_LARGE',
        `${request}: ${changes.length} changes in one page, more than the ${max} allowed; nothing was applied`,
        { request, entries: changes.length, maxEntries: max },
      );
    const inPage = this.pageKeys(changes);
    const context = {
      exists: (type: string, id: string) => inPage.has(`${type}/${id}`) || this.holds(type, id),
      // A national identifier another facility recorded is theirs to correct: never a reason to refuse.
      identifierProblem: () => null,
    };
    const invalid: object[] = [];
    const unresolved: object[] = [];
    changes.forEach((change, index) => {
      if (change.op === 'delete') {
        if (!isRecordResourceType(change.resourceType) || !FHIR_ID.test(change.id))
          invalid.push({ entry: index, problem: `deletion of ${change.resourceType}/${change.id}` });
        return;
      }
      const resource = change.resource as Resource | null;
      if (resource === null || typeof resource !== 'object') {
        invalid.push({ entry: index, problem: 'not a resource' });
        return;
      }
      const label = `${String(resource.resourceType)}/${String(resource.id)}`;
      if (!isRecordResourceType(resource.resourceType)) {
        invalid.push({ entry: index, resource: label, problem: 'not a type the record holds' });
        return;
      }
      if (typeof resource.id !== 'string' || !FHIR_ID.test(resource.id)) {
        invalid.push({ entry: index, resource: label, problem: 'missing or invalid id' });
        return;
      }
      const versionId = resource.meta?.versionId;
      if (typeof versionId !== 'string' || !FHIR_ID.test(versionId))
        invalid.push({ entry: index, resource: label, problem: 'missing or invalid meta.versionId' });
      const issues: ValidationIssue[] = validateResource(resource, context, texts?.[index]);
      for (const issue of issues) {
        if (issue.problem === 'unresolved')
          unresolved.push({ entry: index, resource: label, reference: issue.detail ?? issue.path });
        else if (issue.problem !== 'identifier')
          invalid.push({ entry: index, resource: label, problem: `${issue.path} ${issue.problem}` });
      }
    });
    if (invalid.length > 0) throw refused('SYNC_RESPONSE_INVALID', request, invalid);
    if (unresolved.length > 0) throw refused('SYNC_REFERENCE_UNRESOLVED', request, unresolved);
  }

  /** Validates, then applies the page, its state and its followers in one transaction. */
  apply(request: ApplyRequest): ApplyResult {
    const now = this.clock().toISOString();
    const texts = request.changes.map((change) =>
      change.op === 'put' ? JSON.stringify(change.resource) : undefined,
    );
    const result: ApplyResult = {
      applied: 0,
      deleted: 0,
      conflicts: 0,
      unchanged: 0,
      acknowledged: 0,
      patients: [],
    };
    this.record.queries.transaction(
      () => {
        this.validate(
          request.changes,
          {
            ...(request.maxChanges === undefined ? {} : { maxChanges: request.maxChanges }),
            ...(request.request === undefined ? {} : { request: request.request }),
          },
          texts,
        );
        const touched = new Map<string, { applied: number; deleted: number }>();
        const touch = (patientId: string | null, field: 'applied' | 'deleted') => {
          if (!patientId) return;
          let counts = touched.get(patientId);
          if (!counts) touched.set(patientId, (counts = { applied: 0, deleted: 0 }));
          counts[field]++;
        };
        request.changes.forEach((change, index) => {
          const outcome =
            change.op === 'put'
              ? this.put(change.resource, texts[index] as string, now)
              : this.remove(change.resourceType, change.id, now, change.time ?? null);
          if (outcome.kind === 'applied') {
            result.applied++;
            touch(outcome.patientId, 'applied');
          } else if (outcome.kind === 'deleted') {
            result.deleted++;
            touch(outcome.patientId, 'deleted');
          } else result[outcome.kind]++;
        });
        for (const [patientId, counts] of touched) {
          const parts = [
            `${counts.applied} received`,
            ...(counts.deleted ? [`${counts.deleted} deleted`] : []),
          ];
          this.record.audit.append(
            request.actor,
            { action: 'C', patientId, description: `${request.description}: ${parts.join(', ')}` },
            now,
          );
        }
        if (request.follow)
          for (const patientId of request.follow.patientIds)
            followPatient(this.record, patientId, request.follow.reason, now);
        for (const { key, value } of request.state ?? []) this.syncState.set(key, value);
        result.patients = [...touched.keys()];
      },
      { replayable: true },
    );
    return result;
  }

  private localChangesPending(type: string, id: string): boolean {
    return (
      this.statements.pending.get(type, id) !== undefined ||
      this.statements.openConflict.get(type, id) !== undefined
    );
  }

  private put(
    resource: Resource,
    text: string,
    now: string,
  ): { kind: 'applied'; patientId: string | null } | { kind: 'unchanged' | 'conflicts' | 'acknowledged' } {
    const type = resource.resourceType;
    const id = resource.id as string;
    const versionId = resource.meta?.versionId as string;
    const row = this.statements.row.get(type, id) as Row | undefined;
    if (row && row.remote_version === versionId) return { kind: 'unchanged' };
    const lastUpdated = resource.meta?.lastUpdated ?? null;
    // An older version than the one held (history re-read from an older cursor): already superseded here.
    if (row && isOlder(lastUpdated, row.remote_updated)) return { kind: 'unchanged' };
    if (row && this.localChangesPending(type, id)) {
      const local = row.deleted ? null : (JSON.parse(row.json) as Resource);
      if (local && contentKey(local) === contentKey(resource)) {
        this.statements.setRemoteVersion.run(versionId, lastUpdated, row.rowid);
        return { kind: 'acknowledged' };
      }
      this.conflicts.record({
        resourceType: type,
        resourceId: id,
        cause: 'remote-change',
        localVersion: row.version,
        local,
        remote: resource,
        remoteVersion: versionId,
        detected: now,
      });
      return { kind: 'conflicts' };
    }
    const patientId = patientOf(resource);
    this.statements.upsert.run(
      type,
      id,
      versionId,
      lastUpdated,
      lastUpdated ?? now,
      patientId,
      statusOf(resource),
      clinicalDateOf(resource),
      text,
    );
    if (type === 'Patient') this.record.patients.put(resource as Patient);
    return { kind: 'applied', patientId };
  }

  private remove(
    type: string,
    id: string,
    now: string,
    time: string | null,
  ): { kind: 'deleted'; patientId: string | null } | { kind: 'unchanged' | 'conflicts' } {
    const row = this.statements.row.get(type, id) as Row | undefined;
    if (!row) return { kind: 'unchanged' };
    // A deletion older than the version held (re-created since): superseded.
    if (isOlder(time, row.remote_updated)) return { kind: 'unchanged' };
    if (this.localChangesPending(type, id)) {
      // Deleted on both sides: they agree, the push will find it gone.
      if (row.deleted) return { kind: 'unchanged' };
      this.conflicts.record({
        resourceType: type,
        resourceId: id,
        cause: 'remote-change',
        localVersion: row.version,
        local: JSON.parse(row.json) as Resource,
        remote: null,
        remoteVersion: null,
        detected: now,
      });
      return { kind: 'conflicts' };
    }
    if (row.deleted) return { kind: 'unchanged' };
    this.statements.markDeleted.run(now, row.rowid);
    if (type === 'Patient') this.record.patients.remove(id);
    return { kind: 'deleted', patientId: row.patient_id };
  }
}
