/**
 * Opening an eMRTD chip (ICAO 9303-11 §4.2, "chip access procedure"):
 * 1. read EF.CardAccess (FID 011C, SFI 1C) from the master file, unprotected;
 * 2. if it offers PACE with a mapping and parameters this code supports, run PACE (MRZ or CAN),
 *    then SELECT the eMRTD application (AID A0 00 00 02 47 10 01) under secure messaging;
 * 3. otherwise SELECT the application in clear and run BAC, which needs the MRZ (a CAN cannot
 *    open a BAC-only chip);
 * and returns a session that reads the LDS files under secure messaging.
 */
import { TabibError } from '../../errors';
import type { CardTransport } from '../card-transport';
import { ApduChannel, type ApduSender, SW, isFileNotFound, statusError } from './apdu';
import { performBac } from './bac';
import { parseCardAccess, type PaceInfo } from './card-access';
import type { RandomSource } from './crypto';
import {
  type FileReadProgress,
  type FileRef,
  oddChunkFor,
  readTlvFile,
  type ReadLimits,
} from './file-reader';
import { type AccessPassword, mrzInformation } from './mrz-password';
import { parseCan } from '../mrz/access-key';
import { type PaceOptions, performPace, supportsPaceInfo } from './pace';
import { maxProtectedPlaintext, SecureMessaging } from './secure-messaging';
import { parseTlvList } from './tlv';

/** The eMRTD application identifier (ICAO 9303-10 §3.7.1 / 9303-11 §4.2). */
export const EMRTD_AID = Uint8Array.of(0xa0, 0x00, 0x00, 0x02, 0x47, 0x10, 0x01);

/** The LDS files (ICAO 9303-10 §3.6, §4.6.1): FID and short file identifier. */
export const EMRTD_FILES = {
  CardAccess: { fid: 0x011c, sfi: 0x1c },
  COM: { fid: 0x011e, sfi: 0x1e },
  SOD: { fid: 0x011d, sfi: 0x1d },
  DG1: { fid: 0x0101, sfi: 0x01 },
  DG2: { fid: 0x0102, sfi: 0x02 },
  DG11: { fid: 0x010b, sfi: 0x0b },
  DG12: { fid: 0x010c, sfi: 0x0c },
  DG14: { fid: 0x010e, sfi: 0x0e },
} as const;

/** EF.ATR/INFO in the master file (ISO/IEC 7816-4 §8.2.1.1): holds DO'7F66' extended length info. */
const EF_ATR_INFO = Uint8Array.of(0x2f, 0x01);

export interface SecureSessionOptions {
  /** The chip's largest response data field; otherwise 256, or EF.ATR/INFO's figure with extended length. */
  maxResponseLength?: number;
  /** Random source (tests); node:crypto by default. */
  random?: RandomSource;
  /** PACE test hooks (fixed private keys). */
  pace?: Pick<PaceOptions, 'privateKey'>;
  /** Progress of every file read through the session. */
  onProgress?: (progress: FileReadProgress) => void;
}

export interface SecureSession {
  /** The access protocol that opened the chip. */
  readonly protocol: 'PACE' | 'BAC';
  /** e.g. 'id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1', or '3DES' for BAC. */
  readonly cipherSuite: string;
  /** Command APDUs sent since the session was opened, access included. */
  readonly apduCount: number;
  /** EF.CardAccess as read (unprotected) from the master file; null when the chip has none. */
  readonly cardAccess: Uint8Array | null;
  /** The largest response data field used for reads. */
  readonly maxResponseLength: number;
  /**
   * Reads a whole LDS file under secure messaging. A number up to 0x1F is a short file identifier
   * (no SELECT: one APDU fewer); above, a file identifier (e.g. 0x0102). Throws TabibError:
   * CARD_PROTOCOL_ERROR with details.sw '6A82' when absent (see isFileNotFound), CARD_ACCESS_DENIED
   * (6982) when the access does not cover it, CARD_REMOVED if the card leaves the reader.
   */
  readFile(file: number | FileRef, onProgress?: (progress: FileReadProgress) => void): Promise<Uint8Array>;
  /** As readFile, but null when the chip has no such file (optional data groups: DG11, DG12). */
  readOptionalFile(
    file: number | FileRef,
    onProgress?: (progress: FileReadProgress) => void,
  ): Promise<Uint8Array | null>;
}

