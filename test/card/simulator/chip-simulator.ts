/**
 * A simulated eMRTD chip (passport or national ID card) behind the CardTransport interface, for
 * tests, the benchmark and the e2e harness. It is written as the CARD side of ICAO 9303-11: its
 * own state machine (file system, access conditions, BAC, PACE-GM-ECDH, secure messaging), not a
 * mirror of the terminal code in main/card/protocol/. It reuses only the primitives that the
 * Appendix D and G tests verify against the published figures: DES/AES, retail MAC, CMAC, the
 * KDF, padding, curve arithmetic, BER-TLV and APDU byte encoding, and the MRZ information string.
 *
 * File system (ICAO 9303-10 §3.6): the master file holds EF.CardAccess (011C, SFI 1C) and, with
 * extended length, EF.ATR/INFO (2F01) announcing the maximum APDU sizes; the eMRTD application
 * (AID A0 00 00 02 47 10 01) holds every other file given (EF.COM 011E, EF.SOD 011D, DGn 01nn),
 * readable only after BAC or PACE, under secure messaging. Short file identifiers are the low
 * five bits of the FID.
 *
 * Status words (ISO/IEC 7816-4 §5.6): 6982 security status not satisfied, 6A82 file not found,
 * 6B00 offset outside the file, 6282 end of file before Ne bytes, 6700 wrong length (also when a
 * response would exceed the card's maximum), 6987/6988 SM data objects missing/incorrect (the
 * session ends), 6D00 INS not supported, 6E00 CLA not supported, 6300 authentication failed,
 * 6A80 incorrect data, 6A88 referenced data (password) not found, 6985 conditions not satisfied.
 */
import { TabibError } from '../../../main/errors';
import type { CardTransport, ResponseApdu } from '../../../main/card/card-transport';
import { decodeCommand, type DecodedCommand } from '../../../main/card/protocol/apdu';
import { bigIntToBytes, bytesEqual, bytesToBigInt, concat, fromHex } from '../../../main/card/protocol/bytes';
import { encodeOid, encodePaceInfo, encodeSecurityInfos } from '../../../main/card/protocol/card-access';
import {
  aesDecrypt,
  aesEncrypt,
  aesEncryptBlock,
  type BlockCipher,
  KDF_ENC,
  KDF_MAC,
  KDF_PACE,
  kdf,
  type KeyLength,
  mac8,
  pad,
  type RandomSource,
  retailMac,
  secureRandom,
  sha1,
  smMac,
  tdesDecrypt,
  tdesEncrypt,
  unpad,
} from '../../../main/card/protocol/crypto';
import { type DomainParameters, ecDomainParameters, type Point } from '../../../main/card/protocol/curves';
import { mrzInformation } from '../../../main/card/protocol/mrz-password';
import { encodeLength, parseTlv, parseTlvList, tlv } from '../../../main/card/protocol/tlv';

export type PaceCipher = '3DES' | 'AES-128' | 'AES-192' | 'AES-256';

export interface SimulatorMrz {
  documentNumber: string;
  birthDate: string;
  expiryDate: string;
}

/** What the fault hook may do to one APDU. */
export type SimulatorFault =
  /** The card leaves the reader: this and every later transmit rejects with CARD_REMOVED. */
  | 'remove'
  /** The card answers bytes that are no valid response to anything. */
  | 'garbage'
  /** The card processes the command but one bit of its response MAC is flipped. */
  | 'tamper-mac'
  /** The card refuses with this status word, in clear, without processing the command. */
  | { sw: number };

