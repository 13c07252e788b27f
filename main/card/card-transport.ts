/**
 * How main/card/ talks to a chip: one reader, one card, APDUs in and out. Implementations: PC/SC
 * (native/card/pcsc-transport.ts, over pcscd / WinSCard) and, in tests, the chip simulator
 * (test/card/simulator/). The protocol code above it (BAC, PACE, secure messaging, reading files)
 * is pure TypeScript and never knows which one it has.
 */

/** A response APDU: data and the status word SW1-SW2 (ISO/IEC 7816-4 §5.1.3). */
export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 << 8 | SW2, e.g. 0x9000. */
  sw: number;
}

export interface CardTransport {
  /** The reader's name as the platform gives it, e.g. 'Virtual PCD 00 00'. */
  readonly reader: string;
  /** The card's answer to reset (ISO/IEC 7816-3), as read when the card was connected. */
  readonly atr: Uint8Array;
  /** Whether the reader and card accept extended-length APDUs (Lc/Le above 255/256). */
  readonly extendedLength: boolean;
  /**
   * Sends one command APDU (already encoded, ISO/IEC 7816-4 §5.1) and returns the response.
   * Rejects with TabibError('CARD_REMOVED') if the card left the reader, ('CARD_READER_FAILED')
   * for any other transport failure. Does not interpret the status word.
   */
  transmit(command: Uint8Array): Promise<ResponseApdu>;
  /** Releases the card (SCardDisconnect with SCARD_LEAVE_CARD). Idempotent. */
  close(): Promise<void>;
}

export interface ReaderInfo {
  name: string;
  /** A card is present in the reader. */
  cardPresent: boolean;
}

export type ReaderEvent =
  | { type: 'reader-added'; reader: string }
  | { type: 'reader-removed'; reader: string }
  | { type: 'card-inserted'; reader: string; atr: Uint8Array }
  | { type: 'card-removed'; reader: string };

/** The readers attached to this workstation, and the card in each. */
export interface CardReaders {
  list(): Promise<ReaderInfo[]>;
  /** Connects to the card in the named reader (or the first reader with a card). */
  connect(reader?: string): Promise<CardTransport>;
  /** Reader and card events; returns the unsubscribe function. */
  watch(listener: (event: ReaderEvent) => void): () => void;
  /** Stops watching and releases the PC/SC context. */
  close(): Promise<void>;
}

/** What an MRZ document scanner reports (native/card/hid-mrz-scanner.ts over node-hid). */
export type MrzScanEvent =
  | { type: 'mrz'; format: 'TD1' | 'TD2' | 'TD3'; lines: string[] }
  /** A document went through but its MRZ could not be read whole. */
  | { type: 'unreadable'; reason: 'incomplete' | 'no-mrz' }
  /** The scanner failed or was unplugged; it is closed. */
  | { type: 'error'; error: Error };

export interface MrzScanner {
  watch(listener: (event: MrzScanEvent) => void): () => void;
  close(): Promise<void>;
}
