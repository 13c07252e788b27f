/**
 * The document tests' files are real: the PDF opens in pdf.js and shows its text, the PNG decodes.
 * (Apart from documents.test.ts: pdf.js's legacy build installs polyfills that slow every Buffer
 * and JSON operation of the process it is loaded in, tenfold and more.)
 */
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { onePagePdf, smallPng } from './document-files';

describe('the test documents', () => {
  it('are a PDF that pdf.js opens, with one A4 page showing the text given', async () => {
    const text = 'TABIB-CARE-MARKER-5c41e9d2 Echocardiographie FEVG 35 pourcent';
    const document = await getDocument({ data: new Uint8Array(onePagePdf(text)), verbosity: 0 }).promise;
    expect(document.numPages).toBe(1);
    const page = await document.getPage(1);
    expect(page.view).toEqual([0, 0, 595, 842]);
    const content = await page.getTextContent();
    expect(content.items.map((item) => ('str' in item ? item.str : '')).join('')).toBe(text);
    await document.destroy();
  });

  it('and a PNG that decodes to its size', () => {
    const decoded = PNG.sync.read(smallPng(24, 16));
    expect([decoded.width, decoded.height]).toEqual([24, 16]);
  });
});
