/**
 * BER-TLV as ISO/IEC 7816-4 §5.2 uses it in APDUs, secure messaging data objects and the LDS:
 * tags of one to three bytes, lengths in short form (< 0x80) or long form 0x81..0x84.
 */
import { byteAt, concat, uint } from './bytes';
import { TabibError } from '../../errors';

export interface Tlv {
  /** The tag as a number, all its bytes: 0x87, 0x7f49, 0x5f1f. */
  tag: number;
  /** Offset of the tag in the parsed buffer. */
  start: number;
  /** Offset of the value. */
  valueStart: number;
  /** Offset just after the value. */
  end: number;
  value: Uint8Array;
}

function malformed(what: string): TabibError {
  return new TabibError('CARD_PROTOCOL_ERROR', `Malformed BER-TLV data from the card: ${what}.`);
}

/** Reads a tag at `offset`; returns the tag number and the offset after it, or null if truncated. */
export function readTag(data: Uint8Array, offset: number): { tag: number; next: number } | null {
  let i = offset;
  if (i >= data.length) return null;
  const first = byteAt(data, i++);
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes follow while bit 8 is set (ISO/IEC 8825-1 §8.1.2.4).
    for (let count = 0; ; count++) {
      if (i >= data.length) return null;
      // At most three tag bytes in all (ISO/IEC 7816-4 §5.2.2.1).
      if (count >= 2) throw malformed('tag longer than three bytes');
      const b = byteAt(data, i++);
      tag = tag * 256 + b;
      if ((b & 0x80) === 0) break;
    }
  }
  return { tag, next: i };
}

/** Reads a length at `offset`; returns it and the offset after it, or null if truncated. */
export function readLength(data: Uint8Array, offset: number): { length: number; next: number } | null {
  if (offset >= data.length) return null;
  const first = byteAt(data, offset);
  if (first < 0x80) return { length: first, next: offset + 1 };
  const count = first & 0x7f;
  if (count === 0) throw malformed('indefinite length is not allowed');
  if (count > 4) throw malformed(`length of ${count} bytes`);
  if (offset + 1 + count > data.length) return null;
  let length = 0;
  for (let k = 0; k < count; k++) length = length * 256 + byteAt(data, offset + 1 + k);
  return { length, next: offset + 1 + count };
}

/**
 * The size of a whole TLV (header + value) from its first bytes, or null if `head` is too short
 * to hold the header. Used by the file reader to learn a data group's length from its first bytes.
 */
export function tlvTotalLength(head: Uint8Array): number | null {
  const tag = readTag(head, 0);
  if (!tag) return null;
  const length = readLength(head, tag.next);
  if (!length) return null;
  return length.next + length.length;
}

/** Parses one TLV at `offset`. */
export function parseTlv(data: Uint8Array, offset = 0): Tlv {
  const tag = readTag(data, offset);
  if (!tag) throw malformed('truncated tag');
  const length = readLength(data, tag.next);
  if (!length) throw malformed('truncated length');
  const end = length.next + length.length;
  if (end > data.length)
    throw malformed(
      `value of tag ${tag.tag.toString(16).toUpperCase()} (${length.length} bytes) overruns the data (${data.length - length.next} left)`,
    );
  return {
    tag: tag.tag,
    start: offset,
    valueStart: length.next,
    end,
    value: data.subarray(length.next, end),
  };
}

/** Parses consecutive TLVs filling `data` exactly. */
export function parseTlvList(data: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < data.length) {
    const tlv = parseTlv(data, offset);
    out.push(tlv);
    offset = tlv.end;
  }
  return out;
}

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  if (length <= 0xff) return Uint8Array.of(0x81, length);
  if (length <= 0xffff) return concat(Uint8Array.of(0x82), uint(length, 2));
  if (length <= 0xffffff) return concat(Uint8Array.of(0x83), uint(length, 3));
  return concat(Uint8Array.of(0x84), uint(length, 4));
}

export function encodeTag(tag: number): Uint8Array {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new RangeError(`tag ${tag} out of range`);
  if (tag <= 0xff) return Uint8Array.of(tag);
  if (tag <= 0xffff) return uint(tag, 2);
  return uint(tag, 3);
}

/** Encodes a TLV; `value` may be several already-encoded TLVs (a constructed object). */
export function tlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const body = concat(...value);
  return concat(encodeTag(tag), encodeLength(body.length), body);
}
