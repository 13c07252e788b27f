/**
 * Command APDUs (ISO/IEC 7816-4 §5.1): encoding in short and extended length, decoding (for the
 * chip simulator and for tests), status words (§5.6) and their mapping to Tabib's error codes,
 * and a channel over a CardTransport that counts APDUs and follows 61xx / 6Cxx.
 */
import { byteAt, concat, toHex, uint } from './bytes';
import { TabibError } from '../../errors';
import type { ErrorCode } from '../../contract/errors';
import type { CardTransport, ResponseApdu } from '../card-transport';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data (Nc = data.length bytes); absent or empty for cases 1 and 2. */
  data?: Uint8Array;
  /**
   * Ne, the maximum number of response bytes expected: 1..256 in short form (256 is sent as Le =
   * 00), up to 65536 in extended form (65536 is sent as 0000). Absent: no response data expected.
   */
  ne?: number;
}

/** The longest Nc / Ne of each form (ISO/IEC 7816-4 §5.1). */
export const SHORT_MAX_NC = 255;
export const SHORT_MAX_NE = 256;
export const EXTENDED_MAX_NC = 65535;
export const EXTENDED_MAX_NE = 65536;

/** Whether the command needs extended length fields. */
export function needsExtended(command: CommandApdu): boolean {
  return (command.data?.length ?? 0) > SHORT_MAX_NC || (command.ne ?? 0) > SHORT_MAX_NE;
}

/**
 * Encodes a command APDU (ISO/IEC 7816-4 §5.1, cases 1, 2S/2E, 3S/3E, 4S/4E). Extended form is
 * used when a field does not fit in short form, or when `extended` forces it (secure messaging
 * keeps the outer APDU extended when the reader supports it and the inner one needed it).
 */
export function encodeCommand(command: CommandApdu, extended = needsExtended(command)): Uint8Array {
  const { cla, ins, p1, p2 } = command;
  for (const [name, value] of [
    ['CLA', cla],
    ['INS', ins],
    ['P1', p1],
    ['P2', p2],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 0xff)
      throw new Error(`${name} out of range: ${value}`);
  }
  const header = Uint8Array.of(cla, ins, p1, p2);
  const data = command.data ?? new Uint8Array(0);
  const nc = data.length;
  const ne = command.ne;
  if (!extended && needsExtended(command)) throw new Error('command needs extended length');
  if (nc > EXTENDED_MAX_NC) throw new Error(`command data too long: ${nc}`);
  if (ne !== undefined && (!Number.isInteger(ne) || ne < 1 || ne > EXTENDED_MAX_NE)) {
    throw new Error(`Ne out of range: ${ne}`);
  }
  if (!extended) {
    const lc = nc > 0 ? Uint8Array.of(nc) : new Uint8Array(0);
    const le = ne !== undefined ? Uint8Array.of(ne === 256 ? 0 : ne) : new Uint8Array(0);
    return concat(header, lc, data, le);
  }
  // Extended: Lc = 00 xx xx; Le = 00 xx xx when there is no Lc (case 2E), else xx xx (case 4E).
  const lc = nc > 0 ? concat(Uint8Array.of(0), uint(nc, 2)) : new Uint8Array(0);
  let le: Uint8Array = new Uint8Array(0);
  if (ne !== undefined) {
    const value = uint(ne === 65536 ? 0 : ne, 2);
    le = nc > 0 ? value : concat(Uint8Array.of(0), value);
  }
  if (nc === 0 && ne === undefined) return header; // case 1 has no extended form
  return concat(header, lc, data, le);
}

/** A decoded command, with the form it came in. */
export interface DecodedCommand extends CommandApdu {
  data: Uint8Array;
  extended: boolean;
}

/**
 * Decodes a command APDU; throws on any length inconsistency (the simulator answers 6700).
 * ISO/IEC 7816-4 §5.1: after the header, the body is empty (case 1), one byte (2S), three bytes
 * starting with 00 (2E), or starts with Lc (3/4 S), or 00 + two-byte Lc (3/4 E).
 */
