/**
 * The HTTPS transport under the FHIR client and the token source: undici's fetch with an Agent
 * that trusts the ministry's CA when one is configured, redirects refused (a redirect could carry
 * the bearer token or the patient's data elsewhere), a timeout per request covering the body
 * too, and a response size limit enforced while reading, so an oversized answer is never
 * buffered whole. Failures become TabibErrors whose details tell the retry rules whether the
 * request may have reached the server.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { TabibError } from '../errors';
import { isRetryableStatus, parseRetryAfter, type FailureClass } from './retry';

/** The part of a fetch Response the sync code uses. */
export interface ResponseLike {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  body: ReadableStream<Uint8Array> | null;
}

export interface RequestInitLike {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  redirect: 'manual';
}

export type FetchLike = (url: string, init: RequestInitLike) => Promise<ResponseLike>;

export interface TransportOptions {
  /** PEM file of the ministry's CA (config `nationalService.caCertificateFile`), trusted besides Node's roots. */
  caCertificateFile?: string;
  /** Connect timeout, ms. */
  connectTimeoutMs?: number;
}

/** A fetch bound to its own connection pool, trusting the configured CA. */
export function createFetch(options: TransportOptions = {}): { fetch: FetchLike; close(): Promise<void> } {
  const ca = options.caCertificateFile
    ? [...rootCertificates, readFileSync(options.caCertificateFile, 'utf8')]
    : undefined;
  const dispatcher = new Agent({
    connect: { ...(ca ? { ca } : {}), timeout: options.connectTimeoutMs ?? 10_000 },
  });
  return {
    fetch: (url, init) => undiciFetch(url, { ...init, dispatcher }) as unknown as Promise<ResponseLike>,
    close: () => dispatcher.close(),
  };
}

/** Network error codes meaning the request never reached the server. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** TLS failures: waiting will not fix them, and the request was never sent. */
const TLS_REFUSED =
  /^(UNABLE_TO_|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_|ERR_TLS_|ERR_SSL_|HOSTNAME_MISMATCH)/;

function causeCode(error: unknown): string | null {
  let node: unknown = error;
  for (let depth = 0; depth < 5 && node && typeof node === 'object'; depth++) {
    const { code, errors, cause } = node as { code?: unknown; errors?: unknown; cause?: unknown };
    if (typeof code === 'string' && code !== 'ABORT_ERR') return code;
    node = Array.isArray(errors) && errors.length > 0 ? errors[0] : cause;
  }
  return null;
}

/**
 * What a network failure says of itself: its cause code (ECONNREFUSED, a TLS code, …), whether it
 * is a TLS refusal, and whether the request certainly never reached the server. The DICOMweb
 * client (main/imaging/dicomweb/) reads failures of the same fetch the same way.
 */
export function describeTransportFailure(error: unknown): {
  cause: string | null;
  tls: boolean;
  notSent: boolean;
} {
  const cause = causeCode(error);
  const tls = cause !== null && TLS_REFUSED.test(cause);
  return { cause, tls, notSent: tls || (cause !== null && NOT_SENT.has(cause)) };
}

function transportError(error: unknown, request: string, phase: 'connect' | 'body'): TabibError {
  const code = causeCode(error);
  const tls = code !== null && TLS_REFUSED.test(code);
  const reachedServer = phase === 'body' || !(tls || (code !== null && NOT_SENT.has(code)));
  const what = phase === 'body' ? 'connection lost while reading the response' : 'cannot connect';
  return new TabibError('SYNC_UNREACHABLE', `${request}: ${what} (${code ?? (error as Error)?.message})`, {
    request,
    cause: code ?? String((error as Error)?.message ?? error),
    reachedServer,
    tls,
  });
}

export interface HttpRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For messages: e.g. `GET Patient/123`. */
  request: string;
}

/** A response whose body is read within the request's timeout and a size limit. */
export interface HttpExchange {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** The body as text, refusing more than `maxBytes` with SYNC_BUNDLE_TOO_LARGE. */
  text(maxBytes: number): Promise<string>;
  /** Releases the connection without reading the body. */
  discard(): Promise<void>;
}