export interface ChipSimulatorOptions {
  /** The MRZ the chip was personalised with (BAC, PACE with MRZ). */
  mrz?: SimulatorMrz;
  /** The card access number (PACE with CAN). */
  can?: string;
  /** File id → contents. 011C (EF.CardAccess) lives in the master file, the rest in the eMRTD application. */
  files: Map<number, Uint8Array>;
  /** PACE: the standardized domain parameters and cipher; absent or null = a BAC-only chip. */
  pace?: { parameterId: number; cipher: PaceCipher } | null;
  /** Whether the chip also answers BAC (default: true when an MRZ is given). */
  bac?: boolean;
  /** Whether the chip has the eMRTD application at all (default true); false = some other card. */
  emrtdApplication?: boolean;
  /** Largest response data field, SM included (default 256; above 256 needs extendedLength). */
  maxResponseLength?: number;
  extendedLength?: boolean;
  reader?: string;
  /** Called for every APDU (1-based number) before the card processes it. */
  fault?: (apdu: number, command: Uint8Array) => SimulatorFault | undefined;
  /** Randomness of the chip (nonces, keys); node:crypto by default. */
  random?: RandomSource;
  /**
   * Answer errors under secure messaging in clear and drop the session keys, as some chips do
   * (default: errors come wrapped in DO'99' + DO'8E', and the session goes on).
   */
  smErrorsInClear?: boolean;
}

const AID = fromHex('A0000002471001');
const MF_FILES = new Set([0x011c, 0x2f01]);

interface SmState {
  cipher: BlockCipher;
  ksEnc: Uint8Array;
  ksMac: Uint8Array;
  ssc: Uint8Array;
}

interface PaceState {
  step: 1 | 2 | 3 | 4;
  password: Uint8Array;
  domain: DomainParameters;
  cipher: BlockCipher;
  keyLength: KeyLength;
  oid: Uint8Array;
  nonce?: Uint8Array;
  generator?: Point;
  ephemeralSecret?: bigint;
  ephemeralPublic?: Uint8Array;
  terminalEphemeral?: Uint8Array;
  keys?: { ksEnc: Uint8Array; ksMac: Uint8Array };
}

const paceSuites: Record<PaceCipher, { arc: number; cipher: BlockCipher; keyLength: KeyLength }> = {
  '3DES': { arc: 1, cipher: '3DES', keyLength: 112 },
  'AES-128': { arc: 2, cipher: 'AES', keyLength: 128 },
  'AES-192': { arc: 3, cipher: 'AES', keyLength: 192 },
  'AES-256': { arc: 4, cipher: 'AES', keyLength: 256 },
};

class Refusal {
  constructor(readonly sw: number) {}
}

const refuse = (sw: number): never => {
  throw new Refusal(sw);
};

export class ChipSimulator implements CardTransport {
  readonly reader: string;
  readonly atr = fromHex('3B8880014F504349434131303F');
  readonly extendedLength: boolean;
  readonly maxResponseLength: number;
  private readonly random: RandomSource;
  private readonly mfFiles = new Map<number, Uint8Array>();
  private readonly appFiles = new Map<number, Uint8Array>();
  private readonly paceOid: Uint8Array | null;

  private count = 0;
  private removed = false;
  private closed = false;
  private df: 'MF' | 'APP' = 'MF';
  private currentEf: number | null = null;
  private sm: SmState | null = null;
  private challenge: Uint8Array | null = null;
  private pace: PaceState | null = null;
  /** Ins bytes of the commands processed (inner commands under SM), for tests. */
  readonly log: number[] = [];

  constructor(private readonly options: ChipSimulatorOptions) {
    this.reader = options.reader ?? 'Tabib Simulated Reader 00 00';
    this.extendedLength = options.extendedLength ?? false;
    this.maxResponseLength = options.maxResponseLength ?? 256;
    if (!this.extendedLength && this.maxResponseLength > 256)
      throw new Error('a short-length card answers at most 256 bytes');
    this.random = options.random ?? secureRandom;
    const pace = options.pace ?? null;
    this.paceOid = pace ? encodeOid(`0.4.0.127.0.7.2.2.4.2.${paceSuites[pace.cipher].arc}`) : null;
    for (const [fid, bytes] of options.files)
      (MF_FILES.has(fid) ? this.mfFiles : this.appFiles).set(fid, bytes);
    if (pace && !this.mfFiles.has(0x011c)) {
      this.mfFiles.set(
        0x011c,
        encodeSecurityInfos(
          encodePaceInfo(`0.4.0.127.0.7.2.2.4.2.${paceSuites[pace.cipher].arc}`, pace.parameterId),
        ),
      );
    }
    if (this.extendedLength && !this.mfFiles.has(0x2f01)) {
      // ISO/IEC 7816-4 §12.7.1: DO'7F66' { INTEGER max command, INTEGER max response }.
      const integer = (v: number) => tlv(0x02, bigIntToBytes(BigInt(v), 2));
      this.mfFiles.set(0x2f01, tlv(0x7f66, integer(65535), integer(this.maxResponseLength)));
    }
  }

