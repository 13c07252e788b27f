/**
 * A loopback HTTP proxy that breaks responses on purpose, in front of the FHIR peer (or the OIDC
 * peer's token endpoint), so the sync engine is tested against the network it will meet.
 *
 * Control is deterministic: `plan()` queues faults for a given request number (the proxy's own
 * count, from 1, as in `log`) or for requests matching a method / path pattern (`times` in a row:
 * a burst), and `randomFaults()` adds a seeded schedule (same seed and same request sequence,
 * same faults). Planned rules win over the random schedule. Every request is recorded in `log`
 * with the fault injected, whether it reached the upstream, and the upstream's status.
 *
 * Whether the upstream saw the request matters to a sync engine (was my change applied?):
 * - never forwarded: `reset`, `status` (unless `afterForward`), `rate-limit`;
 * - forwarded, the upstream applied it, the answer is lost or spoiled: `drop`, `truncate`,
 *   `invalid-json`, `wrong-resource-type`, `missing-ids`, `oversized-bundle`, `status` with
 *   `afterForward: true` (a gateway timeout after the fact);
 * - forwarded and answered, only late: `delay`, `drip`.
 *
 * Absolute URLs of the upstream in bodies and Location headers (link[next], fullUrl) are rewritten
 * to the proxy's origin, so a client that follows them stays behind the proxy.
 */
import {
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
  createServer,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { seededRandom } from '../../support/seeded-random';

export type Fault =
  /** The connection is closed before any response byte (ECONNRESET on the client). */
  | { kind: 'reset' }
  /** Headers and the first `afterBytes` body bytes (chunked, no Content-Length), then the connection closes. */
  | { kind: 'drop'; afterBytes: number }
  /** Content-Length announces the whole body; `keepBytes` are sent and the connection closes. */
  | { kind: 'truncate'; keepBytes: number }
  /** An error status with an OperationOutcome; with `afterForward`, after the upstream processed the request. */
  | { kind: 'status'; status: number; afterForward?: boolean }
  /** 429 with Retry-After in seconds (a number) or as an HTTP-date (a Date). */
  | { kind: 'rate-limit'; retryAfter: number | Date }
  /** Waits `ms` before sending the headers. */
  | { kind: 'delay'; ms: number }
  /** Sends the body `chunkBytes` at a time, `intervalMs` apart. */
  | { kind: 'drip'; chunkBytes: number; intervalMs: number }
  /** The body is cut and followed by garbage: not JSON. */
  | { kind: 'invalid-json' }
  /** The resource's (or bundle's) resourceType is replaced (default 'Basic'). */
  | { kind: 'wrong-resource-type'; resourceType?: string }
  /** The resource's id, or every id in a bundle's entries, is removed. */
  | { kind: 'missing-ids' }
  /** A bundle's entries are repeated (with new ids) until it has `entries` entries. */
  | { kind: 'oversized-bundle'; entries: number };

export type FaultKind = Fault['kind'];

export interface FaultRule {
  fault: Fault;
  /** The proxy's request number (1-based) this fault is for. */
  request?: number;
  method?: string;
  /** Matched against the path and query (e.g. /\/Patient\b/ or '/fhir/_history'). A string matches as a substring. */
  path?: RegExp | string;
  /** How many matching requests get it (default 1): a burst. */
  times?: number;
}

export interface RandomSchedule {
  seed: number;
  /** Probability that a request gets a fault (0..1). */
  rate: number;
  faults: readonly Fault[];
  /** Only requests matching this (default all). */
  path?: RegExp | string;
}

export interface ProxyLogEntry {
  n: number;
  method: string;
  url: string;
  fault?: Fault;
  /** The request reached the upstream. */
  forwarded: boolean;
  upstreamStatus?: number;
  /** The status the client was sent (absent when the connection was cut before headers). */
  status?: number;
}

export interface FaultProxy {
  /** The target base URL with the proxy's origin, e.g. http://127.0.0.1:40001/fhir */
  readonly baseUrl: string;
  readonly origin: string;
  readonly log: readonly ProxyLogEntry[];
  /** Queues faults (kept until used). */
  plan(rules: FaultRule | readonly FaultRule[]): void;
  /** Adds a seeded random schedule for requests no planned rule takes (replaces the previous one). */
  randomFaults(schedule: RandomSchedule | null): void;
  /** Drops every planned rule and the random schedule. */
  clear(): void;
  /** Planned rules not used yet. */
  pending(): readonly FaultRule[];
  stop(): Promise<void>;
}

function pathMatches(pattern: RegExp | string | undefined, url: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? url.includes(pattern) : pattern.test(url);
}

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Upstream {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade']);

function outcomeBody(status: number, text: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      resourceType: 'OperationOutcome',
      issue: [{ severity: 'error', code: status === 429 ? 'throttled' : 'transient', details: { text } }],
    }),
  );
}

