/**
 * HTTP under the DICOMweb client: Node's own http and https clients with the national service's
 * trust (the OS roots and the configured CA, main/sync/http-transport.ts), never following
 * redirects, with what images need: binary request bodies (STOW-RS), response bodies read as a
 * stream with backpressure (WADO-RS), and timeouts that suit a retrieval of minutes — one until
 * the response headers, and one for the longest pause inside a body, instead of one for the
 * whole exchange.
 *
 * Not undici's fetch, as the FHIR client uses: undici 7 (the last for Node 20) throws an
 * uncatchable AssertionError when a server closes the connection while the reader is slower
 * than the network (nodejs/undici#5360, fixed in 8, which needs Node 22). Orthanc ends every
 * WADO-RS answer by closing the connection, and decrypting and writing is slower than a LAN: the
 * main process would crash at the end of a retrieval.
 *
 * Failures become the IMAGING_PACS_* TabibErrors, whose details say whether waiting may help
 * (`transient`) and whether the request certainly never reached the PACS (`reachedServer`), for
 * the retry rules of main/sync/retry.ts.
 */
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';
import { TabibError } from '../../errors';
import {
  describeTransportFailure,
  type ResponseLike,
  type TransportOptions,
} from '../../sync/http-transport';
import { isRetryableStatus, parseRetryAfter, type FailureClass } from '../../sync/retry';
import type { AccessTokenSource } from '../../sync/token-source';

export interface PacsRequestInit {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  signal: AbortSignal;
  redirect: 'manual';
}

export type PacsFetch = (url: string, init: PacsRequestInit) => Promise<ResponseLike>;

function responseOf(message: IncomingMessage): ResponseLike {
  const status = message.statusCode ?? 0;
  return {
    status,
    ok: status >= 200 && status < 300,
    headers: {
      get: (name) => {
        const value = message.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : String(value);
      },
    },
    body: Readable.toWeb(message) as unknown as ReadableStream<Uint8Array>,
  };
}

/** A fetch over node:http(s) with its own connection pools, trusting the configured CA besides the OS roots. */
export function createPacsFetch(options: Pick<TransportOptions, 'caCertificateFile'> = {}): {
  fetch: PacsFetch;
  close(): Promise<void>;
} {
  const ca = options.caCertificateFile
    ? [...rootCertificates, readFileSync(options.caCertificateFile, 'utf8')]
    : undefined;
  // No connect timeout of their own: the response timeout (sendPacsRequest) covers connecting.
  const agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true, ...(ca ? { ca } : {}) }),
  };
  const fetch: PacsFetch = (url, init) =>
    new Promise<ResponseLike>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'http:' && target.protocol !== 'https:')
        return reject(new TabibError('INVALID_ARGUMENT', `Not an http(s) URL: ${url}`));
      const headers: Record<string, string> = { ...init.headers };
      if (init.body !== undefined) headers['content-length'] = String(init.body.byteLength);
      const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
        method: init.method,
        headers,
        agent: agents[target.protocol],
        signal: init.signal,
      });
      request.once('response', (message) => resolve(responseOf(message)));
      request.once('error', reject);
      request.end(
        init.body === undefined
          ? undefined
          : Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength),
      );
    });
  return {
    fetch,
    close: async () => {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

// ---- authorization ----------------------------------------------------------------------------

/** The Authorization header of every request to the PACS. */
export interface PacsAuthorizer {
  /** The header's value, or null for none. */
  authorization(signal?: AbortSignal): Promise<string | null>;
  /** The PACS answered 401 to `value`: true when a renewed value is worth one more try. */
  refused(value: string): boolean;
}

export const noAuthorization: PacsAuthorizer = {
  authorization: () => Promise.resolve(null),
  refused: () => false,
};

/** HTTP Basic (RFC 7617), user name and password in UTF-8. */
export function basicAuthorization(username: string, password: string): PacsAuthorizer {
  if (username.includes(':'))
    throw new TabibError('CONFIG_INVALID', 'An HTTP Basic user name cannot contain ":"');
  const value = `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
  return { authorization: () => Promise.resolve(value), refused: () => false };
}

/** A static bearer token (RFC 6750). */
export function bearerAuthorization(token: string): PacsAuthorizer {
  const value = `Bearer ${token}`;
  return { authorization: () => Promise.resolve(value), refused: () => false };
}

/** Bearer tokens from a token source (OAuth 2.0 client credentials): a refused token is renewed once. */
export function tokenSourceAuthorization(source: AccessTokenSource): PacsAuthorizer {
  return {
    authorization: async (signal) => {
      try {
        return `Bearer ${await source.token(signal)}`;
      } catch (error) {
        throw tokenFailure(error);
      }
    },
    refused: (value) => {
      source.invalidate(value.replace(/^Bearer /, ''));
      return true;
    },
  };
}

/** The token source's own errors (SYNC_*) as the PACS's; it has made its own retries already. */
function tokenFailure(error: unknown): unknown {
  if (!(error instanceof TabibError)) return error;
  const code =
    error.code === 'SYNC_UNREACHABLE'
      ? 'IMAGING_PACS_UNREACHABLE'
      : error.code === 'SYNC_TIMEOUT'
        ? 'IMAGING_PACS_TIMEOUT'
        : error.code === 'SYNC_SERVER_ERROR'
          ? 'IMAGING_PACS_SERVER_ERROR'
          : error.code === 'SYNC_RESPONSE_INVALID'
            ? 'IMAGING_PACS_RESPONSE_INVALID'
            : 'IMAGING_PACS_UNAUTHORIZED';
  return new TabibError(code, `The PACS's access token: ${error.message}`, {
    ...(error.details as object),
    cause: error.code,
    stage: 'token',
    transient: false,
  });
}

