/**
 * Every body the national record service sends is checked here before anything uses it: valid
 * JSON, the expected resourceType (a Bundle of the expected type for searches, history and
 * transactions), FHIR-shaped ids, resource types the record holds, entry count and size within
 * limits, and `link[next]` under the base URL. A page that fails is refused as a whole with
 * SYNC_RESPONSE_INVALID, whose details say what failed and where, so that the replica never
 * applies half a page. Error bodies (OperationOutcome, FHIR R4 operationoutcome.html) become
 * TabibErrors carrying the server's diagnostics.
 */
import type {
  Bundle,
  BundleEntry,
  OperationOutcome,
  OperationOutcomeIssue,
  Resource,
} from '@medplum/fhirtypes';
import type { ErrorCode } from '../contract/errors';
import { TabibError } from '../errors';
import { FHIR_ID, recordResourceTypes } from '../record/resource-types';

export interface ResponseLimits {
  /** Largest response body accepted, in bytes (checked while reading, see fhir-client.ts). */
  maxBytes: number;
  /** Most entries accepted in one Bundle. */
  maxEntries: number;
}

export const defaultResponseLimits: ResponseLimits = { maxBytes: 32 * 1024 * 1024, maxEntries: 5_000 };

export type BundleKind = 'searchset' | 'history' | 'transaction-response' | 'batch-response';

/** One problem found, with its FHIRPath-like location in the body (e.g. `entry[3].resource.id`). */
export interface ResponseProblem {
  path: string;
  problem: string;
}

export interface ResponseContext {
  /** What was asked, for messages and details: e.g. `GET Patient?identifier=…`. */
  request: string;
  /** Resource types accepted inside the body; the record's own by default. */
  acceptedTypes?: readonly string[];
}

function invalid(context: ResponseContext, problems: ResponseProblem[]): TabibError {
  const summary = problems
    .slice(0, 5)
    .map((p) => `${p.path}: ${p.problem}`)
    .join('; ');
  return new TabibError(
    'SYNC_RESPONSE_INVALID',
    `${context.request}: refused the response (${summary}${problems.length > 5 ? '; …' : ''})`,
    { request: context.request, problems },
  );
}

/** JSON.parse, refusing what is not JSON or not an object. */
export function parseJsonBody(text: string, context: ResponseContext): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw invalid(context, [{ path: '(body)', problem: `not valid JSON: ${(error as Error).message}` }]);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw invalid(context, [{ path: '(body)', problem: 'not a JSON object' }]);
  return body as Record<string, unknown>;
}

/** FHIR R4 datatypes.html#instant. */
const FHIR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function resourceProblems(resource: unknown, path: string, accepted: readonly string[]): ResponseProblem[] {
  if (resource === null || typeof resource !== 'object' || Array.isArray(resource))
    return [{ path, problem: 'not a resource' }];
  const json = resource as { resourceType?: unknown; id?: unknown; meta?: unknown };
  if (typeof json.resourceType !== 'string') return [{ path: `${path}.resourceType`, problem: 'missing' }];
  const problems: ResponseProblem[] = [];
  if (!accepted.includes(json.resourceType))
    problems.push({
      path: `${path}.resourceType`,
      problem: `${json.resourceType} is not a type the record holds`,
    });
  if (json.id === undefined) problems.push({ path: `${path}.id`, problem: 'missing' });
  else if (typeof json.id !== 'string' || !FHIR_ID.test(json.id))
    problems.push({ path: `${path}.id`, problem: `not a FHIR id: ${JSON.stringify(json.id)}` });
  if (json.meta !== undefined) {
    const meta = json.meta as { versionId?: unknown; lastUpdated?: unknown } | null;
    if (meta === null || typeof meta !== 'object')
      problems.push({ path: `${path}.meta`, problem: 'not an object' });
    else {
      if (
        meta.versionId !== undefined &&
        (typeof meta.versionId !== 'string' || !FHIR_ID.test(meta.versionId))
      )
        problems.push({ path: `${path}.meta.versionId`, problem: 'not a FHIR id' });
      if (
        meta.lastUpdated !== undefined &&
        (typeof meta.lastUpdated !== 'string' || !FHIR_INSTANT.test(meta.lastUpdated))
      )
        problems.push({ path: `${path}.meta.lastUpdated`, problem: 'not a FHIR instant' });
    }
  }
  return problems;
}

