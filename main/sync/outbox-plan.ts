/**
 * What a push sends, decided from the outbox without any I/O: the outbox squashed per resource
 * (the resource's current row decides), the changes ordered so that references resolve, cut into
 * transaction bundles, and each change written as a Bundle entry (FHIR R4 http.html#transaction).
 *
 * Squash rules (per resource, over all its outbox entries):
 * - it exists locally → one PUT of the current JSON (create + updates collapse); `If-Match` with the
 *   server's version when it has one (http.html#concurrency), none when it was never acknowledged;
 * - it is deleted locally and the server has a version → one DELETE with `If-Match`;
 * - it is deleted locally and the server never acknowledged it → nothing to send, the entries are
 *   dropped — unless an interrupted push may have sent it (`maybeOnServer`), then an unconditional
 *   DELETE (which a server answers 404/410 when the create never arrived).
 * AuditEvents are only ever created: a PUT of the event, last.
 */
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { recordResourceTypes } from '../record/resource-types';

/** What the push sends and reads back: the record's types plus its audit trail. */
export const pushedResourceTypes: readonly string[] = [...recordResourceTypes, 'AuditEvent'];

/** The system of the identifier that carries a client id when the server assigns its own (RFC 3986 URN). */
export const CLIENT_ID_SYSTEM = 'urn:ietf:rfc:3986';

export interface OutboxRow {
  seq: number;
  resourceType: string;
  resourceId: string;
  version: number;
  operation: 'create' | 'update' | 'delete';
}

/** A resource's current local row, as the squash sees it. */
export interface LocalResourceState {
  version: number;
  /** The server's versionId as last acknowledged; null: never acknowledged. */
  remoteVersion: string | null;
  deleted: boolean;
  /** The current JSON (for a deleted resource: its last content, kept for ordering and conflicts). */
  resource: Resource;
}

export interface ChangeBase {
  /** `Type/id`. */
  key: string;
  resourceType: string;
  id: string;
  /** The first and last outbox entries this change stands for (the ack removes up to `lastSeq`). */
  firstSeq: number;
  lastSeq: number;
  /** The local version sent (the ack updates the stored meta only if it is still this one). */
  version: number;
  /** If-Match: the server's version the change was made on; null for a create. */
  ifMatch: string | null;
  resource: Resource;
}

export interface PutChange extends ChangeBase {
  kind: 'put';
}

export interface DeleteChange extends ChangeBase {
  kind: 'delete';
}

export type PlannedChange = PutChange | DeleteChange;

export interface DroppedChange {
  key: string;
  resourceType: string;
  id: string;
  lastSeq: number;
  reason: 'created-and-deleted' | 'no-local-row';
}

export interface OutboxPlan {
  /** In sending order. */
  changes: PlannedChange[];
  dropped: DroppedChange[];
  /** Resources skipped because the caller holds them (an open conflict, a refusal not changed since). */
  held: { key: string; entries: number }[];
}

export interface PlanInput {
  /** Outbox rows, any order. */
  outbox: readonly OutboxRow[];
  current(resourceType: string, id: string): LocalResourceState | null;
  /** Resources a push may have sent without its acknowledgement arriving (a crash in between). */
  maybeOnServer?(key: string): boolean;
  /** True: leave this resource's entries alone this time (open conflict, refused and unchanged). */
  hold?(key: string, lastSeq: number): boolean;
}

export function keyOf(resourceType: string, id: string): string {
  return `${resourceType}/${id}`;
}

interface Group {
  resourceType: string;
  id: string;
  firstSeq: number;
  lastSeq: number;
  entries: number;
}

