/**
 * The Electron glue of printing (main/app/pdf-printer.ts) and of "Save as PDF" (the session's
 * download policy), read through recording doubles of Electron's API: the Electron binary cannot
 * run on the build machines (test/app/security.test.ts does the same for the window).
 */
import { describe, expect, it, vi } from 'vitest';

type Listener = (...args: unknown[]) => unknown;

const recorded = vi.hoisted(() => ({
  windows: [] as { options: unknown; loaded: string[]; printed: unknown[]; destroyed: boolean }[],
  sessions: new Map<string, { handlers: Record<string, Listener>; beforeRequest: Listener | null }>(),
  failPrint: false,
}));

vi.mock('electron', () => {
  const fakeSession = (partition: string) => {
    let entry = recorded.sessions.get(partition);
    if (!entry) {
      entry = { handlers: {}, beforeRequest: null };
      recorded.sessions.set(partition, entry);
    }
    const handlers = entry.handlers;
    const current = entry;
    return {
      partition,
      setPermissionRequestHandler: (handler: Listener) => (handlers.request = handler),
      setPermissionCheckHandler: (handler: Listener) => (handlers.check = handler),
      setDevicePermissionHandler: (handler: Listener) => (handlers.device = handler),
      on: (event: string, handler: Listener) => (handlers[event] = handler),
      webRequest: { onBeforeRequest: (listener: Listener) => (current.beforeRequest = listener) },
    };
  };
  class BrowserWindow {
    readonly record: { options: unknown; loaded: string[]; printed: unknown[]; destroyed: boolean };
    readonly webContents: {
      loadURL(url: string): Promise<void>;
      printToPDF(options: unknown): Promise<Buffer>;
    };
    constructor(options: unknown) {
      const record = { options, loaded: [] as string[], printed: [] as unknown[], destroyed: false };
      this.record = record;
      recorded.windows.push(record);
      this.webContents = {
        loadURL: (url: string) => {
          record.loaded.push(url);
          return Promise.resolve();
        },
        printToPDF: (printOptions: unknown) => {
          record.printed.push(printOptions);
          return recorded.failPrint
            ? Promise.reject(new Error('Printing failed'))
            : Promise.resolve(Buffer.from('%PDF-1.4\n%%EOF'));
        },
      };
    }
    destroy() {
      this.record.destroyed = true;
    }
  }
  return { BrowserWindow, session: { fromPartition: fakeSession } };
});

describe('printouts in the app (Electron printToPDF)', async () => {
  const { electronPdfRenderer } = await import('../../main/app/pdf-printer');
  const { APP_ORIGIN, mayDownload } = await import('../../main/app/security-policy');

  it('renders in a hidden, offscreen, sandboxed window without JavaScript, then destroys it', async () => {
    const renderer = electronPdfRenderer();
    const pdf = await renderer.renderPdf('<!doctype html><p>Ordonnance</p>');
    expect(Buffer.from(pdf).toString('latin1').startsWith('%PDF-')).toBe(true);
    const window = recorded.windows.at(-1);
    expect(window?.options).toMatchObject({
      show: false,
      webPreferences: {
        offscreen: true,
        sandbox: true,
        javascript: false,
        contextIsolation: true,
        nodeIntegration: false,
        devTools: false,
        session: { partition: 'tabib-printouts' },
      },
    });
    expect(window?.loaded).toEqual([
      `data:text/html;charset=utf-8;base64,${Buffer.from('<!doctype html><p>Ordonnance</p>').toString('base64')}`,
    ]);
    expect(window?.printed).toEqual([
      { pageSize: 'A4', printBackground: true, preferCSSPageSize: true, generateTaggedPDF: true },
    ]);
    expect(window?.destroyed).toBe(true);
  });

  it('destroys the window when printing fails', async () => {
    recorded.failPrint = true;
    try {
      await expect(electronPdfRenderer().renderPdf('<p>x</p>')).rejects.toThrow('Printing failed');
      expect(recorded.windows.at(-1)?.destroyed).toBe(true);
    } finally {
      recorded.failPrint = false;
    }
  });

  it('loads nothing but the document in its own session, and grants nothing', async () => {
    await electronPdfRenderer().renderPdf('<p>x</p>');
    const printSession = recorded.sessions.get('tabib-printouts');
    const decide = (url: string) => {
      let answer: unknown;
      printSession?.beforeRequest?.({ url }, (response: unknown) => (answer = response));
      return answer;
    };
    expect(decide('data:text/html;base64,PHA+')).toEqual({ cancel: false });
    expect(decide('https://evil.example/track.png')).toEqual({ cancel: true });
    expect(decide('file:///etc/passwd')).toEqual({ cancel: true });
    expect(decide(`${APP_ORIGIN}/index.html`)).toEqual({ cancel: true });
    const callback = vi.fn();
    printSession?.handlers.request?.(null, 'media', callback, { requestingUrl: 'data:' });
    expect(callback).toHaveBeenCalledWith(false);
  });

  it('saves a PDF the page made (a blob: of the app), and downloads nothing else', async () => {
    expect(mayDownload(`blob:${APP_ORIGIN}/6f1c2a9e-4b7d-4c55-9a43-2f6f5f0e9b11`)).toBe(true);
    expect(mayDownload('blob:https://evil.example/6f1c2a9e')).toBe(false);
    expect(mayDownload('https://evil.example/ordonnance.pdf')).toBe(false);
    expect(mayDownload(`${APP_ORIGIN}/index.html`)).toBe(false);

    const { applySessionPolicy } = await import('../../main/app/session-policy');
    const { session } = await import('electron');
    const appSession = session.fromPartition('app-default');
    applySessionPolicy(appSession as never);
    const willDownload = recorded.sessions.get('app-default')?.handlers['will-download'];
    const download = (url: string) => {
      const event = { preventDefault: vi.fn() };
      willDownload?.(event, { getURL: () => url });
      return event.preventDefault.mock.calls.length === 0;
    };
    expect(download(`blob:${APP_ORIGIN}/6f1c2a9e-4b7d-4c55-9a43-2f6f5f0e9b11`)).toBe(true);
    expect(download('https://evil.example/ordonnance.pdf')).toBe(false);
  });
});