/** A single resource of the expected type (read, vread, create, update). */
export function validateResource<T extends Resource>(
  body: Record<string, unknown>,
  expectedType: T['resourceType'],
  context: ResponseContext,
): T {
  if (body.resourceType !== expectedType) {
    if (body.resourceType === 'OperationOutcome')
      throw outcomeAsResponseError(body as unknown as OperationOutcome, context, expectedType);
    throw invalid(context, [
      { path: 'resourceType', problem: `expected ${expectedType}, got ${JSON.stringify(body.resourceType)}` },
    ]);
  }
  const problems = resourceProblems(body, '(body)', context.acceptedTypes ?? [expectedType]).map((p) => ({
    ...p,
    path: p.path.replace(/^\(body\)\./, ''),
  }));
  if (problems.length > 0) throw invalid(context, problems);
  return body as unknown as T;
}

function outcomeAsResponseError(
  outcome: OperationOutcome,
  context: ResponseContext,
  expected: string,
): TabibError {
  const issues = outcomeIssues(outcome);
  return new TabibError(
    'SYNC_RESPONSE_INVALID',
    `${context.request}: expected ${expected}, the server answered an OperationOutcome: ${describeIssues(issues)}`,
    { request: context.request, problems: [{ path: 'resourceType', problem: 'OperationOutcome' }], issues },
  );
}

export interface BundleExpectation extends ResponseContext {
  kind: BundleKind;
  limits: ResponseLimits;
  /** The FHIR base URL: `link[next]` must stay under it. */
  baseUrl: string;
  /** For transaction and batch responses: the number of entries sent (FHIR R4 http.html#transaction-response). */
  requestEntries?: number;
}