// ---- errors -----------------------------------------------------------------------------------

/** An HTTP error status as a TabibError (`body` is a short excerpt of the answer, for the log). */
export function statusError(
  status: number,
  request: string,
  body: string,
  retryAfter: string | null,
): TabibError {
  const excerpt = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  const message = `${request}: HTTP ${status}${excerpt ? `: ${excerpt}` : ''}`;
  const details = {
    request,
    status,
    transient: isRetryableStatus(status),
    ...(retryAfter ? { retryAfter } : {}),
    ...(status === 429 ? { reachedServer: false } : {}),
  };
  if (status === 401 || status === 403) return new TabibError('IMAGING_PACS_UNAUTHORIZED', message, details);
  if (status === 404 || status === 410) return new TabibError('IMAGING_PACS_NOT_FOUND', message, details);
  if (status === 408) return new TabibError('IMAGING_PACS_TIMEOUT', message, details);
  if (status >= 500) return new TabibError('IMAGING_PACS_SERVER_ERROR', message, details);
  return new TabibError('IMAGING_PACS_REFUSED', message, details);
}

/** How the retry rules treat a failure of this transport (retry.ts `withRetry`). */
export function classifyPacsFailure(error: unknown, nowMs: number): FailureClass {
  if (!(error instanceof TabibError)) return { transient: false, unprocessed: false, retryAfterMs: null };
  const details = (error.details ?? {}) as {
    transient?: unknown;
    reachedServer?: unknown;
    retryAfter?: unknown;
  };
  return {
    transient: details.transient === true,
    unprocessed: details.reachedServer === false,
    retryAfterMs: parseRetryAfter(typeof details.retryAfter === 'string' ? details.retryAfter : null, nowMs),
  };
}

// ---- one exchange -----------------------------------------------------------------------------

export interface PacsHttpRequest {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: Uint8Array;
  /** For messages, e.g. `GET studies?PatientID=…`. */
  request: string;
  /** Until the response's headers. */
  responseTimeoutMs: number;
  /** The longest pause while the body arrives. */
  idleTimeoutMs: number;
  signal?: AbortSignal;
}

export interface PacsExchange {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** The body as it arrives; each pause is bounded by the idle timeout. Read it once. */
  chunks(): AsyncGenerator<Uint8Array>;
  /** The whole body as text, refusing more than `maxBytes` (IMAGING_PACS_RESPONSE_INVALID). */
  text(maxBytes: number): Promise<string>;
  /** Releases the connection without reading the body. */
  discard(): Promise<void>;
}

