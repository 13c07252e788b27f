/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item
 * by item, against the app's real glue: the window options, the session policy, the IPC
 * registration, the preload, the app:// protocol and the packaging fuses.
 *
 * The Electron runtime cannot exist on the build machines, so `electron` is replaced by recording
 * doubles at the thinnest boundary: the test calls Tabib's own functions and reads what they asked
 * Electron to do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => {
  class BrowserWindow {
    static created: unknown[] = [];
    constructor(readonly options: unknown) {
      BrowserWindow.created.push(options);
    }
    once() {}
    loadURL() {
      return Promise.resolve();
    }
  }
  return {
    BrowserWindow,
    protocol: { registerSchemesAsPrivileged: vi.fn() },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  };
});

const repository = resolve(import.meta.dirname, '..', '..');
const read = (path: string) => readFileSync(join(repository, path), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(repository, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(repository, path)).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

type Listener = (...args: unknown[]) => unknown;

/** A WebContents double that records the listeners Tabib installs. */
function fakeWebContents() {
  const listeners = new Map<string, Listener>();
  let windowOpenHandler: Listener | null = null;
  return {
    on: (event: string, listener: Listener) => listeners.set(event, listener),
    setWindowOpenHandler: (handler: Listener) => (windowOpenHandler = handler),
    emit(event: string, ...args: unknown[]) {
      const preventDefault = vi.fn();
      listeners.get(event)?.({ preventDefault }, ...args);
      return preventDefault.mock.calls.length > 0;
    },
    openWindow: (url: string) => windowOpenHandler?.({ url }),
  };
}

describe('Electron security checklist', async () => {
  const policy = await import('../../main/app/security-policy');
  const { mainWindowOptions, createMainWindow } = await import('../../main/app/window');
  const { applySessionPolicy, hardenWebContents } = await import('../../main/app/session-policy');
  const { registerContractIpc, isTrustedSender } = await import('../../main/app/contract-ipc');
  const { callNames, adminCallNames, callChannel } = await import('../../main/contract/names');
  const electron = await import('electron');

  const options = mainWindowOptions({ preloadPath: '/app/preload/index.cjs', allowDevTools: false });
  const web = options.webPreferences ?? {};

  it('1, 18: loads only its own content, from app://tabib, never file:// or http', () => {
    expect(policy.APP_ENTRY_URL).toBe('app://tabib/index.html');
    createMainWindow({ preloadPath: '/p.cjs', allowDevTools: false });
    const main = read('main/app/index.ts');
    expect(main).toContain('registerAppScheme()');
    expect(main).toContain('serveRenderer(');
    for (const file of sourceFiles('main')) expect(read(file), file).not.toMatch(/loadFile\(|['"`]file:\/\//);
    expect(policy.appSchemePrivileges).toMatchObject({ standard: true, secure: true, bypassCSP: false });
  });

  it('2: no Node.js integration in the renderer, its workers or frames', () => {
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
  });

  it('3: context isolation', () => {
    expect(web.contextIsolation).toBe(true);
  });

  it('4: the renderer is sandboxed, for every window of the app', () => {
    expect(web.sandbox).toBe(true);
    expect(read('main/app/index.ts')).toContain('app.enableSandbox()');
  });

  it('5: every permission request and check is denied, devices and downloads too', () => {
    const handlers: Record<string, Listener> = {};
    const session = {
      setPermissionRequestHandler: (handler: Listener) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: Listener) => (handlers.check = handler),
      setDevicePermissionHandler: (handler: Listener) => (handlers.device = handler),
      on: (event: string, handler: Listener) => (handlers[event] = handler),
    };
    applySessionPolicy(session as never);
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'hid',
      'serial',
      'openExternal',
    ]) {
      const callback = vi.fn();
      handlers.request?.(null, permission, callback, { requestingUrl: policy.APP_ENTRY_URL });
      expect(callback, permission).toHaveBeenCalledWith(false);
      expect(handlers.check?.(null, permission, policy.APP_ORIGIN), permission).toBe(false);
    }
    expect(handlers.device?.({ deviceType: 'hid', origin: policy.APP_ORIGIN })).toBe(false);
    const download = { preventDefault: vi.fn() };
    handlers['will-download']?.(download);
    expect(download.preventDefault).toHaveBeenCalled();
  });

  it('6, 8, 9, 10: web security on, no insecure content, no experimental or Blink features', () => {
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web).not.toHaveProperty('enableBlinkFeatures');
    for (const file of sourceFiles('main')) expect(read(file), file).not.toContain('enableBlinkFeatures');
  });

  it('7: a strict Content-Security-Policy on every response of the app:// protocol', () => {
    const csp = Object.fromEntries(
      policy.contentSecurityPolicy.split(';').map((directive) => {
        const [name, ...values] = directive.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(csp['default-src']).toEqual(["'none'"]);
    // WebAssembly may compile (the viewer's codecs); eval and inline scripts may not.
    expect(csp['script-src']).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    expect(policy.contentSecurityPolicy).not.toMatch(/(?<!wasm-)unsafe-eval|script-src[^;]*unsafe-inline|\*/);
    expect(policy.responseSecurityHeaders['Content-Security-Policy']).toBe(policy.contentSecurityPolicy);
    expect(read('main/app/app-protocol.ts').match(/responseSecurityHeaders/g)?.length).toBeGreaterThanOrEqual(
      3,
    );
  });

  it('11, 12: no <webview>, and an attempt to attach one is refused', () => {
    expect(web.webviewTag).toBe(false);
    const contents = fakeWebContents();
    hardenWebContents(contents as never);
    expect(contents.emit('will-attach-webview', {}, {})).toBe(true);
  });

  it('13: navigation is refused, even within the app and by redirects', () => {
    const contents = fakeWebContents();
    hardenWebContents(contents as never);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', policy.APP_ENTRY_URL]) {
      expect(contents.emit('will-navigate', url), url).toBe(true);
      expect(contents.emit('will-redirect', url), url).toBe(true);
    }
    expect(web.navigateOnDragDrop).toBe(false);
    expect(read('main/app/session-policy.ts')).toContain("app.on('web-contents-created'");
  });

  it('14: new windows are refused', () => {
    const contents = fakeWebContents();
    hardenWebContents(contents as never);
    expect(contents.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
    expect(contents.openWindow(policy.APP_ENTRY_URL)).toEqual({ action: 'deny' });
  });

  it('15: shell.openExternal is never called with content from the renderer', () => {
    for (const file of [...sourceFiles('main'), ...sourceFiles('preload'), ...sourceFiles('native')])
      expect(read(file), file).not.toMatch(/openExternal/);
  });

  it('16: a current Electron, pinned', () => {
    const pkg = JSON.parse(read('package.json')) as { devDependencies: Record<string, string> };
    expect(pkg.devDependencies.electron).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(pkg.devDependencies.electron?.split('.')[0])).toBeGreaterThanOrEqual(45);
  });

  it('17: every IPC call checks its sender: our window, its main frame, our origin', () => {
    const handlers = new Map<string, Listener>();
    const ipcMain = {
      handle: (channel: string, handler: Listener) => handlers.set(channel, handler),
      removeHandler: vi.fn(),
    };
    const mainFrame = { url: policy.APP_ENTRY_URL };
    const webContents = { mainFrame, isDestroyed: () => false, send: vi.fn() };
    const window = { webContents, isDestroyed: () => false };
    const invoke = vi.fn(async () => ({ ok: true, value: 'served' }));
    const host = { invoke, onEvent: () => () => undefined, close: async () => undefined };
    registerContractIpc(ipcMain as never, host as never, () => window as never, null);

    // Only the renderer's calls are on IPC; administrator calls are not reachable from a window.
    expect([...handlers.keys()].sort()).toEqual(callNames.map((name) => callChannel(name)).sort());
    for (const name of adminCallNames) expect(handlers.has(`tabib:call:${name}`)).toBe(false);

    const handler = handlers.get(callChannel('app.info')) as Listener;
    const trusted = { sender: webContents, senderFrame: mainFrame };
    expect(isTrustedSender(trusted as never, window as never, null)).toBe(true);
    const refused = [
      { sender: webContents, senderFrame: { url: 'https://evil.example/' } },
      { sender: webContents, senderFrame: { url: policy.APP_ENTRY_URL } }, // a subframe, not the main frame
      { sender: { other: true }, senderFrame: mainFrame },
      { sender: webContents, senderFrame: null },
    ];
    for (const event of refused) {
      expect(handler(event, {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } });
    }
    expect(invoke).not.toHaveBeenCalled();
    void handler(trusted, {});
    expect(invoke).toHaveBeenCalledWith('app.info', {});
  });

  it('19: the packaged app flips the fuses: no RunAsNode, NODE_OPTIONS or --inspect; ASAR integrity, ASAR only', () => {
    const config = createRequire(import.meta.url)(join(repository, 'electron-builder.config.cjs')) as {
      electronFuses: Record<string, boolean>;
    };
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });

  it('20: the preload exposes window.tabib, built from the contract, and nothing else', async () => {
    await import('../../preload/index');
    const expose = vi.mocked(electron.contextBridge.exposeInMainWorld);
    expect(expose).toHaveBeenCalledTimes(1);
    const [key, api] = expose.mock.calls[0] as [string, Record<string, unknown>];
    expect(key).toBe('tabib');
    const exposedCalls: string[] = [];
    const walk = (node: Record<string, unknown>, prefix: string[]) => {
      for (const [name, value] of Object.entries(node)) {
        if (name === 'on' || name === 'events') continue;
        if (typeof value === 'function') exposedCalls.push([...prefix, name].join('.'));
        else walk(value as Record<string, unknown>, [...prefix, name]);
      }
    };
    walk(api, []);
    expect(exposedCalls.sort()).toEqual([...callNames].sort());
    // No Electron object (ipcRenderer, shell, …) is handed over.
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|shell|require|process/);
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('devtools are off in the packaged app; spelling is never sent to an OS or cloud service', () => {
    expect(web.devTools).toBe(false);
    expect(web.spellcheck).toBe(false);
    expect(read('main/app/index.ts')).toMatch(/allowDevTools: !app\.isPackaged/);
  });

  it('one instance only: a second start focuses the running window', () => {
    const main = read('main/app/index.ts');
    expect(main).toContain('app.requestSingleInstanceLock()');
    expect(main).toContain("app.on('second-instance'");
  });
});
