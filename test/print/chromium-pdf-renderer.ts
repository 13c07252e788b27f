/**
 * The PdfRenderer port in the e2e harness and the print tests: Chromium's page.pdf through
 * playwright, with what Electron's glue (main/app/pdf-printer.ts) sets — JavaScript off, nothing
 * fetched (offline), A4 from the document's @page rule, backgrounds, a tagged PDF — one page per
 * printout, closed (with its context) afterwards.
 */
import type { Browser } from 'playwright-core';
import type { PdfRenderer } from '../../main/print/pdf-renderer';

export function chromiumPdfRenderer(browser: Browser): PdfRenderer {
  return {
    async renderPdf(html: string): Promise<Uint8Array> {
      const page = await browser.newPage({ javaScriptEnabled: false, offline: true });
      try {
        await page.setContent(html, { waitUntil: 'load' });
        return new Uint8Array(
          await page.pdf({ format: 'A4', printBackground: true, preferCSSPageSize: true, tagged: true }),
        );
      } finally {
        await page.close();
      }
    },
  };
}
