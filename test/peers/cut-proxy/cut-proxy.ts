/**
 * A loopback TCP proxy that cuts a connection after a given number of response bytes, below HTTP:
 * what a dropped Wi-Fi or a restarted gateway does to a long download. The HTTP-level fault proxy
 * (../fault-proxy) answers for the server; this one passes the server's bytes through untouched
 * (framing, chunking, `Connection: close` included) and only stops them.
 *
 * A cut is planned for the next request whose request line matches (`GET /dicom-web/studies/…`),
 * read from the client's bytes at the start of a request: after `afterBytes` bytes of the answer
 * (headers included) the connection is closed — `end` with a FIN (the client sees a clean end of
 * the stream: for a server that frames its answer by closing the connection, that is all it can
 * see), or `reset` with an RST (ECONNRESET).
 */
import { createConnection, createServer, type Socket } from 'node:net';

export interface PlannedCut {
  /** Matched against the request line, e.g. /^GET \/dicom-web\/studies\/[^/?]+ /. */
  request: RegExp;
  afterBytes: number;
  how: 'end' | 'reset';
}

export interface CutProxyLogEntry {
  requestLine: string;
  cut: PlannedCut | null;
  /** Bytes of the answer sent to the client. */
  bytes: number;
}

export interface CutProxy {
  readonly origin: string;
  /** The same path under the proxy: `http://127.0.0.1:<proxy port>/dicom-web`. */
  url(upstreamUrl: string): string;
  /** Queues a cut for the next matching request. */
  plan(cut: PlannedCut): void;
  pending(): readonly PlannedCut[];
  readonly log: readonly CutProxyLogEntry[];
  stop(): Promise<void>;
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/;

export async function startCutProxy(upstreamOrigin: string): Promise<CutProxy> {
  const upstream = new URL(upstreamOrigin);
  const plans: PlannedCut[] = [];
  const log: CutProxyLogEntry[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((client) => {
    sockets.add(client);
    const target = createConnection({ host: upstream.hostname, port: Number(upstream.port) });
    sockets.add(target);
    let current: CutProxyLogEntry | null = null;
    let closed = false;
    const close = (how: 'end' | 'reset') => {
      if (closed) return;
      closed = true;
      if (how === 'reset') {
        client.resetAndDestroy();
      } else client.end();
      target.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      const line = REQUEST_LINE.exec(chunk.toString('latin1', 0, Math.min(chunk.length, 2048)));
      if (line) {
        const requestLine = `${line[1]} ${line[2]}`;
        const index = plans.findIndex((plan) => plan.request.test(`${requestLine} `));
        const cut = index >= 0 ? (plans.splice(index, 1)[0] ?? null) : null;
        current = { requestLine, cut, bytes: 0 };
        log.push(current);
      }
      target.write(chunk);
    });
    target.on('data', (chunk: Buffer) => {
      if (closed) return;
      const entry = current;
      if (entry?.cut && entry.bytes + chunk.length >= entry.cut.afterBytes) {
        const keep = Math.max(0, entry.cut.afterBytes - entry.bytes);
        entry.bytes += keep;
        const how = entry.cut.how;
        if (keep > 0) client.write(chunk.subarray(0, keep), () => close(how));
        else close(how);
        return;
      }
      if (entry) entry.bytes += chunk.length;
      client.write(chunk);
    });
    target.on('end', () => {
      if (!closed) {
        closed = true;
        client.end();
      }
    });
    client.on('end', () => target.end());
    const forget = () => {
      sockets.delete(client);
      sockets.delete(target);
    };
    client.on('close', forget);
    target.on('close', forget);
    client.on('error', () => target.destroy());
    target.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    origin,
    url: (upstreamUrl) => {
      const url = new URL(upstreamUrl);
      return `${origin}${url.pathname.replace(/\/+$/, '')}${url.search}`;
    },
    plan: (cut) => {
      plans.push(cut);
    },
    pending: () => [...plans],
    log,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
