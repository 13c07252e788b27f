/**
 * Reading transparent files (ISO/IEC 7816-4 §11.2.3 READ BINARY; ICAO 9303-10 §3 and 9303-11
 * §4.1 for the eMRTD's files). A data group is one BER-TLV: the reader reads a first full chunk
 * (a small file comes whole in it; a chip answers 6282 when the file ends first), learns the
 * total length from the TLV header, then reads exactly the rest in the largest chunks the card's
 * maximum response length allows: ceil(size / chunk) READ BINARY, the fewest the limit permits.
 *
 * Offsets up to 32767 fit in P1-P2 (INS B0, P1 bit 8 = 0). Beyond, READ BINARY with odd INS B1
 * carries the offset in DO'54' and returns the data in DO'53' (§11.2.3); secure messaging then
 * uses DO'85' instead of DO'87' (ICAO 9303-11 §9.8.4). Files read by short file identifier
 * (P1 = 80 | SFI) need no SELECT.
 */
import { TabibError } from '../../errors';
import { type ApduSender, type CommandApdu, SW, statusError } from './apdu';
import { concat, uint } from './bytes';
import { encodeLength, parseTlv, tlvTotalLength } from './tlv';

/** A file: a file identifier (SELECT, then READ BINARY) or a short file identifier (1..30). */
export type FileRef = { fid: number } | { sfi: number };

/**
 * The header read of ICAO 9303-11 Appendix D.4: a one-byte tag and a length up to 82 xx xx (files
 * up to 64 kB). Used where a whole chunk at first is refused (6700), and by the Appendix D tests.
 */
export const HEADER_READ_LENGTH = 4;
/** Largest offset P1-P2 can express (15 bits). */
export const MAX_EVEN_OFFSET = 0x7fff;

export interface FileReadProgress {
  /** The file as asked for. */
  file: FileRef;
  /** Bytes read so far. */
  read: number;
  /** Total bytes, once the header has been read. */
  total: number | null;
}

export interface ReadLimits {
  /** Largest plaintext READ BINARY (B0) may return in one response. */
  chunk: number;
  /** Largest DO'53' value READ BINARY (B1) may return in one response. */
  oddChunk: number;
  /** Bytes asked by the first READ BINARY (default `chunk`; HEADER_READ_LENGTH reads as Appendix D.4 does). */
  firstRead?: number;
}

