/**
 * Serves the built renderer on loopback with the same security headers (CSP included) as the
 * app:// protocol, so a CSP violation fails the e2e tests as it would fail the app; and, for the
 * harness, the workstations' contract calls (`route`): POSTed by the page to its own origin.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { contentTypeFor, resolveRendererFile } from '../../main/app/app-protocol-files';
import { responseSecurityHeaders } from '../../main/app/security-policy';

export interface StaticServer {
  url: string;
  /**
   * Answers the POSTs to a new path (returned, unguessable) with `answer(body)`, as JSON text,
   * until the returned `remove` is called.
   */
  route(answer: (body: string) => Promise<string>): { path: string; remove(): void };
  close(): Promise<void>;
}

const ROUTE_PREFIX = '/__harness/';

function bodyOf(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

export async function serveRenderer(rendererDir: string): Promise<StaticServer> {
  const routes = new Map<string, (body: string) => Promise<string>>();
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const answer = path.startsWith(ROUTE_PREFIX) ? routes.get(path) : undefined;
    if (answer && request.method === 'POST') {
      bodyOf(request)
        .then(answer)
        .then(
          (text) =>
            response
              .writeHead(200, {
                ...responseSecurityHeaders,
                'Content-Type': 'application/json; charset=utf-8',
              })
              .end(text),
          (error: unknown) => response.writeHead(500, responseSecurityHeaders).end(String(error)),
        );
      return;
    }
    const file = resolveRendererFile(rendererDir, path);
    if (!file || request.method !== 'GET') {
      response.writeHead(404, responseSecurityHeaders).end();
      return;
    }
    readFile(file).then(
      (body) =>
        response
          .writeHead(200, { ...responseSecurityHeaders, 'Content-Type': contentTypeFor(file) })
          .end(body),
      () => response.writeHead(404, responseSecurityHeaders).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/index.html`,
    route(answer) {
      const path = `${ROUTE_PREFIX}${randomBytes(16).toString('hex')}`;
      routes.set(path, answer);
      return { path, remove: () => routes.delete(path) };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