  /** Command APDUs received. */
  get apduCount(): number {
    return this.count;
  }

  /** Whether secure messaging is established. */
  get secured(): boolean {
    return this.sm !== null;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async transmit(command: Uint8Array): Promise<ResponseApdu> {
    if (this.removed) throw new TabibError('CARD_REMOVED', 'The card was removed from the reader.');
    if (this.closed) throw new TabibError('CARD_READER_FAILED', 'The connection to the card is closed.');
    this.count++;
    const fault = this.options.fault?.(this.count, command);
    if (fault === 'remove') {
      this.removed = true;
      this.sm = null;
      throw new TabibError('CARD_REMOVED', 'The card was removed from the reader.');
    }
    if (fault === 'garbage') return { data: fromHex('DEADBEEF0102'), sw: 0x9000 };
    if (typeof fault === 'object') return { data: new Uint8Array(0), sw: fault.sw };

    let apdu: DecodedCommand;
    try {
      apdu = decodeCommand(command);
    } catch {
      return { data: new Uint8Array(0), sw: 0x6700 };
    }
    if (apdu.extended && !this.extendedLength) return { data: new Uint8Array(0), sw: 0x6700 };
    const outerNe = apdu.ne ?? 0;

    if ((apdu.cla & 0x0c) === 0x0c) return this.secureCommand(apdu, outerNe, fault === 'tamper-mac');
    // ICAO 9303-11 §9.8.7: a command in clear ends secure messaging.
    this.sm = null;
    try {
      const response = this.process(apdu, false);
      if (response.data.length > Math.min(outerNe, this.maxResponseLength))
        return { data: new Uint8Array(0), sw: 0x6700 };
      return response;
    } catch (error) {
      if (error instanceof Refusal) return { data: new Uint8Array(0), sw: error.sw };
      throw error;
    }
  }

  // --- secure messaging, card side (ICAO 9303-11 §9.8) ------------------------------------

  private smBlock(state: SmState): number {
    return state.cipher === '3DES' ? 8 : 16;
  }

  private smIncrement(state: SmState): void {
    for (let i = state.ssc.length - 1; i >= 0; i--) {
      state.ssc[i] = (state.ssc[i]! + 1) & 0xff;
      if (state.ssc[i] !== 0) break;
    }
  }

  private smIv(state: SmState): Uint8Array | undefined {
    return state.cipher === 'AES' ? aesEncryptBlock(state.ksEnc, state.ssc) : undefined;
  }

  private smMacOf(state: SmState, message: Uint8Array): Uint8Array {
    return smMac(state.cipher, state.ksMac, pad(concat(state.ssc, message), this.smBlock(state)));
  }

  private secureCommand(apdu: DecodedCommand, outerNe: number, tamper: boolean): ResponseApdu {
    const state = this.sm;
    const plain = (sw: number): ResponseApdu => ({ data: new Uint8Array(0), sw });
    if (!state) return plain(0x6987);
    this.smIncrement(state);
    let objects;
    try {
      objects = parseTlvList(apdu.data);
    } catch {
      this.sm = null;
      return plain(0x6988);
    }
    const cryptogramObject = objects.find((o) => o.tag === 0x87 || o.tag === 0x85);
    const leObject = objects.find((o) => o.tag === 0x97);
    const macObject = objects.find((o) => o.tag === 0x8e);
    if (!macObject) {
      this.sm = null;
      return plain(0x6987);
    }
    const header = pad(Uint8Array.of(apdu.cla, apdu.ins, apdu.p1, apdu.p2), this.smBlock(state));
    const covered = concat(
      header,
      cryptogramObject ? apdu.data.subarray(cryptogramObject.start, cryptogramObject.end) : new Uint8Array(0),
      leObject ? apdu.data.subarray(leObject.start, leObject.end) : new Uint8Array(0),
    );
    if (!bytesEqual(macObject.value, this.smMacOf(state, covered))) {
      this.sm = null;
      return plain(0x6988);
    }
    let data: Uint8Array = new Uint8Array(0);
    if (cryptogramObject) {
      const cryptogram =
        cryptogramObject.tag === 0x87 ? cryptogramObject.value.subarray(1) : cryptogramObject.value;
      if (
        (cryptogramObject.tag === 0x87 && cryptogramObject.value[0] !== 0x01) ||
        cryptogram.length % this.smBlock(state) !== 0
      ) {
        this.sm = null;
        return plain(0x6988);
      }
      try {
        const decrypted =
          state.cipher === '3DES'
            ? tdesDecrypt(state.ksEnc, cryptogram)
            : aesDecrypt(state.ksEnc, cryptogram, this.smIv(state));
        data = unpad(decrypted);
      } catch {
        this.sm = null;
        return plain(0x6988);
      }
    }
    let ne: number | undefined;
    if (leObject) {
      const v = leObject.value;
      if (v.length === 1) ne = v[0] === 0 ? 256 : v[0];
      else if (v.length === 2) ne = (v[0]! << 8) | v[1]! || 65536;
      else {
        this.sm = null;
        return plain(0x6988);
      }
    }
    const inner: DecodedCommand = {
      cla: apdu.cla & ~0x0c & 0xff,
      ins: apdu.ins,
      p1: apdu.p1,
      p2: apdu.p2,
      data,
      ne,
      extended: apdu.extended,
    };
    let response: ResponseApdu;
    try {
      response = this.process(inner, true);
    } catch (error) {
      if (!(error instanceof Refusal)) throw error;
      response = { data: new Uint8Array(0), sw: error.sw };
    }
    // The protected response must fit in the outer Ne and in the card's buffer.
    const odd = (apdu.ins & 1) === 1;
    const block = this.smBlock(state);
    const wrappedSize = (data: Uint8Array): number => {
      if (data.length === 0) return 14;
      const value = (odd ? 0 : 1) + (Math.floor(data.length / block) + 1) * block;
      return 1 + encodeLength(value).length + value + 14;
    };
    if (wrappedSize(response.data) > Math.min(outerNe, this.maxResponseLength))
      response = { data: new Uint8Array(0), sw: 0x6700 };
    const okStatus = response.sw === 0x9000 || response.sw === 0x6282;
    if (!okStatus && this.options.smErrorsInClear) {
      this.sm = null;
      return { data: new Uint8Array(0), sw: response.sw };
    }
    return this.wrapResponse(state, response, odd, tamper);
  }

  private wrapResponse(state: SmState, response: ResponseApdu, odd: boolean, tamper: boolean): ResponseApdu {
    this.smIncrement(state);
    let dataObject: Uint8Array = new Uint8Array(0);
    if (response.data.length > 0) {
      const padded = pad(response.data, this.smBlock(state));
      const cryptogram =
        state.cipher === '3DES'
          ? tdesEncrypt(state.ksEnc, padded)
          : aesEncrypt(state.ksEnc, padded, this.smIv(state));
      dataObject = odd ? tlv(0x85, cryptogram) : tlv(0x87, Uint8Array.of(0x01), cryptogram);
    }
    const statusObject = tlv(0x99, Uint8Array.of(response.sw >> 8, response.sw & 0xff));
    const mac = this.smMacOf(state, concat(dataObject, statusObject));
    if (tamper) mac[7]! ^= 0x01;
    // The trailer repeats the status of DO'99' (it is not authenticated; DO'99' is).
    return { data: concat(dataObject, statusObject, tlv(0x8e, mac)), sw: response.sw };
  }

  // --- commands ----------------------------------------------------------------------------

  private process(apdu: DecodedCommand, secure: boolean): ResponseApdu {
    this.log.push(apdu.ins);
    if ((apdu.cla & ~0x10 & 0xff) !== 0x00) refuse(0x6e00);
    if (apdu.cla & 0x10 && apdu.ins !== 0x86) refuse(0x6884); // chaining only for GENERAL AUTHENTICATE
    switch (apdu.ins) {
      case 0xa4:
        return this.select(apdu, secure);
      case 0xb0:
      case 0xb1:
        return this.readBinary(apdu, secure);
      case 0x84:
        return this.getChallenge(apdu);
      case 0x82:
        return this.externalAuthenticate(apdu);
      case 0x22:
        return this.manageSecurityEnvironment(apdu);
      case 0x86:
        return this.generalAuthenticate(apdu);
      default:
        return refuse(0x6d00);
    }
  }

  private ok(data: Uint8Array = new Uint8Array(0), sw = 0x9000): ResponseApdu {
    return { data, sw };
  }

  private select(apdu: DecodedCommand, secure: boolean): ResponseApdu {
    if (apdu.p2 !== 0x0c && apdu.p2 !== 0x00) refuse(0x6a86);
    if (apdu.p1 === 0x04) {
      if (!bytesEqual(apdu.data, AID) || this.options.emrtdApplication === false) refuse(0x6a82);
      this.df = 'APP';
      this.currentEf = null;
      return this.ok();
    }
    if (apdu.p1 === 0x00 && (apdu.data.length === 0 || bytesEqual(apdu.data, fromHex('3F00')))) {
      this.df = 'MF';
      this.currentEf = null;
      return this.ok();
    }
    if ((apdu.p1 === 0x02 || apdu.p1 === 0x00) && apdu.data.length === 2) {
      const fid = (apdu.data[0]! << 8) | apdu.data[1]!;
      const files = this.df === 'MF' ? this.mfFiles : this.appFiles;
      if (!files.has(fid)) refuse(0x6a82);
      if (this.df === 'APP' && !secure) refuse(0x6982);
      this.currentEf = fid;
      return this.ok();
    }
    return refuse(0x6a86);
  }

  private readBinary(apdu: DecodedCommand, secure: boolean): ResponseApdu {
    const files = this.df === 'MF' ? this.mfFiles : this.appFiles;
    let offset: number;
    let ne = apdu.ne;
    if (ne === undefined) return refuse(0x6700);
    if (apdu.ins === 0xb0) {
      if (apdu.p1 & 0x80) {
        if (apdu.p1 & 0x60) refuse(0x6a86);
        const sfi = apdu.p1 & 0x1f;
        const fid = [...files.keys()].find((f) => (f & 0x1f) === sfi && (f >> 8 === 0x01 || f === 0x2f01));
        if (fid === undefined) refuse(0x6a82);
        if (this.df === 'APP' && !secure) refuse(0x6982);
        this.currentEf = fid!;
        offset = apdu.p2;
      } else {
        offset = (apdu.p1 << 8) | apdu.p2;
      }
    } else {
      // Odd INS (ISO/IEC 7816-4 §11.2.3): P1-P2 = 0000 (current EF), offset in DO'54'.
      if (apdu.p1 !== 0 || apdu.p2 !== 0) refuse(0x6a86);
      let offsetObject;
      try {
        offsetObject = parseTlv(apdu.data, 0);
      } catch {
        return refuse(0x6a80);
      }
      if (offsetObject.tag !== 0x54 || offsetObject.value.length === 0 || offsetObject.value.length > 3)
        refuse(0x6a80);
      offset = Number(bytesToBigInt(offsetObject.value));
    }
    if (this.currentEf === null) refuse(0x6986);
    if (this.df === 'APP' && !secure) refuse(0x6982);
    const file = files.get(this.currentEf!)!;
    if (offset > file.length) refuse(0x6b00);
    if (apdu.ins === 0xb1) {
      // Room for the DO'53' header within Ne.
      let room = ne - 2;
      while (room > 0 && room + 1 + encodeLength(room).length > ne) room--;
      ne = room;
    }
    const data = file.subarray(offset, Math.min(file.length, offset + ne));
    const sw = data.length < ne ? 0x6282 : 0x9000;
    return this.ok(apdu.ins === 0xb1 ? tlv(0x53, data) : data.slice(), sw);
  }

  // --- BAC, chip side (ICAO 9303-11 §4.3) ---------------------------------------------------

  private bacKeys(): { kEnc: Uint8Array; kMac: Uint8Array } | null {
    const mrz = this.options.mrz;
    if (!mrz || this.options.bac === false) return null;
    const seed = sha1(new TextEncoder().encode(mrzInformation({ kind: 'mrz', ...mrz }))).slice(0, 16);
    return { kEnc: kdf(seed, KDF_ENC, '3DES', 112), kMac: kdf(seed, KDF_MAC, '3DES', 112) };
  }

  private getChallenge(apdu: DecodedCommand): ResponseApdu {
    if (!this.bacKeys() || this.df !== 'APP') refuse(0x6985);
    if (apdu.ne !== 8 || apdu.data.length !== 0) refuse(0x6700);
    this.challenge = this.random(8);
    return this.ok(this.challenge.slice());
  }

  private externalAuthenticate(apdu: DecodedCommand): ResponseApdu {
    const keys = this.bacKeys();
    const challenge = this.challenge;
    this.challenge = null;
    if (!keys || !challenge) return refuse(0x6985);
    if (apdu.data.length !== 40) refuse(0x6700);
    const eIfd = apdu.data.subarray(0, 32);
    if (!bytesEqual(retailMac(keys.kMac, eIfd), apdu.data.subarray(32))) refuse(0x6300);
    const s = tdesDecrypt(keys.kEnc, eIfd);
    const rndIfd = s.subarray(0, 8);
    if (!bytesEqual(s.subarray(8, 16), challenge)) refuse(0x6300);
    const kIfd = s.subarray(16, 32);
    const kIc = this.random(16);
    const eIc = tdesEncrypt(keys.kEnc, concat(challenge, rndIfd, kIc));
    const seed = new Uint8Array(16);
    for (let i = 0; i < 16; i++) seed[i] = kIfd[i]! ^ kIc[i]!;
    this.sm = {
      cipher: '3DES',
      ksEnc: kdf(seed, KDF_ENC, '3DES', 112),
      ksMac: kdf(seed, KDF_MAC, '3DES', 112),
      ssc: concat(challenge.subarray(4), rndIfd.subarray(4)),
    };
    return this.ok(concat(eIc, retailMac(keys.kMac, eIc)));
  }

  // --- PACE, chip side (ICAO 9303-11 §4.4) --------------------------------------------------

  private manageSecurityEnvironment(apdu: DecodedCommand): ResponseApdu {
    this.pace = null;
    const config = this.options.pace;
    if (!config || !this.paceOid) return refuse(0x6d00);
    if (apdu.p1 !== 0xc1 || apdu.p2 !== 0xa4) refuse(0x6a86);
    let objects;
    try {
      objects = parseTlvList(apdu.data);
    } catch {
      return refuse(0x6a80);
    }
    const oid = objects.find((o) => o.tag === 0x80)?.value;
    const reference = objects.find((o) => o.tag === 0x83)?.value;
    const parameter = objects.find((o) => o.tag === 0x84)?.value;
    if (!oid || !bytesEqual(oid, this.paceOid)) refuse(0x6a80);
    if (parameter && (parameter.length !== 1 || parameter[0] !== config.parameterId)) refuse(0x6a88);
    let password: Uint8Array;
    if (reference?.length === 1 && reference[0] === 0x01 && this.options.mrz) {
      password = sha1(new TextEncoder().encode(mrzInformation({ kind: 'mrz', ...this.options.mrz })));
    } else if (reference?.length === 1 && reference[0] === 0x02 && this.options.can) {
      password = new TextEncoder().encode(this.options.can);
    } else return refuse(0x6a88);
    const suite = paceSuites[config.cipher];
    const domain = ecDomainParameters(config.parameterId);
    if (!domain) throw new Error(`simulator: no curve for parameter id ${config.parameterId}`);
    this.pace = {
      step: 1,
      password,
      domain,
      cipher: suite.cipher,
      keyLength: suite.keyLength,
      oid: this.paceOid,
    };
    return this.ok();
  }

  private randomScalar(domain: DomainParameters): bigint {
    for (;;) {
      const k = bytesToBigInt(this.random(domain.fieldBytes + 8)) % domain.n;
      if (k !== 0n) return k;
    }
  }

  private point(domain: DomainParameters, bytes: Uint8Array): Point {
    try {
      if (bytes[0] !== 0x04 || bytes.length !== 1 + 2 * domain.fieldBytes)
        throw new Error('not uncompressed');
      const p = domain.Point.fromBytes(bytes);
      p.assertValidity();
      return p;
    } catch {
      return refuse(0x6a80);
    }
  }

  private generalAuthenticate(apdu: DecodedCommand): ResponseApdu {
    const state = this.pace;
    if (!state) return refuse(0x6985);
    const chained = (apdu.cla & 0x10) !== 0;
    if (chained !== state.step < 4) {
      this.pace = null;
      refuse(0x6883);
    }
    let inner: Uint8Array;
    try {
      const outer = parseTlv(apdu.data, 0);
      if (outer.tag !== 0x7c || outer.end !== apdu.data.length) throw new Error('not 7C');
      inner = outer.value;
    } catch {
      this.pace = null;
      return refuse(0x6a80);
    }
    const field = (tag: number): Uint8Array => {
      try {
        const object = parseTlv(inner, 0);
        if (object.tag !== tag) throw new Error('unexpected tag');
        return object.value;
      } catch {
        this.pace = null;
        return refuse(0x6a80);
      }
    };
    const { domain, cipher, keyLength } = state;
    const encode = (p: Point): Uint8Array => p.toBytes(false);
    switch (state.step) {
      case 1: {
        // Encrypted nonce z = E(K_π, s), s of 128 bits (§4.4.3.3.1).
        if (inner.length !== 0) refuse(0x6a80);
        state.nonce = this.random(16);
        const kPi = kdf(state.password, KDF_PACE, cipher, keyLength);
        const z = cipher === '3DES' ? tdesEncrypt(kPi, state.nonce) : aesEncrypt(kPi, state.nonce);
        state.step = 2;
        return this.ok(tlv(0x7c, tlv(0x80, z)));
      }
      case 2: {
        const terminalMap = this.point(domain, field(0x81));
        const secret = this.randomScalar(domain);
        const shared = terminalMap.multiply(secret);
        state.generator = domain.Point.BASE.multiply(bytesToBigInt(state.nonce!) % domain.n).add(shared);
        state.step = 3;
        return this.ok(tlv(0x7c, tlv(0x82, encode(domain.Point.BASE.multiply(secret)))));
      }
      case 3: {
        const terminalBytes = field(0x83);
        const terminal = this.point(domain, terminalBytes);
        state.ephemeralSecret = this.randomScalar(domain);
        state.ephemeralPublic = encode(state.generator!.multiply(state.ephemeralSecret));
        if (bytesEqual(state.ephemeralPublic, terminalBytes)) refuse(0x6a80);
        state.terminalEphemeral = terminalBytes;
        const shared = bigIntToBytes(terminal.multiply(state.ephemeralSecret).x, domain.fieldBytes);
        state.keys = {
          ksEnc: kdf(shared, KDF_ENC, cipher, keyLength),
          ksMac: kdf(shared, KDF_MAC, cipher, keyLength),
        };
        state.step = 4;
        return this.ok(tlv(0x7c, tlv(0x84, state.ephemeralPublic)));
      }
      case 4: {
        const token = field(0x85);
        const keys = state.keys!;
        const tokenOver = (publicKey: Uint8Array) =>
          mac8(cipher, keys.ksMac, tlv(0x7f49, tlv(0x06, state.oid), tlv(0x86, publicKey)));
        this.pace = null;
        if (!bytesEqual(token, tokenOver(state.ephemeralPublic!))) refuse(0x6300);
        this.sm = {
          cipher,
          ksEnc: keys.ksEnc,
          ksMac: keys.ksMac,
          ssc: new Uint8Array(cipher === '3DES' ? 8 : 16),
        };
        return this.ok(tlv(0x7c, tlv(0x86, tokenOver(state.terminalEphemeral!))));
      }
    }
  }
}