export function fileLabel(file: FileRef): string {
  return 'fid' in file
    ? `file ${file.fid.toString(16).padStart(4, '0').toUpperCase()}`
    : `file SFI ${file.sfi.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** SELECT EF by file identifier under the current DF, no response data (P1 02, P2 0C). */
export async function selectFile(sender: ApduSender, fid: number): Promise<void> {
  const response = await sender.send({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: uint(fid, 2) });
  if (response.sw !== SW.OK) throw statusError(response.sw, `SELECT ${fileLabel({ fid })}`);
}

function readCommand(offset: number, ne: number, sfi?: number): CommandApdu {
  if (sfi !== undefined) {
    if (offset > 0xff) throw new Error('an SFI read takes an offset of one byte');
    return { cla: 0x00, ins: 0xb0, p1: 0x80 | sfi, p2: offset, ne };
  }
  if (offset <= MAX_EVEN_OFFSET) return { cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, ne };
  // Odd INS: offset in DO'54'; the response is DO'53' whose header takes 1 + length bytes.
  const offsetBytes = offset <= 0xffff ? uint(offset, 2) : uint(offset, 3);
  const doHeader = 1 + encodeLength(ne).length;
  return {
    cla: 0x00,
    ins: 0xb1,
    p1: 0,
    p2: 0,
    data: concat(Uint8Array.of(0x54, offsetBytes.length), offsetBytes),
    ne: ne + doHeader,
  };
}

/** One READ BINARY; returns the bytes at `offset` (at most `length`). 6282 (end of file) is accepted. */
async function readAt(
  sender: ApduSender,
  file: FileRef,
  offset: number,
  length: number,
  sfi?: number,
): Promise<Uint8Array> {
  const command = readCommand(offset, length, sfi);
  const response = await sender.send(command);
  if (response.sw !== SW.OK && response.sw !== SW.END_OF_FILE) {
    throw statusError(response.sw, `READ BINARY ${fileLabel(file)} at ${offset}`);
  }
  let data = response.data;
  if (command.ins === 0xb1) {
    const dataObject = parseTlv(data, 0);
    if (dataObject.tag !== 0x53)
      throw new TabibError('CARD_PROTOCOL_ERROR', 'READ BINARY (B1) returned no DO53.');
    data = dataObject.value;
  }
  if (data.length > length) {
    throw new TabibError(
      'CARD_PROTOCOL_ERROR',
      `READ BINARY returned ${data.length} bytes, more than the ${length} asked.`,
    );
  }
  return data;
}

/**
 * Reads a whole BER-TLV file: SELECT (for a FID), a first READ BINARY of a whole chunk (or
 * `limits.firstRead` bytes), then reads of exactly what remains, each as large as the limit allows.
 */
export async function readTlvFile(
  sender: ApduSender,
  file: FileRef,
  limits: ReadLimits,
  onProgress?: (progress: FileReadProgress) => void,
): Promise<Uint8Array> {
  if (limits.chunk < HEADER_READ_LENGTH) throw new Error('chunk smaller than a header read');
  let sfi: number | undefined;
  if ('fid' in file) await selectFile(sender, file.fid);
  else {
    if (!Number.isInteger(file.sfi) || file.sfi < 1 || file.sfi > 30)
      throw new Error(`bad short file identifier ${file.sfi}`);
    sfi = file.sfi;
  }
  let asked = Math.max(HEADER_READ_LENGTH, Math.min(limits.firstRead ?? limits.chunk, limits.chunk));
  let head: Uint8Array;
  try {
    head = await readAt(sender, file, 0, asked, sfi);
  } catch (error) {
    // A chip that refuses to be asked for more than its file holds (6700): the header read instead.
    const sw = error instanceof TabibError ? (error.details as { sw?: string } | undefined)?.sw : undefined;
    if (asked === HEADER_READ_LENGTH || sw !== '6700') throw error;
    asked = HEADER_READ_LENGTH;
    head = await readAt(sender, file, 0, asked, sfi);
  }
  let total = tlvTotalLength(head);
  while (total === null && head.length === asked && head.length > 0 && head.length < 12) {
    // The header is longer than the bytes read: read a few more.
    head = concat(head, await readAt(sender, file, head.length, HEADER_READ_LENGTH));
    asked += HEADER_READ_LENGTH;
    total = tlvTotalLength(head);
  }
  if (total === null) {
    throw new TabibError('CARD_PROTOCOL_ERROR', `${fileLabel(file)} does not start with a BER-TLV header.`);
  }
  onProgress?.({ file, read: Math.min(head.length, total), total });
  if (head.length >= total) return head.slice(0, total);
  if (head.length < asked) {
    throw new TabibError('CARD_PROTOCOL_ERROR', `${fileLabel(file)} is shorter than its TLV length says.`);
  }
  const out = new Uint8Array(total);
  out.set(head);
  let offset = head.length;
  while (offset < total) {
    const odd = offset > MAX_EVEN_OFFSET;
    const length = Math.min(odd ? limits.oddChunk : limits.chunk, total - offset);
    // After the first read the file is current: later reads use offsets, not the SFI.
    const data = await readAt(sender, file, offset, length);
    if (data.length === 0) {
      throw new TabibError('CARD_PROTOCOL_ERROR', `${fileLabel(file)} ended at ${offset} of ${total} bytes.`);
    }
    out.set(data, offset);
    offset += data.length;
    onProgress?.({ file, read: offset, total });
  }
  return out;
}

/** The largest DO'53' value that fits when the whole DO'53' may be `plaintext` bytes. */
export function oddChunkFor(plaintext: number): number {
  let n = plaintext - 2;
  while (n > 0 && n + 1 + encodeLength(n).length > plaintext) n--;
  return n;
}
