/** Text and dates as the LDS stores them (ICAO 9303-10 §4.7.11, §4.7.12). */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 (LDS 1.7, which lets DG11 carry Arabic script); Latin-1 for older chips' bytes that are not UTF-8. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes).normalize('NFC');
  } catch {
    return Buffer.from(bytes).toString('latin1');
  }
}

/** '<' separates the parts of a place or an address: "RABAT<MAROC" → "RABAT, MAROC". */
export function fieldsToText(value: string): string {
  return value
    .split('<')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');
}

/** A name field: primary identifier '<<' secondary identifier, '<' (or space) between words. */
export function splitLdsName(value: string): { family: string; given: string } {
  const words = (part: string): string =>
    part
      .split(/[<\s]+/)
      .filter(Boolean)
      .join(' ');
  const separator = value.indexOf('<<');
  if (separator < 0) return { family: words(value), given: '' };
  return { family: words(value.slice(0, separator)), given: words(value.slice(separator + 2)) };
}

/**
 * A full date, YYYYMMDD in ASCII digits (LDS 1.7) or four BCD bytes (some LDS 1.6 chips), as
 * YYYY-MM-DD; '00' for an unknown month or day gives YYYY or YYYY-MM. Null if it is neither.
 */
export function ldsDate(bytes: Uint8Array): string | null {
  let digits: string;
  if (bytes.length === 8) digits = Buffer.from(bytes).toString('latin1');
  else if (bytes.length === 4) digits = Buffer.from(bytes).toString('hex');
  else return null;
  const match = /^(\d{4})(\d\d)(\d\d)$/.exec(digits);
  if (!match) return null;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  if (month === '00') return year;
  if (Number(month) > 12) return null;
  if (day === '00') return `${year}-${month}`;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCDate() !== Number(day)) return null;
  return `${year}-${month}-${day}`;
}
