/** Serves the built renderer from app://tabib/… with the security headers. Electron glue. */
import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { contentTypeFor, resolveAppUrl } from './app-protocol-files';
import { APP_SCHEME, appSchemePrivileges, responseSecurityHeaders } from './security-policy';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: appSchemePrivileges }]);
}

export function serveRenderer(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppUrl(rendererDir, request.url);
    if (!file || request.method !== 'GET')
      return new Response('Not found', { status: 404, headers: responseSecurityHeaders });
    try {
      const body = await readFile(file);
      return new Response(body, {
        headers: { ...responseSecurityHeaders, 'Content-Type': contentTypeFor(file) },
      });
    } catch {
      return new Response('Not found', { status: 404, headers: responseSecurityHeaders });
    }
  });
}
