/**
 * What a PDF says, read back as its reader would: pdf.js (legacy build, for Node) for the pages
 * and their text, and, for Arabic, the ActualText of the tagged PDF's marked content.
 *
 * Why both: Noto Sans Arabic draws a letter as a dotless skeleton plus its dots (OpenType GSUB
 * and GPOS), so the glyphs in the PDF map back to the wrong characters, or none, through the
 * font's ToUnicode table; pdf.js then gives "ﻣ ﺤ ﻤ ﺪ" and NULs for "محمد". A tagged PDF from
 * Chromium wraps each shaped cluster in a `/Span <</ActualText …>> BDC … EMC` with its real
 * characters, and each right-to-left run in `/ReversedChars BMC … EMC` (ISO 32000-1 §14.9.4 and
 * §14.8.2.3.3), which pdf.js does not expose: those are read from the content streams here.
 */
import { inflateSync } from 'node:zlib';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

export interface PdfReading {
  pages: number;
  /** The text pdf.js extracts, page after page (Latin script reads right). */
  text: string;
  /** The fonts embedded, without their subset tags (`NotoSans-Regular`). */
  fonts: string[];
  /**
   * Each right-to-left run (a word, as Chromium draws them), in logical order: its clusters'
   * ActualText, and the glyphs whose ToUnicode mapping is exact, read back to front.
   */
  rightToLeftRuns: string[];
}

function decodePdfString(token: string): string {
  if (token.startsWith('<')) {
    const hex = token.slice(1, -1).replace(/\s+/g, '');
    const bytes = Buffer.from(hex, 'hex');
    // UTF-16BE with its byte order mark (ISO 32000-1 §7.9.2.2).
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return bytes.subarray(2).swap16().toString('utf16le');
    return bytes.toString('latin1');
  }
  return token.slice(1, -1).replace(/\\([()\\])/g, '$1');
}

/** The decompressed streams that hold marked content (page content streams). */
function contentStreams(pdf: Uint8Array): string[] {
  const bytes = Buffer.from(pdf);
  const source = bytes.toString('latin1');
  const streams: string[] = [];
  const start = /stream\r?\n/g;
  for (let match = start.exec(source); match; match = start.exec(source)) {
    const from = match.index + match[0].length;
    const to = source.indexOf('endstream', from);
    if (to < 0) break;
    try {
      const content = inflateSync(bytes.subarray(from, to)).toString('latin1');
      if (/\b(BDC|BMC)\b/.test(content)) streams.push(content);
    } catch {
      // not Flate-compressed, or not content (fonts are compressed too, but have no marked content)
    }
    start.lastIndex = to + 'endstream'.length;
  }
  return streams;
}

/** Each marked-content sequence a content stream opens (BMC, BDC), in order, with its ActualText if any. */
export function markedContent(pdf: Uint8Array): { tag: string; actualText: string | null }[] {
  const found: { tag: string; actualText: string | null }[] = [];
  const operator = /\/(\w+)\s*(<<(?:[^<>]|<[^<>]*>)*>>)?\s*(BDC|BMC)\b/g;
  for (const stream of contentStreams(pdf)) {
    for (let match = operator.exec(stream); match; match = operator.exec(stream)) {
      const actual = match[2] ? /\/ActualText\s*(<[^>]*>|\((?:\\.|[^\\)])*\))/.exec(match[2]) : null;
      found.push({
        tag: match[1] as string,
        actualText: actual ? decodePdfString(actual[1] as string) : null,
      });
    }
  }
  return found;
}

interface Frame {
  reversed: boolean;
  actualText: string | null;
  /** What the sequence draws, piece by piece, in drawing order. */
  pieces: string[];
}

/** Presentation forms (U+FB50–U+FEFF) back to the letters they stand for: NFKC (UAX #15). */
const letters = (text: string) => text.normalize('NFKC');

export async function readPdf(pdf: Uint8Array): Promise<PdfReading> {
  const document = await getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    useSystemFonts: false,
    disableFontFace: true,
  }).promise;
  const sequences = markedContent(pdf);
  let next = 0;
  const runs: string[] = [];
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent({ includeMarkedContent: true });
      const root: Frame = { reversed: false, actualText: null, pieces: [] };
      const stack: Frame[] = [root];
      for (const item of content.items) {
        const top = stack.at(-1) as Frame;
        if ('str' in item) {
          // pdf.js gives a right-to-left chunk in logical order already: it stays one piece.
          top.pieces.push(letters(item.str) + (item.hasEOL ? '\n' : ''));
          continue;
        }
        const marked = item as { type: string; tag?: string | null };
        if (marked.type === 'endMarkedContent') {
          const closed = stack.pop();
          if (!closed || stack.length === 0) throw new Error('unbalanced marked content');
          const text =
            closed.actualText ?? (closed.reversed ? [...closed.pieces].reverse() : closed.pieces).join('');
          if (closed.reversed) runs.push(text);
          (stack.at(-1) as Frame).pieces.push(text);
          continue;
        }
        // The same sequence, read from the content stream: it must be the same tag, in the same place.
        const sequence = sequences[next++];
        if (!sequence || sequence.tag !== marked.tag)
          throw new Error(`marked content out of step: ${marked.tag} vs ${sequence?.tag}`);
        stack.push({
          reversed: sequence.tag === 'ReversedChars',
          actualText: sequence.actualText,
          pieces: [],
        });
      }
      if (stack.length !== 1) throw new Error('unbalanced marked content');
      pages.push(root.pieces.join(''));
    }
    const fonts = [
      ...new Set(
        [
          ...Buffer.from(pdf)
            .toString('latin1')
            .matchAll(/\/BaseFont\s*\/(?:[A-Z]{6}\+)?([^\s/<>[\]]+)/g),
        ].map((match) => match[1] as string),
      ),
    ].sort();
    return { pages: document.numPages, text: pages.join('\n'), fonts, rightToLeftRuns: runs };
  } finally {
    await document.destroy();
  }
}
