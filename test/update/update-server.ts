/**
 * A real update server for the tests: node:http on a loopback port chosen by the OS, serving a
 * folder as the ministry's server would (`<root>/<channel>/…`, `<root>/keys/<n>.json`), with
 * per-path misbehaviours (an HTTP error, a connection cut mid-file). It records every request, so
 * a test can say what a refused update never fetched.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export type Misbehaviour =
  | { kind: 'status'; status: number }
  /** Announces the whole file, sends `bytes` of it, then cuts the connection. */
  | { kind: 'truncate'; bytes: number };

export interface UpdateServer {
  /** The server's root URL, with a trailing slash: what the machine configuration names. */
  url: string;
  /** Request paths, without query strings, in order. */
  requests: string[];
  misbehave(path: string, how: Misbehaviour): void;
  behave(path: string): void;
  close(): Promise<void>;
}

export async function startUpdateServer(folder: string): Promise<UpdateServer> {
  const requests: string[] = [];
  const misbehaviours = new Map<string, Misbehaviour>();

  const serveFile = (path: string, response: ServerResponse) => {
    const how = misbehaviours.get(path);
    if (how?.kind === 'status') {
      response.writeHead(how.status).end();
      return;
    }
    const file = normalize(join(folder, path));
    if (!file.startsWith(folder) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    const size = statSync(file).size;
    if (how?.kind === 'truncate') {
      response.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
      response.write(readFileSync(file).subarray(0, how.bytes));
      // Let the bytes leave before the cut, as a proxy dropping the line would.
      setTimeout(() => response.destroy(), 20);
      return;
    }
    response.writeHead(200, { 'content-length': size });
    createReadStream(file).pipe(response);
  };

  const server = createServer((request, response) => {
    // A fresh connection per request: a kept-alive socket that the server closes just as the
    // client reuses it fails the request (ECONNRESET), which a loaded machine made happen at random.
    response.setHeader('connection', 'close');
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    requests.push(path);
    serveFile(path, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    misbehave: (path, how) => misbehaviours.set(path, how),
    behave: (path) => misbehaviours.delete(path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
