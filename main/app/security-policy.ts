/**
 * The renderer's security policy as plain data, applied by the Electron glue (window.ts,
 * session-policy.ts, app-protocol.ts, contract-ipc.ts) and asserted item by item against
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security) in
 * test/app/security.test.ts. No electron import here, so tests read it under Node.
 */

/** The renderer's one origin: `app://tabib` (a standard, secure custom scheme; never file://). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'tabib';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

export const appSchemePrivileges = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  stream: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
} as const;

/** Checklist 7: one strict CSP, sent as a header with every response of the app:// protocol. */
export const contentSecurityPolicy = [
  "default-src 'none'",
  // 'wasm-unsafe-eval' lets WebAssembly compile (the viewer's DICOM codecs, in their workers) and
  // nothing else: no eval, no inline script (CSP Level 3).
  "script-src 'self' 'wasm-unsafe-eval'",
  // Mantine writes style attributes and a <style> element at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  // An attached PDF is shown in the browser's own viewer from a blob: URL the page made (main/care).
  'frame-src blob:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export const responseSecurityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** Checklist 2, 3, 4, 6, 8, 9, 10, 11: the BrowserWindow's webPreferences. */
export function secureWebPreferences(preloadPath: string, allowDevTools: boolean) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    // Typed patient data must not go to an OS or cloud spelling service.
    spellcheck: false,
    // Chromium's built-in PDF viewer (the only plugin Electron ships) shows printouts and attached
    // PDFs in a frame; without it a PDF frame stays empty. No other plugin exists to load.
    plugins: true,
    devTools: allowDevTools,
  } as const;
}

export function isAppOrigin(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** Checklist 13: the renderer is a single page; it never navigates, not even within its origin. */
export function mayNavigate(_url: string): boolean {
  return false;
}

/**
 * Checklist 5 (downloads): only what the page itself made — a printout or an attached document as a
 * blob: URL of the app's origin, saved where the user chooses in the OS dialog; never a file from
 * elsewhere.
 */
export function mayDownload(url: string): boolean {
  return url.startsWith(`blob:${APP_ORIGIN}/`);
}

/** Checklist 5: every permission (camera, notifications, HID, serial, clipboard read, …) is denied. */
export function mayGrantPermission(_permission: string, _requestingUrl: string | undefined): boolean {
  return false;
}
