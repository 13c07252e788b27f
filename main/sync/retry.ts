/**
 * Retries for requests to the national record service: exponential backoff with full jitter
 * (a random delay between 0 and base × 2^(attempt−1), capped), honouring the server's
 * Retry-After (RFC 9110 §10.2.3), within a maximum number of attempts and a total time budget.
 *
 * What is retried: network failures, timeouts, 408, 429 and 5xx (except 501 and 505, which
 * will not change by waiting). What may be repeated is the request's own property, decided by
 * `isSafeToRepeat` below:
 *
 * - GET, HEAD, PUT and DELETE are idempotent (RFC 9110 §9.2.2). In FHIR a PUT always names its
 *   resource by a client-assigned id (`Type/id`), so a repeat writes the same resource again
 *   rather than a second one. A repeated PUT carrying If-Match may meet a 412 caused by its own
 *   first attempt; the push engine recognises its own version there (the 412 carries the
 *   server's current resource).
 * - POST creates a new resource each time, so it is repeated only when the server makes it
 *   idempotent: a conditional create (If-None-Exist, FHIR R4 http.html#ccreate), a search by
 *   POST (`_search`), or a transaction/batch bundle every entry of which is itself idempotent
 *   by these rules (GET, HEAD, PUT, DELETE, or POST with `ifNoneExist`).
 * - Anything else (a plain POST create, PATCH, an operation by POST) is repeated only when the
 *   request provably never reached the server (the connection was refused or the name did not
 *   resolve) or the server refused it unprocessed with 429 (RFC 6585 §4).
 */

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** No new attempt starts, and no wait is begun, past this many ms after the first attempt began. */
  maxTotalMs: number;
  /** The cap of the first backoff; doubles with each attempt. */
  baseDelayMs: number;
  /** The largest backoff cap. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxTotalMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 15_000,
};

/** Time and chance, injected so that tests are deterministic. */
export interface RetryEnvironment {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Uniform in [0, 1). */
  random(): number;
}

export const systemRetryEnvironment: RetryEnvironment = {
  now: () => Date.now(),
  random: () => Math.random(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): uniform in [0, cap). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. Returns the wait in ms (a date
 * in the past gives 0), or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // IMF-fixdate, and the obsolete RFC 850 and asctime forms that RFC 9110 §5.6.7 obliges a
  // recipient to accept; Date.parse reads all three. A bare number with a sign or a fraction
  // is neither form.
  if (!/[A-Za-z]/.test(text)) return null;
  // asctime carries no zone but means GMT; Date.parse would read it as local time.
  const asctime = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/.test(text);
  const date = Date.parse(asctime ? `${text} GMT` : text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505)
  );
}

/** The parts of a request that decide whether repeating it can do harm. */
export interface RepeatableRequest {
  method: string;
  /** Path relative to the FHIR base, e.g. `Patient/_search`; '' for the base (transactions). */
  url: string;
  headers?: Record<string, string>;
  /** The parsed JSON body, for bundles. */
  body?: unknown;
}

interface BundleEntryRequest {
  method?: unknown;
  url?: unknown;
  ifNoneExist?: unknown;
}

function isIdempotentEntry(request: BundleEntryRequest | undefined): boolean {
  const method = typeof request?.method === 'string' ? request.method.toUpperCase() : '';
  if (['GET', 'HEAD', 'PUT', 'DELETE'].includes(method)) return true;
  if (method !== 'POST') return false;
  if (typeof request?.ifNoneExist === 'string' && request.ifNoneExist.length > 0) return true;
  return typeof request?.url === 'string' && /(^|\/)_search(\?|$)/.test(request.url);
}

/** The rule documented at the top of this file. */
export function isSafeToRepeat(request: RepeatableRequest): boolean {
  const method = request.method.toUpperCase();
  if (['GET', 'HEAD', 'PUT', 'DELETE'].includes(method)) return true;
  if (method !== 'POST') return false;
  const header = Object.entries(request.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'if-none-exist',
  );
  if (header && header[1].length > 0) return true;
  const path = request.url.split('?')[0] ?? '';
  if (/(^|\/)_search$/.test(path)) return true;
  const body = request.body as { resourceType?: unknown; type?: unknown; entry?: unknown } | undefined;
  // A transaction or batch is POSTed to the base itself (FHIR R4 http.html#transaction).
  if (
    (path === '' || path === '/') &&
    body?.resourceType === 'Bundle' &&
    (body.type === 'transaction' || body.type === 'batch')
  ) {
    const entries = Array.isArray(body.entry) ? (body.entry as { request?: BundleEntryRequest }[]) : [];
    return entries.every((entry) => isIdempotentEntry(entry.request));
  }
  return false;
}

/** How one failed attempt is to be treated. */
export interface FailureClass {
  /** Transient: waiting may help (network, timeout, 408, 429, 5xx). */
  transient: boolean;
  /** The server certainly did not process the request (connection refused, 429). */
  unprocessed: boolean;
  /** The server's Retry-After, in ms, if it sent one. */
  retryAfterMs: number | null;
}

export interface RetryOptions {
  policy: RetryPolicy;
  environment: RetryEnvironment;
  /** From `isSafeToRepeat`. */
  safeToRepeat: boolean;
  classify(error: unknown): FailureClass;
  signal?: AbortSignal;
  /** Called before each wait, for logs and progress. */
  onRetry?(event: { attempt: number; delayMs: number; error: unknown }): void;
}

/** Marks the error that ended the attempts, so that the caller can tell how many were made. */
export interface RetryExhaustion {
  attempts: number;
  elapsedMs: number;
  reason: 'not-transient' | 'not-repeatable' | 'max-attempts' | 'max-total-time';
}

/**
 * Runs `operation` until it succeeds or a rule stops it; then throws the last error, after
 * `annotate` has recorded how the attempts ended.
 */
export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions & { annotate?(error: unknown, exhaustion: RetryExhaustion): unknown },
): Promise<T> {
  const { policy, environment } = options;
  const started = environment.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const failure = options.classify(error);
      const elapsedMs = environment.now() - started;
      const stop = (reason: RetryExhaustion['reason']): unknown =>
        options.annotate ? options.annotate(error, { attempts: attempt, elapsedMs, reason }) : error;
      if (!failure.transient) throw stop('not-transient');
      if (!options.safeToRepeat && !failure.unprocessed) throw stop('not-repeatable');
      if (attempt >= policy.maxAttempts) throw stop('max-attempts');
      const delayMs = failure.retryAfterMs ?? backoffDelay(attempt, policy, environment.random);
      if (elapsedMs + delayMs > policy.maxTotalMs) throw stop('max-total-time');
      options.onRetry?.({ attempt, delayMs, error });
      await environment.sleep(delayMs, options.signal);
    }
  }
}
