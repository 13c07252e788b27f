/**
 * BER-TLV as the LDS uses it (ISO/IEC 7816-4 §5.2, ICAO 9303-10 §4.2 and Annex): tags of one to
 * three bytes, definite lengths in short form or long form of up to four length bytes. The chip's
 * files are not trusted input: every length is checked against what is there, and a malformed
 * object is a CARD_PROTOCOL_ERROR, never a read past the end.
 */
import { TabibError } from '../../errors';

export interface Tlv {
  /** The tag as a number, its bytes big-endian: 0x61, 0x5F1F, 0x7F61. */
  tag: number;
  /** Constructed (bit 6 of the first tag byte): the value is itself a sequence of TLVs. */
  constructed: boolean;
  value: Uint8Array;
  /** Offset of the tag in the input, and the whole object's encoded length. */
  offset: number;
  length: number;
}

function malformed(message: string, offset: number): TabibError {
  return new TabibError('CARD_PROTOCOL_ERROR', `Malformed BER-TLV: ${message}`, { offset });
}

/** Reads one TLV at `offset`. Throws CARD_PROTOCOL_ERROR if it does not fit in `bytes`. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  let position = offset;
  const byte = (): number => {
    if (position >= bytes.length) throw malformed('truncated', offset);
    return bytes[position++] as number;
  };
  const first = byte();
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    // Subsequent tag bytes: b8 set means another follows (ISO/IEC 7816-4 §5.2.2.1); at most three bytes in all.
    let next: number;
    let count = 1;
    do {
      next = byte();
      tag = tag * 256 + next;
      count += 1;
      if (count > 3) throw malformed('tag longer than three bytes', offset);
    } while (next & 0x80);
  }
  const constructed = (first & 0x20) !== 0;
  const lengthByte = byte();
  let length: number;
  if (lengthByte < 0x80) length = lengthByte;
  else if (lengthByte === 0x80) throw malformed('indefinite length is not allowed in the LDS', offset);
  else {
    const count = lengthByte & 0x7f;
    if (count > 4) throw malformed(`length of ${count} bytes`, offset);
    length = 0;
    for (let index = 0; index < count; index++) length = length * 256 + byte();
  }
  if (position + length > bytes.length)
    throw malformed(`value of ${length} bytes overruns the data (${bytes.length - position} left)`, offset);
  return {
    tag,
    constructed,
    value: bytes.subarray(position, position + length),
    offset,
    length: position + length - offset,
  };
}

/** Reads every TLV in `bytes`, one after another (the content of a constructed object). */
export function readTlvList(bytes: Uint8Array): Tlv[] {
  const list: Tlv[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    // ISO/IEC 7816-4 allows 00 and FF padding between objects.
    if (bytes[offset] === 0x00 || bytes[offset] === 0xff) {
      offset += 1;
      continue;
    }
    const tlv = readTlv(bytes, offset);
    list.push(tlv);
    offset += tlv.length;
  }
  return list;
}

/**
 * A file's single top-level object with the expected tag (EF.COM 0x60, DG1 0x61, …). Bytes after
 * it are ignored (some chips pad files), but the object itself must be whole.
 */
export function readFileTlv(bytes: Uint8Array, expectedTag: number, name: string): Tlv {
  if (bytes.length === 0) throw new TabibError('CARD_PROTOCOL_ERROR', `${name} is empty`);
  const tlv = readTlv(bytes, 0);
  if (tlv.tag !== expectedTag)
    throw new TabibError(
      'CARD_PROTOCOL_ERROR',
      `${name} starts with tag ${hexTag(tlv.tag)}, expected ${hexTag(expectedTag)}`,
      { tag: tlv.tag },
    );
  return tlv;
}

/**
 * The length of a whole file from its first bytes (tag and length), so a reader can read the
 * file in as few APDUs as possible. Null if `head` is too short to tell.
 */
export function tlvTotalLength(head: Uint8Array): number | null {
  let position = 1;
  if (head.length < 2) return null;
  if (((head[0] as number) & 0x1f) === 0x1f) {
    while (position < head.length && ((head[position] as number) & 0x80) !== 0) position++;
    position++;
  }
  if (position >= head.length) return null;
  const lengthByte = head[position++] as number;
  if (lengthByte < 0x80) return position + lengthByte;
  const count = lengthByte & 0x7f;
  if (count === 0 || count > 4) throw malformed('unsupported length form', 0);
  if (position + count > head.length) return null;
  let length = 0;
  for (let index = 0; index < count; index++) length = length * 256 + (head[position + index] as number);
  return position + count + length;
}

/** The first child with `tag`, or undefined. */
export function findTlv(children: Tlv[], tag: number): Tlv | undefined {
  return children.find((child) => child.tag === tag);
}

/** The child with `tag`, or CARD_PROTOCOL_ERROR naming where it was expected. */
export function requireTlv(children: Tlv[], tag: number, where: string): Tlv {
  const found = findTlv(children, tag);
  if (!found) throw new TabibError('CARD_PROTOCOL_ERROR', `${where} has no tag ${hexTag(tag)}`, { tag });
  return found;
}

export function hexTag(tag: number): string {
  return tag.toString(16).toUpperCase().padStart(2, '0');
}

function tagBytes(tag: number): number[] {
  if (!Number.isInteger(tag) || tag < 0 || tag > 0xffffff) throw new RangeError(`tag ${tag} out of range`);
  const out: number[] = [];
  let rest = tag;
  do {
    out.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  } while (rest > 0);
  return out;
}

function lengthBytes(length: number): number[] {
  if (length < 0x80) return [length];
  const out: number[] = [];
  let rest = length;
  while (rest > 0) {
    out.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  }
  return [0x80 | out.length, ...out];
}

/** Encodes one TLV (DER length: shortest form). `value` may be several already-encoded children. */
export function encodeTlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const body = concatBytes(...value);
  const head = [...tagBytes(tag), ...lengthBytes(body.length)];
  const out = new Uint8Array(head.length + body.length);
  out.set(head, 0);
  out.set(body, head.length);
  return out;
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
