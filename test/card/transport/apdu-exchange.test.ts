/**
 * The transport's pure parts: 61xx / 6Cxx resolution against a scripted card, ATR card
 * capabilities and the reader's PC/SC part 10 properties. (vicc answers 61xx but never 6Cxx; the
 * real exchange is tested in pcsc-transport.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import {
  exchange,
  MalformedResponseError,
  maxApduDataSize,
  parseAtr,
  shortLeIndex,
} from '../../../native/card/apdu-exchange';

const bytes = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s/g, ''), 'hex'));
const hex = (value: Uint8Array) => Buffer.from(value).toString('hex').toUpperCase();

/** A card that answers from a script: each expected command (hex) → its response (hex). */
function scripted(script: [string, string][]) {
  const sent: string[] = [];
  const send = async (command: Uint8Array) => {
    sent.push(hex(command));
    const step = script.shift();
    if (!step) throw new Error(`unexpected command ${hex(command)}`);
    expect(hex(command)).toBe(step[0].replace(/\s/g, ''));
    return bytes(step[1]);
  };
  return { send, sent, left: () => script.length };
}

describe('exchange', () => {
  it('follows 61xx with GET RESPONSE until the card stops, and concatenates the data', async () => {
    const card = scripted([
      ['00 B0 0000 00', 'AA BB 61 03'],
      ['00 C0 0000 03', 'CC DD EE 61 00'],
      ['00 C0 0000 00', '11 22 90 00'],
    ]);
    const response = await exchange(card.send, bytes('00 B0 0000 00'), { getResponse: true });
    expect(hex(response.data)).toBe('AABBCCDDEE1122');
    expect(response.sw).toBe(0x9000);
    expect(response.exchanges).toBe(3);
    expect(card.left()).toBe(0);
  });

  it('keeps the logical channel and drops secure messaging in GET RESPONSE', async () => {
    const card = scripted([
      ['0D B0 0000 00', '61 02'],
      ['01 C0 0000 02', '99 87 62 82'],
    ]);
    const response = await exchange(card.send, bytes('0D B0 0000 00'), { getResponse: true });
    expect(response).toEqual({ data: bytes('9987'), sw: 0x6282, exchanges: 2 });
  });

  it('resends a short command once with the Le the card asks for (6Cxx)', async () => {
    const card = scripted([
      ['00 CA 9F7F 00', '6C 2D'],
      ['00 CA 9F7F 2D', '01 02 90 00'],
    ]);
    const response = await exchange(card.send, bytes('00 CA 9F7F 00'), { getResponse: true });
    expect(response).toEqual({ data: bytes('0102'), sw: 0x9000, exchanges: 2 });
    // Case 4S: the Le is the last byte.
    expect(shortLeIndex(bytes('00 A4 040C 02 3F00 00'))).toBe(7);
    // Case 3S and extended length have no short Le to correct.
    expect(shortLeIndex(bytes('00 A4 020C 02 0101'))).toBeNull();
    expect(shortLeIndex(bytes('00 B0 0000 00 0000'))).toBeNull();
    const case3 = scripted([['00 A4 020C 02 0101', '6C 10']]);
    expect((await exchange(case3.send, bytes('00 A4 020C 02 0101'), { getResponse: true })).sw).toBe(0x6c10);
  });

  it('returns 61xx and 6Cxx untouched when asked to', async () => {
    const card = scripted([['00 84 0000 04', '01 02 03 04 61 04']]);
    const response = await exchange(card.send, bytes('00 84 0000 04'), { getResponse: false });
    expect(response).toEqual({ data: bytes('01020304'), sw: 0x6104, exchanges: 1 });
  });

  it('refuses a response shorter than a status word', async () => {
    const card = scripted([['00 84 0000 08', '90']]);
    await expect(exchange(card.send, bytes('00 84 0000 08'), { getResponse: true })).rejects.toBeInstanceOf(
      MalformedResponseError,
    );
  });
});

describe('parseAtr', () => {
  it("reads vicc's ATR: T=1, card capabilities without extended length", () => {
    const atr = parseAtr(bytes('3B 95 13 81 01 80 73 FF 01 00 0B'));
    expect(atr).toEqual({ protocols: [1], historicalBytes: bytes('80 73 FF 01 00'), extendedLength: false });
  });

  it('finds extended Lc/Le in the third software function table', () => {
    // Category 00 (status in the last 3 bytes), card capabilities 73 00 00 40, status 05 90 00.
    const atr = parseAtr(bytes('3B 88 80 01 00 73 00 00 40 05 90 00 5C'));
    expect(atr?.extendedLength).toBe(true);
    expect(atr?.protocols).toEqual([0, 1]);
  });

  it('says nothing where the ATR carries no card capabilities (a contactless eMRTD via PC/SC)', () => {
    const atr = parseAtr(bytes('3B 88 80 01 E1 F3 5E 11 77 83 95 00 3C'));
    expect(atr?.extendedLength).toBeNull();
    expect(parseAtr(bytes('3B 02 14 50'))).toEqual({
      protocols: [0],
      historicalBytes: bytes('14 50'),
      extendedLength: null,
    });
    expect(parseAtr(bytes('12 34'))).toBeNull();
    expect(parseAtr(bytes('3B 9F 96'))).toBeNull(); // truncated
  });
});

describe('maxApduDataSize', () => {
  it("reads dwMaxAPDUDataSize from the reader's TLV properties", () => {
    // wLcdLayout (01, 2 bytes), bMinPINSize (06), dwMaxAPDUDataSize = 65544 (0A), wIdVendor (0B).
    expect(maxApduDataSize(bytes('01 02 0000 06 01 04 0A 04 08000100 0B 02 E608'))).toBe(65544);
    expect(maxApduDataSize(bytes('0A 04 00000000'))).toBe(0);
    expect(maxApduDataSize(bytes('01 02 0000'))).toBeNull();
  });
});
