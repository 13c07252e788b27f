/**
 * A FHIR R4 REST client (FHIR R4 http.html) for the national record service, JSON only
 * (`application/fhir+json`). Every request goes through the same path: a bearer token from the
 * token source (renewed once on a 401), a timeout per attempt, the retry rules of retry.ts, a
 * response size limit, and response-validation.ts on every body before it is returned.
 * The sync engine talks to this, never to fetch.
 */
import type { Bundle, BundleEntry, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import { classifyFailure, readErrorBody, sendHttp, type FetchLike } from './http-transport';
import {
  defaultResponseLimits,
  httpError,
  isUnderBase,
  outcomeIssues,
  parseJsonBody,
  validateBundle,
  validateResource,
  type BundleKind,
  type OutcomeIssue,
  type ResponseLimits,
} from './response-validation';
import {
  defaultRetryPolicy,
  isSafeToRepeat,
  systemRetryEnvironment,
  withRetry,
  type RetryEnvironment,
  type RetryPolicy,
} from './retry';
import { readCapabilities, type ServerCapabilities } from './server-capabilities';
import type { AccessTokenSource } from './token-source';

const FHIR_JSON = 'application/fhir+json';

export interface FhirClientOptions {
  /** The FHIR base URL, e.g. `https://dpp.sante.example/fhir/R4`. */
  baseUrl: string;
  /** From http-transport.ts `createFetch` (the ministry's CA; redirects are refused here). */
  fetch: FetchLike;
  /** Omitted for servers that need no token (the CapabilityStatement, tests). */
  tokenSource?: AccessTokenSource;
  /** Per attempt, body included. Default 30 s. */
  timeoutMs?: number;
  limits?: Partial<ResponseLimits>;
  retry?: Partial<RetryPolicy>;
  environment?: RetryEnvironment;
  /** Resource types accepted in responses; the record's own by default. */
  acceptedResourceTypes?: readonly string[];
  onRetry?(event: { request: string; attempt: number; delayMs: number; error: unknown }): void;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** A resource as the server returned it, with its version (from meta or the ETag). */
export interface ResourceResult<T extends Resource> {
  resource: T;
  versionId: string | null;
}

export interface WriteResult<T extends Resource> {
  status: number;
  /** 201: the interaction created the resource. */
  created: boolean;
  /** Null when the server answered without a body. */
  resource: T | null;
  location: string | null;
  versionId: string | null;
  /** Informational issues the server returned (e.g. with a DELETE). */
  issues: OutcomeIssue[];
}

/** One page of a search, history or $everything. `next` is followed only by `nextPage`. */
export interface BundlePage {
  kind: 'searchset' | 'history';
  bundle: Bundle;
  /** The entries' resources (for history: not the deletions, see `entries`). */
  resources: Resource[];
  entries: BundleEntry[];
  next: string | null;
  total: number | null;
}

export type SearchParams = Record<string, string | number | readonly (string | number)[]> | URLSearchParams;

interface Exchange {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
}

interface Send {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Relative to the base (`Patient/1`, `` for the base) or an absolute URL already checked to be under it. */
  path: string;
  headers?: Record<string, string>;
  json?: unknown;
  signal?: AbortSignal | undefined;
}

/** W/"3" → 3 (FHIR R4 http.html#versioning: the ETag carries the versionId). */
export function versionFromEtag(etag: string | null): string | null {
  if (!etag) return null;
  const match = /^(?:W\/)?"([^"]+)"$/.exec(etag.trim());
  return match ? (match[1] as string) : null;
}

function toSearchParams(params: SearchParams | undefined): URLSearchParams {
  if (params instanceof URLSearchParams) return params;
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params ?? {})) {
    if (Array.isArray(value)) for (const item of value) query.append(name, String(item));
    else query.append(name, String(value));
  }
  return query;
}

