/**
 * CardReaders over PC/SC — pcsc-lite's pcscd on Linux, WinSCard on Windows, CryptoTokenKit's PC/SC
 * layer on macOS — through the N-API `smartcard` package.
 *
 * - The native binding is loaded on first use, never at import: the app and `tabib doctor` start
 *   where libpcsclite is absent, and then every call rejects with CARD_NO_READER saying so.
 * - Each list()/connect() opens its own PC/SC context (a context dies with pcscd; a fresh one per
 *   call survives a pcscd restart); a connected transport keeps its context until close().
 * - Errors: the binding rejects with the PC/SC message only (no code); `pcscCodeOf` maps it back to
 *   the SCARD_* code, which TabibError details carry: { pcscCode: '0x8010000C', pcscError, … }.
 *   No service / no reader → CARD_NO_READER; no card at connect → CARD_ABSENT; the card gone during
 *   a session → CARD_REMOVED; anything else → CARD_READER_FAILED.
 * - 61xx/6Cxx are resolved here (GET RESPONSE, resend with Le): pcsc-lite and WinSCard leave them
 *   to the application, and the binding's own handling lives only in its high-level wrapper.
 * - Extended length: from the reader (PC/SC part 10 dwMaxAPDUDataSize) and the card (ATR card
 *   capabilities); a side that does not say is taken as `extendedLengthWhenUnknown` (default
 *   false: short APDUs always work). The receive buffer is always large enough for an extended
 *   response, so an extended command sent anyway is not cut short by the transport.
 * - APDU contents never go to logs; nothing here logs at all.
 */
import type {
  CardReaders,
  CardTransport,
  ReaderEvent,
  ReaderInfo,
  ResponseApdu,
} from '../../main/card/card-transport';
import { TabibError } from '../../main/errors';
import { exchange, MalformedResponseError, maxApduDataSize, parseAtr } from './apdu-exchange';

/** What this module uses of the `smartcard` package (a structural subset of its types). */
export interface SmartcardBinding {
  Context: new () => BindingContext;
  ReaderMonitor: new () => BindingMonitor;
  SCARD_SHARE_SHARED: number;
  SCARD_PROTOCOL_T0: number;
  SCARD_PROTOCOL_T1: number;
  SCARD_LEAVE_CARD: number;
  SCARD_STATE_PRESENT: number;
  CM_IOCTL_GET_FEATURE_REQUEST: number;
  FEATURE_GET_TLV_PROPERTIES: number;
  parseFeatures(response: Buffer): Map<number, number>;
}

interface BindingContext {
  listReaders(): BindingReader[];
  close(): void;
}

interface BindingReader {
  readonly name: string;
  readonly state: number;
  readonly atr: Buffer | null;
  connect(shareMode?: number, protocol?: number): Promise<BindingCard>;
}

interface BindingCard {
  readonly protocol: number;
  transmit(command: Buffer, options?: { maxRecvLength?: number }): Promise<Buffer>;
  control(code: number, data?: Buffer): Promise<Buffer>;
  getStatus(): { state: number; protocol: number; atr: Buffer };
  disconnect(disposition?: number): void;
}

interface MonitorEvent {
  type: 'reader-attached' | 'reader-detached' | 'card-inserted' | 'card-removed' | 'error';
  /** The reader's name; for 'error', the PC/SC message. */
  reader: string;
  state: number;
  atr: Buffer | null;
}

interface BindingMonitor {
  start(callback: (event: MonitorEvent) => void): void;
  stop(): void;
}

export interface PcscOptions {
  /** 'auto' (default): from the reader and the card; true/false: forced (a reader known to lie). */
  extendedLength?: 'auto' | boolean;
  /** What 'auto' assumes for the reader or the card when it does not say. Default false. */
  extendedLengthWhenUnknown?: boolean;
  /** Which protocols to accept at connect. Default both. */
  protocols?: 'T=0' | 'T=1' | 'any';
  /** Resolve 61xx / 6Cxx in the transport (default true). */
  getResponse?: boolean;
  /** How long watch() waits before trying again when pcscd is not there. Default 2000 ms. */
  watchRetryMs?: number;
  /** Loads the binding; tests replace it. Default: `import('smartcard')`. */
  loadBinding?: () => Promise<SmartcardBinding>;
}

