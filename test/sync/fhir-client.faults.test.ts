/**
 * The FHIR client through the fault-injecting proxy (test/peers/fault-proxy) in front of the
 * FHIR peer and the identity provider: 503 bursts and 429s are waited out, a connection dropped
 * mid-response is retried for what may be repeated and ends in a clear error after the attempt
 * limit, and spoiled bodies are refused whole. Time between attempts is faked (the waits are
 * recorded, not slept); timeouts are real.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../main/setup/workstation-key';
import { FhirClient, type FhirClientOptions } from '../../main/sync/fhir-client';
import { createFetch } from '../../main/sync/http-transport';
import { ClientCredentialsTokenSource } from '../../main/sync/token-source';
import { startFaultProxy, type FaultProxy } from '../peers/fault-proxy/fault-proxy';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { startOidcPeer, type OidcPeer } from '../peers/oidc/oidc-peer';
import { fakeTime, type FakeTime } from './fake-time';
import { failure } from './failure';

let fhir: FhirPeer;
let proxy: FaultProxy;
let time: FakeTime;
const transport = createFetch();

beforeAll(async () => {
  fhir = await startFhirPeer({ defaultPageSize: 5 });
  proxy = await startFaultProxy(fhir.baseUrl);
  for (let i = 0; i < 12; i++)
    await fhir.write<Patient>({
      resourceType: 'Patient',
      id: `fp-${String(i).padStart(2, '0')}`,
      name: [{ family: 'Faults' }],
    });
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await fhir?.stop();
  await transport.close();
});

beforeEach(() => {
  proxy.clear();
  time = fakeTime(11);
});

function client(options: Partial<FhirClientOptions> = {}): FhirClient {
  return new FhirClient({
    baseUrl: proxy.baseUrl,
    fetch: transport.fetch,
    environment: time,
    timeoutMs: 3_000,
    retry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 2_000, maxTotalMs: 60_000 },
    ...options,
  });
}

const since = () => proxy.log.length;
const logFrom = (start: number) => proxy.log.slice(start);

describe('transient failures are waited out', () => {
  it('a burst of three 503s, then the page', async () => {
    proxy.plan({ fault: { kind: 'status', status: 503 }, path: '/Patient', times: 3 });
    const start = since();
    const page = await client().search('Patient', { family: 'Faults', _sort: '_id' });
    expect(page.resources.map((r) => r.id)).toEqual(['fp-00', 'fp-01', 'fp-02', 'fp-03', 'fp-04']);
    expect(logFrom(start).map((e) => e.status)).toEqual([503, 503, 503, 200]);
    expect(time.sleeps).toHaveLength(3);
    time.sleeps.forEach((delay, i) => expect(delay).toBeLessThan(200 * 2 ** i));
  });

  it('429 with Retry-After in seconds, then as an HTTP-date', async () => {
    proxy.plan([
      { fault: { kind: 'rate-limit', retryAfter: 2 }, request: since() + 1 },
      { fault: { kind: 'rate-limit', retryAfter: new Date(Date.now() + 4_000) }, request: since() + 2 },
    ]);
    const start = since();
    await client().read('Patient', 'fp-01');
    expect(logFrom(start).map((e) => e.status)).toEqual([429, 429, 200]);
    expect(time.sleeps[0]).toBe(2_000);
    // The date is 4 s after the first answer; the (fake) clock has moved 2 s since. HTTP-dates
    // have a resolution of one second.
    expect(time.sleeps[1]).toBeGreaterThan(1_000);
    expect(time.sleeps[1]).toBeLessThanOrEqual(2_000);
  });

  it('a paged search survives faults on its later pages', async () => {
    const fhirClient = client();
    const first = await fhirClient.search('Patient', { family: 'Faults', _sort: '_id' });
    proxy.plan([
      { fault: { kind: 'status', status: 502 }, path: /_page|page|cursor|_getpages|offset/i, times: 1 },
      { fault: { kind: 'drop', afterBytes: 40 }, path: /_page|page|cursor|_getpages|offset/i, times: 1 },
    ]);
    const ids: string[] = [];
    for await (const page of fhirClient.pages(first)) ids.push(...page.resources.map((r) => r.id as string));
    expect(ids).toEqual(Array.from({ length: 12 }, (_, i) => `fp-${String(i).padStart(2, '0')}`));
    expect(proxy.pending()).toEqual([]);
  });

  it('an answer slower than the timeout is abandoned and asked again', async () => {
    proxy.plan({ fault: { kind: 'delay', ms: 1_500 }, path: '/Patient/fp-02' });
    const start = since();
    await expect(client({ timeoutMs: 400 }).read('Patient', 'fp-02')).resolves.toMatchObject({
      resource: { id: 'fp-02' },
    });
    expect(logFrom(start)).toHaveLength(2);
  });

  it('the token endpoint’s 503s are waited out too', async () => {
    const oidc: OidcPeer = await startOidcPeer();
    const tokenProxy = await startFaultProxy(oidc.issuer);
    try {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
      await oidc.registerClient({
        clientId: 'ws-faults',
        jwks: { keys: [{ ...jwk, alg: 'ES384', kid: jwkThumbprint(jwk) }] },
      });
      // Reached through the proxy, the provider still expects its own token URL as audience.
      tokenProxy.plan({ fault: { kind: 'status', status: 503 }, times: 2 });
      const source = new ClientCredentialsTokenSource({
        tokenUrl: `${tokenProxy.origin}/token`,
        audience: oidc.tokenUrl,
        clientId: 'ws-faults',
        privateKey,
        fetch: transport.fetch,
        environment: time,
        retry: { baseDelayMs: 50 },
      });
      const token = await source.token();
      expect(await oidc.verifyAccessToken(token)).toMatchObject({ client_id: 'ws-faults' });
      expect(tokenProxy.log.map((e) => e.status)).toEqual([503, 503, 200]);
    } finally {
      await tokenProxy.stop();
      await oidc.stop();
    }
  });
});

describe('a connection dropped mid-response', () => {
  it('is retried for a GET', async () => {
    proxy.plan({ fault: { kind: 'drop', afterBytes: 30 }, path: '/Patient/fp-03' });
    const start = since();
    await expect(client().read('Patient', 'fp-03')).resolves.toMatchObject({ resource: { id: 'fp-03' } });
    expect(logFrom(start).map((e) => e.fault?.kind ?? 'none')).toEqual(['drop', 'none']);
  });

  it('ends in a clear error after the attempt limit', async () => {
    proxy.plan({ fault: { kind: 'truncate', keepBytes: 20 }, path: '/Patient/fp-04', times: 10 });
    const start = since();
    const error = await failure(client().read('Patient', 'fp-04'));
    expect(logFrom(start)).toHaveLength(4);
    expect(error.code).toBe('SYNC_UNREACHABLE');
    expect(error.message).toBe(
      `GET Patient/fp-04: connection lost while reading the response (${(error.details as { cause: string }).cause}) (after 4 attempts)`,
    );
    expect(error.details).toMatchObject({ attempts: 4, stoppedBecause: 'max-attempts', reachedServer: true });
  });

  it('is not repeated for a plain create: the server may have applied it', async () => {
    proxy.plan({ fault: { kind: 'drop', afterBytes: 10 }, method: 'POST' });
    const start = since();
    const error = await failure(
      client().create<Patient>({ resourceType: 'Patient', name: [{ family: 'OnceOnly' }] }),
    );
    expect(error).toMatchObject({ code: 'SYNC_UNREACHABLE', details: { reachedServer: true } });
    expect(logFrom(start)).toHaveLength(1);
    expect(logFrom(start)[0]?.forwarded).toBe(true);
  });

  it('is repeated for a conditional create, which never duplicates', async () => {
    proxy.plan({ fault: { kind: 'status', status: 504, afterForward: true }, method: 'POST' });
    const patient: Patient = {
      resourceType: 'Patient',
      identifier: [{ system: 'urn:tabib:ma:cin', value: 'FP998877' }],
      name: [{ family: 'Conditional' }],
    };
    const start = since();
    const result = await client().create(patient, { ifNoneExist: 'identifier=urn:tabib:ma:cin|FP998877' });
    expect(logFrom(start).map((e) => [e.forwarded, e.status])).toEqual([
      [true, 504],
      [true, 200],
    ]);
    expect(result.created).toBe(false);
    const matches = Object.values(fhir.snapshot().Patient ?? {}).filter(
      (p) => (p as Patient).identifier?.[0]?.value === 'FP998877',
    );
    expect(matches).toHaveLength(1);
  });

  it('an update repeated after its own success meets a 412 whose remote version is ours', async () => {
    const fhirClient = client();
    const base = await fhirClient.update<Patient>({
      resourceType: 'Patient',
      id: 'fp-put-1',
      name: [{ family: 'Before' }],
    });
    proxy.plan({ fault: { kind: 'status', status: 502, afterForward: true }, method: 'PUT' });
    const ours: Patient = { resourceType: 'Patient', id: 'fp-put-1', name: [{ family: 'After' }] };
    const error = await failure(fhirClient.update(ours, { ifMatch: base.versionId as string }));
    expect(error.code).toBe('VERSION_CONFLICT');
    // What the push engine needs to recognise its own write: the server holds exactly our content.
    expect(error.details).toMatchObject({
      local: { resource: ours },
      remote: { resource: { name: [{ family: 'After' }] } },
    });
  });
});

describe('spoiled bodies are refused whole, not retried', () => {
  const cases = [
    [{ kind: 'invalid-json' }, 'SYNC_RESPONSE_INVALID', '(body)'],
    [{ kind: 'wrong-resource-type' }, 'SYNC_RESPONSE_INVALID', 'resourceType'],
    [{ kind: 'missing-ids' }, 'SYNC_RESPONSE_INVALID', 'entry[0].resource.id'],
    [{ kind: 'oversized-bundle', entries: 60 }, 'SYNC_BUNDLE_TOO_LARGE', null],
  ] as const;
  for (const [fault, code, path] of cases) {
    it(`${fault.kind}: ${code}`, async () => {
      proxy.plan({ fault, path: '/Patient' });
      const start = since();
      const error = await failure(
        client({ limits: { maxEntries: 50 } }).search('Patient', { family: 'Faults' }),
      );
      expect(error.code).toBe(code);
      if (path) expect((error.details as { problems: { path: string }[] }).problems[0]?.path).toBe(path);
      expect(logFrom(start)).toHaveLength(1);
    });
  }

  it('a single resource with its id removed', async () => {
    proxy.plan({ fault: { kind: 'missing-ids' }, path: '/Patient/fp-05' });
    const error = await failure(client().read('Patient', 'fp-05'));
    expect(error).toMatchObject({
      code: 'SYNC_RESPONSE_INVALID',
      details: { problems: [{ path: 'id', problem: 'missing' }] },
    });
  });
});