/** Applies a body-spoiling fault; returns the new body (or the same when the fault does not apply). */
function spoil(fault: Fault, body: Buffer): Buffer {
  if (fault.kind === 'invalid-json') {
    const text = body.toString('utf8');
    return Buffer.from(`${text.slice(0, Math.floor(text.length / 2))}\u0000}{"broken":`);
  }
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return body;
  }
  const entries = Array.isArray(json.entry)
    ? (json.entry as { resource?: Record<string, unknown> }[])
    : undefined;
  if (fault.kind === 'wrong-resource-type') {
    json.resourceType = fault.resourceType ?? 'Basic';
  } else if (fault.kind === 'missing-ids') {
    if (json.resourceType === 'Bundle') for (const entry of entries ?? []) delete entry.resource?.id;
    else delete json.id;
  } else if (fault.kind === 'oversized-bundle') {
    const source = entries ?? [];
    if (source.length === 0) return body;
    const padded = [];
    for (let i = 0; padded.length < fault.entries; i++) {
      const original = source[i % source.length]!;
      const round = Math.floor(i / source.length);
      const copy = structuredClone(original);
      if (round > 0 && copy.resource && typeof copy.resource.id === 'string')
        copy.resource.id = `${copy.resource.id}-${round}`;
      padded.push(copy);
    }
    json.entry = padded;
  }
  return Buffer.from(JSON.stringify(json));
}