function withQuery(path: string, query: URLSearchParams): string {
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * The body of a successful DELETE is informational only (an OperationOutcome at most): the
 * deletion happened whatever it says, so a body that is not one is ignored rather than turned
 * into an error that would make the engine believe the delete failed.
 */
function deleteIssues(text: string, request: string): OutcomeIssue[] {
  if (!text.trim()) return [];
  try {
    return outcomeIssues(parseJsonBody(text, { request }));
  } catch {
    return [];
  }
}

export class FhirClient {
  readonly baseUrl: string;
  private readonly limits: ResponseLimits;
  private readonly policy: RetryPolicy;
  private readonly environment: RetryEnvironment;
  private capabilityStatement: Promise<ServerCapabilities> | null = null;

  constructor(private readonly options: FhirClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.limits = { ...defaultResponseLimits, ...options.limits };
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.environment = options.environment ?? systemRetryEnvironment;
  }

  // ---------------------------------------------------------------- capabilities

  /** The server's CapabilityStatement, read once and cached (`refresh` reads it again). */
  capabilities(options: RequestOptions & { refresh?: boolean } = {}): Promise<ServerCapabilities> {
    if (options.refresh || !this.capabilityStatement) {
      const reading = this.send({ method: 'GET', path: 'metadata', signal: options.signal }).then(
        (exchange) => {
          const context = { request: 'GET metadata' };
          const body = parseJsonBody(exchange.text, context);
          if (body.resourceType !== 'CapabilityStatement')
            // Ids are optional on a CapabilityStatement, so validateResource's id rule does not apply.
            throw new TabibError(
              'SYNC_RESPONSE_INVALID',
              `GET metadata: expected CapabilityStatement, got ${JSON.stringify(body.resourceType)}`,
              {
                request: 'GET metadata',
                problems: [{ path: 'resourceType', problem: String(body.resourceType) }],
              },
            );
          return readCapabilities(body as unknown as CapabilityStatement);
        },
      );
      // A failed read is not cached: the next call asks again.
      reading.catch(() => {
        if (this.capabilityStatement === reading) this.capabilityStatement = null;
      });
      this.capabilityStatement = reading;
    }
    return this.capabilityStatement;
  }

  // ---------------------------------------------------------------- instance level

  async read<T extends Resource>(
    type: T['resourceType'],
    id: string,
    options: RequestOptions = {},
  ): Promise<ResourceResult<T>> {
    const path = `${type}/${encodeURIComponent(id)}`;
    const exchange = await this.send({ method: 'GET', path, signal: options.signal });
    return this.resourceResult<T>(exchange, type, `GET ${path}`);
  }

  async vread<T extends Resource>(
    type: T['resourceType'],
    id: string,
    versionId: string,
    options: RequestOptions = {},
  ): Promise<ResourceResult<T>> {
    const path = `${type}/${encodeURIComponent(id)}/_history/${encodeURIComponent(versionId)}`;
    const exchange = await this.send({ method: 'GET', path, signal: options.signal });
    return this.resourceResult<T>(exchange, type, `GET ${path}`);
  }

  /**
   * POST [type]. With `ifNoneExist` (a search, e.g. `identifier=urn:tabib:ma:cin|BE123456`) it is
   * a conditional create (http.html#ccreate): the server creates nothing if one matches, which
   * also makes it safe to repeat.
   */
  async create<T extends Resource>(
    resource: T,
    options: RequestOptions & { ifNoneExist?: string } = {},
  ): Promise<WriteResult<T>> {
    const headers: Record<string, string> = {};
    if (options.ifNoneExist) headers['if-none-exist'] = options.ifNoneExist;
    const path = resource.resourceType;
    const exchange = await this.send({
      method: 'POST',
      path,
      headers,
      json: resource,
      signal: options.signal,
    });
    return this.writeResult<T>(exchange, resource.resourceType, `POST ${path}`);
  }

  /**
   * PUT [type]/[id]: updates, or creates under the client-assigned id where the server allows
   * update-as-create. With `ifMatch` (the versionId the change was made on) the server refuses
   * with 412 if the resource moved on (http.html#concurrency); that refusal is a
   * VERSION_CONFLICT whose details hold both versions: ours (`local`) and the server's
   * (`remote`, read right after the 412).
   */
  async update<T extends Resource>(
    resource: T,
    options: RequestOptions & { ifMatch?: string } = {},
  ): Promise<WriteResult<T>> {
    if (typeof resource.id !== 'string' || resource.id.length === 0)
      throw new TabibError('INVALID_ARGUMENT', `update of a ${resource.resourceType} without id`);
    const path = `${resource.resourceType}/${encodeURIComponent(resource.id)}`;
    const headers: Record<string, string> = {};
    // Quoted, as a weak ETag: Medplum (and others) ignore an unquoted If-Match (pitfalls.md).
    if (options.ifMatch !== undefined) headers['if-match'] = `W/"${options.ifMatch}"`;
    try {
      const exchange = await this.send({
        method: 'PUT',
        path,
        headers,
        json: resource,
        signal: options.signal,
      });
      return this.writeResult<T>(exchange, resource.resourceType, `PUT ${path}`);
    } catch (error) {
      if (error instanceof TabibError && error.code === 'VERSION_CONFLICT' && options.ifMatch !== undefined)
        throw await this.conflict(error, resource, options.ifMatch, options.signal);
      throw error;
    }
  }

  private async conflict<T extends Resource>(
    error: TabibError,
    local: T,
    localVersionId: string,
    signal: AbortSignal | undefined,
  ): Promise<TabibError> {
    let remote: ResourceResult<T> | null = null;
    let remoteError: string | null = null;
    try {
      remote = await this.read<T>(local.resourceType, local.id as string, { signal });
    } catch (readError) {
      remoteError = readError instanceof TabibError ? readError.code : String(readError);
    }
    const remoteVersion = remote?.versionId ?? null;
    return new TabibError(
      'VERSION_CONFLICT',
      `${local.resourceType}/${local.id}: changed on the server (ours based on version ${localVersionId}, server at ${remoteVersion ?? (remoteError === 'RESOURCE_NOT_FOUND' ? 'deleted' : '?')})`,
      {
        ...(error.details as object),
        resourceType: local.resourceType,
        id: local.id,
        local: { versionId: localVersionId, resource: local },
        remote: remote ? { versionId: remote.versionId, resource: remote.resource } : null,
        remoteError,
      },
    );
  }

  /** DELETE [type]/[id]. A resource already gone (404, 410) counts as deleted. */
  async delete(
    type: string,
    id: string,
    options: RequestOptions = {},
  ): Promise<{ status: number; issues: OutcomeIssue[] }> {
    const path = `${type}/${encodeURIComponent(id)}`;
    try {
      const exchange = await this.send({ method: 'DELETE', path, signal: options.signal });
      return { status: exchange.status, issues: deleteIssues(exchange.text, `DELETE ${path}`) };
    } catch (error) {
      if (error instanceof TabibError && error.code === 'RESOURCE_NOT_FOUND') {
        const details = error.details as { status: number; issues: OutcomeIssue[] };
        return { status: details.status, issues: details.issues };
      }
      throw error;
    }
  }

  // ---------------------------------------------------------------- searches and history

  /** GET [type]?params: the first page only; `nextPage` follows `link[next]`. */
  async search(type: string, params?: SearchParams, options: RequestOptions = {}): Promise<BundlePage> {
    const path = withQuery(type, toSearchParams(params));
    return this.page('searchset', path, options.signal);
  }

  /**
   * `_history` at system (no type), type or instance level, since an instant
   * (http.html#history). Whether the server offers it: `capabilities()`.
   */
  async history(
    query: {
      type?: string;
      id?: string;
      since?: string;
      count?: number;
      /** `_lastUpdated`: oldest first (R5's `_sort` on history; an R4 server may ignore it and answer newest first). */
      sort?: '_lastUpdated' | '-_lastUpdated';
    },
    options: RequestOptions = {},
  ): Promise<BundlePage> {
    if (query.id !== undefined && query.type === undefined)
      throw new TabibError('INVALID_ARGUMENT', 'instance history needs a type');
    const base = [query.type, query.id === undefined ? undefined : encodeURIComponent(query.id), '_history']
      .filter((part) => part !== undefined)
      .join('/');
    const params = new URLSearchParams();
    if (query.since !== undefined) params.set('_since', query.since);
    if (query.count !== undefined) params.set('_count', String(query.count));
    if (query.sort !== undefined) params.set('_sort', query.sort);
    return this.page('history', withQuery(base, params), options.signal);
  }

  /** GET Patient/[id]/$everything (FHIR R4 patient-operation-everything.html), first page. */
  async everything(
    patientId: string,
    query: { since?: string; count?: number; types?: readonly string[] } = {},
    options: RequestOptions = {},
  ): Promise<BundlePage> {
    const params = new URLSearchParams();
    if (query.since !== undefined) params.set('_since', query.since);
    if (query.count !== undefined) params.set('_count', String(query.count));
    if (query.types?.length) params.set('_type', query.types.join(','));
    return this.page(
      'searchset',
      withQuery(`Patient/${encodeURIComponent(patientId)}/$everything`, params),
      options.signal,
    );
  }

  /** The page after `page`, or null on the last. Only links under the base URL are followed. */
  async nextPage(page: BundlePage, options: RequestOptions = {}): Promise<BundlePage | null> {
    if (page.next === null) return null;
    return this.page(page.kind, page.next, options.signal);
  }

  /** Every page, in order, following `link[next]`. */
  async *pages(first: BundlePage, options: RequestOptions = {}): AsyncGenerator<BundlePage> {
    for (let page: BundlePage | null = first; page; page = await this.nextPage(page, options)) yield page;
  }

  /** A link as an absolute URL (validateBundle has checked that it is under the base). */
  private absoluteLink(link: string | undefined): string | null {
    return link === undefined ? null : new URL(link, `${this.baseUrl}/`).href;
  }

  private async page(kind: 'searchset' | 'history', path: string, signal?: AbortSignal): Promise<BundlePage> {
    const absolute = /^https?:/i.test(path);
    if (absolute && !isUnderBase(path, this.baseUrl))
      throw new TabibError('SYNC_RESPONSE_INVALID', `refused to follow ${path}: not under ${this.baseUrl}`, {
        request: `GET ${path}`,
        problems: [{ path: 'link.url', problem: `not under ${this.baseUrl}` }],
      });
    const exchange = await this.send({ method: 'GET', path, signal });
    const bundle = this.bundle(exchange, kind, `GET ${path}`);
    const entries = bundle.entry ?? [];
    return {
      kind,
      bundle,
      entries,
      resources: entries
        .filter((entry) => entry.resource && entry.search?.mode !== 'outcome')
        .map((entry) => entry.resource as Resource),
      next: this.absoluteLink(bundle.link?.find((link) => link.relation === 'next')?.url),
      total: typeof bundle.total === 'number' ? bundle.total : null,
    };
  }

  // ---------------------------------------------------------------- bundles

  /**
   * POST [base] a transaction or batch (http.html#transaction). The response must answer each
   * entry; a transaction is repeated after a failure only if all its entries are idempotent
   * (retry.ts).
   */
  async transaction(bundle: Bundle, options: RequestOptions = {}): Promise<Bundle> {
    if (bundle.type !== 'transaction' && bundle.type !== 'batch')
      throw new TabibError(
        'INVALID_ARGUMENT',
        `a ${String(bundle.type)} Bundle is not a transaction or batch`,
      );
    const request = `POST ${bundle.type}`;
    const exchange = await this.send({ method: 'POST', path: '', json: bundle, signal: options.signal });
    return this.bundle(exchange, `${bundle.type}-response`, request, bundle.entry?.length ?? 0);
  }

  // ---------------------------------------------------------------- the one path

  private context(request: string): { request: string; acceptedTypes?: readonly string[] } {
    return this.options.acceptedResourceTypes
      ? { request, acceptedTypes: this.options.acceptedResourceTypes }
      : { request };
  }

  private bundle(exchange: Exchange, kind: BundleKind, request: string, requestEntries?: number): Bundle {
    const body = parseJsonBody(exchange.text, { request });
    return validateBundle(body, {
      ...this.context(request),
      kind,
      limits: this.limits,
      baseUrl: this.baseUrl,
      ...(requestEntries === undefined ? {} : { requestEntries }),
    });
  }

  private resourceResult<T extends Resource>(
    exchange: Exchange,
    type: T['resourceType'],
    request: string,
  ): ResourceResult<T> {
    const resource = validateResource<T>(parseJsonBody(exchange.text, { request }), type, { request });
    return {
      resource,
      versionId: resource.meta?.versionId ?? versionFromEtag(exchange.headers.get('etag')),
    };
  }

  private writeResult<T extends Resource>(
    exchange: Exchange,
    type: T['resourceType'],
    request: string,
  ): WriteResult<T> {
    const location = exchange.headers.get('location') ?? exchange.headers.get('content-location');
    let resource: T | null = null;
    let issues: OutcomeIssue[] = [];
    if (exchange.text.trim()) {
      const body = parseJsonBody(exchange.text, { request });
      // With Prefer: return=representation a server may still answer an OperationOutcome.
      if (body.resourceType === 'OperationOutcome') issues = outcomeIssues(body);
      else resource = validateResource<T>(body, type, { request });
    }
    const versionFromLocation = location ? (/\/_history\/([^/?#]+)/.exec(location)?.[1] ?? null) : null;
    return {
      status: exchange.status,
      created: exchange.status === 201,
      resource,
      location,
      versionId:
        resource?.meta?.versionId ?? versionFromEtag(exchange.headers.get('etag')) ?? versionFromLocation,
      issues,
    };
  }

  private async send(send: Send): Promise<Exchange> {
    const what = `${send.method} ${send.path.startsWith('http') ? send.path : send.path || '[base]'}`;
    const url = /^https?:/i.test(send.path) ? send.path : `${this.baseUrl}/${send.path}`;
    const body = send.json === undefined ? undefined : JSON.stringify(send.json);
    const headers: Record<string, string> = { accept: FHIR_JSON, ...send.headers };
    if (body !== undefined) {
      headers['content-type'] = FHIR_JSON;
      headers.prefer = 'return=representation';
    }
    const relativePath = /^https?:/i.test(send.path) ? send.path.slice(this.baseUrl.length + 1) : send.path;
    return withRetry(() => this.attempt(url, send, headers, body, what), {
      policy: this.policy,
      environment: this.environment,
      safeToRepeat: isSafeToRepeat({ method: send.method, url: relativePath, headers, body: send.json }),
      classify: (error) => classifyFailure(error, this.environment.now()),
      ...(send.signal ? { signal: send.signal } : {}),
      onRetry: (event) => this.options.onRetry?.({ request: what, ...event }),
      annotate: (error, exhaustion) => {
        if (!(error instanceof TabibError) || exhaustion.attempts === 1) return error;
        return new TabibError(error.code, `${error.message} (after ${exhaustion.attempts} attempts)`, {
          ...(error.details as object),
          attempts: exhaustion.attempts,
          elapsedMs: exhaustion.elapsedMs,
          stoppedBecause: exhaustion.reason,
        });
      },
    });
  }

  /** A token, its failures marked so that the FHIR request's retries do not multiply the token's own. */
  private async token(source: AccessTokenSource, signal: AbortSignal | undefined): Promise<string> {
    try {
      return await source.token(signal);
    } catch (error) {
      if (!(error instanceof TabibError)) throw error;
      throw new TabibError(error.code, error.message, { ...(error.details as object), stage: 'token' });
    }
  }

  private async attempt(
    url: string,
    send: Send,
    headers: Record<string, string>,
    body: string | undefined,
    what: string,
  ): Promise<Exchange> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const source = this.options.tokenSource;
    let token = source ? await this.token(source, send.signal) : null;
    const go = (bearer: string | null) =>
      sendHttp(this.options.fetch, url, {
        method: send.method,
        headers: bearer ? { ...headers, authorization: `Bearer ${bearer}` } : headers,
        ...(body === undefined ? {} : { body }),
        timeoutMs,
        ...(send.signal ? { signal: send.signal } : {}),
        request: what,
      });
    let response = await go(token);
    if (response.status === 401 && source && token) {
      // The token may have been revoked or expired early: one new token, one more try. A 401
      // means the request was not processed, so this is safe whatever the method.
      await response.discard();
      source.invalidate(token);
      token = await this.token(source, send.signal);
      response = await go(token);
    }
    if (!response.ok) {
      const text = await readErrorBody(response);
      throw httpError(response.status, text, what, { retryAfter: response.headers.get('retry-after') });
    }
    const text = await response.text(this.limits.maxBytes);
    const contentType = response.headers.get('content-type');
    if (text.trim() && contentType && !/json/i.test(contentType))
      throw new TabibError('SYNC_RESPONSE_INVALID', `${what}: answered ${contentType}, not FHIR JSON`, {
        request: what,
        status: response.status,
        problems: [{ path: '(content-type)', problem: contentType }],
      });
    return { status: response.status, headers: response.headers, text };
  }
}
