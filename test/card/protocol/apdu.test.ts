/** APDU encoding and decoding (ISO/IEC 7816-4 §5.1), status words, 61xx / 6Cxx handling. */
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../../main/errors';
import {
  ApduChannel,
  decodeCommand,
  decodeResponse,
  encodeCommand,
  encodeResponse,
  isFileNotFound,
  statusError,
  swErrorCode,
} from '../../../main/card/protocol/apdu';
import { fromHex, toHex } from '../../../main/card/protocol/bytes';
import { ScriptedTransport } from './scripted-transport';

const hex = (command: Parameters<typeof encodeCommand>[0], extended?: boolean) =>
  toHex(encodeCommand(command, extended));

describe('encoding commands', () => {
  it('encodes the four short cases', () => {
    expect(hex({ cla: 0, ins: 0xa4, p1: 0, p2: 0x0c })).toBe('00A4000C');
    expect(hex({ cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 8 })).toBe('0084000008');
    expect(hex({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('011E') })).toBe('00A4020C02011E');
    expect(hex({ cla: 0x10, ins: 0x86, p1: 0, p2: 0, data: fromHex('7C00'), ne: 256 })).toBe(
      '10860000027C0000',
    );
  });

  it('encodes Ne = 256 as 00 and Nc = 255 in short form', () => {
    expect(hex({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 })).toBe('00B0000000');
    expect(hex({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(255) }).slice(0, 10)).toBe(
      '00D60000FF',
    );
  });

  it('switches to extended length when a field does not fit', () => {
    expect(hex({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 257 })).toBe('00B00000000101');
    expect(hex({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65536 })).toBe('00B00000000000');
    const long = encodeCommand({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(256), ne: 65536 });
    expect(toHex(long.subarray(0, 7))).toBe('00D60000000100');
    expect(toHex(long.subarray(long.length - 2))).toBe('0000');
    expect(long.length).toBe(4 + 3 + 256 + 2);
  });

  it('encodes short fields in extended form when forced (case 2E, 3E, 4E)', () => {
    expect(hex({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 4 }, true)).toBe('00B00000000004');
    expect(hex({ cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('011E') }, true)).toBe(
      '00A4020C000002011E',
    );
    expect(hex({ cla: 0, ins: 0x86, p1: 0, p2: 0, data: fromHex('7C00'), ne: 256 }, true)).toBe(
      '008600000000027C000100',
    );
  });

  it('refuses impossible fields', () => {
    expect(() => encodeCommand({ cla: 0, ins: 0x100, p1: 0, p2: 0 })).toThrow(/INS/);
    expect(() => encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 0 })).toThrow(/Ne/);
    expect(() => encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65537 })).toThrow(/Ne/);
    expect(() => encodeCommand({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 300 }, false)).toThrow(/extended/);
    expect(() => encodeCommand({ cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(65536) })).toThrow(
      /too long/,
    );
  });
});

describe('decoding commands', () => {
  it('round-trips every case', () => {
    const cases = [
      { cla: 0, ins: 0xa4, p1: 0, p2: 0x0c },
      { cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 8 },
      { cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 },
      { cla: 0, ins: 0xa4, p1: 2, p2: 0x0c, data: fromHex('011E') },
      { cla: 0x0c, ins: 0xb0, p1: 0, p2: 4, data: fromHex('9701128E082EA28A70F3C7B535'), ne: 256 },
      { cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 65536 },
      { cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 1000 },
      { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(300).fill(7) },
      { cla: 0, ins: 0xd6, p1: 0, p2: 0, data: new Uint8Array(300).fill(7), ne: 2 },
    ];
    for (const command of cases) {
      const decoded = decodeCommand(encodeCommand(command));
      expect(decoded).toMatchObject({ ...command, data: command.data ?? new Uint8Array(0) });
      expect(decoded.ne).toBe(command.ne);
    }
    expect(decodeCommand(fromHex('00B00000000004'))).toMatchObject({ ne: 4, extended: true });
  });

  it('rejects inconsistent lengths', () => {
    expect(() => decodeCommand(fromHex('00A4'))).toThrow();
    expect(() => decodeCommand(fromHex('00A4020C03011E'))).toThrow();
    expect(() => decodeCommand(fromHex('00A4020C02011E0000'))).toThrow();
    expect(() => decodeCommand(fromHex('00A4020C00'.slice(0, 8) + '0000'))).toThrow();
    expect(() => decodeCommand(fromHex('00D60000000003AABBCC00'))).toThrow();
  });

  it('splits responses into data and status word', () => {
    expect(decodeResponse(fromHex('60145F019000'))).toEqual({ data: fromHex('60145F01'), sw: 0x9000 });
    expect(decodeResponse(fromHex('6A82'))).toEqual({ data: new Uint8Array(0), sw: 0x6a82 });
    expect(toHex(encodeResponse({ data: fromHex('01'), sw: 0x6282 }))).toBe('016282');
    expect(() => decodeResponse(fromHex('90'))).toThrow();
  });
});

