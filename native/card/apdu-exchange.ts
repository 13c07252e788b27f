/**
 * Pure helpers of the PC/SC transport, kept apart from the native binding so they are tested
 * without a reader: the transport-level status words (61xx, 6Cxx), the card's capabilities in its
 * ATR, and the reader's PC/SC part 10 properties.
 */
import type { ResponseApdu } from '../../main/card/card-transport';

/** One raw exchange with the card: command bytes in, response bytes (data + SW1 SW2) out. */
export type RawExchange = (command: Uint8Array) => Promise<Uint8Array>;

/** Thrown by `exchange` for a response the card or reader should never give (under 2 bytes). */
export class MalformedResponseError extends Error {}

const MAX_GET_RESPONSE = 1024;

/** bytes[index], 0 past the end (noUncheckedIndexedAccess; every caller checks lengths first). */
function at(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}

function split(response: Uint8Array): ResponseApdu {
  if (response.length < 2) throw new MalformedResponseError(`a response of ${response.length} bytes`);
  const n = response.length;
  return { data: response.slice(0, n - 2), sw: (at(response, n - 2) << 8) | at(response, n - 1) };
}

/**
 * Where the Le byte of a short command APDU is (ISO/IEC 7816-4 §5.1, cases 2S and 4S), or null for
 * case 1, 3S and extended-length commands.
 */
export function shortLeIndex(command: Uint8Array): number | null {
  if (command.length === 5) return 4;
  if (command.length < 6) return null;
  const lc = at(command, 4);
  if (lc === 0) return null; // extended length
  return command.length === 5 + lc + 1 ? command.length - 1 : null;
}

/** CLA of GET RESPONSE for a command: same logical channel, no secure messaging (ISO 7816-4 §5.4.1). */
function getResponseClass(cla: number): number {
  if ((cla & 0xe0) === 0x00) return cla & 0x03; // first inter-industry values: channel in b2-b1
  if ((cla & 0xc0) === 0x40) return (cla & 0x0f) | 0x40; // further inter-industry values
  return 0x00;
}

/**
 * Sends a command and resolves the transport-level status words, as ISO/IEC 7816-3/-4 asks of the
 * interface device (and as pcsc-lite and WinSCard leave to the application):
 * - 61xx: more bytes are waiting — GET RESPONSE (Le = xx, 00 = 256) until the card stops saying
 *   61xx; the data are concatenated and the final status word returned;
 * - 6Cxx: wrong Le — the same short command is resent once with Le = xx.
 * Returns the number of raw exchanges too (what an APDU budget counts).
 */
export async function exchange(
  send: RawExchange,
  command: Uint8Array,
  options: { getResponse: boolean },
): Promise<ResponseApdu & { exchanges: number }> {
  let response = split(await send(command));
  let exchanges = 1;
  if (!options.getResponse) return { ...response, exchanges };
  if (response.sw >> 8 === 0x6c) {
    const le = shortLeIndex(command);
    if (le !== null) {
      const again = command.slice();
      again[le] = response.sw & 0xff;
      response = split(await send(again));
      exchanges += 1;
    }
  }
  const parts: Uint8Array[] = [response.data];
  let total = response.data.length;
  while (response.sw >> 8 === 0x61) {
    if (exchanges > MAX_GET_RESPONSE)
      throw new MalformedResponseError('a card that never stops answering 61xx');
    const getResponse = Uint8Array.of(
      getResponseClass(command[0] ?? 0),
      0xc0,
      0x00,
      0x00,
      response.sw & 0xff,
    );
    response = split(await send(getResponse));
    exchanges += 1;
    parts.push(response.data);
    total += response.data.length;
  }
  if (parts.length === 1) return { ...response, exchanges };
  const data = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    data.set(part, offset);
    offset += part.length;
  }
  return { data, sw: response.sw, exchanges };
}

export interface AtrInfo {
  /** Protocols the ATR offers (T=0 is implicit when no TDi says otherwise). */
  protocols: number[];
  historicalBytes: Uint8Array;
  /**
   * From the card capabilities (compact-TLV tag 7 in the historical bytes, third software function
   * table, b7: "extended Lc and Le fields"); null when the ATR does not carry them.
   */
  extendedLength: boolean | null;
}

/** Parses an ATR far enough for the transport (ISO/IEC 7816-3 §8.2, 7816-4 §8.1.1). */
export function parseAtr(atr: Uint8Array): AtrInfo | null {
  if (atr.length < 2 || (atr[0] !== 0x3b && atr[0] !== 0x3f)) return null;
  const t0 = at(atr, 1);
  const historicalLength = t0 & 0x0f;
  const protocols = new Set<number>();
  let y = t0 >> 4;
  let index = 2;
  for (;;) {
    index += (y & 1) + ((y >> 1) & 1) + ((y >> 2) & 1); // TAi, TBi, TCi
    if (!(y & 0x8)) break;
    if (index >= atr.length) return null;
    const td = at(atr, index);
    if ((td & 0x0f) !== 0x0f) protocols.add(td & 0x0f); // T=15: global interface bytes
    index += 1;
    y = td >> 4;
  }
  if (protocols.size === 0) protocols.add(0);
  if (index + historicalLength > atr.length) return null;
  const historicalBytes = atr.slice(index, index + historicalLength);
  return {
    protocols: [...protocols].sort(),
    historicalBytes,
    extendedLength: cardCapabilities(historicalBytes),
  };
}

function cardCapabilities(historical: Uint8Array): boolean | null {
  const category = historical[0];
  let end: number;
  if (category === 0x80) end = historical.length;
  else if (category === 0x00)
    end = historical.length - 3; // status indicator in the last 3 bytes
  else return null;
  let index = 1;
  while (index < end) {
    const tag = at(historical, index) >> 4;
    const length = at(historical, index) & 0x0f;
    if (tag === 0x7 && length >= 3) return (at(historical, index + 3) & 0x40) !== 0;
    index += 1 + length;
  }
  return null;
}

/**
 * PC/SC part 10 §2.6.14 (GET_TLV_PROPERTIES): the reader's dwMaxAPDUDataSize (tag 0x0A; 0 = short
 * APDUs only), or null when the properties do not carry it.
 */
export function maxApduDataSize(properties: Uint8Array): number | null {
  let index = 0;
  while (index + 2 <= properties.length) {
    const tag = at(properties, index);
    const length = at(properties, index + 1);
    const value = properties.subarray(index + 2, index + 2 + length);
    if (tag === 0x0a && value.length === 4) {
      return (at(value, 0) | (at(value, 1) << 8) | (at(value, 2) << 16) | (at(value, 3) << 24)) >>> 0;
    }
    index += 2 + length;
  }
  return null;
}