/** PC/SC return codes by the message the `smartcard` binding gives them (its pcsc_errors.h). */
const pcscCodes: Record<string, number> = {
  'Operation cancelled': 0x80100002,
  'Cannot dispose handle': 0x8010000e,
  'Insufficient buffer': 0x80100008,
  'Invalid ATR': 0x80100015,
  'Invalid handle': 0x80100003,
  'Invalid parameter': 0x80100004,
  'Invalid target': 0x80100005,
  'Invalid value': 0x80100011,
  'Not enough memory': 0x80100006,
  'PC/SC service not running': 0x8010001d,
  'No smart card present': 0x8010000c,
  'Reader not ready': 0x80100010,
  'Transaction failed': 0x80100016,
  'PCI struct too small': 0x80100019,
  'Protocol mismatch': 0x8010000f,
  'Reader unavailable': 0x80100017,
  'PC/SC service stopped': 0x8010001e,
  'Sharing violation': 0x8010000b,
  'System cancelled operation': 0x80100012,
  'Operation timed out': 0x8010000a,
  'Unknown card type': 0x8010000d,
  'Unknown reader': 0x80100009,
  'No readers available': 0x8010002e,
  'Communication error': 0x80100013,
  'Internal error': 0x80100001,
  'Card was removed': 0x80100069,
  'Card was reset': 0x80100068,
  'Card is unpowered': 0x80100067,
  'Card is unresponsive': 0x80100066,
  'Card is not supported': 0x80100065,
};

const SCARD_E_NO_SERVICE = 0x8010001d;
const SCARD_E_SERVICE_STOPPED = 0x8010001e;
const SCARD_E_NO_READERS_AVAILABLE = 0x8010002e;
const SCARD_E_UNKNOWN_READER = 0x80100009;
const SCARD_E_READER_UNAVAILABLE = 0x80100017;
const SCARD_E_NO_SMARTCARD = 0x8010000c;
const SCARD_W_REMOVED_CARD = 0x80100069;

/** Extended-length response: 65536 data bytes + SW1 SW2. */
const MAX_RESPONSE = 65538;

/** The PC/SC return code behind an error of the binding, or null if it is not a PC/SC error. */
export function pcscCodeOf(error: unknown): number | null {
  const message = error instanceof Error ? error.message : String(error);
  return pcscCodes[message] ?? null;
}

