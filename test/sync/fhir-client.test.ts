/**
 * The FHIR client's transport rules against a scripted loopback server (node:http and
 * node:https), for what an honest FHIR server never does on its own: oversized and endless
 * bodies, redirects, HTML error pages, answers that never come, dropped connections, a
 * certificate from the ministry's own CA. Time between attempts is faked; timeouts are real.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bundle, Patient } from '@medplum/fhirtypes';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FhirClient, type FhirClientOptions } from '../../main/sync/fhir-client';
import { createFetch } from '../../main/sync/http-transport';
import { ClientCredentialsTokenSource } from '../../main/sync/token-source';
import { fakeTime, type FakeTime } from './fake-time';
import { failure } from './failure';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface Scripted {
  baseUrl: string;
  /** Requests received, as `METHOD /path?query`. */
  seen: string[];
  /** Bytes the handler managed to write before the client went away. */
  written: { bytes: number; closedEarly: boolean };
  handle(handler: Handler): void;
  stop(): Promise<void>;
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

async function scriptedServer(
  make: (listener: Listener) => Server = (listener) => createServer(listener),
  scheme: 'http' | 'https' = 'http',
): Promise<Scripted> {
  let handler: Handler = (_req, res) => res.end();
  const seen: string[] = [];
  const written = { bytes: 0, closedEarly: false };
  const server = make((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url}`);
      handler(req, res, Buffer.concat(chunks).toString());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `${scheme}://127.0.0.1:${port}/fhir`,
    seen,
    written,
    handle: (next) => {
      handler = next;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const fhirJson = { 'content-type': 'application/fhir+json' };
const patient: Patient = { resourceType: 'Patient', id: 'p1', meta: { versionId: '1' } };

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { ...fhirJson, ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const transport = createFetch();
let server: Scripted;
let time: FakeTime;

function client(options: Partial<FhirClientOptions> = {}): FhirClient {
  return new FhirClient({
    baseUrl: server.baseUrl,
    fetch: transport.fetch,
    environment: time,
    timeoutMs: 2_000,
    retry: { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalMs: 60_000 },
    ...options,
  });
}

beforeAll(async () => {
  server = await scriptedServer();
});
afterAll(async () => {
  await server.stop();
  await transport.close();
});
afterEach(() => {
  server.seen.length = 0;
  server.written.bytes = 0;
  server.written.closedEarly = false;
});
/** A fresh fake clock per test. */
const freshTime = () => {
  time = fakeTime(3);
};

describe('response size', () => {
  it('refuses an endless body without buffering it, and closes the connection', async () => {
    freshTime();
    server.handle((_req, res) => {
      res.writeHead(200, fhirJson);
      res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
      const chunk = `${JSON.stringify({ resource: patient })},`.repeat(200);
      const pump = (): void => {
        while (!res.destroyed && server.written.bytes < 500 * 1024 * 1024) {
          server.written.bytes += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
      };
      res.on('close', () => (server.written.closedEarly = !res.writableFinished));
      pump();
    });
    const error = await failure(client({ limits: { maxBytes: 256 * 1024 } }).search('Patient'));
    expect(error.code).toBe('SYNC_BUNDLE_TOO_LARGE');
    expect(error.details).toMatchObject({ maxBytes: 256 * 1024 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.written.closedEarly).toBe(true);
    expect(server.written.bytes).toBeLessThan(64 * 1024 * 1024);
    // Too large is not transient: one request.
    expect(server.seen).toHaveLength(1);
  });

  it('refuses a declared Content-Length over the limit before reading', async () => {
    freshTime();
    const body = JSON.stringify({
      resourceType: 'Bundle',
      type: 'searchset',
      entry: [],
      padding: 'x'.repeat(5000),
    });
    server.handle((_req, res) =>
      reply(res, 200, body, { 'content-length': String(Buffer.byteLength(body)) }),
    );
    const error = await failure(client({ limits: { maxBytes: 1000 } }).search('Patient'));
    expect(error).toMatchObject({
      code: 'SYNC_BUNDLE_TOO_LARGE',
      details: { bytes: Buffer.byteLength(body) },
    });
  });
});

describe('what is refused', () => {
  it('a redirect, without following it', async () => {
    freshTime();
    server.handle((req, res) => {
      if (req.url?.startsWith('/elsewhere')) return reply(res, 200, patient);
      res.writeHead(302, { location: '/elsewhere/Patient/p1' });
      res.end();
    });
    const error = await failure(client().read('Patient', 'p1'));
    expect(error.code).toBe('SYNC_RESPONSE_INVALID');
    expect(error.message).toContain('redirect refused');
    expect(server.seen).toEqual(['GET /fhir/Patient/p1']);
  });

  it('an HTML page with status 200', async () => {
    freshTime();
    server.handle((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>captive portal</html>');
    });
    const error = await failure(client().read('Patient', 'p1'));
    expect(error).toMatchObject({
      code: 'SYNC_RESPONSE_INVALID',
      details: { problems: [{ path: '(content-type)' }] },
    });
  });

  it('invalid JSON, and a body that is not UTF-8', async () => {
    freshTime();
    server.handle((_req, res) => reply(res, 200, '{"resourceType":"Patient","id":'));
    expect((await failure(client().read('Patient', 'p1'))).code).toBe('SYNC_RESPONSE_INVALID');
    server.handle((_req, res) => {
      res.writeHead(200, fhirJson);
      res.end(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
    });
    expect((await failure(client().read('Patient', 'p1'))).message).toContain('UTF-8');
  });

  it('a next link off the server, in the page and when asked to follow one directly', async () => {
    freshTime();
    server.handle((_req, res) =>
      reply(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [{ resource: patient }],
        link: [{ relation: 'next', url: 'http://127.0.0.2:1/fhir/Patient?page=2' }],
      }),
    );
    const error = await failure(client().search('Patient'));
    expect(error.details).toMatchObject({ problems: [{ path: 'link[0].url' }] });
    const forged = {
      kind: 'searchset' as const,
      bundle: {} as Bundle,
      resources: [],
      entries: [],
      total: null,
    };
    const direct = await failure(
      client().nextPage({ ...forged, next: 'http://127.0.0.2:1/fhir/Patient?page=2' }),
    );
    expect(direct.code).toBe('SYNC_RESPONSE_INVALID');
    expect(server.seen).toHaveLength(1);
  });

  it('an OperationOutcome where a resource was expected, keeping its diagnostics', async () => {
    freshTime();
    server.handle((_req, res) =>
      reply(res, 200, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'exception', diagnostics: 'index offline' }],
      }),
    );
    const error = await failure(client().read('Patient', 'p1'));
    expect(error.code).toBe('SYNC_RESPONSE_INVALID');
    expect(error.message).toContain('index offline');
  });

  it('an error status with an OperationOutcome, as a TabibError with the diagnostics', async () => {
    freshTime();
    server.handle((_req, res) =>
      reply(res, 404, {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-found', diagnostics: 'Patient/p9 is not known' }],
      }),
    );
    const error = await failure(client().read('Patient', 'p9'));
    expect(error).toMatchObject({
      code: 'RESOURCE_NOT_FOUND',
      message: 'GET Patient/p9: HTTP 404: Patient/p9 is not known',
      details: { status: 404, issues: [{ code: 'not-found' }] },
    });
    expect(server.seen).toHaveLength(1);
  });
});

describe('retries', () => {
  it('503 bursts then success; the waits are the seeded backoff', async () => {
    freshTime();
    let n = 0;
    server.handle((_req, res) => (++n <= 2 ? reply(res, 503, 'busy') : reply(res, 200, patient)));
    const result = await client().read<Patient>('Patient', 'p1');
    expect(result.resource.id).toBe('p1');
    expect(server.seen).toHaveLength(3);
    expect(time.sleeps).toHaveLength(2);
    expect(time.sleeps[0]).toBeLessThan(100);
    expect(time.sleeps[1]).toBeLessThan(200);
  });

  it('429 with Retry-After in seconds and as an HTTP-date', async () => {
    freshTime();
    let n = 0;
    server.handle((_req, res) => {
      n++;
      if (n === 1) return reply(res, 429, '', { 'retry-after': '3' });
      if (n === 2) return reply(res, 429, '', { 'retry-after': new Date(time.now() + 5_000).toUTCString() });
      reply(res, 200, patient);
    });
    await client().read('Patient', 'p1');
    expect(time.sleeps[0]).toBe(3000);
    // An HTTP-date has a resolution of one second.
    expect(time.sleeps[1]).toBeGreaterThan(4000);
    expect(time.sleeps[1]).toBeLessThanOrEqual(5000);
  });

  it('a connection dropped mid-response is retried for a GET, then ends in a clear error', async () => {
    freshTime();
    server.handle((_req, res) => {
      res.writeHead(200, { ...fhirJson, 'content-length': '5000' });
      res.write('{"resourceType":"Bundle","type":"searchset","entry":[');
      setTimeout(() => res.socket?.destroy(), 10);
    });
    const error = await failure(client().search('Patient'));
    expect(server.seen).toHaveLength(4);
    expect(error.code).toBe('SYNC_UNREACHABLE');
    expect(error.message).toMatch(/connection lost while reading the response.*\(after 4 attempts\)/);
    expect(error.details).toMatchObject({ reachedServer: true, attempts: 4, stoppedBecause: 'max-attempts' });
  });

  it('a dropped connection recovers when the server comes back', async () => {
    freshTime();
    let n = 0;
    server.handle((_req, res) => {
      if (++n === 1) return void res.socket?.destroy();
      reply(res, 200, patient);
    });
    await expect(client().read('Patient', 'p1')).resolves.toMatchObject({ resource: { id: 'p1' } });
    expect(server.seen).toHaveLength(2);
  });

  it('never repeats a plain create, but repeats a conditional one and an idempotent transaction', async () => {
    freshTime();
    server.handle((_req, res) => reply(res, 503, ''));
    await failure(client().create({ resourceType: 'Patient' }));
    expect(server.seen).toEqual(['POST /fhir/Patient']);

    server.seen.length = 0;
    await failure(client().create({ resourceType: 'Patient' }, { ifNoneExist: 'identifier=urn:x|1' }));
    expect(server.seen).toHaveLength(4);

    server.seen.length = 0;
    const put: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [{ resource: patient, request: { method: 'PUT', url: 'Patient/p1' } }],
    };
    await failure(client().transaction(put));
    expect(server.seen).toHaveLength(4);

    server.seen.length = 0;
    const post: Bundle = {
      ...put,
      entry: [{ resource: patient, request: { method: 'POST', url: 'Patient' } }],
    };
    await failure(client().transaction(post));
    expect(server.seen).toHaveLength(1);
  });

  it('a server that never answers: SYNC_TIMEOUT per attempt, then the error', async () => {
    freshTime();
    server.handle(() => undefined);
    const started = Date.now();
    const error = await failure(
      client({ timeoutMs: 150, retry: { maxAttempts: 2, baseDelayMs: 1 } }).read('Patient', 'p1'),
    );
    expect(error).toMatchObject({ code: 'SYNC_TIMEOUT', details: { attempts: 2, timeoutMs: 150 } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a body that stops half-way also times out', async () => {
    freshTime();
    server.handle((_req, res) => {
      res.writeHead(200, fhirJson);
      res.write('{"resourceType":');
    });
    const error = await failure(client({ timeoutMs: 150, retry: { maxAttempts: 1 } }).read('Patient', 'p1'));
    expect(error).toMatchObject({ code: 'SYNC_TIMEOUT', details: { phase: 'body' } });
  });

  it('the caller can stop everything, waits included', async () => {
    freshTime();
    server.handle(() => undefined);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('closing')), 50);
    await expect(
      client({ timeoutMs: 5_000 }).read('Patient', 'p1', { signal: controller.signal }),
    ).rejects.toThrow('closing');
  });
});

describe('links and tokens', () => {
  it('follows a next link given as a path or relative to the base, at the base’s origin', async () => {
    freshTime();
    server.handle((req, res) => {
      const links: Record<string, string> = { '1': '/fhir/Patient?p=2', '2': 'Patient?p=3' };
      const page = new URL(req.url ?? '', 'http://x').searchParams.get('p') ?? '1';
      reply(res, 200, {
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [{ resource: { ...patient, id: `p${page}` } }],
        ...(links[page] ? { link: [{ relation: 'next', url: links[page] }] } : {}),
      });
    });
    const fhirClient = client();
    const ids: string[] = [];
    for await (const page of fhirClient.pages(await fhirClient.search('Patient')))
      ids.push(...page.resources.map((r) => r.id as string));
    expect(ids).toEqual(['p1', 'p2', 'p3']);
    expect(server.seen).toEqual(['GET /fhir/Patient', 'GET /fhir/Patient?p=2', 'GET /fhir/Patient?p=3']);
  });

  it('a token endpoint that keeps failing is retried by the token source only, not once more per FHIR attempt', async () => {
    freshTime();
    server.handle((_req, res) => reply(res, 503, ''));
    const source = new ClientCredentialsTokenSource({
      tokenUrl: `${server.baseUrl}/token`,
      clientId: 'ws',
      privateKey: generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey,
      fetch: transport.fetch,
      environment: time,
      retry: { maxAttempts: 3, baseDelayMs: 10 },
    });
    const error = await failure(client({ tokenSource: source }).read('Patient', 'p1'));
    expect(error).toMatchObject({ code: 'SYNC_SERVER_ERROR', details: { attempts: 3, stage: 'token' } });
    expect(server.seen).toEqual(Array(3).fill('POST /fhir/token'));
  });
});

describe('writes', () => {
  it('sends If-Match quoted, Prefer return=representation, and reads the version from the ETag', async () => {
    freshTime();
    let headers: IncomingMessage['headers'] = {};
    let sent = '';
    server.handle((req, res, body) => {
      headers = req.headers;
      sent = body;
      res.writeHead(200, { etag: 'W/"8"', location: `${server.baseUrl}/Patient/p1/_history/8` });
      res.end();
    });
    const result = await client().update({ resourceType: 'Patient', id: 'p1' }, { ifMatch: '7' });
    expect(headers['if-match']).toBe('W/"7"');
    expect(headers['content-type']).toBe('application/fhir+json');
    expect(headers.prefer).toBe('return=representation');
    expect(JSON.parse(sent)).toEqual({ resourceType: 'Patient', id: 'p1' });
    expect(result).toMatchObject({ status: 200, created: false, resource: null, versionId: '8' });
  });

  it('a delete of what is already gone is done', async () => {
    freshTime();
    server.handle((_req, res) => reply(res, 410, ''));
    await expect(client().delete('Patient', 'p1')).resolves.toMatchObject({ status: 410 });
  });
});

describe('the ministry’s CA', () => {
  let dir: string;
  let https: Scripted;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tabib-ca-'));
    const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Ministere de la Sante test CA',
    );
    run(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'server.key',
      '-out',
      'server.csr',
      '-subj',
      '/CN=127.0.0.1',
    );
    writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n');
    run(
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'server.ext',
    );
    https = await scriptedServer(
      (listener) =>
        createHttpsServer(
          { key: readFileSync(join(dir, 'server.key')), cert: readFileSync(join(dir, 'server.pem')) },
          listener,
        ),
      'https',
    );
    https.handle((_req, res) => reply(res, 200, patient));
  });
  afterAll(async () => {
    await https.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused without the CA, once (a certificate does not heal by waiting)', async () => {
    freshTime();
    const error = await failure(
      new FhirClient({ baseUrl: https.baseUrl, fetch: transport.fetch, environment: time }).read(
        'Patient',
        'p1',
      ),
    );
    expect(error).toMatchObject({ code: 'SYNC_UNREACHABLE', details: { tls: true, reachedServer: false } });
    expect(https.seen).toHaveLength(0);
  });

  it('is trusted with the CA configured', async () => {
    const withCa = createFetch({ caCertificateFile: join(dir, 'ca.pem') });
    try {
      const fhirClient = new FhirClient({ baseUrl: https.baseUrl, fetch: withCa.fetch });
      await expect(fhirClient.read('Patient', 'p1')).resolves.toMatchObject({ resource: { id: 'p1' } });
    } finally {
      await withCa.close();
    }
  });
});
