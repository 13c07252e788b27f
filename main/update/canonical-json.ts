/**
 * The bytes a signature covers. RFC 8785 (JSON Canonicalization Scheme) restricted to the values
 * Tabib's signed documents hold: objects, arrays, strings, booleans, null and safe integers.
 *
 * - object members sorted by their names' UTF-16 code units (RFC 8785 §3.2.3), which is what
 *   `Array.prototype.sort` does on strings;
 * - no whitespace; strings escaped as ECMAScript's JSON.stringify does (RFC 8785 §3.2.2.2);
 * - numbers: only safe integers. RFC 8785 §3.2.2.3 formats any double the ECMAScript way; refusing
 *   the rest means no signer in another language can ever disagree with us about a float.
 *
 * Signer and verifier both serialise the parsed `signed` object, so whitespace and key order in
 * the file on the server do not matter; what is signed is the data.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new TypeError(`canonical JSON holds safe integers only, not ${value}`);
    // RFC 8785 §3.2.2.3: minus zero serialises as 0.
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: unknown) => canonicalJson(item)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}

export function canonicalBytes(value: unknown): Buffer {
  return Buffer.from(canonicalJson(value), 'utf8');
}
