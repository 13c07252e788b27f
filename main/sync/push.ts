/**
 * The push: the outbox to the national record service, as transaction bundles (FHIR R4
 * http.html#transaction), planned by outbox-plan.ts (squashed per resource, ordered so that
 * references resolve).
 *
 * Exactly once, across crashes:
 * - creates are idempotent: a PUT under the client-assigned id where the server offers update as
 *   create, else a conditional create (If-None-Exist) by identifier;
 * - updates and deletes carry If-Match with the server's version. A resend after a crash between
 *   the server's commit and our acknowledgement meets a 412: the push reads the server's current
 *   version and, if its content is what we sent, acknowledges it as its own earlier write;
 *   otherwise it is a conflict (ConflictLog, both versions kept, nothing overwritten), the
 *   resource's entries stay (held while the conflict is open) and the rest goes on;
 * - each answered bundle is acknowledged in ONE local transaction: the outbox entries sent (only
 *   those: a change made during the send stays), the server's version, the stored meta;
 * - a create that an interrupted push may have sent (`push.inflight`) and that was then deleted
 *   locally is deleted on the server, not dropped.
 *
 * A bundle the server finds too large (413) is halved, and the smaller size kept. An entry the
 * server refuses as invalid (400, 422…) is found by halving the transaction, kept in the outbox,
 * reported as SYNC_CHANGE_REFUSED, and not resent until it changes locally. Network failures,
 * 401, 429 and 5xx end the push (the client has retried): what was acknowledged stays so.
 */
import { contentKey, sameContent } from '../record/resource-content';
import { createHash } from 'node:crypto';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import { ConflictLog } from './conflict-log';
import { versionFromEtag } from './fhir-client';
import {
  bundleEntryFor,
  keyOf,
  planOutbox,
  transactionBundle,
  type CreateStrategy,
  type LocalResourceState,
  type OutboxRow,
  type PlannedChange,
} from './outbox-plan';
import type { ServerCapabilities } from './server-capabilities';
import { SyncState } from './sync-state';
import type { PushFn, PushRefusal, PushReport, SyncContext } from './sync-types';

/** Entries per transaction when neither the server nor the caller says (the peer and HAPI take 1000). */
export const DEFAULT_MAX_BUNDLE_ENTRIES = 500;

/** sync_state keys. */
const INFLIGHT = 'push.inflight';
const REFUSED = 'push.refused';
const BUNDLE_LIMIT = 'push.maxBundleEntries';
/** Unacknowledged versions remembered per resource (each interrupted push may add one). */
const MAX_INFLIGHT_VERSIONS = 16;

export interface PushOptions {
  /** The configured maximum entries per transaction (the server's announced one, if lower, wins). */
  maxBundleEntries?: number;
}

interface Item {
  change: PlannedChange;
  entry: BundleEntry;
  /** The resource as sent (null for a delete). */
  sent: Resource | null;
}

interface Ack {
  change: PlannedChange;
  versionId: string | null;
  lastUpdated: string | null;
}

interface ConflictFound {
  change: PlannedChange;
  remote: Resource | null;
  remoteVersion: string | null;
}

interface StoredRefusal extends PushRefusal {
  lastSeq: number;
}

