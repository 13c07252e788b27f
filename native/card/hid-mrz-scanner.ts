/**
 * OCR document scanners (MRZ readers) in vendor HID-data mode, over node-hid: the scanner reads the
 * machine-readable zone of a passport or ID card and sends it as HID input reports; this adapter
 * turns the reports into MRZ lines. (Scanners in keyboard-wedge mode type into the focused window
 * instead, and node-hid cannot open them: main/card/keyboard-wedge.ts handles those.)
 *
 * What is assumed about the reports — scanners differ, so the framing is configuration:
 * - `reportId`: with numbered reports, node-hid gives the report ID as the first byte; only reports
 *   with this ID carry text (others, e.g. status reports, are ignored). null: no report ID byte.
 * - `payload`:
 *   'length-byte' — the next byte is the count of text bytes that follow, the rest is padding (the
 *     USB HID POS bar-code scanner layout, usage page 0x8C, that many OCR readers also use);
 *   'nul-padded' — every following byte is text, NUL bytes are padding (fixed-size reports).
 * - Text is ASCII. CR, LF or CR LF end a line; empty lines are skipped. Other control characters
 *   (STX, a scanner's prefix) are dropped.
 * - A document ends when its lines form a complete MRZ — 3 lines of 30 characters (TD1), 2 of 36
 *   (TD2, MRV-B) or 2 of 44 (TD3, MRV-A) — or at an end-of-document byte (`endOfDocument`, default
 *   ETX 0x03 and EOT 0x04). An end marker with an incomplete MRZ pending gives 'unreadable'.
 * - A line that is not MRZ-shaped (other characters, another length) is noise: it is dropped and
 *   restarts the document.
 * The MRZ is only shaped here, not validated: check digits belong to main/card/ (MRZ_INVALID).
 * Nothing here logs; MRZ text is never put in an error.
 */
import type { MrzScanner } from '../../main/card/card-transport';
import { TabibError } from '../../main/errors';

/** The part of a node-hid device this adapter uses; tests feed recorded reports through it. */
export interface HidDeviceLike {
  on(event: 'data', listener: (report: Buffer) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void | Promise<void>;
}

export interface HidReportFraming {
  reportId: number | null;
  payload: 'length-byte' | 'nul-padded';
  /** Bytes that end a document. Default [0x03, 0x04]. */
  endOfDocument?: number[];
}

export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

export type MrzScannerEvent =
  | { type: 'mrz'; format: MrzFormat; lines: string[] }
  /** A document ended (end marker) before its MRZ was complete, or with no MRZ at all. */
  | { type: 'unreadable'; reason: 'incomplete' | 'no-mrz' }
  /** The device failed or was unplugged; the scanner is closed. */
  | { type: 'error'; error: TabibError };

const shapes: Record<number, { format: MrzFormat; lines: number }> = {
  30: { format: 'TD1', lines: 3 },
  36: { format: 'TD2', lines: 2 },
  44: { format: 'TD3', lines: 2 },
};
const MRZ_LINE = /^[A-Z0-9<]+$/;
const CR = 0x0d;
const LF = 0x0a;

/** Reports in, MRZ events out. Pure: no device, no timers. */
export class MrzReportDecoder {
  private line = '';
  private pending: string[] = [];
  private noise = false;
  private readonly endOfDocument: Set<number>;

  constructor(private readonly framing: HidReportFraming) {
    this.endOfDocument = new Set(framing.endOfDocument ?? [0x03, 0x04]);
  }

  /** The text bytes of one report (empty for a report that carries none). */
  payload(report: Uint8Array): Uint8Array {
    let index = 0;
    if (this.framing.reportId !== null) {
      if (report[0] !== this.framing.reportId) return new Uint8Array(0);
      index = 1;
    }
    if (this.framing.payload === 'length-byte') {
      const length = report[index] ?? 0;
      return report.subarray(index + 1, Math.min(index + 1 + length, report.length));
    }
    return report.subarray(index).filter((byte) => byte !== 0);
  }

