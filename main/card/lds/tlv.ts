/**
 * BER-TLV as the LDS uses it (ISO/IEC 7816-4 §5.2, ICAO 9303-10 §4.2 and Annex), over the one
 * BER-TLV codec of main/card/protocol/tlv.ts (the same objects carry APDUs and secure messaging).
 * The chip's files are not trusted input: every length is checked against what is there, and a
 * malformed object is a CARD_PROTOCOL_ERROR, never a read past the end.
 */
import { TabibError } from '../../errors';
import { concat } from '../protocol/bytes';
import { parseTlv, tlv, tlvTotalLength } from '../protocol/tlv';

export { tlvTotalLength };

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

/** Reads one TLV at `offset`. Throws CARD_PROTOCOL_ERROR if it does not fit in `bytes`. */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  let parsed: ReturnType<typeof parseTlv>;
  try {
    parsed = parseTlv(bytes, offset);
  } catch (error) {
    if (error instanceof TabibError)
      throw new TabibError(error.code, error.message, { ...(error.details as object), offset });
    throw error;
  }
  return {
    tag: parsed.tag,
    constructed: ((bytes[offset] as number) & 0x20) !== 0,
    value: parsed.value,
    offset,
    length: parsed.end - offset,
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
    const object = readTlv(bytes, offset);
    list.push(object);
    offset += object.length;
  }
  return list;
}

/**
 * A file's single top-level object with the expected tag (EF.COM 0x60, DG1 0x61, …). Bytes after
 * it are ignored (some chips pad files), but the object itself must be whole.
 */
export function readFileTlv(bytes: Uint8Array, expectedTag: number, name: string): Tlv {
  if (bytes.length === 0) throw new TabibError('CARD_PROTOCOL_ERROR', `${name} is empty`);
  const object = readTlv(bytes, 0);
  if (object.tag !== expectedTag)
    throw new TabibError(
      'CARD_PROTOCOL_ERROR',
      `${name} starts with tag ${hexTag(object.tag)}, expected ${hexTag(expectedTag)}`,
      { tag: object.tag },
    );
  return object;
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

/** Encodes one TLV (DER length: shortest form). `value` may be several already-encoded children. */
export function encodeTlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  return tlv(tag, ...value);
}

export const concatBytes = concat;