function hexCode(code: number | null): string | null {
  return code === null ? null : `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
}

function details(error: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...extra,
    pcscCode: hexCode(pcscCodeOf(error)),
    pcscError: error instanceof Error ? error.message : String(error),
  };
}

const noService = new Set([SCARD_E_NO_SERVICE, SCARD_E_SERVICE_STOPPED, SCARD_E_NO_READERS_AVAILABLE]);

/** Maps a failure outside a card session (context, listing, connecting). */
function readerError(error: unknown, reader: string | null): TabibError {
  if (error instanceof TabibError) return error;
  const code = pcscCodeOf(error);
  const extra = reader === null ? {} : { reader };
  if (code !== null && noService.has(code))
    return new TabibError(
      'CARD_NO_READER',
      'The PC/SC service is not running or sees no reader',
      details(error, extra),
    );
  if (code === SCARD_E_UNKNOWN_READER || code === SCARD_E_READER_UNAVAILABLE)
    return new TabibError(
      'CARD_NO_READER',
      `The reader ${reader ?? ''} is not available`,
      details(error, extra),
    );
  if (code === SCARD_E_NO_SMARTCARD || code === SCARD_W_REMOVED_CARD)
    return new TabibError('CARD_ABSENT', `No card in the reader ${reader ?? ''}`, details(error, extra));
  return new TabibError(
    'CARD_READER_FAILED',
    `The card reader failed: ${String(error)}`,
    details(error, extra),
  );
}

const removedDuringSession = new Set([
  SCARD_W_REMOVED_CARD,
  SCARD_E_NO_SMARTCARD,
  SCARD_E_READER_UNAVAILABLE,
  SCARD_E_NO_SERVICE,
  SCARD_E_SERVICE_STOPPED,
]);

async function defaultBinding(): Promise<SmartcardBinding> {
  const module = (await import('smartcard')) as unknown as { default?: SmartcardBinding } & SmartcardBinding;
  return module.default ?? module;
}

function protocolMask(binding: SmartcardBinding, protocols: PcscOptions['protocols']): number {
  if (protocols === 'T=0') return binding.SCARD_PROTOCOL_T0;
  if (protocols === 'T=1') return binding.SCARD_PROTOCOL_T1;
  return binding.SCARD_PROTOCOL_T0 | binding.SCARD_PROTOCOL_T1;
}

/** One card in one reader, connected (SCARD_SHARE_SHARED). */
export class PcscCardTransport implements CardTransport {
  readonly extendedLength: boolean;
  /** What extendedLength was decided from: the reader's dwMaxAPDUDataSize and the ATR's word. */
  readonly extendedLengthBasis: { readerMaxApduDataSize: number | null; cardSays: boolean | null };
  /** 'T=0' or 'T=1'. */
  readonly protocol: 'T=0' | 'T=1' | 'raw';
  /** Raw exchanges with the card, GET RESPONSE included. */
  exchanges = 0;
  private closed = false;

  constructor(
    readonly reader: string,
    readonly atr: Uint8Array,
    private readonly card: BindingCard,
    private readonly context: BindingContext,
    private readonly binding: SmartcardBinding,
    private readonly options: { getResponse: boolean },
    extended: { value: boolean; readerMaxApduDataSize: number | null; cardSays: boolean | null },
    private readonly onClose: (transport: PcscCardTransport) => void = () => undefined,
  ) {
    this.extendedLength = extended.value;
    this.extendedLengthBasis = {
      readerMaxApduDataSize: extended.readerMaxApduDataSize,
      cardSays: extended.cardSays,
    };
    this.protocol =
      card.protocol === binding.SCARD_PROTOCOL_T0
        ? 'T=0'
        : card.protocol === binding.SCARD_PROTOCOL_T1
          ? 'T=1'
          : 'raw';
  }

  async transmit(command: Uint8Array): Promise<ResponseApdu> {
    if (this.closed)
      throw new TabibError('CARD_READER_FAILED', 'The card connection is closed', { reader: this.reader });
    if (command.length < 4)
      throw new TabibError('CARD_READER_FAILED', 'A command APDU has at least 4 bytes', {
        reader: this.reader,
      });
    try {
      const response = await exchange(
        async (apdu) => {
          this.exchanges += 1;
          return new Uint8Array(await this.card.transmit(Buffer.from(apdu), { maxRecvLength: MAX_RESPONSE }));
        },
        command,
        this.options,
      );
      return { data: response.data, sw: response.sw };
    } catch (error) {
      throw this.sessionError(error);
    }
  }

  /** Whether the card left: the code says so, or the reader no longer reports it present. */
  private sessionError(error: unknown): TabibError {
    if (error instanceof MalformedResponseError)
      return new TabibError('CARD_READER_FAILED', `The reader returned ${error.message}`, {
        reader: this.reader,
      });
    const code = pcscCodeOf(error);
    let gone = code !== null && removedDuringSession.has(code);
    if (!gone) {
      try {
        gone = (this.card.getStatus().state & this.binding.SCARD_STATE_PRESENT) === 0;
      } catch (statusError) {
        const statusCode = pcscCodeOf(statusError);
        gone = statusCode !== null && removedDuringSession.has(statusCode);
      }
    }
    if (gone)
      return new TabibError(
        'CARD_REMOVED',
        `The card left the reader ${this.reader}`,
        details(error, { reader: this.reader }),
      );
    return new TabibError(
      'CARD_READER_FAILED',
      `The card reader ${this.reader} failed: ${String(error)}`,
      details(error, { reader: this.reader }),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onClose(this);
    try {
      this.card.disconnect(this.binding.SCARD_LEAVE_CARD);
    } catch {
      // The card or pcscd is already gone: nothing is held any more.
    }
    this.context.close();
  }
}

export class PcscCardReaders implements CardReaders {
  private bindingPromise: Promise<SmartcardBinding> | null = null;
  private readonly listeners = new Set<(event: ReaderEvent) => void>();
  private monitor: BindingMonitor | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly known = new Set<string>();
  private readonly transports = new Set<PcscCardTransport>();
  private closed = false;

  constructor(private readonly options: PcscOptions = {}) {}

  private binding(): Promise<SmartcardBinding> {
    this.bindingPromise ??= (this.options.loadBinding ?? defaultBinding)().catch((error: unknown) => {
      this.bindingPromise = null;
      throw new TabibError(
        'CARD_NO_READER',
        'The PC/SC library could not be loaded (on Linux: install pcscd and libpcsclite1)',
        { reason: 'binding-unavailable', error: error instanceof Error ? error.message : String(error) },
      );
    });
    return this.bindingPromise;
  }

  private openContext(binding: SmartcardBinding): BindingContext {
    try {
      return new binding.Context();
    } catch (error) {
      throw readerError(error, null);
    }
  }

  async list(): Promise<ReaderInfo[]> {
    return (await this.listWithAtr()).map(({ name, cardPresent }) => ({ name, cardPresent }));
  }

  /** list() with each card's ATR (for `tabib card readers`). */
  async listWithAtr(): Promise<(ReaderInfo & { atr: Uint8Array | null })[]> {
    const binding = await this.binding();
    const context = this.openContext(binding);
    try {
      return context.listReaders().map((reader) => {
        const present = (reader.state & binding.SCARD_STATE_PRESENT) !== 0;
        return {
          name: reader.name,
          cardPresent: present,
          atr: present && reader.atr ? new Uint8Array(reader.atr) : null,
        };
      });
    } catch (error) {
      throw readerError(error, null);
    } finally {
      context.close();
    }
  }

  async connect(readerName?: string): Promise<CardTransport> {
    return this.connectPcsc(readerName);
  }

  /** connect(), typed as the PC/SC transport (protocol, extended-length basis, exchange count). */
  async connectPcsc(readerName?: string): Promise<PcscCardTransport> {
    if (this.closed) throw new TabibError('CARD_READER_FAILED', 'The card readers were closed');
    const binding = await this.binding();
    const context = this.openContext(binding);
    let card: BindingCard | null = null;
    let name: string | null = readerName ?? null;
    try {
      let readers: BindingReader[];
      try {
        readers = context.listReaders();
      } catch (error) {
        throw readerError(error, name);
      }
      if (readers.length === 0)
        throw new TabibError('CARD_NO_READER', 'No card reader is connected', { readers: [] });
      let reader: BindingReader | undefined;
      if (readerName !== undefined) {
        reader = readers.find((candidate) => candidate.name === readerName);
        if (!reader)
          throw new TabibError('CARD_NO_READER', `No reader named ${readerName}`, {
            reader: readerName,
            readers: readers.map((candidate) => candidate.name),
          });
      } else {
        reader = readers.find((candidate) => (candidate.state & binding.SCARD_STATE_PRESENT) !== 0);
        if (!reader)
          throw new TabibError('CARD_ABSENT', 'No reader has a card in it', {
            readers: readers.map((candidate) => candidate.name),
          });
      }
      name = reader.name;
      try {
        card = await reader.connect(
          binding.SCARD_SHARE_SHARED,
          protocolMask(binding, this.options.protocols),
        );
      } catch (error) {
        throw readerError(error, name);
      }
      let atr: Uint8Array;
      try {
        atr = new Uint8Array(card.getStatus().atr);
      } catch (error) {
        throw readerError(error, name);
      }
      const extended = await this.extendedLength(binding, card, atr);
      const transport = new PcscCardTransport(
        name,
        atr,
        card,
        context,
        binding,
        { getResponse: this.options.getResponse ?? true },
        extended,
        (closed) => this.transports.delete(closed),
      );
      this.transports.add(transport);
      return transport;
    } catch (error) {
      try {
        card?.disconnect(binding.SCARD_LEAVE_CARD);
      } catch {
        // Gone already.
      }
      context.close();
      throw error;
    }
  }

  private async extendedLength(
    binding: SmartcardBinding,
    card: BindingCard,
    atr: Uint8Array,
  ): Promise<{ value: boolean; readerMaxApduDataSize: number | null; cardSays: boolean | null }> {
    const cardSays = parseAtr(atr)?.extendedLength ?? null;
    let readerMaxApduDataSize: number | null = null;
    try {
      const features = binding.parseFeatures(await card.control(binding.CM_IOCTL_GET_FEATURE_REQUEST));
      const tlv = features.get(binding.FEATURE_GET_TLV_PROPERTIES);
      if (tlv !== undefined) readerMaxApduDataSize = maxApduDataSize(new Uint8Array(await card.control(tlv)));
    } catch {
      // The reader (or its driver, e.g. vpcd) answers no PC/SC part 10 request: it does not say.
    }
    const setting = this.options.extendedLength ?? 'auto';
    if (setting !== 'auto') return { value: setting, readerMaxApduDataSize, cardSays };
    const unknown = this.options.extendedLengthWhenUnknown ?? false;
    const readerCan = readerMaxApduDataSize === null ? unknown : readerMaxApduDataSize > 255;
    return { value: readerCan && (cardSays ?? unknown), readerMaxApduDataSize, cardSays };
  }

  watch(listener: (event: ReaderEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) void this.startMonitor();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stopMonitor();
    };
  }

  private emit(event: ReaderEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  private async startMonitor(): Promise<void> {
    if (this.monitor || this.closed || this.listeners.size === 0) return;
    let binding: SmartcardBinding;
    try {
      binding = await this.binding();
    } catch {
      return; // No PC/SC library: no events, ever; list() and connect() say why.
    }
    if (this.monitor || this.closed || this.listeners.size === 0) return;
    const monitor = new binding.ReaderMonitor();
    try {
      monitor.start((event) => this.onMonitorEvent(binding, monitor, event));
      this.monitor = monitor;
    } catch {
      this.scheduleRetry(); // pcscd is not running (yet): socket activation or a restart may bring it.
    }
  }

  private onMonitorEvent(binding: SmartcardBinding, monitor: BindingMonitor, event: MonitorEvent): void {
    if (monitor !== this.monitor) return;
    switch (event.type) {
      case 'reader-attached':
        this.known.add(event.reader);
        this.emit({ type: 'reader-added', reader: event.reader });
        // A card already in a reader when watching starts is reported as inserted.
        if ((event.state & binding.SCARD_STATE_PRESENT) !== 0 && event.atr)
          this.emit({ type: 'card-inserted', reader: event.reader, atr: new Uint8Array(event.atr) });
        return;
      case 'reader-detached':
        this.known.delete(event.reader);
        this.emit({ type: 'reader-removed', reader: event.reader });
        return;
      case 'card-inserted':
        this.emit({ type: 'card-inserted', reader: event.reader, atr: new Uint8Array(event.atr ?? []) });
        return;
      case 'card-removed':
        this.emit({ type: 'card-removed', reader: event.reader });
        return;
      case 'error':
        // The monitor's context is dead (pcscd stopped): its readers are gone for us; start over.
        // Stopping joins the monitor's thread: not from inside its own callback.
        this.stopMonitor({ defer: true });
        this.scheduleRetry();
        return;
    }
  }

  private stopMonitor(options: { defer?: boolean } = {}): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const monitor = this.monitor;
    this.monitor = null;
    const stop = () => {
      try {
        monitor?.stop();
      } catch {
        // Already stopped.
      }
    };
    if (options.defer) setImmediate(stop);
    else stop();
    for (const reader of this.known) this.emit({ type: 'reader-removed', reader });
    this.known.clear();
  }

  private scheduleRetry(): void {
    if (this.closed || this.listeners.size === 0 || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.startMonitor();
    }, this.options.watchRetryMs ?? 2000);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    this.stopMonitor();
    for (const transport of [...this.transports]) await transport.close();
  }
}