export function decodeCommand(bytes: Uint8Array): DecodedCommand {
  if (bytes.length < 4) throw new Error('command shorter than its header');
  const [cla, ins, p1, p2] = [byteAt(bytes, 0), byteAt(bytes, 1), byteAt(bytes, 2), byteAt(bytes, 3)];
  const body = bytes.subarray(4);
  const base = { cla, ins, p1, p2 };
  if (body.length === 0) return { ...base, data: new Uint8Array(0), extended: false };
  if (body.length === 1)
    return { ...base, data: new Uint8Array(0), ne: byteAt(body, 0) || 256, extended: false };
  if (body[0] === 0 && body.length >= 3) {
    // Extended form.
    const n = (byteAt(body, 1) << 8) | byteAt(body, 2);
    if (body.length === 3)
      return { ...base, data: new Uint8Array(0), ne: n === 0 ? 65536 : n, extended: true };
    if (n === 0) throw new Error('extended Lc of zero');
    const rest = body.length - 3 - n;
    if (rest === 0) return { ...base, data: body.slice(3, 3 + n), extended: true };
    if (rest === 2) {
      const le = (byteAt(body, 3 + n) << 8) | byteAt(body, 4 + n);
      return { ...base, data: body.slice(3, 3 + n), ne: le === 0 ? 65536 : le, extended: true };
    }
    throw new Error('extended command length fields do not match its size');
  }
  const lc = byteAt(body, 0);
  if (lc === 0) throw new Error('short Lc of zero');
  const rest = body.length - 1 - lc;
  if (rest === 0) return { ...base, data: body.slice(1, 1 + lc), extended: false };
  if (rest === 1) {
    const le = byteAt(body, 1 + lc);
    return { ...base, data: body.slice(1, 1 + lc), ne: le === 0 ? 256 : le, extended: false };
  }
  throw new Error('short command length fields do not match its size');
}

/** Response bytes (data || SW1 SW2) as a card sends them, for the simulator and tests. */
export function encodeResponse(response: ResponseApdu): Uint8Array {
  return concat(response.data, uint(response.sw, 2));
}

export function decodeResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new Error('response shorter than its status word');
  return {
    data: bytes.slice(0, -2),
    sw: (byteAt(bytes, bytes.length - 2) << 8) | byteAt(bytes, bytes.length - 1),
  };
}

// ---------------------------------------------------------------------------------------------
// Status words (ISO/IEC 7816-4 §5.6, and ICAO 9303-11 §4 for their meaning during access control)
// ---------------------------------------------------------------------------------------------

export const SW = {
  OK: 0x9000,
  END_OF_FILE: 0x6282,
  AUTH_FAILED: 0x6300,
  WRONG_LENGTH: 0x6700,
  SM_DO_MISSING: 0x6987,
  SM_DO_INCORRECT: 0x6988,
  SECURITY_NOT_SATISFIED: 0x6982,
  AUTH_BLOCKED: 0x6983,
  REF_DATA_NOT_USABLE: 0x6984,
  CONDITIONS_NOT_SATISFIED: 0x6985,
  COMMAND_NOT_ALLOWED: 0x6986,
  WRONG_DATA: 0x6a80,
  FUNCTION_NOT_SUPPORTED: 0x6a81,
  FILE_NOT_FOUND: 0x6a82,
  INCORRECT_P1P2: 0x6a86,
  REF_DATA_NOT_FOUND: 0x6a88,
  WRONG_P1P2: 0x6b00,
  INS_NOT_SUPPORTED: 0x6d00,
  CLA_NOT_SUPPORTED: 0x6e00,
  UNKNOWN: 0x6f00,
} as const;

const swText: Record<number, string> = {
  0x6282: 'end of file reached before Ne bytes',
  0x6300: 'authentication failed',
  0x6700: 'wrong length',
  0x6982: 'security status not satisfied',
  0x6983: 'authentication method blocked',
  0x6984: 'reference data not usable',
  0x6985: 'conditions of use not satisfied',
  0x6986: 'command not allowed',
  0x6987: 'expected secure messaging data objects missing',
  0x6988: 'secure messaging data objects incorrect',
  0x6a80: 'incorrect data',
  0x6a81: 'function not supported',
  0x6a82: 'file or application not found',
  0x6a86: 'incorrect P1-P2',
  0x6a88: 'referenced data not found',
  0x6b00: 'wrong parameters (offset outside the file)',
  0x6d00: 'instruction not supported',
  0x6e00: 'class not supported',
  0x6f00: 'no precise diagnosis',
};

export function swHex(sw: number): string {
  return sw.toString(16).toUpperCase().padStart(4, '0');
}

export function describeSw(sw: number): string {
  if ((sw & 0xfff0) === 0x63c0) return `authentication failed, ${sw & 0x0f} tries left`;
  return swText[sw] ?? 'unknown status';
}

/**
 * The error code a status word means. Authentication failures (63xx, 6982 security status not
 * satisfied, 6983 blocked, 6984) are CARD_ACCESS_DENIED: the password (MRZ, CAN) does not open
 * this chip, or a file needs an access the session does not have. Secure messaging errors
 * (6987/6988) and everything else are CARD_PROTOCOL_ERROR. Callers that know better (no eMRTD
 * application → CARD_UNSUPPORTED) map those cases themselves.
 */
