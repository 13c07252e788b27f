/**
 * Cleans an MRZ as it arrives from an OCR scanner, a keyboard-wedge scanner or a person typing it:
 * the result is lines of A–Z, 0–9 and '<' only, or MRZ_INVALID.
 */
import { TabibError } from '../../errors';

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

/** ICAO 9303-5/-6/-4: lines × characters per line. */
export const MRZ_LAYOUTS: Record<MrzFormat, { lines: number; length: number }> = {
  TD1: { lines: 3, length: 30 },
  TD2: { lines: 2, length: 36 },
  TD3: { lines: 2, length: 44 },
};

/**
 * What OCR engines and keyboard layouts make of the filler '<': guillemets (French and Arabic
 * keyboards), single angle quotes, full-width, small and mathematical less-than signs, the
 * angle brackets of CJK fonts. NFKC already maps the full-width and small forms; the rest are here.
 */
const FILLER_LOOKALIKES = /[«‹〈⟨〈❮≺⋖˂]/g;

const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

function cleanLine(line: string): string {
  return line
    .normalize('NFKC')
    .replace(ARABIC_INDIC_DIGITS, (digit) => String((digit.codePointAt(0) as number) & 0xf))
    .replace(FILLER_LOOKALIKES, '<')
    .toUpperCase()
    .replace(/[\s\u200B-\u200F\u2060\uFEFF]/g, '');
}

function formatOf(lines: string[]): MrzFormat | null {
  for (const [format, layout] of Object.entries(MRZ_LAYOUTS) as [
    MrzFormat,
    { lines: number; length: number },
  ][])
    if (lines.length === layout.lines && lines.every((line) => line.length === layout.length)) return format;
  return null;
}

function split(joined: string): string[] | null {
  for (const layout of Object.values(MRZ_LAYOUTS))
    if (joined.length === layout.lines * layout.length)
      return Array.from({ length: layout.lines }, (_, index) =>
        joined.slice(index * layout.length, (index + 1) * layout.length),
      );
  return null;
}

/**
 * The MRZ lines from `input`: one string with the lines separated by CR, LF or CRLF (or not
 * separated at all, as some keyboard-wedge scanners send them), or the lines as an array.
 * Upper-cases, drops spaces and invisible characters, maps filler look-alikes to '<' and
 * Arabic-Indic digits to ASCII. Throws MRZ_INVALID (details.field 'layout') when the result is
 * not 3×30, 2×36 or 2×44 characters of A–Z, 0–9 and '<'.
 */
export function normaliseMrz(input: string | readonly string[]): { format: MrzFormat; lines: string[] } {
  const raw = typeof input === 'string' ? input.split(/\r\n|\r|\n/) : [...input];
  const lines = raw.map(cleanLine).filter((line) => line !== '');
  let format = formatOf(lines);
  let result = lines;
  if (!format) {
    // Lines run together or broken in the wrong place: the total length tells the layout.
    const rejoined = split(lines.join(''));
    if (rejoined) {
      result = rejoined;
      format = formatOf(rejoined);
    }
  }
  if (!format)
    throw new TabibError('MRZ_INVALID', 'The MRZ does not have the length of a TD1, TD2 or TD3 zone', {
      field: 'layout',
      lineLengths: lines.map((line) => line.length),
    });
  const bad = result.findIndex((line) => !/^[A-Z0-9<]+$/.test(line));
  if (bad >= 0) {
    const line = result[bad] as string;
    const position = line.search(/[^A-Z0-9<]/);
    throw new TabibError('MRZ_INVALID', `MRZ line ${bad + 1} has a character outside A–Z, 0–9 and '<'`, {
      field: 'characters',
      line: bad + 1,
      position: position + 1,
    });
  }
  return { format, lines: result };
}