function statusOf(error: unknown): number | null {
  if (!(error instanceof TabibError)) return null;
  const status = (error.details as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' ? status : null;
}

/** The server refused the content of (some entry of) the transaction: not worth repeating as is. */
function isEntryRefusal(status: number | null): boolean {
  return status !== null && status >= 400 && status < 500 && ![401, 403, 407, 408, 413, 429].includes(status);
}

/** What identifies content sent (meta aside): SHA-256 of its canonical JSON. */
function fingerprint(resource: Resource): string {
  return createHash('sha256').update(contentKey(resource)).digest('base64url');
}

export const pushOutbox: PushFn = (context) => pushOutboxWith(context);

export async function pushOutboxWith(context: SyncContext, options: PushOptions = {}): Promise<PushReport> {
  const capabilities = await context.client.capabilities(context.signal ? { signal: context.signal } : {});
  return new OutboxPush(context, capabilities, options).run();
}

class OutboxPush {
  private readonly state: SyncState;
  private readonly conflicts: ConflictLog;
  private limit: number;
  /**
   * What may be on the server unacknowledged (sent, answer not yet applied): `Type/id` → the
   * fingerprints of the contents sent since the last acknowledgement ('' for a create; several
   * when interrupted pushes sent successive versions). Persisted before each bundle goes out.
   */
  private readonly inflight: Map<string, string[]>;
  private readonly refused: Map<string, StoredRefusal>;
  private readonly report: PushReport = { pushed: 0, bundles: 0, conflicts: 0, remaining: 0 };
  private done = 0;
  private total = 0;

  constructor(
    private readonly context: SyncContext,
    private readonly capabilities: ServerCapabilities,
    options: PushOptions,
  ) {
    this.state = new SyncState(context.record.queries);
    this.conflicts = new ConflictLog(context.record.queries);
    this.limit = Math.max(
      1,
      Math.min(
        options.maxBundleEntries ?? DEFAULT_MAX_BUNDLE_ENTRIES,
        capabilities.maxBundleEntries ?? Number.POSITIVE_INFINITY,
        this.state.get<number>(BUNDLE_LIMIT) ?? Number.POSITIVE_INFINITY,
      ),
    );
    this.inflight = new Map(Object.entries(this.state.get<Record<string, string[]>>(INFLIGHT) ?? {}));
    this.refused = new Map(Object.entries(this.state.get<Record<string, StoredRefusal>>(REFUSED) ?? {}));
  }

  private get queries() {
    return this.context.record.queries;
  }

  private strategy(resourceType: string): CreateStrategy {
    return this.capabilities.resources[resourceType]?.updateCreate === false
      ? 'conditional-create'
      : 'update-as-create';
  }

  async run(): Promise<PushReport> {
    const plan = this.plan();
    this.total = plan.changes.length + plan.dropped.length;
    if (plan.dropped.length > 0) {
      this.queries.transaction(() => {
        const remove = this.queries.statement(
          'delete from outbox where resource_type = ? and resource_id = ? and seq <= ?',
        );
        for (const dropped of plan.dropped) remove.run(dropped.resourceType, dropped.id, dropped.lastSeq);
      });
      this.progress(plan.dropped.length);
    }
    // A create that may have reached the server before a crash, deleted here since: deleted
    // there too, one by one (a DELETE of something the server never got is a 404, which would
    // fail a whole transaction).
    const unconditionalDeletes = plan.changes.filter((c) => c.kind === 'delete' && c.ifMatch === null);
    for (const change of unconditionalDeletes) {
      this.throwIfAborted();
      await this.context.client.delete(change.resourceType, change.id, this.requestOptions());
      this.commit({ acks: [{ change, versionId: null, lastUpdated: null }] });
    }
    const items = plan.changes
      .filter((c) => !(c.kind === 'delete' && c.ifMatch === null))
      .map((change): Item => ({ change, ...bundleEntryFor(change, this.strategy(change.resourceType)) }));
    const settled = await this.checkRecreations(items);
    await this.sendAll(items.filter((item) => !settled.has(item.change.key)));
    this.report.remaining = (
      this.queries.statement('select count(*) as n from outbox').get() as { n: number }
    ).n;
    this.report.refused = [...this.refused.values()].map(({ lastSeq: _lastSeq, ...refusal }) => refusal);
    return this.report;
  }

  // ------------------------------------------------------------------ reading the record

  private plan() {
    const outbox = this.queries
      .statement(
        'select seq, resource_type as resourceType, resource_id as resourceId, version, operation from outbox order by seq',
      )
      .all() as OutboxRow[];
    const open = new Set(
      (
        this.queries
          .statement(`select resource_type, resource_id from sync_conflict where status = 'open'`)
          .all() as { resource_type: string; resource_id: string }[]
      ).map((row) => keyOf(row.resource_type, row.resource_id)),
    );
    const resourceRow = this.queries.statement(
      'select version, remote_version, deleted, json from resource where type = ? and id = ?',
    );
    const auditRow = this.queries.statement('select json from audit_event where id = ?');
    return planOutbox({
      outbox,
      current: (resourceType, id): LocalResourceState | null => {
        if (resourceType === 'AuditEvent') {
          const row = auditRow.get(id) as { json: string } | undefined;
          return row
            ? { version: 1, remoteVersion: null, deleted: false, resource: JSON.parse(row.json) as Resource }
            : null;
        }
        const row = resourceRow.get(resourceType, id) as
          { version: number; remote_version: string | null; deleted: number; json: string } | undefined;
        if (!row) return null;
        return {
          version: row.version,
          remoteVersion: row.remote_version,
          deleted: row.deleted !== 0,
          resource: JSON.parse(row.json) as Resource,
        };
      },
      maybeOnServer: (key) => this.inflight.has(key),
      hold: (key, lastSeq) => open.has(key) || this.refused.get(key)?.lastSeq === lastSeq,
    });
  }

  // ------------------------------------------------------------------ sending

  private requestOptions(): { signal?: AbortSignal } {
    return this.context.signal ? { signal: this.context.signal } : {};
  }

  private throwIfAborted(): void {
    this.context.signal?.throwIfAborted();
  }

  private progress(count: number): void {
    this.done += count;
    this.context.progress?.({ phase: 'push', done: this.done, total: this.total });
  }

  /**
   * Remembers, before sending, what a crash could leave on the server unacknowledged: creates
   * (a later local delete must reach the server) and the content of updates (a later local
   * update meets a 412 caused by this one: recognised by its fingerprint, it is our own).
   */
  private markInFlight(items: Item[]): void {
    let changed = false;
    for (const { change, sent } of items) {
      if (change.kind !== 'put' || change.resourceType === 'AuditEvent' || !sent) continue;
      const mark = change.ifMatch === null ? '' : fingerprint(sent);
      const marks = this.inflight.get(change.key) ?? [];
      if (marks.includes(mark)) continue;
      this.inflight.set(change.key, [...marks, mark].slice(-MAX_INFLIGHT_VERSIONS));
      changed = true;
    }
    if (changed) this.persistInFlight();
  }

  private persistInFlight(): void {
    this.state.set(INFLIGHT, Object.fromEntries(this.inflight));
  }

  /** In bundles of the current size (which a 413 may lower on the way). */
  private async sendAll(items: Item[]): Promise<void> {
    for (let index = 0; index < items.length;) {
      const batch = items.slice(index, index + this.limit);
      index += batch.length;
      await this.send(batch);
    }
  }

  private async send(items: Item[]): Promise<void> {
    if (items.length === 0) return;
    this.throwIfAborted();
    this.markInFlight(items);
    let response: Bundle;
    try {
      response = await this.context.client.transaction(
        transactionBundle(items.map((item) => item.entry)),
        this.requestOptions(),
      );
    } catch (error) {
      const status = statusOf(error);
      if (status === 413) {
        if (items.length === 1) return this.refuse(items[0] as Item, error, status);
        // Too large: halve, and keep the smaller size for the rest (and the next pushes).
        this.limit = Math.max(1, Math.ceil(items.length / 2));
        this.state.set(BUNDLE_LIMIT, this.limit);
        return this.sendAll(items);
      }
      if (status === 412 || status === 409) {
        const { settled, rebased } = await this.settleStale(items);
        if (settled.size > 0 || rebased > 0) {
          const rest = items.filter((item) => !settled.has(item.change.key));
          return this.sendAll(rest);
        }
      }
      if (!isEntryRefusal(status)) throw error;
      if (items.length === 1) return this.refuse(items[0] as Item, error, status);
      // One entry spoils the transaction (all or nothing): halve until it stands alone; the
      // halves without it are committed on the way.
      const half = Math.ceil(items.length / 2);
      await this.send(items.slice(0, half));
      await this.send(items.slice(half));
      return;
    }
    this.report.bundles++;
    const entries = response.entry ?? [];
    const acks = items.map((item, index): Ack => {
      const answer = entries[index];
      const resource =
        answer?.resource?.resourceType === item.change.resourceType ? answer.resource : undefined;
      const location = answer?.response?.location;
      return {
        change: item.change,
        versionId:
          versionFromEtag(answer?.response?.etag ?? null) ??
          resource?.meta?.versionId ??
          (location ? (/\/_history\/([^/?#]+)/.exec(location)?.[1] ?? null) : null),
        lastUpdated: answer?.response?.lastModified ?? resource?.meta?.lastUpdated ?? null,
      };
    });
    this.commit({ acks });
  }

  /**
   * After a 412 (or 409): reads the server's current version of every entry that carries
   * If-Match. Those that moved on are settled here: our own earlier write (same content, or
   * already deleted for a delete) is acknowledged; the server's version being one we sent
   * earlier (its fingerprint in `push.inflight`) and the resource changed here since, the change
   * is rebased on it (If-Match the server's version) and resent; anything else becomes a
   * conflict. Returns the keys settled and how many were rebased; the caller resends the rest.
   */
  private async settleStale(items: Item[]): Promise<{ settled: Set<string>; rebased: number }> {
    const candidates = items.filter((item) => item.change.ifMatch !== null);
    const settled = new Set<string>();
    let rebased = 0;
    if (candidates.length === 0) return { settled, rebased };
    const current = await this.readCurrent(candidates.map((item) => item.change));
    const acks: Ack[] = [];
    const conflicts: ConflictFound[] = [];
    candidates.forEach((item, index) => {
      const { change } = item;
      const server = current[index] as { resource: Resource; versionId: string | null } | null;
      if (server && server.versionId === change.ifMatch) return;
      settled.add(change.key);
      if (server === null && change.kind === 'delete')
        acks.push({ change, versionId: null, lastUpdated: null });
      else if (server && item.sent && sameContent(server.resource, item.sent))
        acks.push({
          change,
          versionId: server.versionId,
          lastUpdated: server.resource.meta?.lastUpdated ?? null,
        });
      else if (
        server &&
        server.versionId !== null &&
        item.sent &&
        this.inflight.get(change.key)?.includes(fingerprint(server.resource))
      ) {
        settled.delete(change.key);
        change.ifMatch = server.versionId;
        Object.assign(item, bundleEntryFor(change, this.strategy(change.resourceType)));
        rebased++;
      } else
        conflicts.push({
          change,
          remote: server?.resource ?? null,
          remoteVersion: server?.versionId ?? null,
        });
    });
    if (settled.size > 0) this.commit({ acks, conflicts });
    return { settled, rebased };
  }

  /**
   * A resource the server deleted and a clinician kept here (conflict resolved 'local' or 'merged'
   * over a remote deletion) goes back as a create, without If-Match: there is no version to match.
   * Another workstation may have re-created it meanwhile, and an update-as-create would silently
   * overwrite that: read it first; there now, and not as we send it → a conflict. Returns the keys
   * settled (acknowledged or in conflict); the rest is sent.
   */
  private async checkRecreations(items: Item[]): Promise<Set<string>> {
    const keptOverDeletion = this.queries.statement(
      `select 1 from sync_conflict where resource_type = ? and resource_id = ? and remote_json is null
         and resolution in ('local', 'merged') limit 1`,
    );
    const recreations = items.filter(
      (item) =>
        item.change.kind === 'put' &&
        item.change.ifMatch === null &&
        item.sent !== null &&
        keptOverDeletion.get(item.change.resourceType, item.change.id) !== undefined,
    );
    const settled = new Set<string>();
    if (recreations.length === 0) return settled;
    const current = await this.readCurrent(recreations.map((item) => item.change));
    const acks: Ack[] = [];
    const conflicts: ConflictFound[] = [];
    recreations.forEach((item, index) => {
      const server = current[index];
      if (!server) return;
      settled.add(item.change.key);
      if (sameContent(server.resource, item.sent as Resource))
        acks.push({
          change: item.change,
          versionId: server.versionId,
          lastUpdated: server.resource.meta?.lastUpdated ?? null,
        });
      else conflicts.push({ change: item.change, remote: server.resource, remoteVersion: server.versionId });
    });
    if (settled.size > 0) this.commit({ acks, conflicts });
    return settled;
  }

  /** The server's current version of each (null: gone), by one batch of reads where offered. */
  private async readCurrent(
    changes: PlannedChange[],
  ): Promise<({ resource: Resource; versionId: string | null } | null)[]> {
    if (this.capabilities.batch) {
      const response = await this.context.client.transaction(
        {
          resourceType: 'Bundle',
          type: 'batch',
          entry: changes.map((change) => ({
            request: { method: 'GET', url: `${change.resourceType}/${change.id}` },
          })),
        },
        this.requestOptions(),
      );
      return changes.map((change, index) => {
        const entry = response.entry?.[index];
        const status = Number.parseInt(entry?.response?.status ?? '', 10);
        if (status === 404 || status === 410) return null;
        const resource = entry?.resource;
        if (
          !(status >= 200 && status < 300) ||
          resource?.resourceType !== change.resourceType ||
          resource.id !== change.id
        )
          throw new TabibError(
            'SYNC_RESPONSE_INVALID',
            `GET ${change.resourceType}/${change.id} (batch): answered ${entry?.response?.status ?? 'nothing'}`,
            {
              request: 'POST batch',
              problems: [{ path: `entry[${index}]`, problem: String(entry?.response?.status) }],
            },
          );
        return {
          resource,
          versionId: resource.meta?.versionId ?? versionFromEtag(entry?.response?.etag ?? null),
        };
      });
    }
    const results: ({ resource: Resource; versionId: string | null } | null)[] = [];
    for (const change of changes) {
      try {
        results.push(
          await this.context.client.read(
            change.resourceType as Resource['resourceType'],
            change.id,
            this.requestOptions(),
          ),
        );
      } catch (error) {
        if (error instanceof TabibError && error.code === 'RESOURCE_NOT_FOUND') results.push(null);
        else throw error;
      }
    }
    return results;
  }

  private refuse(item: Item, error: unknown, status: number | null): void {
    const { change } = item;
    this.refused.set(change.key, {
      resourceType: change.resourceType,
      id: change.id,
      code: 'SYNC_CHANGE_REFUSED',
      status,
      message: error instanceof Error ? error.message : String(error),
      refused: this.context.clock().toISOString(),
      lastSeq: change.lastSeq,
    });
    this.inflight.delete(change.key);
    this.queries.transaction(() => {
      this.state.set(REFUSED, Object.fromEntries(this.refused));
      this.persistInFlight();
    });
    this.progress(1);
  }

  // ------------------------------------------------------------------ acknowledging

  /** One local transaction: acknowledged entries removed, versions stored, conflicts recorded. */
  private commit(work: { acks?: Ack[]; conflicts?: ConflictFound[] }): void {
    const acks = work.acks ?? [];
    const conflicts = work.conflicts ?? [];
    const removeOutbox = this.queries.statement(
      'delete from outbox where resource_type = ? and resource_id = ? and seq <= ?',
    );
    const readRow = this.queries.statement(
      'select version, deleted, json from resource where type = ? and id = ?',
    );
    const forgetRemote = this.queries.statement(
      'update resource set remote_version = null, remote_updated = null where type = ? and id = ?',
    );
    const setRemote = this.queries.statement(
      'update resource set remote_version = ?, remote_updated = ? where type = ? and id = ?',
    );
    const setRemoteAndMeta = this.queries.statement(
      `update resource set remote_version = ?, remote_updated = ?, json = ?, last_updated = coalesce(?, last_updated)
       where type = ? and id = ?`,
    );
    const detected = this.context.clock().toISOString();
    let refusalsChanged = false;
    this.queries.transaction(() => {
      for (const { change, versionId, lastUpdated } of acks) {
        removeOutbox.run(change.resourceType, change.id, change.lastSeq);
        this.inflight.delete(change.key);
        if (this.refused.delete(change.key)) refusalsChanged = true;
        if (change.resourceType === 'AuditEvent') continue; // append-only; the outbox entry was all
        if (change.kind === 'delete') {
          // Gone on the server: a re-creation here starts from no version.
          forgetRemote.run(change.resourceType, change.id);
          continue;
        }
        const row = readRow.get(change.resourceType, change.id) as
          { version: number; deleted: number; json: string } | undefined;
        if (
          row &&
          row.version === change.version &&
          row.deleted === 0 &&
          (versionId !== null || lastUpdated !== null)
        ) {
          // Still the version sent: the stored meta follows the server's.
          const resource = JSON.parse(row.json) as Resource;
          const meta = { ...resource.meta };
          if (versionId !== null) meta.versionId = versionId;
          if (lastUpdated !== null) meta.lastUpdated = lastUpdated;
          resource.meta = meta;
          setRemoteAndMeta.run(
            versionId,
            lastUpdated,
            JSON.stringify(resource),
            meta.lastUpdated ?? null,
            change.resourceType,
            change.id,
          );
        } else setRemote.run(versionId, lastUpdated, change.resourceType, change.id);
      }
      for (const conflict of conflicts) {
        const { change } = conflict;
        this.conflicts.record({
          resourceType: change.resourceType,
          resourceId: change.id,
          cause: 'precondition-failed',
          localVersion: change.version,
          local: change.kind === 'delete' ? null : change.resource,
          remote: conflict.remote,
          remoteVersion: conflict.remoteVersion,
          detected,
        });
      }
      this.persistInFlight();
      if (refusalsChanged) this.state.set(REFUSED, Object.fromEntries(this.refused));
    });
    this.report.pushed += acks.length;
    this.report.conflicts += conflicts.length;
    this.progress(acks.length + conflicts.length);
  }
}
