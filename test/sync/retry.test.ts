/**
 * The retry rules: exponential backoff with full jitter, Retry-After in both its forms, limits
 * on attempts and total time, and which requests may be repeated at all.
 */
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../main/errors';
import { classifyFailure } from '../../main/sync/http-transport';
import {
  backoffDelay,
  isRetryableStatus,
  isSafeToRepeat,
  parseRetryAfter,
  withRetry,
  type RetryPolicy,
} from '../../main/sync/retry';
import { fakeTime, seededRandom } from './fake-time';

const policy: RetryPolicy = { maxAttempts: 5, maxTotalMs: 60_000, baseDelayMs: 500, maxDelayMs: 8_000 };

function httpFailure(status: number, retryAfter: string | null = null): TabibError {
  return new TabibError('SYNC_SERVER_ERROR', `HTTP ${status}`, { status, retryAfter, issues: [] });
}

describe('backoff with full jitter', () => {
  it('draws each delay uniformly below a cap that doubles per attempt up to the maximum', () => {
    expect(backoffDelay(1, policy, () => 0.999999)).toBe(499);
    expect(backoffDelay(2, policy, () => 0.999999)).toBe(999);
    expect(backoffDelay(3, policy, () => 0.999999)).toBe(1999);
    expect(backoffDelay(5, policy, () => 0.999999)).toBe(7999);
    expect(backoffDelay(9, policy, () => 0.999999)).toBe(7999);
    expect(backoffDelay(4, policy, () => 0)).toBe(0);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(1000);
  });

  it('is reproducible with a seeded random source, and spread over the whole interval', () => {
    const first = Array.from({ length: 200 }, (_, i) => backoffDelay(4, policy, seededRandom(7 + i)));
    const again = Array.from({ length: 200 }, (_, i) => backoffDelay(4, policy, seededRandom(7 + i)));
    expect(again).toEqual(first);
    expect(Math.min(...first)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...first)).toBeLessThan(4000);
    // Full jitter, not "cap ± a little": the delays cover the low and the high quarter.
    expect(first.some((d) => d < 1000)).toBe(true);
    expect(first.some((d) => d > 3000)).toBe(true);
  });
});

describe('Retry-After (RFC 9110 §10.2.3)', () => {
  const now = Date.UTC(2015, 9, 21, 7, 27, 0);

  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date in IMF-fixdate and the two obsolete forms, relative to now', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wednesday, 21-Oct-15 07:28:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed Oct 21 07:28:00 2015', now)).toBe(60_000);
  });

  it('gives 0 for a date already past, and null for what it cannot read', () => {
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now)).toBe(0);
    for (const bad of [null, undefined, '', '-5', '1.5', '12abc', 'soon', '+3'])
      expect(parseRetryAfter(bad, now), String(bad)).toBeNull();
  });
});

describe('which statuses are transient', () => {
  it('retries 408, 429 and 5xx except 501 and 505', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 599])
      expect(isRetryableStatus(status), `${status}`).toBe(true);
    for (const status of [200, 400, 401, 403, 404, 409, 412, 422, 501, 505])
      expect(isRetryableStatus(status), `${status}`).toBe(false);
  });
});

describe('which requests may be repeated', () => {
  it('repeats GET, HEAD, PUT and DELETE', () => {
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'get'])
      expect(isSafeToRepeat({ method, url: 'Patient/1' })).toBe(true);
  });

  it('repeats a POST only when the server makes it idempotent', () => {
    expect(isSafeToRepeat({ method: 'POST', url: 'Patient' })).toBe(false);
    expect(isSafeToRepeat({ method: 'PATCH', url: 'Patient/1' })).toBe(false);
    expect(isSafeToRepeat({ method: 'POST', url: 'Patient/$validate' })).toBe(false);
    expect(
      isSafeToRepeat({ method: 'POST', url: 'Patient', headers: { 'If-None-Exist': 'identifier=urn:x|1' } }),
    ).toBe(true);
    expect(isSafeToRepeat({ method: 'POST', url: 'Patient', headers: { 'if-none-exist': '' } })).toBe(false);
    expect(isSafeToRepeat({ method: 'POST', url: 'Patient/_search' })).toBe(true);
  });

  it('repeats a transaction only if every entry is idempotent', () => {
    const bundle = (entries: object[]) => ({ resourceType: 'Bundle', type: 'transaction', entry: entries });
    const put = { request: { method: 'PUT', url: 'Patient/1' } };
    const conditional = { request: { method: 'POST', url: 'Patient', ifNoneExist: 'identifier=urn:x|1' } };
    const plainPost = { request: { method: 'POST', url: 'Observation' } };
    const del = { request: { method: 'DELETE', url: 'Observation/2' } };
    expect(isSafeToRepeat({ method: 'POST', url: '', body: bundle([put, conditional, del]) })).toBe(true);
    expect(isSafeToRepeat({ method: 'POST', url: '', body: bundle([put, plainPost]) })).toBe(false);
    expect(isSafeToRepeat({ method: 'POST', url: '', body: bundle([]) })).toBe(true);
    expect(isSafeToRepeat({ method: 'POST', url: '', body: { ...bundle([put]), type: 'batch' } })).toBe(true);
    // The same bundle POSTed anywhere but the base is not a transaction.
    expect(isSafeToRepeat({ method: 'POST', url: 'Bundle', body: bundle([put]) })).toBe(false);
    expect(isSafeToRepeat({ method: 'POST', url: '', body: { ...bundle([put]), type: 'collection' } })).toBe(
      false,
    );
  });
});