export function toFileRef(file: number | FileRef): FileRef {
  if (typeof file !== 'number') return file;
  return file <= 0x1f ? { sfi: file } : { fid: file };
}

/** Status words meaning "no such file or application here" on SELECT / READ BINARY. */
function isAbsent(sw: number): boolean {
  return [
    SW.FILE_NOT_FOUND,
    SW.INS_NOT_SUPPORTED,
    SW.CLA_NOT_SUPPORTED,
    SW.FUNCTION_NOT_SUPPORTED,
    SW.INCORRECT_P1P2,
    SW.WRONG_P1P2,
    SW.COMMAND_NOT_ALLOWED,
    SW.SECURITY_NOT_SATISFIED,
  ].includes(sw as never);
}

async function selectApplication(sender: ApduSender): Promise<void> {
  const response = await sender.send({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: EMRTD_AID });
  if (response.sw === SW.OK) return;
  if (isAbsent(response.sw)) {
    throw statusError(
      response.sw,
      'SELECT eMRTD application (this is not an ICAO 9303 document)',
      'CARD_UNSUPPORTED',
    );
  }
  throw statusError(response.sw, 'SELECT eMRTD application');
}

/** Reads EF.CardAccess unprotected by its SFI; null if the chip has none. */
async function readCardAccess(channel: ApduChannel, limits: ReadLimits): Promise<Uint8Array | null> {
  try {
    return await readTlvFile(channel, { sfi: EMRTD_FILES.CardAccess.sfi }, limits);
  } catch (error) {
    const sw = error instanceof TabibError ? (error.details as { sw?: string } | undefined)?.sw : undefined;
    if (sw !== undefined && isAbsent(parseInt(sw, 16))) return null;
    throw error;
  }
}

/** The largest response length from EF.ATR/INFO's DO'7F66' (ISO/IEC 7816-4 §12.7.1), or null. */
async function readExtendedLengthInfo(channel: ApduChannel): Promise<number | null> {
  const select = await channel.send({
    cla: 0x00,
    ins: 0xa4,
    p1: 0x02,
    p2: 0x0c,
    data: EF_ATR_INFO,
  });
  if (select.sw !== SW.OK) return null;
  const read = await channel.send({ cla: 0x00, ins: 0xb0, p1: 0, p2: 0, ne: 256 });
  if (read.sw !== SW.OK && read.sw !== SW.END_OF_FILE) return null;
  try {
    for (const object of parseTlvList(read.data)) {
      if (object.tag !== 0x7f66) continue;
      const integers = parseTlvList(object.value).filter((t) => t.tag === 0x02);
      const response = integers[1];
      if (!response || response.value.length === 0 || response.value.length > 3) return null;
      let value = 0;
      for (const b of response.value) value = value * 256 + b;
      return value >= 256 ? Math.min(value, 65536) : null;
    }
  } catch {
    return null;
  }
  return null;
}

/** The strongest PACEInfo this code supports: AES before 3DES, longer keys first. */
function choosePace(infos: PaceInfo[]): PaceInfo | null {
  const supported = infos.filter(supportsPaceInfo);
  supported.sort((a, b) => {
    const rank = (i: PaceInfo): number =>
      (i.algorithm?.cipher === 'AES' ? 1000 : 0) + (i.algorithm?.keyLength ?? 0);
    return rank(b) - rank(a);
  });
  return supported[0] ?? null;
}

/**
 * Opens the chip with the password; returns a session that reads files under secure messaging.
 * Errors (TabibError): MRZ_INVALID / CAN_INVALID for a malformed password; CARD_ACCESS_DENIED when
 * the chip refuses it (details.reason 'mrz-required' when only a CAN was given to a BAC-only
 * chip); CARD_UNSUPPORTED when the card has no eMRTD application or only PACE variants this code
 * lacks; CARD_PROTOCOL_ERROR for anything malformed; CARD_REMOVED from the transport.
 */