/** A `link[next]` is followed only if it stays on the base URL's origin and under its path. */
export function isUnderBase(link: string, baseUrl: string): boolean {
  let url: URL;
  let base: URL;
  try {
    url = new URL(link, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
    base = new URL(baseUrl);
  } catch {
    return false;
  }
  if (url.origin !== base.origin || url.username || url.password) return false;
  const basePath = base.pathname.replace(/\/+$/, '');
  return url.pathname === basePath || url.pathname.startsWith(`${basePath}/`);
}

/** Checks a Bundle page; returns it typed, or refuses it as a whole. */
export function validateBundle(body: Record<string, unknown>, expectation: BundleExpectation): Bundle {
  if (body.resourceType !== 'Bundle') {
    if (body.resourceType === 'OperationOutcome')
      throw outcomeAsResponseError(
        body as unknown as OperationOutcome,
        expectation,
        `a ${expectation.kind} Bundle`,
      );
    throw invalid(expectation, [
      { path: 'resourceType', problem: `expected Bundle, got ${JSON.stringify(body.resourceType)}` },
    ]);
  }
  const problems: ResponseProblem[] = [];
  if (body.type !== expectation.kind)
    problems.push({
      path: 'type',
      problem: `expected ${expectation.kind}, got ${JSON.stringify(body.type)}`,
    });

  const entries = body.entry === undefined ? [] : body.entry;
  if (!Array.isArray(entries)) throw invalid(expectation, [{ path: 'entry', problem: 'not an array' }]);
  if (entries.length > expectation.limits.maxEntries) {
    throw new TabibError(
      'SYNC_BUNDLE_TOO_LARGE',
      `${expectation.request}: ${entries.length} entries, more than the ${expectation.limits.maxEntries} allowed`,
      { request: expectation.request, entries: entries.length, maxEntries: expectation.limits.maxEntries },
    );
  }
  if (expectation.requestEntries !== undefined && entries.length !== expectation.requestEntries)
    problems.push({
      path: 'entry',
      problem: `${entries.length} entries answer ${expectation.requestEntries} sent`,
    });

  const accepted = expectation.acceptedTypes ?? recordResourceTypes;
  entries.forEach((entry: unknown, index) => {
    const at = `entry[${index}]`;
    if (entry === null || typeof entry !== 'object') {
      problems.push({ path: at, problem: 'not an object' });
      return;
    }
    problems.push(...entryProblems(entry as BundleEntry, at, expectation.kind, accepted));
  });

  const links = body.link === undefined ? [] : body.link;
  if (!Array.isArray(links)) problems.push({ path: 'link', problem: 'not an array' });
  else
    links.forEach((link: unknown, index) => {
      const { relation, url } = (link ?? {}) as { relation?: unknown; url?: unknown };
      if (relation !== 'next') return;
      if (typeof url !== 'string') problems.push({ path: `link[${index}].url`, problem: 'missing' });
      else if (!isUnderBase(url, expectation.baseUrl))
        problems.push({ path: `link[${index}].url`, problem: `${url} is not under ${expectation.baseUrl}` });
    });

  if (problems.length > 0) throw invalid(expectation, problems);
  return body as unknown as Bundle;
}

function entryProblems(
  entry: BundleEntry,
  at: string,
  kind: BundleKind,
  accepted: readonly string[],
): ResponseProblem[] {
  if (kind === 'searchset') {
    if (entry.resource === undefined) return [{ path: `${at}.resource`, problem: 'missing' }];
    // FHIR R4 bundle.html#searchset: an OperationOutcome may ride along as search.mode = outcome.
    if (entry.search?.mode === 'outcome' && entry.resource.resourceType === 'OperationOutcome') return [];
    return resourceProblems(entry.resource, `${at}.resource`, accepted);
  }
  if (kind === 'history') {
    const request = entry.request as { method?: unknown; url?: unknown } | undefined;
    if (!request || typeof request.method !== 'string' || typeof request.url !== 'string')
      return [{ path: `${at}.request`, problem: 'missing method or url' }];
    if (request.method === 'DELETE') {
      // A deletion carries no resource: its url names what was deleted (bundle.html#history).
      const match = /^([A-Za-z]+)\/([^/?]+)/.exec(request.url);
      if (!match) return [{ path: `${at}.request.url`, problem: `not Type/id: ${request.url}` }];
      const problems: ResponseProblem[] = [];
      if (!accepted.includes(match[1] as string))
        problems.push({ path: `${at}.request.url`, problem: `${match[1]} is not a type the record holds` });
      if (!FHIR_ID.test(match[2] as string))
        problems.push({ path: `${at}.request.url`, problem: `not a FHIR id: ${match[2]}` });
      return problems;
    }
    if (entry.resource === undefined) return [{ path: `${at}.resource`, problem: 'missing' }];
    return resourceProblems(entry.resource, `${at}.resource`, accepted);
  }
  // transaction-response, batch-response: each entry has a response with its status.
  const problems: ResponseProblem[] = [];
  const status = (entry.response as { status?: unknown } | undefined)?.status;
  if (typeof status !== 'string' || !/^\d{3}\b/.test(status))
    problems.push({ path: `${at}.response.status`, problem: 'missing or not an HTTP status' });
  if (entry.resource !== undefined && entry.resource.resourceType !== 'OperationOutcome')
    problems.push(...resourceProblems(entry.resource, `${at}.resource`, accepted));
  return problems;
}

/** The issues of an OperationOutcome, reduced to what an administrator reads. */
export interface OutcomeIssue {
  severity: string;
  code: string;
  diagnostics?: string;
  details?: string;
  expression?: string[];
}

export function outcomeIssues(outcome: unknown): OutcomeIssue[] {
  const issues = (outcome as OperationOutcome | null)?.issue;
  if (!Array.isArray(issues)) return [];
  return issues
    .filter((issue): issue is OperationOutcomeIssue => issue !== null && typeof issue === 'object')
    .map((issue) => {
      const reduced: OutcomeIssue = { severity: String(issue.severity), code: String(issue.code) };
      if (typeof issue.diagnostics === 'string') reduced.diagnostics = issue.diagnostics;
      const text =
        issue.details?.text ?? issue.details?.coding?.[0]?.display ?? issue.details?.coding?.[0]?.code;
      if (typeof text === 'string') reduced.details = text;
      const where = issue.expression ?? issue.location;
      if (Array.isArray(where)) reduced.expression = where.filter((e): e is string => typeof e === 'string');
      return reduced;
    });
}

function describeIssues(issues: OutcomeIssue[]): string {
  if (issues.length === 0) return 'no diagnostics';
  return issues
    .map((issue) => {
      const text = issue.diagnostics ?? issue.details ?? issue.code;
      return issue.expression?.length ? `${text} (${issue.expression.join(', ')})` : text;
    })
    .join('; ');
}

/** The code an HTTP error status maps to (FHIR R4 http.html#status lists what each means). */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401 || status === 403) return 'SYNC_UNAUTHORIZED';
  if (status === 404 || status === 410) return 'RESOURCE_NOT_FOUND';
  if (status === 409 || status === 412) return 'VERSION_CONFLICT';
  if (status === 408) return 'SYNC_TIMEOUT';
  if (status === 413) return 'SYNC_BUNDLE_TOO_LARGE';
  if (status === 429 || status >= 500) return 'SYNC_SERVER_ERROR';
  return 'SYNC_REQUEST_REFUSED';
}

/**
 * An HTTP error answer as a TabibError: the code from the status, the message and details from
 * the OperationOutcome if the body is one (a body that is not is kept out of the message, as a
 * proxy's HTML error page would only be noise).
 */
export function httpError(status: number, bodyText: string, request: string, extra?: object): TabibError {
  let issues: OutcomeIssue[] = [];
  try {
    const body = JSON.parse(bodyText) as { resourceType?: unknown };
    if (body?.resourceType === 'OperationOutcome') issues = outcomeIssues(body);
  } catch {
    // not JSON: status only
  }
  const message =
    issues.length > 0
      ? `${request}: HTTP ${status}: ${describeIssues(issues)}`
      : `${request}: HTTP ${status}`;
  return new TabibError(codeForStatus(status), message, { request, status, issues, ...extra });
}
