/**
 * Printouts to PDF in the app: Electron glue for the services' PdfRenderer port
 * (main/print/pdf-renderer.ts). Each printout gets its own hidden, offscreen, sandboxed window
 * with JavaScript off, in an in-memory session of its own that loads nothing but data: URLs; the
 * window loads the document, `webContents.printToPDF` renders it, and the window is destroyed.
 * Electron API: https://www.electronjs.org/docs/latest/api/web-contents#contentsprinttopdfoptions
 */
import { BrowserWindow, session, type Session } from 'electron';
import { printoutDataUrl, type PdfRenderer } from '../print/pdf-renderer';
import { applySessionPolicy } from './session-policy';

/** No `persist:` prefix: an in-memory session, shared with no other page, gone with the app. */
const PRINT_PARTITION = 'tabib-printouts';

/** As the harness's page.pdf: A4 from the document's @page rule, backgrounds, a tagged PDF (pdf-renderer.ts). */
const printToPdfOptions: Electron.PrintToPDFOptions = {
  pageSize: 'A4',
  printBackground: true,
  preferCSSPageSize: true,
  generateTaggedPDF: true,
};

let printSession: Session | null = null;

/** The printouts' session: every permission denied, no download, no request but the document itself. */
function printoutSession(): Session {
  if (printSession) return printSession;
  const created = session.fromPartition(PRINT_PARTITION);
  applySessionPolicy(created);
  created.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !details.url.startsWith('data:') });
  });
  printSession = created;
  return created;
}

export function electronPdfRenderer(): PdfRenderer {
  return {
    async renderPdf(html: string): Promise<Uint8Array> {
      const url = printoutDataUrl(html);
      const window = new BrowserWindow({
        show: false,
        width: 794,
        height: 1123,
        webPreferences: {
          session: printoutSession(),
          offscreen: true,
          sandbox: true,
          javascript: false,
          contextIsolation: true,
          nodeIntegration: false,
          webSecurity: true,
          spellcheck: false,
          devTools: false,
        },
      });
      try {
        await window.webContents.loadURL(url);
        return new Uint8Array(await window.webContents.printToPDF(printToPdfOptions));
      } finally {
        window.destroy();
      }
    },
  };
}
