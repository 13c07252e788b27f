/**
 * Byte helpers shared by the ICAO 9303 protocol code: hex, concatenation, comparison, big-endian
 * integers. Nothing here knows about cards.
 */

/** Upper-case hex of the bytes, no separators (the notation of ICAO 9303-11's worked examples). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

/** Bytes from hex; spaces and line breaks are ignored so test vectors can be copied as printed. */
export function fromHex(hex: string): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`not hex: ${hex}`);
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The byte at `index`; throws on an index outside the array (no silent undefined). */
export function byteAt(data: Uint8Array, index: number): number {
  const value = data[index];
  if (value === undefined) throw new RangeError(`byte ${index} is outside ${data.length} bytes`);
  return value;
}

/** Compares without an early exit (MACs and authentication tokens). */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= byteAt(a, i) ^ byteAt(b, i);
  return diff === 0;
}

export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new Error('xor of different lengths');
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = byteAt(a, i) ^ byteAt(b, i);
  return out;
}

/** Unsigned big-endian integer of the bytes. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt('0x' + toHex(bytes));
}

/** Unsigned big-endian encoding of `value` on exactly `length` bytes (ICAO 9303-11 §9.4.2 FE2OS/I2OS). */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  if (value < 0n) throw new Error('negative integer');
  const hex = value.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new Error(`integer does not fit in ${length} bytes`);
  return fromHex(hex);
}

/** Big-endian unsigned integer on `length` bytes from a JS number (counters, lengths). */
export function uint(value: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = v & 0xff;
    v = Math.floor(v / 256);
  }
  if (v !== 0) throw new Error(`${value} does not fit in ${length} bytes`);
  return out;
}
