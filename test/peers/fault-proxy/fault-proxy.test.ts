/**
 * The fault proxy injects each kind of fault, when and where it is told, and records it.
 * Real HTTP: client → proxy → FHIR peer, on loopback.
 */
import { generateKeyPairSync } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { Bundle, OperationOutcome, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FhirPeer, startFhirPeer } from '../fhir/fhir-peer';
import { requestClientCredentialsToken, signClientAssertion, startOidcPeer } from '../oidc/oidc-peer';
import { type Fault, type FaultProxy, startFaultProxy } from './fault-proxy';

let fhir: FhirPeer;
let proxy: FaultProxy;
const HEADERS = { accept: 'application/fhir+json', 'content-type': 'application/fhir+json' };

beforeAll(async () => {
  fhir = await startFhirPeer();
  for (let i = 0; i < 12; i++) {
    await fhir.write<Patient>({
      resourceType: 'Patient',
      identifier: [{ system: 'urn:test', value: `F${i}` }],
    });
  }
  proxy = await startFaultProxy(fhir.baseUrl);
});

afterAll(async () => {
  await proxy?.stop();
  await fhir?.stop();
});

beforeEach(() => proxy.clear());

function lastLog() {
  return proxy.log.at(-1)!;
}

/** Raw GET: the status, the announced Content-Length, the bytes received and how the body ended. */
function rawGet(url: string): Promise<{
  status?: number;
  contentLength?: number;
  received: number;
  chunks: number;
  ended: 'complete' | 'aborted' | 'reset';
}> {
  return new Promise((resolve) => {
    const req = httpRequest(url, { headers: HEADERS }, (res) => {
      let received = 0;
      let chunks = 0;
      let settled = false;
      const finish = (ended: 'complete' | 'aborted') => {
        if (settled) return;
        settled = true;
        const contentLength = res.headers['content-length']
          ? Number(res.headers['content-length'])
          : undefined;
        resolve({
          status: res.statusCode,
          ...(contentLength !== undefined ? { contentLength } : {}),
          received,
          chunks,
          ended,
        });
      };
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        chunks += 1;
      });
      res.on('end', () => finish(res.complete ? 'complete' : 'aborted'));
      res.on('aborted', () => finish('aborted'));
      res.on('error', () => finish('aborted'));
      res.on('close', () => finish(res.complete ? 'complete' : 'aborted'));
    });
    req.on('error', () => resolve({ received: 0, chunks: 0, ended: 'reset' }));
    req.end();
  });
}

