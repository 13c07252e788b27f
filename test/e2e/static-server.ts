/**
 * Serves the built renderer on loopback with the same security headers (CSP included) as the
 * app:// protocol, so a CSP violation fails the e2e tests as it would fail the app.
 */
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { contentTypeFor, resolveRendererFile } from '../../main/app/app-protocol-files';
import { responseSecurityHeaders } from '../../main/app/security-policy';

export interface StaticServer {
  url: string;
  close(): Promise<void>;
}

export async function serveRenderer(rendererDir: string): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const file = resolveRendererFile(rendererDir, new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
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
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