export async function sendHttp(fetch: FetchLike, url: string, request: HttpRequest): Promise<HttpExchange> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const fail = (error: unknown, phase: 'connect' | 'body'): Error => {
    if (request.signal?.aborted) return request.signal.reason as Error;
    if (timeout.aborted)
      return new TabibError(
        'SYNC_TIMEOUT',
        `${request.request}: no complete answer within ${request.timeoutMs} ms`,
        { request: request.request, timeoutMs: request.timeoutMs, phase },
      );
    if (error instanceof TabibError) return error;
    return transportError(error, request.request, phase);
  };
  let response: ResponseLike;
  try {
    response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: 'manual',
    });
  } catch (error) {
    throw fail(error, 'connect');
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    throw new TabibError(
      'SYNC_RESPONSE_INVALID',
      `${request.request}: redirect refused (HTTP ${response.status} to ${response.headers.get('location') ?? '?'})`,
      {
        request: request.request,
        status: response.status,
        problems: [{ path: '(status)', problem: `redirect to ${response.headers.get('location') ?? '?'}` }],
      },
    );
  }
  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    discard: async () => {
      await response.body?.cancel().catch(() => undefined);
    },
    text: async (maxBytes) => {
      try {
        return await readLimited(response, maxBytes, request.request);
      } catch (error) {
        throw fail(error, 'body');
      }
    },
  };
}

function tooLarge(request: string, bytes: number, maxBytes: number, declared: boolean): TabibError {
  return new TabibError(
    'SYNC_BUNDLE_TOO_LARGE',
    `${request}: the response ${declared ? 'declares' : 'exceeds'} ${bytes} bytes, more than the ${maxBytes} allowed`,
    { request, bytes, maxBytes },
  );
}

async function readLimited(response: ResponseLike, maxBytes: number, request: string): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw tooLarge(request, declared, maxBytes, true);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(request, total, maxBytes, false);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new TabibError('SYNC_RESPONSE_INVALID', `${request}: the response is not valid UTF-8`, {
      request,
      problems: [{ path: '(body)', problem: 'not valid UTF-8' }],
    });
  }
}

/**
 * Reads an error response's body for its OperationOutcome, never failing for its size: an
 * oversized error page is dropped, not an error of its own.
 */
export async function readErrorBody(exchange: HttpExchange): Promise<string> {
  try {
    return await exchange.text(256 * 1024);
  } catch (error) {
    if (error instanceof TabibError && error.code === 'SYNC_BUNDLE_TOO_LARGE') return '';
    throw error;
  }
}

/** How the retry rules treat a failure from this transport or an HTTP error status. */
export function classifyFailure(error: unknown, nowMs: number): FailureClass {
  if (!(error instanceof TabibError)) return { transient: false, unprocessed: false, retryAfterMs: null };
  const details = (error.details ?? {}) as {
    status?: unknown;
    retryAfter?: unknown;
    reachedServer?: unknown;
    tls?: unknown;
    stage?: unknown;
  };
  // A token request has its own retries (token-source.ts); the FHIR request does not add more.
  if (details.stage === 'token') return { transient: false, unprocessed: true, retryAfterMs: null };
  if (typeof details.status === 'number' && error.code !== 'SYNC_RESPONSE_INVALID') {
    return {
      transient: isRetryableStatus(details.status),
      unprocessed: details.status === 429,
      retryAfterMs: parseRetryAfter(
        typeof details.retryAfter === 'string' ? details.retryAfter : null,
        nowMs,
      ),
    };
  }
  if (error.code === 'SYNC_UNREACHABLE')
    return {
      transient: details.tls !== true,
      unprocessed: details.reachedServer === false,
      retryAfterMs: null,
    };
  if (error.code === 'SYNC_TIMEOUT') return { transient: true, unprocessed: false, retryAfterMs: null };
  return { transient: false, unprocessed: false, retryAfterMs: null };
}