describe('faults', () => {
  it('passes requests through untouched without a plan, rewriting upstream URLs to the proxy', async () => {
    const response = await fetch(`${proxy.baseUrl}/Patient?_count=5`, { headers: HEADERS });
    expect(response.status).toBe(200);
    const bundle = (await response.json()) as Bundle;
    expect(bundle.entry).toHaveLength(5);
    const next = bundle.link!.find((l) => l.relation === 'next')!.url!;
    expect(next.startsWith(proxy.baseUrl)).toBe(true);
    expect(bundle.entry![0]!.fullUrl!.startsWith(proxy.baseUrl)).toBe(true);
    expect(lastLog()).toMatchObject({ forwarded: true, upstreamStatus: 200, status: 200 });
    expect(lastLog().fault).toBeUndefined();
  });

  it('reset: the connection closes before any response, and the upstream never sees the request', async () => {
    proxy.plan({ fault: { kind: 'reset' } });
    const before = fhir.requests.length;
    const result = await rawGet(`${proxy.baseUrl}/Patient`);
    expect(result.ended).toBe('reset');
    expect(fhir.requests.length).toBe(before);
    expect(lastLog()).toMatchObject({ forwarded: false, fault: { kind: 'reset' } });
  });

  it('drop: the response stops after N bytes; a create behind it was applied all the same', async () => {
    proxy.plan({ method: 'POST', fault: { kind: 'drop', afterBytes: 20 } });
    const patients = Object.keys(fhir.snapshot().Patient!).length;
    const response = await fetch(`${proxy.baseUrl}/Patient`, {
      method: 'POST',
      headers: HEADERS,
      body: JSON.stringify({ resourceType: 'Patient', identifier: [{ system: 'urn:test', value: 'DROP' }] }),
    });
    expect(response.status).toBe(201);
    await expect(response.text()).rejects.toThrow();
    expect(Object.keys(fhir.snapshot().Patient!).length).toBe(patients + 1);
    expect(lastLog()).toMatchObject({ forwarded: true, upstreamStatus: 201, fault: { kind: 'drop' } });
    const raw = await (proxy.plan({ fault: { kind: 'drop', afterBytes: 20 } }),
    rawGet(`${proxy.baseUrl}/Patient`));
    expect(raw).toMatchObject({ status: 200, received: 20, ended: 'aborted' });
  });

  it('truncate: Content-Length announces more than is sent', async () => {
    proxy.plan({ fault: { kind: 'truncate', keepBytes: 100 } });
    const raw = await rawGet(`${proxy.baseUrl}/Patient`);
    expect(raw.status).toBe(200);
    expect(raw.received).toBe(100);
    expect(raw.contentLength).toBeGreaterThan(100);
    expect(raw.ended).toBe('aborted');
  });

  it('status: a burst of 503 not forwarded, then a 504 after the upstream applied the change', async () => {
    proxy.plan({ path: '/Patient', fault: { kind: 'status', status: 503 }, times: 3 });
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await fetch(`${proxy.baseUrl}/Patient`, { headers: HEADERS })).status);
    expect(statuses).toEqual([503, 503, 503, 200]);
    expect(proxy.log.slice(-4).map((e) => e.forwarded)).toEqual([false, false, false, true]);

    proxy.plan({ method: 'PUT', fault: { kind: 'status', status: 504, afterForward: true } });
    const id = 'gateway-timeout-1';
    const response = await fetch(`${proxy.baseUrl}/Patient/${id}`, {
      method: 'PUT',
      headers: HEADERS,
      body: JSON.stringify({ resourceType: 'Patient', id }),
    });
    expect(response.status).toBe(504);
    expect(((await response.json()) as OperationOutcome).resourceType).toBe('OperationOutcome');
    expect(fhir.read('Patient', id)).toBeDefined();
    expect(lastLog()).toMatchObject({ forwarded: true, upstreamStatus: 201, status: 504 });
  });

  it('rate-limit: 429 with Retry-After in seconds and as an HTTP-date', async () => {
    const date = new Date('2026-11-23T20:00:00Z');
    proxy.plan([
      { fault: { kind: 'rate-limit', retryAfter: 7 } },
      { fault: { kind: 'rate-limit', retryAfter: date } },
    ]);
    const first = await fetch(`${proxy.baseUrl}/Patient`, { headers: HEADERS });
    const second = await fetch(`${proxy.baseUrl}/Patient`, { headers: HEADERS });
    expect([first.status, second.status]).toEqual([429, 429]);
    expect(first.headers.get('retry-after')).toBe('7');
    expect(second.headers.get('retry-after')).toBe('Mon, 23 Nov 2026 20:00:00 GMT');
    expect(proxy.log.slice(-2).every((e) => !e.forwarded)).toBe(true);
  });

  it('delay and drip: the answer is late or slow but whole', async () => {
    proxy.plan({ fault: { kind: 'delay', ms: 150 } });
    const started = performance.now();
    const delayed = await fetch(`${proxy.baseUrl}/Patient?_count=3`, { headers: HEADERS });
    expect(delayed.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(((await delayed.json()) as Bundle).entry).toHaveLength(3);

    proxy.plan({ fault: { kind: 'drip', chunkBytes: 200, intervalMs: 10 } });
    const dripped = await rawGet(`${proxy.baseUrl}/Patient?_count=5`);
    expect(dripped.ended).toBe('complete');
    expect(dripped.received).toBe(dripped.contentLength);
    expect(dripped.chunks).toBeGreaterThanOrEqual(Math.floor(dripped.received / 200));
  });

  it('spoils bodies: invalid JSON, wrong resourceType, missing ids, an oversized bundle', async () => {
    const get = async (fault: Fault, path = 'Patient?_count=4') => {
      proxy.plan({ fault });
      const response = await fetch(`${proxy.baseUrl}/${path}`, { headers: HEADERS });
      expect(response.status).toBe(200);
      return response.text();
    };
    const invalid = await get({ kind: 'invalid-json' });
    expect(() => JSON.parse(invalid)).toThrow();

    const wrongType = JSON.parse(await get({ kind: 'wrong-resource-type' })) as { resourceType: string };
    expect(wrongType.resourceType).toBe('Basic');
    const someId = Object.keys(fhir.snapshot().Patient!)[0]!;
    const wrongRead = JSON.parse(
      await get({ kind: 'wrong-resource-type', resourceType: 'Observation' }, `Patient/${someId}`),
    );
    expect(wrongRead).toMatchObject({ resourceType: 'Observation', id: someId });

    const noIds = JSON.parse(await get({ kind: 'missing-ids' })) as Bundle;
    expect(noIds.entry).toHaveLength(4);
    expect(noIds.entry!.every((e) => e.resource!.id === undefined)).toBe(true);
    const noId = JSON.parse(await get({ kind: 'missing-ids' }, `Patient/${someId}`)) as Patient;
    expect(noId.id).toBeUndefined();

    const big = JSON.parse(await get({ kind: 'oversized-bundle', entries: 5000 })) as Bundle;
    expect(big.entry).toHaveLength(5000);
    expect(new Set(big.entry!.map((e) => e.resource!.id)).size).toBe(5000);
    expect(proxy.log.slice(-6).map((e) => e.fault!.kind)).toEqual([
      'invalid-json',
      'wrong-resource-type',
      'wrong-resource-type',
      'missing-ids',
      'missing-ids',
      'oversized-bundle',
    ]);
  });
});

