/**
 * The port through which the services get a PDF made from a printout's HTML. The services run in
 * a worker thread where no browser engine exists, so the host renders: Electron main with a
 * hidden window's `webContents.printToPDF` (main/app/pdf-printer.ts), the e2e harness and the tests
 * with Chromium's `page.pdf` through playwright (test/print/chromium-pdf-renderer.ts). Both render
 * the same self-contained document with the same options:
 * - A4, the page size and margins of the document's `@page` rule (preferCSSPageSize);
 * - backgrounds printed (rules and borders drawn as backgrounds);
 * - a tagged PDF: Chromium then writes each shaped Arabic cluster's characters as ActualText
 *   (ISO 32000-1 §14.9.4), so the PDF's text can be searched and copied in logical order.
 */
import { TabibError } from '../errors';

export interface PdfRenderer {
  /** Renders a complete HTML document (no script, nothing to fetch) to a PDF file's bytes. */
  renderPdf(html: string): Promise<Uint8Array>;
}

/** Rendering a few pages takes well under a second; a host that does not answer has failed. */
export const PDF_RENDER_TIMEOUT_MS = 60_000;

/** The host's rendering, bounded in time and checked to be a PDF (ISO 32000-1 §7.5.2: the %PDF- header). */
export async function renderPdfWithin(
  renderer: PdfRenderer,
  html: string,
  timeoutMs = PDF_RENDER_TIMEOUT_MS,
): Promise<Uint8Array> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new TabibError('PRINT_FAILED', `The PDF was not rendered within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    const pdf = await Promise.race([renderer.renderPdf(html), timeout]);
    if (Buffer.from(pdf.subarray(0, 5)).toString('latin1') !== '%PDF-')
      throw new TabibError('PRINT_FAILED', 'The renderer did not return a PDF');
    return pdf;
  } catch (error) {
    if (error instanceof TabibError) throw error;
    throw new TabibError('PRINT_FAILED', `The PDF could not be rendered: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The number of pages: the page objects (`/Type /Page`, ISO 32000-1 §7.7.3.3) of a PDF written by
 * Chromium's Skia backend, which keeps its objects outside compressed object streams.
 */
export function pdfPageCount(pdf: Uint8Array): number {
  return (
    Buffer.from(pdf)
      .toString('latin1')
      .match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []
  ).length;
}

/**
 * Chromium's longest URL (url::kMaxURLChars, 2 MiB): a printout loaded as a data: URL must fit.
 * Embedded fonts take about 440 kB of it once base64-encoded again; the rest is the text.
 */
export const MAX_DATA_URL_LENGTH = 2 * 1024 * 1024;

/** The printout as a data: URL (base64: no character of the HTML needs escaping). */
export function printoutDataUrl(html: string): string {
  const url = `data:text/html;charset=utf-8;base64,${Buffer.from(html, 'utf8').toString('base64')}`;
  if (url.length > MAX_DATA_URL_LENGTH)
    throw new TabibError('PRINT_FAILED', `The printout is too long to render (${url.length} characters)`);
  return url;
}