export async function startFaultProxy(targetBaseUrl: string): Promise<FaultProxy> {
  const target = new URL(targetBaseUrl);
  const rules: (FaultRule & { remaining: number })[] = [];
  let schedule: { schedule: RandomSchedule; next: () => number } | null = null;
  const log: ProxyLogEntry[] = [];
  let count = 0;
  let origin = '';

  function chooseFault(n: number, method: string, url: string): Fault | undefined {
    const index = rules.findIndex(
      (rule) =>
        (rule.request === undefined || rule.request === n) &&
        (rule.method === undefined || rule.method.toUpperCase() === method) &&
        pathMatches(rule.path, url),
    );
    if (index >= 0) {
      const rule = rules[index]!;
      rule.remaining -= 1;
      if (rule.remaining <= 0) rules.splice(index, 1);
      return rule.fault;
    }
    if (schedule && pathMatches(schedule.schedule.path, url)) {
      const roll = schedule.next();
      const pick = schedule.next();
      if (roll < schedule.schedule.rate && schedule.schedule.faults.length > 0) {
        return schedule.schedule.faults[Math.floor(pick * schedule.schedule.faults.length)];
      }
    }
    return undefined;
  }

  function forward(req: IncomingMessage, body: Buffer): Promise<Upstream> {
    return new Promise((resolve, reject) => {
      const headers = { ...req.headers, host: target.host };
      const upstream = httpRequest(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function rewrite(buffer: Buffer): Buffer {
    const text = buffer.toString('utf8');
    return text.includes(target.origin) ? Buffer.from(text.split(target.origin).join(origin)) : buffer;
  }

  function headersFrom(upstream: Upstream): Record<string, string | string[]> {
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers[name] =
        name === 'location' || name === 'content-location'
          ? String(value).split(target.origin).join(origin)
          : value;
    }
    return headers;
  }

  function cut(res: ServerResponse): void {
    res.socket?.destroy();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const n = ++count;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = req.url ?? '/';
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const requestBody = Buffer.concat(chunks);
    const fault = chooseFault(n, method, url);
    const entry: ProxyLogEntry = { n, method, url, forwarded: false, ...(fault ? { fault } : {}) };
    log.push(entry);

    if (fault?.kind === 'reset') {
      cut(res);
      return;
    }
    if (fault?.kind === 'rate-limit') {
      const retryAfter =
        typeof fault.retryAfter === 'number' ? String(fault.retryAfter) : fault.retryAfter.toUTCString();
      const body = outcomeBody(429, 'Too many requests');
      entry.status = 429;
      res.writeHead(429, {
        'Retry-After': retryAfter,
        'Content-Type': 'application/fhir+json',
        'Content-Length': body.length,
      });
      res.end(body);
      return;
    }
    if (fault?.kind === 'status' && !fault.afterForward) {
      const body = outcomeBody(fault.status, `Injected ${fault.status}`);
      entry.status = fault.status;
      res.writeHead(fault.status, { 'Content-Type': 'application/fhir+json', 'Content-Length': body.length });
      res.end(body);
      return;
    }

    let upstream: Upstream;
    try {
      upstream = await forward(req, requestBody);
    } catch {
      entry.status = 502;
      const body = outcomeBody(502, 'Upstream unreachable');
      res.writeHead(502, { 'Content-Type': 'application/fhir+json', 'Content-Length': body.length });
      res.end(body);
      return;
    }
    entry.forwarded = true;
    entry.upstreamStatus = upstream.status;
    let body = rewrite(upstream.body);
    const headers = headersFrom(upstream);

    if (fault?.kind === 'status') {
      const spoiled = outcomeBody(
        fault.status,
        `Injected ${fault.status} after the upstream answered ${upstream.status}`,
      );
      entry.status = fault.status;
      res.writeHead(fault.status, {
        'Content-Type': 'application/fhir+json',
        'Content-Length': spoiled.length,
      });
      res.end(spoiled);
      return;
    }
    if (
      fault &&
      (fault.kind === 'invalid-json' ||
        fault.kind === 'wrong-resource-type' ||
        fault.kind === 'missing-ids' ||
        fault.kind === 'oversized-bundle')
    ) {
      body = spoil(fault, body);
    }
    if (fault?.kind === 'delay') await wait(fault.ms);
    entry.status = upstream.status;

    if (fault?.kind === 'drop') {
      res.writeHead(upstream.status, headers);
      res.write(body.subarray(0, fault.afterBytes), () => cut(res));
      return;
    }
    if (fault?.kind === 'truncate') {
      res.writeHead(upstream.status, { ...headers, 'Content-Length': body.length });
      res.write(body.subarray(0, Math.min(fault.keepBytes, body.length - 1)), () => cut(res));
      return;
    }
    if (fault?.kind === 'drip') {
      res.writeHead(upstream.status, { ...headers, 'Content-Length': body.length });
      for (let offset = 0; offset < body.length; offset += fault.chunkBytes) {
        if (offset > 0) await wait(fault.intervalMs);
        if (res.destroyed) return;
        res.write(body.subarray(offset, offset + fault.chunkBytes));
      }
      res.end();
      return;
    }
    res.writeHead(upstream.status, { ...headers, 'Content-Length': body.length });
    res.end(body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => cut(res));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  const basePath = target.pathname.replace(/\/+$/, '');

  return {
    baseUrl: `${origin}${basePath}`,
    origin,
    log,
    plan(input: FaultRule | readonly FaultRule[]): void {
      for (const rule of [input].flat() as FaultRule[]) rules.push({ ...rule, remaining: rule.times ?? 1 });
    },
    randomFaults(next: RandomSchedule | null): void {
      schedule = next ? { schedule: next, next: seededRandom(next.seed) } : null;
    },
    clear(): void {
      rules.length = 0;
      schedule = null;
    },
    pending: () => rules.map(({ remaining, ...rule }) => ({ ...rule, times: remaining })),
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