describe('control', () => {
  it('targets a request number and a path pattern, and leaves the rest alone', async () => {
    const next = proxy.log.length + 1;
    proxy.plan([
      { request: next + 1, fault: { kind: 'status', status: 500 } },
      { path: /\/_history/, fault: { kind: 'status', status: 502 } },
    ]);
    const statuses = [];
    for (const path of ['Patient', 'Patient', '_history', 'Patient']) {
      statuses.push((await fetch(`${proxy.baseUrl}/${path}`, { headers: HEADERS })).status);
    }
    expect(statuses).toEqual([200, 500, 502, 200]);
    expect(proxy.pending()).toEqual([]);
  });

  it('a seeded random schedule is reproducible: same seed, same faults', async () => {
    const faults: Fault[] = [
      { kind: 'status', status: 503 },
      { kind: 'rate-limit', retryAfter: 1 },
      { kind: 'invalid-json' },
    ];
    const run = async (seed: number) => {
      const other = await startFaultProxy(fhir.baseUrl);
      try {
        other.randomFaults({ seed, rate: 0.5, faults });
        for (let i = 0; i < 30; i++)
          await (await fetch(`${other.baseUrl}/Patient?_count=1`, { headers: HEADERS })).text();
        return other.log.map((e) => e.fault?.kind ?? 'none');
      } finally {
        await other.stop();
      }
    };
    const first = await run(42);
    expect(await run(42)).toEqual(first);
    expect(first.filter((k) => k !== 'none').length).toBeGreaterThan(5);
    expect(first.filter((k) => k === 'none').length).toBeGreaterThan(5);
    expect(await run(7)).not.toEqual(first);
  });

  it('stands in front of the token endpoint too (the assertion still names the real token URL)', async () => {
    const oidc = await startOidcPeer();
    const tokenProxy = await startFaultProxy(oidc.issuer);
    try {
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), alg: 'ES256' };
      await oidc.registerClient({ clientId: 'behind-proxy', jwks: { keys: [jwk] } });
      tokenProxy.plan({ path: '/token', fault: { kind: 'status', status: 503 } });
      const ask = async () =>
        requestClientCredentialsToken(
          `${tokenProxy.baseUrl}/token`,
          await signClientAssertion({
            clientId: 'behind-proxy',
            privateKey,
            alg: 'ES256',
            audience: oidc.tokenUrl,
          }),
          'system/*.rs',
        );
      expect((await ask()).status).toBe(503);
      const second = await ask();
      expect(second.status).toBe(200);
      expect(await oidc.verifyAccessToken(second.body.access_token!)).not.toBeNull();
      expect(tokenProxy.log.map((e) => [e.fault?.kind ?? 'none', e.forwarded])).toEqual([
        ['status', false],
        ['none', true],
      ]);
    } finally {
      await tokenProxy.stop();
      await oidc.stop();
    }
  });
});