export async function sendPacsRequest(
  fetch: PacsFetch,
  url: string,
  request: PacsHttpRequest,
): Promise<PacsExchange> {
  const controller = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, controller.signal]) : controller.signal;
  let timedOut: { phase: 'response' | 'body'; ms: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = (phase: 'response' | 'body', ms: number) => {
    disarm();
    timer = setTimeout(() => {
      timedOut = { phase, ms };
      controller.abort(new Error(`timed out (${phase})`));
    }, ms);
  };
  const disarm = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
  const fail = (error: unknown, phase: 'connect' | 'body'): Error => {
    if (request.signal?.aborted) return request.signal.reason as Error;
    if (timedOut) {
      const { phase: what, ms } = timedOut as { phase: 'response' | 'body'; ms: number };
      return new TabibError(
        'IMAGING_PACS_TIMEOUT',
        `${request.request}: ${what === 'response' ? 'no answer' : 'the answer stopped'} for ${ms} ms`,
        { request: request.request, phase: what, timeoutMs: ms, transient: true },
      );
    }
    if (error instanceof TabibError) return error;
    const { cause, tls, notSent } = describeTransportFailure(error);
    return new TabibError(
      'IMAGING_PACS_UNREACHABLE',
      `${request.request}: ${phase === 'body' ? 'connection lost while reading the answer' : 'cannot connect'} (${cause ?? (error as Error)?.message})`,
      {
        request: request.request,
        cause: cause ?? String((error as Error)?.message ?? error),
        tls,
        phase,
        reachedServer: phase === 'body' || !notSent,
        transient: !tls,
      },
    );
  };

  let response: ResponseLike;
  arm('response', request.responseTimeoutMs);
  try {
    response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body === undefined ? {} : { body: request.body }),
      signal,
      redirect: 'manual',
    });
  } catch (error) {
    disarm();
    throw fail(error, 'connect');
  }
  disarm();
  const cancel = async () => {
    disarm();
    await response.body?.cancel().catch(() => undefined);
  };
  if (response.status >= 300 && response.status < 400) {
    await cancel();
    throw new TabibError(
      'IMAGING_PACS_RESPONSE_INVALID',
      `${request.request}: redirect refused (HTTP ${response.status} to ${response.headers.get('location') ?? '?'})`,
      {
        request: request.request,
        status: response.status,
        problems: [{ path: '(status)', problem: `redirect to ${response.headers.get('location') ?? '?'}` }],
      },
    );
  }

  let read = false;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    if (read) throw new TabibError('INTERNAL', `${request.request}: the body was read already`);
    read = true;
    if (!response.body) return;
    const reader = response.body.getReader();
    let done = false;
    try {
      for (;;) {
        arm('body', request.idleTimeoutMs);
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (error) {
          throw fail(error, 'body');
        } finally {
          disarm();
        }
        if (next.done) {
          done = true;
          return;
        }
        yield next.value;
      }
    } finally {
      disarm();
      // Stopped early (the consumer failed, or stopped): release the connection.
      if (!done) await reader.cancel().catch(() => undefined);
    }
  }

  return {
    status: response.status,
    ok: response.ok,
    headers: response.headers,
    chunks,
    discard: cancel,
    text: async (maxBytes) => {
      const declared = Number(response.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > maxBytes) {
        await cancel();
        throw tooLarge(request.request, declared, maxBytes);
      }
      const parts: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of chunks()) {
        total += chunk.byteLength;
        if (total > maxBytes) throw tooLarge(request.request, total, maxBytes);
        parts.push(chunk);
      }
      try {
        return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts));
      } catch {
        throw new TabibError('IMAGING_PACS_RESPONSE_INVALID', `${request.request}: the answer is not UTF-8`, {
          request: request.request,
          problems: [{ path: '(body)', problem: 'not valid UTF-8' }],
        });
      }
    },
  };
}

function tooLarge(request: string, bytes: number, maxBytes: number): TabibError {
  return new TabibError(
    'IMAGING_PACS_RESPONSE_INVALID',
    `${request}: the answer has ${bytes} bytes or more, over the ${maxBytes} allowed`,
    { request, bytes, maxBytes, problems: [{ path: '(body)', problem: `over ${maxBytes} bytes` }] },
  );
}

/** An error answer's body, for the message: never failing for its size or encoding. */
export async function errorText(exchange: PacsExchange): Promise<string> {
  try {
    return await exchange.text(64 * 1024);
  } catch {
    await exchange.discard();
    return '';
  }
}