export function swErrorCode(sw: number): ErrorCode {
  if ((sw & 0xff00) === 0x6300) return 'CARD_ACCESS_DENIED';
  if (sw === SW.SECURITY_NOT_SATISFIED || sw === SW.AUTH_BLOCKED || sw === SW.REF_DATA_NOT_USABLE) {
    return 'CARD_ACCESS_DENIED';
  }
  return 'CARD_PROTOCOL_ERROR';
}

/** Details carried by errors built from a status word. */
export interface StatusWordDetails {
  sw: string;
  command: string;
}

/** A TabibError for a status word; `what` names the command for the message. */
export function statusError(sw: number, what: string, code: ErrorCode = swErrorCode(sw)): TabibError {
  const details: StatusWordDetails = { sw: swHex(sw), command: what };
  return new TabibError(code, `${what}: the card answered ${swHex(sw)} (${describeSw(sw)}).`, details);
}

/** Whether an error came from status word 6A82 (file not found): optional data groups. */
export function isFileNotFound(error: unknown): boolean {
  return (
    error instanceof TabibError &&
    typeof error.details === 'object' &&
    error.details !== null &&
    (error.details as Partial<StatusWordDetails>).sw === swHex(SW.FILE_NOT_FOUND)
  );
}

/** Throws unless the status word is 9000. */
export function expectOk(response: ResponseApdu, what: string): Uint8Array {
  if (response.sw !== SW.OK) throw statusError(response.sw, what);
  return response.data;
}

// ---------------------------------------------------------------------------------------------
// Channel: one transport, APDU counting, GET RESPONSE (61xx) and wrong-Le retry (6Cxx)
// ---------------------------------------------------------------------------------------------

/** Anything that sends commands and returns responses: the plain channel, or secure messaging over it. */
export interface ApduSender {
  send(command: CommandApdu): Promise<ResponseApdu>;
}

/**
 * Sends APDUs over a transport. Counts every APDU transmitted (the figure the CLI and the
 * benchmark report), fetches the rest of a response announced by 61xx with GET RESPONSE
 * (ISO/IEC 7816-4 §7.6.1), and resends once with the exact Le a 6Cxx asks for (§5.6).
 */
export class ApduChannel implements ApduSender {
  private count = 0;

  constructor(readonly transport: CardTransport) {}

  /** Command APDUs transmitted so far (including GET RESPONSE and 6Cxx resends). */
  get apduCount(): number {
    return this.count;
  }

  get extendedLength(): boolean {
    return this.transport.extendedLength;
  }

  /** Encodes and transmits one command, following 61xx and 6Cxx; returns the final response. */
  async send(command: CommandApdu, forceExtended = false): Promise<ResponseApdu> {
    const extended = forceExtended || needsExtended(command);
    if (extended && !this.transport.extendedLength) {
      throw new TabibError(
        'CARD_PROTOCOL_ERROR',
        `INS ${command.ins.toString(16)} needs extended length, which this reader or card does not support.`,
      );
    }
    let response = await this.transmit(encodeCommand(command, extended));
    if ((response.sw & 0xff00) === 0x6c00) {
      // 6Cxx: wrong Le, xx is the exact number available (00 = 256). Resend once with it.
      const ne = (response.sw & 0xff) === 0 ? 256 : response.sw & 0xff;
      response = await this.transmit(encodeCommand({ ...command, ne }, extended));
    }
    let data = response.data;
    let guard = 0;
    while ((response.sw & 0xff00) === 0x6100) {
      // 61xx: xx more bytes (00 = 256 or more) wait for GET RESPONSE (00 C0 00 00 Le).
      if (++guard > 256) throw new TabibError('CARD_PROTOCOL_ERROR', 'The card keeps answering 61xx.');
      const ne = (response.sw & 0xff) === 0 ? 256 : response.sw & 0xff;
      response = await this.transmit(encodeCommand({ cla: command.cla & 0x03, ins: 0xc0, p1: 0, p2: 0, ne }));
      data = concat(data, response.data);
    }
    return { data, sw: response.sw };
  }

  private async transmit(bytes: Uint8Array): Promise<ResponseApdu> {
    this.count++;
    const response = await this.transport.transmit(bytes);
    if (!(response.data instanceof Uint8Array) || !Number.isInteger(response.sw)) {
      throw new TabibError('CARD_PROTOCOL_ERROR', 'The transport returned a malformed response.');
    }
    return response;
  }
}

/** Hex of a command for messages and tests. */
export function commandHex(command: CommandApdu, extended?: boolean): string {
  return toHex(encodeCommand(command, extended));
}