describe('withRetry', () => {
  const classify = (error: unknown) => classifyFailure(error, 0);

  it('retries transient failures with the seeded backoff, then returns the result', async () => {
    const time = fakeTime(42);
    const replay = seededRandom(42);
    const expected = [backoffDelay(1, policy, replay), backoffDelay(2, policy, replay)];
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls <= 2) throw httpFailure(503);
        return 'ok';
      },
      { policy, environment: time, safeToRepeat: true, classify },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(time.sleeps).toEqual(expected);
  });

  it('waits what Retry-After says instead of the backoff', async () => {
    const time = fakeTime();
    let calls = 0;
    await withRetry(
      async () => {
        if (++calls === 1) throw httpFailure(429, '7');
        return 'ok';
      },
      { policy, environment: time, safeToRepeat: true, classify: (e) => classifyFailure(e, time.now()) },
    );
    expect(time.sleeps).toEqual([7000]);
  });

  it('stops after the maximum number of attempts and says so', async () => {
    const time = fakeTime();
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw httpFailure(500);
      },
      {
        policy,
        environment: time,
        safeToRepeat: true,
        classify,
        annotate: (e, exhaustion) => ({ e, exhaustion }),
      },
    ).catch((e: unknown) => e);
    expect(calls).toBe(5);
    expect(time.sleeps).toHaveLength(4);
    expect(error).toMatchObject({ exhaustion: { attempts: 5, reason: 'max-attempts' } });
  });

  it('does not begin a wait that would overrun the total time', async () => {
    const time = fakeTime();
    let calls = 0;
    const error = await withRetry(
      async () => {
        calls++;
        throw httpFailure(503, '3600');
      },
      { policy, environment: time, safeToRepeat: true, classify, annotate: (e, x) => x },
    ).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(time.sleeps).toEqual([]);
    expect(error).toMatchObject({ reason: 'max-total-time', attempts: 1 });
  });

  it('never repeats what failed for good (4xx)', async () => {
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw new TabibError('SYNC_REQUEST_REFUSED', 'HTTP 400', { status: 400 });
        },
        { policy, environment: fakeTime(), safeToRepeat: true, classify },
      ),
    ).rejects.toMatchObject({ code: 'SYNC_REQUEST_REFUSED' });
    expect(calls).toBe(1);
  });

  it('does not repeat a plain POST that may have reached the server, but does one that never left', async () => {
    const reached = new TabibError('SYNC_UNREACHABLE', 'reset', { reachedServer: true, tls: false });
    const refused = new TabibError('SYNC_UNREACHABLE', 'refused', { reachedServer: false, tls: false });
    for (const [error, expectedCalls] of [
      [reached, 1],
      [refused, 5],
      [httpFailure(503), 1],
      [httpFailure(429), 5],
    ] as const) {
      let calls = 0;
      await withRetry(
        async () => {
          calls++;
          throw error;
        },
        { policy, environment: fakeTime(), safeToRepeat: false, classify },
      ).catch(() => undefined);
      expect(calls, error.message).toBe(expectedCalls);
    }
  });

  it('never retries a TLS refusal (a wrong certificate does not heal by waiting)', () => {
    const tls = new TabibError('SYNC_UNREACHABLE', 'cert', { reachedServer: false, tls: true });
    expect(classifyFailure(tls, 0).transient).toBe(false);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        controller.abort(new Error('stopped by the user'));
        throw httpFailure(503);
      },
      { policy, environment: fakeTime(), safeToRepeat: true, classify, signal: controller.signal },
    );
    await expect(run).rejects.toMatchObject({ code: 'SYNC_SERVER_ERROR' });
    expect(calls).toBe(1);
  });
});