/** Squashes the outbox per resource and orders the result (see `orderChanges`). */
export function planOutbox(input: PlanInput): OutboxPlan {
  const groups = new Map<string, Group>();
  for (const row of input.outbox) {
    const key = keyOf(row.resourceType, row.resourceId);
    const group = groups.get(key);
    if (group) {
      group.firstSeq = Math.min(group.firstSeq, row.seq);
      group.lastSeq = Math.max(group.lastSeq, row.seq);
      group.entries++;
    } else
      groups.set(key, {
        resourceType: row.resourceType,
        id: row.resourceId,
        firstSeq: row.seq,
        lastSeq: row.seq,
        entries: 1,
      });
  }
  const changes: PlannedChange[] = [];
  const dropped: DroppedChange[] = [];
  const held: { key: string; entries: number }[] = [];
  for (const [key, group] of groups) {
    if (input.hold?.(key, group.lastSeq)) {
      held.push({ key, entries: group.entries });
      continue;
    }
    const state = input.current(group.resourceType, group.id);
    const base = {
      key,
      resourceType: group.resourceType,
      id: group.id,
      firstSeq: group.firstSeq,
      lastSeq: group.lastSeq,
    };
    if (!state) {
      dropped.push({ ...base, reason: 'no-local-row' });
      continue;
    }
    const change = {
      ...base,
      version: state.version,
      ifMatch: state.remoteVersion,
      resource: state.resource,
    };
    if (!state.deleted) changes.push({ ...change, kind: 'put' });
    else if (state.remoteVersion !== null || input.maybeOnServer?.(key))
      changes.push({ ...change, kind: 'delete' });
    else dropped.push({ ...base, reason: 'created-and-deleted' });
  }
  return { changes: orderChanges(changes), dropped, held };
}

const REFERENCE = /^([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(?:\/_history\/[^/]+)?$/;

/** The `Type/id` keys a resource refers to (every `reference` element, at any depth). */
export function referencesOf(resource: Resource): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [name, value] of Object.entries(node as Record<string, unknown>)) {
      if (name === 'reference' && typeof value === 'string') {
        const match = REFERENCE.exec(value);
        if (match) found.add(`${match[1]}/${match[2]}`);
      } else if (typeof value === 'object') walk(value);
    }
  };
  walk(resource);
  found.delete(keyOf(resource.resourceType, resource.id ?? ''));
  return [...found];
}

/**
 * Depth-first topological order, visiting in outbox order: a change comes after the changes it
 * depends on, otherwise as early as the outbox had it. A cycle is cut where the walk meets it
 * (inside one transaction a server resolves it; across bundles the later one waits one bundle).
 */
function topological(
  changes: PlannedChange[],
  dependencies: (change: PlannedChange) => string[],
): PlannedChange[] {
  const byKey = new Map(changes.map((change) => [change.key, change]));
  const state = new Map<string, 'visiting' | 'done'>();
  const ordered: PlannedChange[] = [];
  const visit = (change: PlannedChange): void => {
    if (state.has(change.key)) return;
    state.set(change.key, 'visiting');
    for (const key of dependencies(change)) {
      const dependency = byKey.get(key);
      if (dependency) visit(dependency);
    }
    state.set(change.key, 'done');
    ordered.push(change);
  };
  for (const change of [...changes].sort((a, b) => a.firstSeq - b.firstSeq)) visit(change);
  return ordered;
}

/**
 * Sending order: PUTs with what they refer to first (a Patient before its Encounter, an Encounter
 * before its Observations); then DELETEs, referrers first (an Observation before the Encounter it
 * points at, so no server refuses to delete something still referred to); AuditEvents last (they
 * point at everything). References to resources outside the batch (already on the server) impose
 * nothing.
 */