describe('status words', () => {
  it('maps authentication failures to CARD_ACCESS_DENIED, SM and other errors to CARD_PROTOCOL_ERROR', () => {
    for (const sw of [0x6300, 0x63c2, 0x6982, 0x6983, 0x6984])
      expect(swErrorCode(sw)).toBe('CARD_ACCESS_DENIED');
    for (const sw of [0x6987, 0x6988, 0x6a82, 0x6b00, 0x6700, 0x6d00, 0x6e00, 0x6f00]) {
      expect(swErrorCode(sw)).toBe('CARD_PROTOCOL_ERROR');
    }
    const error = statusError(0x6a82, 'SELECT DG12');
    expect(error).toBeInstanceOf(TabibError);
    expect(error.message).toContain('6A82');
    expect(isFileNotFound(error)).toBe(true);
    expect(isFileNotFound(statusError(0x6982, 'READ'))).toBe(false);
    expect(isFileNotFound(new Error('6A82'))).toBe(false);
  });
});

describe('the channel', () => {
  it('fetches the rest of a response with GET RESPONSE (61xx) and counts every APDU', async () => {
    const transport = new ScriptedTransport([
      ['00B0000000', 'AABB6103'],
      ['00C0000003', 'CCDDEE6100'],
      ['00C0000000', 'FF9000'],
    ]);
    const channel = new ApduChannel(transport);
    const response = await channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 256 });
    expect(toHex(response.data)).toBe('AABBCCDDEEFF');
    expect(response.sw).toBe(0x9000);
    expect(channel.apduCount).toBe(3);
    expect(transport.finished).toBe(true);
  });

  it('resends once with the Le a 6Cxx asks for', async () => {
    const transport = new ScriptedTransport([
      ['00B0000010', '6C04'],
      ['00B0000004', '010203049000'],
    ]);
    const channel = new ApduChannel(transport);
    const response = await channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 16 });
    expect(toHex(response.data)).toBe('01020304');
    expect(channel.apduCount).toBe(2);
  });

  it('refuses to send extended length through a short-only reader', async () => {
    const channel = new ApduChannel(new ScriptedTransport([]));
    await expect(channel.send({ cla: 0, ins: 0xb0, p1: 0, p2: 0, ne: 1000 })).rejects.toMatchObject({
      code: 'CARD_PROTOCOL_ERROR',
    });
    expect(channel.apduCount).toBe(0);
  });

  it('passes CARD_REMOVED from the transport through unchanged', async () => {
    const channel = new ApduChannel({
      reader: 'r',
      atr: new Uint8Array(0),
      extendedLength: false,
      transmit: async () => {
        throw new TabibError('CARD_REMOVED', 'gone');
      },
      close: async () => {},
    });
    await expect(channel.send({ cla: 0, ins: 0x84, p1: 0, p2: 0, ne: 8 })).rejects.toMatchObject({
      code: 'CARD_REMOVED',
    });
  });
});
