/**
 * The HID MRZ-scanner adapter at its node-hid boundary: report sequences (fixtures/*.json, in the
 * layouts the adapter documents) replayed through a HidDeviceLike. No virtual HID device can exist
 * in this sandbox (../shared/docs/test-peers.md).
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../../main/errors';
import {
  type HidDeviceLike,
  HidMrzScanner,
  type HidReportFraming,
  MrzReportDecoder,
  type MrzScannerEvent,
  openHidMrzScanner,
} from '../../../native/card/hid-mrz-scanner';

interface Fixture {
  description: string;
  framing: HidReportFraming;
  sequence: ({ report: string } | { error: string })[];
}

const TD1 = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];
const TD3 = ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'];

function fixture(name: string): Fixture {
  return JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8')) as Fixture;
}

class RecordedDevice extends EventEmitter implements HidDeviceLike {
  closed = 0;
  close(): void {
    this.closed += 1;
  }
  replay(sequence: Fixture['sequence']): void {
    for (const step of sequence) {
      if ('report' in step) this.emit('data', Buffer.from(step.report.replace(/\s/g, ''), 'hex'));
      else this.emit('error', new Error(step.error));
    }
  }
}

function scan(name: string) {
  const recorded = fixture(name);
  const device = new RecordedDevice();
  const scanner = new HidMrzScanner(device, recorded.framing, { vendorId: 0x1234, productId: 0x5678 });
  const events: MrzScannerEvent[] = [];
  scanner.watch((event) => events.push(event));
  device.replay(recorded.sequence);
  return { device, scanner, events, recorded };
}

describe('HID MRZ scanner', () => {
  it('assembles a TD1 card from HID POS reports that split every line', () => {
    const { events, recorded } = scan('hid-pos-td1.json');
    expect(recorded.sequence.length).toBeGreaterThan(5);
    expect(events).toEqual([{ type: 'mrz', format: 'TD1', lines: TD1 }]);
  });

  it('assembles a TD3 passport from NUL-padded reports, past an empty report and a banner line', () => {
    const { events } = scan('nul-padded-td3.json');
    expect(events).toEqual([{ type: 'mrz', format: 'TD3', lines: TD3 }]);
  });

  it('ignores other report IDs and empty reports, says when a document ends incomplete, and reports an unplug', async () => {
    const { events, device, scanner } = scan('hid-pos-noise-unplug.json');
    expect(events.map((event) => event.type)).toEqual(['unreadable', 'mrz', 'error']);
    expect(events[0]).toEqual({ type: 'unreadable', reason: 'incomplete' });
    expect(events[1]).toEqual({ type: 'mrz', format: 'TD3', lines: TD3 });
    const failure = events[2] as Extract<MrzScannerEvent, { type: 'error' }>;
    expect(failure.error).toBeInstanceOf(TabibError);
    expect(failure.error.code).toBe('CARD_READER_FAILED');
    expect(failure.error.details).toEqual({
      vendorId: 0x1234,
      productId: 0x5678,
      error: 'could not read from HID device',
    });
    expect(JSON.stringify(failure.error.toShape())).not.toContain('ERIKSSON');
    expect(device.closed).toBe(1);
    // Closed: later reports and a second close change nothing.
    device.replay(fixture('hid-pos-td1.json').sequence);
    await scanner.close();
    expect(events).toHaveLength(3);
    expect(device.closed).toBe(1);
  });

  it('decodes the same bytes whatever the report boundaries', () => {
    const text = `\x02${TD1.join('\r\n')}\r\n\x03`;
    for (const size of [1, 2, 7, 30, 31, 62]) {
      const decoder = new MrzReportDecoder({ reportId: null, payload: 'length-byte' });
      const events: MrzScannerEvent[] = [];
      for (let offset = 0; offset < text.length; offset += size) {
        const part = Buffer.from(text.slice(offset, offset + size), 'latin1');
        events.push(...decoder.push(Uint8Array.of(part.length, ...part, 0, 0, 0)));
      }
      expect(events, `${size} bytes per report`).toEqual([{ type: 'mrz', format: 'TD1', lines: TD1 }]);
    }
  });

  it('restarts a document on a line of another shape, and honours configured end markers', () => {
    const decoder = new MrzReportDecoder({ reportId: null, payload: 'nul-padded', endOfDocument: [0x1d] });
    const push = (text: string) => decoder.push(Buffer.from(text, 'latin1'));
    // A TD3 first line, then TD1 lines: the TD3 line is dropped, the TD1 document completes.
    expect(push(`${TD3[0]}\r${TD1[0]}\r${TD1[1]}\r`)).toEqual([]);
    expect(push(`${TD1[2]}\r`)).toEqual([{ type: 'mrz', format: 'TD1', lines: TD1 }]);
    // Lowercase is not MRZ: noise; the configured marker (GS) ends the document; ETX does not.
    expect(push('i<utod231458907<<<<<<<<<<<<<<<\r\x03')).toEqual([]);
    expect(push('\x1d')).toEqual([{ type: 'unreadable', reason: 'no-mrz' }]);
    expect(push('\x1d')).toEqual([]);
  });

  it('says CARD_NO_READER when node-hid cannot load or the scanner is not attached', async () => {
    const framing: HidReportFraming = { reportId: 2, payload: 'length-byte' };
    const missing = await openHidMrzScanner({ vendorId: 1, productId: 2, framing }, () =>
      Promise.reject(new Error('no prebuilt binary')),
    ).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(TabibError);
    expect((missing as TabibError).code).toBe('CARD_NO_READER');
    expect((missing as TabibError).details).toMatchObject({ reason: 'binding-unavailable' });

    const opened: unknown[][] = [];
    const device = new RecordedDevice();
    const hid = {
      HIDAsync: {
        open: async (...args: unknown[]) => {
          opened.push(args);
          if (args[0] === 0x0c2e)
            throw new Error('cannot open device with vendor id 0xc2e and product id 0x1001');
          return device;
        },
      },
    };
    const absent = await openHidMrzScanner(
      { vendorId: 0x0c2e, productId: 0x1001, framing },
      async () => hid,
    ).catch((error: unknown) => error);
    expect((absent as TabibError).code).toBe('CARD_NO_READER');
    expect((absent as TabibError).details).toMatchObject({ vendorId: 0x0c2e, productId: 0x1001 });

    const scanner = await openHidMrzScanner(
      { vendorId: 0x1234, productId: 0x5678, path: '/dev/hidraw3', framing },
      async () => hid,
    );
    expect(opened).toEqual([[0x0c2e, 0x1001], ['/dev/hidraw3']]);
    const events: MrzScannerEvent[] = [];
    scanner.watch((event) => events.push(event));
    device.replay(fixture('hid-pos-td1.json').sequence);
    expect(events).toEqual([{ type: 'mrz', format: 'TD1', lines: TD1 }]);
    await scanner.close();
    expect(device.closed).toBe(1);
  });
});