export async function openSecureSession(
  transport: CardTransport,
  password: AccessPassword,
  options: SecureSessionOptions = {},
): Promise<SecureSession> {
  // Validate the password before touching the card.
  if (password.kind === 'mrz') mrzInformation(password);
  else parseCan(password.can);

  const channel = new ApduChannel(transport);
  let maxResponseLength = options.maxResponseLength ?? 256;
  if (options.maxResponseLength === undefined && transport.extendedLength) {
    maxResponseLength = (await readExtendedLengthInfo(channel)) ?? 256;
  }
  if (!transport.extendedLength) maxResponseLength = Math.min(maxResponseLength, 256);
  const plainLimits: ReadLimits = { chunk: maxResponseLength, oddChunk: oddChunkFor(maxResponseLength) };

  const cardAccessBytes = await readCardAccess(channel, plainLimits);
  let paceInfos: PaceInfo[] = [];
  if (cardAccessBytes) {
    try {
      paceInfos = parseCardAccess(cardAccessBytes).paceInfos;
    } catch (error) {
      // A malformed EF.CardAccess: BAC may still open the chip with the MRZ.
      if (password.kind === 'can') throw error;
    }
  }
  const pace = choosePace(paceInfos);

  if (!pace && password.kind === 'can') {
    if (paceInfos.length > 0) {
      throw new TabibError(
        'CARD_UNSUPPORTED',
        'The chip offers only PACE variants this version does not support.',
      );
    }
    throw new TabibError(
      'CARD_ACCESS_DENIED',
      'This document has no PACE: only its MRZ (document number, birth and expiry dates) can open it, not the CAN.',
      { reason: 'mrz-required' },
    );
  }

  /** Performs access control and selects the eMRTD application; returns the SM session. */
  const establish = async (): Promise<{ sm: SecureMessaging; cipherSuite: string }> => {
    if (pace) {
      const result = await performPace(channel, password, pace, {
        random: options.random,
        privateKey: options.pace?.privateKey,
        sendParameterId: paceInfos.length > 1,
      });
      const secure = new SecureMessaging(channel, result.keys, result.ssc);
      await selectApplication(secure);
      return { sm: secure, cipherSuite: result.cipherSuite };
    }
    if (password.kind !== 'mrz') throw new Error('unreachable: BAC needs the MRZ');
    // BAC runs inside the eMRTD application (§4.3): select it in clear first.
    await selectApplication(channel);
    const result = await performBac(channel, password, options.random);
    return { sm: new SecureMessaging(channel, result.keys, result.ssc), cipherSuite: '3DES' };
  };

  const opened = await establish();
  let sm = opened.sm;
  const protocol: 'PACE' | 'BAC' = pace ? 'PACE' : 'BAC';
  const cipherSuite = opened.cipherSuite;

  const plaintext = maxProtectedPlaintext(sm.cipher, maxResponseLength);
  const limits: ReadLimits = {
    chunk: plaintext,
    oddChunk: oddChunkFor(maxProtectedPlaintext(sm.cipher, maxResponseLength, true)),
  };

  const readFile = async (
    file: number | FileRef,
    onProgress?: (p: FileReadProgress) => void,
  ): Promise<Uint8Array> => {
    // A chip that answered an error in clear (e.g. 6A82 for an absent data group) has dropped
    // its session keys (ICAO 9303-11 §9.8): open access again before the next read. A MAC
    // failure is not recovered: the SM object keeps refusing.
    if (sm.endedByClearStatus) sm = (await establish()).sm;
    return readTlvFile(sm, toFileRef(file), limits, (p) => {
      onProgress?.(p);
      options.onProgress?.(p);
    });
  };

  return {
    protocol,
    cipherSuite,
    get apduCount() {
      return channel.apduCount;
    },
    cardAccess: cardAccessBytes,
    maxResponseLength,
    readFile,
    async readOptionalFile(file, onProgress) {
      try {
        return await readFile(file, onProgress);
      } catch (error) {
        if (isFileNotFound(error)) return null;
        throw error;
      }
    },
  };
}