export function orderChanges(changes: readonly PlannedChange[]): PlannedChange[] {
  const puts = changes.filter((c) => c.kind === 'put' && c.resourceType !== 'AuditEvent');
  const deletes = changes.filter((c) => c.kind === 'delete');
  const audits = changes
    .filter((c) => c.kind === 'put' && c.resourceType === 'AuditEvent')
    .sort((a, b) => a.firstSeq - b.firstSeq);
  const references = new Map<string, string[]>();
  const refs = (change: PlannedChange): string[] => {
    let found = references.get(change.key);
    if (!found) references.set(change.key, (found = referencesOf(change.resource)));
    return found;
  };
  // Deleting: X waits for the deletes of what refers to X.
  const referrers = new Map<string, string[]>();
  for (const change of deletes)
    for (const key of refs(change)) referrers.set(key, [...(referrers.get(key) ?? []), change.key]);
  return [
    ...topological(puts, refs),
    ...topological(deletes, (change) => referrers.get(change.key) ?? []),
    ...audits,
  ];
}

/** Consecutive slices of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new Error(`bundle size ${size}`);
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

/** How a resource the server has never acknowledged is created there. */
export type CreateStrategy = 'update-as-create' | 'conditional-create';

/** The resource as sent: the server owns meta.versionId and meta.lastUpdated. */
export function resourceToSend(resource: Resource): Resource {
  const copy = { ...resource } as Resource & { meta?: Record<string, unknown> };
  if (copy.meta) {
    const meta = { ...copy.meta };
    delete meta.versionId;
    delete meta.lastUpdated;
    if (Object.keys(meta).length > 0) copy.meta = meta;
    else delete copy.meta;
  }
  return copy;
}

interface Identified {
  identifier?: { system?: string; value?: string }[];
}

/** Types without an `identifier` element in R4 (a conditional create by identifier cannot apply). */
const WITHOUT_IDENTIFIER = new Set(['AuditEvent']);

/**
 * For a conditional create (http.html#ccreate): the search that finds an earlier copy. The
 * resource's first identifier with a system and a value; else the client id carried as an
 * RFC 3986 URN identifier, added to what is sent. Null when the type has no identifier element.
 */
export function conditionalCreate(resource: Resource): { resource: Resource; ifNoneExist: string } | null {
  if (WITHOUT_IDENTIFIER.has(resource.resourceType)) return null;
  const identifiers = (resource as Identified).identifier ?? [];
  const usable = identifiers.find((identifier) => identifier.system && identifier.value);
  if (usable)
    return { resource, ifNoneExist: `identifier=${encodeURIComponent(`${usable.system}|${usable.value}`)}` };
  const value = `urn:uuid:${resource.id}`;
  return {
    resource: { ...resource, identifier: [...identifiers, { system: CLIENT_ID_SYSTEM, value }] } as Resource,
    ifNoneExist: `identifier=${encodeURIComponent(`${CLIENT_ID_SYSTEM}|${value}`)}`,
  };
}

/** The bundle entry for one change; `sent` is the resource as it goes out (for the 412 comparison). */
export function bundleEntryFor(
  change: PlannedChange,
  strategy: CreateStrategy,
): { entry: BundleEntry; sent: Resource | null } {
  const url = `${change.resourceType}/${change.id}`;
  const ifMatch = change.ifMatch === null ? {} : { ifMatch: `W/"${change.ifMatch}"` };
  if (change.kind === 'delete')
    return { entry: { request: { method: 'DELETE', url, ...ifMatch } }, sent: null };
  const resource = resourceToSend(change.resource);
  if (change.ifMatch !== null || strategy === 'update-as-create')
    return { entry: { fullUrl: url, resource, request: { method: 'PUT', url, ...ifMatch } }, sent: resource };
  const conditional = conditionalCreate(resource);
  const sent = conditional?.resource ?? resource;
  return {
    entry: {
      fullUrl: `urn:uuid:${change.id}`,
      resource: sent,
      request: {
        method: 'POST',
        url: change.resourceType,
        ...(conditional ? { ifNoneExist: conditional.ifNoneExist } : {}),
      },
    },
    sent,
  };
}

export function transactionBundle(entries: BundleEntry[]): Bundle {
  return { resourceType: 'Bundle', type: 'transaction', entry: entries };
}
