/** Session-wide and per-contents hardening. Electron glue around security-policy.ts. */
import type { App, Session, WebContents } from 'electron';
import { mayDownload, mayGrantPermission, mayNavigate } from './security-policy';

export function applySessionPolicy(session: Session): void {
  // Checklist 5: deny every permission request and check; devices too (node-hid lives in main).
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(mayGrantPermission(permission, details.requestingUrl));
  });
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin) =>
    mayGrantPermission(permission, requestingOrigin),
  );
  session.setDevicePermissionHandler(() => false);
  // Only a blob the page made (a printout's "Save as PDF"); Electron then asks where, in the OS dialog.
  session.on('will-download', (event, item) => {
    if (!item || !mayDownload(item.getURL())) event.preventDefault();
  });
}

export function hardenWebContents(contents: WebContents): void {
  // Checklist 13 and 14: no navigation, no new windows, no <webview>.
  contents.on('will-navigate', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!mayNavigate(url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenAllWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}