  push(report: Uint8Array): MrzScannerEvent[] {
    const events: MrzScannerEvent[] = [];
    for (const byte of this.payload(report)) {
      if (byte === CR || byte === LF) this.endLine(events);
      else if (this.endOfDocument.has(byte)) {
        this.endLine(events);
        this.endDocument(events);
      } else if (byte >= 0x20 && byte < 0x7f) this.line += String.fromCharCode(byte);
      // Other control characters (STX, prefixes): dropped.
    }
    return events;
  }

  private endLine(events: MrzScannerEvent[]): void {
    const line = this.line.trim();
    this.line = '';
    if (line === '') return;
    const shape = shapes[line.length];
    if (!shape || !MRZ_LINE.test(line)) {
      this.pending = [];
      this.noise = true;
      return;
    }
    if (this.pending.length > 0 && this.pending[0]?.length !== line.length) this.pending = [];
    this.pending.push(line);
    if (this.pending.length === shape.lines) {
      events.push({ type: 'mrz', format: shape.format, lines: this.pending });
      this.pending = [];
      this.noise = false;
    }
  }

  private endDocument(events: MrzScannerEvent[]): void {
    if (this.pending.length > 0) events.push({ type: 'unreadable', reason: 'incomplete' });
    else if (this.noise) events.push({ type: 'unreadable', reason: 'no-mrz' });
    this.pending = [];
    this.noise = false;
  }
}

/** A scanner: a device and a decoder; listeners get every event. */
export class HidMrzScanner implements MrzScanner {
  private readonly decoder: MrzReportDecoder;
  private readonly listeners = new Set<(event: MrzScannerEvent) => void>();
  private closed = false;

  constructor(
    private readonly device: HidDeviceLike,
    framing: HidReportFraming,
    private readonly description: { vendorId?: number; productId?: number } = {},
  ) {
    this.decoder = new MrzReportDecoder(framing);
    device.on('data', (report) => {
      if (this.closed) return;
      for (const event of this.decoder.push(report)) this.emit(event);
    });
    device.on('error', (error) => {
      if (this.closed) return;
      this.emit({
        type: 'error',
        error: new TabibError('CARD_READER_FAILED', 'The MRZ scanner stopped (unplugged?)', {
          ...this.description,
          error: error.message,
        }),
      });
      void this.close();
    });
  }

  watch(listener: (event: MrzScannerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: MrzScannerEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.device.close();
    } catch {
      // Unplugged: nothing left to close.
    }
  }
}

export interface HidMrzScannerOptions {
  vendorId: number;
  productId: number;
  /** A specific device path (node-hid's `path`), where several identical scanners are attached. */
  path?: string;
  framing: HidReportFraming;
}

interface NodeHidModule {
  HIDAsync: {
    open(path: string): Promise<HidDeviceLike>;
    open(vendorId: number, productId: number): Promise<HidDeviceLike>;
  };
}

async function loadNodeHid(): Promise<NodeHidModule> {
  const module = (await import('node-hid')) as unknown as { default?: NodeHidModule } & NodeHidModule;
  return module.default ?? module;
}

/**
 * Opens the configured scanner. Rejects with CARD_NO_READER when node-hid cannot be loaded or the
 * device is not attached (or is owned by the OS as a keyboard).
 */
export async function openHidMrzScanner(
  options: HidMrzScannerOptions,
  load: () => Promise<NodeHidModule> = loadNodeHid,
): Promise<HidMrzScanner> {
  const ids = { vendorId: options.vendorId, productId: options.productId };
  let hid: NodeHidModule;
  try {
    hid = await load();
  } catch (error) {
    throw new TabibError('CARD_NO_READER', 'The HID library (node-hid) could not be loaded', {
      ...ids,
      reason: 'binding-unavailable',
      error: error instanceof Error ? error.message : String(error),
    });
  }
  let device: HidDeviceLike;
  try {
    device = options.path
      ? await hid.HIDAsync.open(options.path)
      : await hid.HIDAsync.open(options.vendorId, options.productId);
  } catch (error) {
    throw new TabibError('CARD_NO_READER', 'The MRZ scanner is not attached, or cannot be opened', {
      ...ids,
      error: error instanceof Error ? error.message : String(error),
    });
  }
  return new HidMrzScanner(device, options.framing, ids);
}
