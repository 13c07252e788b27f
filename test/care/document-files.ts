/**
 * Real small files for the document tests: a one-page PDF (ISO 32000-1, uncompressed, its cross-
 * reference offsets computed) whose page shows a given text, and a PNG drawn with pngjs.
 */
import { PNG } from 'pngjs';

/** A valid one-page A4 PDF showing `text` in Helvetica (ASCII, no parentheses or backslashes). */
export function onePagePdf(text: string): Buffer {
  const content = `BT /F1 14 Tf 72 770 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  // ISO 32000-1 §7.5.4: each cross-reference entry is exactly 20 bytes, end of line included.
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A small RGBA PNG: a gradient, so its bytes are not trivially repetitive. */
export function smallPng(width = 24, height = 16): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const index = (y * width + x) * 4;
      png.data[index] = (x * 255) / width;
      png.data[index + 1] = (y * 255) / height;
      png.data[index + 2] = 128;
      png.data[index + 3] = 255;
    }
  return PNG.sync.write(png);
}

/** Every occurrence of `needle` in `haystack` (a file's raw bytes). */
export function contains(haystack: Buffer, needle: string | Buffer): boolean {
  return haystack.indexOf(typeof needle === 'string' ? Buffer.from(needle, 'utf8') : needle) !== -1;
}
