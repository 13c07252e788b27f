import { describe, expect, test } from 'vitest';
import { encodeTlv, readFileTlv, readTlv, readTlvList, tlvTotalLength } from '../../../main/card/lds';

const bytes = (...values: number[]): Uint8Array => new Uint8Array(values);

function protocolError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect((error as { code?: string }).code).toBe('CARD_PROTOCOL_ERROR');
    return (error as Error).message;
  }
  throw new Error('expected CARD_PROTOCOL_ERROR');
}

describe('BER-TLV reader', () => {
  test('one-, two- and three-byte tags; primitive and constructed', () => {
    expect(readTlv(bytes(0x61, 0x01, 0xaa))).toMatchObject({ tag: 0x61, constructed: true, length: 3 });
    expect(readTlv(bytes(0x5f, 0x1f, 0x02, 0x41, 0x42))).toMatchObject({
      tag: 0x5f1f,
      constructed: false,
      length: 5,
    });
    expect(readTlv(bytes(0x7f, 0x61, 0x00))).toMatchObject({ tag: 0x7f61, constructed: true, length: 3 });
    expect(readTlv(bytes(0x5f, 0x81, 0x01, 0x00)).tag).toBe(0x5f8101);
    expect(protocolError(() => readTlv(bytes(0x5f, 0x81, 0x81, 0x01, 0x00)))).toMatch(/three bytes/);
  });

  test('short and long lengths, up to four length bytes', () => {
    expect(readTlv(bytes(0x04, 0x7f, ...new Array<number>(0x7f).fill(1))).value.length).toBe(0x7f);
    expect(readTlv(bytes(0x04, 0x81, 0x80, ...new Array<number>(0x80).fill(1))).value.length).toBe(0x80);
    expect(readTlv(bytes(0x04, 0x82, 0x01, 0x00, ...new Array<number>(256).fill(1))).value.length).toBe(256);
    expect(readTlv(bytes(0x04, 0x84, 0x00, 0x00, 0x00, 0x01, 0x09)).value).toEqual(bytes(0x09));
    expect(protocolError(() => readTlv(bytes(0x04, 0x85, 0, 0, 0, 0, 1)))).toMatch(/length of 5 bytes/);
    expect(protocolError(() => readTlv(bytes(0x30, 0x80, 0x00, 0x00)))).toMatch(/indefinite/);
  });

  test('a value that overruns, a truncated tag or length', () => {
    expect(protocolError(() => readTlv(bytes(0x04, 0x05, 1, 2)))).toMatch(/overruns/);
    expect(protocolError(() => readTlv(bytes(0x04, 0x82, 0x01)))).toMatch(/truncated/);
    expect(protocolError(() => readTlv(bytes(0x5f)))).toMatch(/truncated/);
    expect(protocolError(() => readTlv(bytes()))).toMatch(/truncated/);
    expect(protocolError(() => readTlv(bytes(0x04, 0x82, 0xff, 0xff, 0x00)))).toMatch(/overruns/);
  });

  test('a list, with 00/FF padding between objects', () => {
    const list = readTlvList(bytes(0x80, 0x01, 0x01, 0x00, 0xff, 0x81, 0x00, 0x82, 0x02, 0x03, 0x04));
    expect(list.map((entry) => entry.tag)).toEqual([0x80, 0x81, 0x82]);
    expect(list[2]?.value).toEqual(bytes(3, 4));
    expect(protocolError(() => readTlvList(bytes(0x80, 0x01, 0x01, 0x81, 0x02, 0x00)))).toMatch(/overruns/);
  });

  test('a file must start with its own tag', () => {
    expect(readFileTlv(bytes(0x61, 0x00, 0x00, 0x00), 0x61, 'DG1').length).toBe(2);
    expect(protocolError(() => readFileTlv(bytes(0x75, 0x00), 0x61, 'DG1'))).toMatch(
      /DG1 starts with tag 75, expected 61/,
    );
    expect(protocolError(() => readFileTlv(bytes(), 0x61, 'DG1'))).toMatch(/empty/);
  });
});

describe('BER-TLV writer', () => {
  test('round-trips tags and the shortest length form', () => {
    for (const length of [0, 1, 127, 128, 255, 256, 65535, 65536]) {
      const encoded = encodeTlv(0x5f2e, new Uint8Array(length));
      const lengthBytes = length < 128 ? 1 : length < 256 ? 2 : length < 65536 ? 3 : 4;
      expect(encoded.length).toBe(2 + lengthBytes + length);
      expect(readTlv(encoded)).toMatchObject({ tag: 0x5f2e, length: encoded.length });
      expect(readTlv(encoded).value.length).toBe(length);
    }
    expect(encodeTlv(0x7f61, encodeTlv(0x02, bytes(1)))).toEqual(bytes(0x7f, 0x61, 0x03, 0x02, 0x01, 0x01));
    expect(() => encodeTlv(0x1000000)).toThrow(RangeError);
  });

  test('the whole length of a file from its first bytes', () => {
    expect(tlvTotalLength(bytes(0x61))).toBeNull();
    expect(tlvTotalLength(bytes(0x61, 0x5b))).toBe(0x5d);
    expect(tlvTotalLength(bytes(0x75, 0x82, 0x3a))).toBeNull();
    expect(tlvTotalLength(bytes(0x75, 0x82, 0x3a, 0x98))).toBe(4 + 0x3a98);
    expect(tlvTotalLength(bytes(0x7f, 0x61, 0x81, 0x90))).toBe(4 + 0x90);
    expect(tlvTotalLength(encodeTlv(0x77, new Uint8Array(1500)).subarray(0, 6))).toBe(1504);
  });
});
