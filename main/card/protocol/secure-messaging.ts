/**
 * Secure messaging (ICAO 9303-11 §9.8): every command after BAC or PACE is wrapped into data
 * objects (DO'87' or DO'85' encrypted data, DO'97' expected length, DO'8E' MAC) and every
 * response checked (DO'87'/'85', DO'99' status, DO'8E') before it is believed.
 *
 * - 3DES (BAC, and PACE 3DES): SSC of 8 bytes, CBC with a zero IV, retail MAC (§9.8.6.1-2).
 * - AES (PACE AES-128/192/256): SSC of 16 bytes, CBC with IV = E(KSenc, SSC), CMAC truncated
 *   to 8 bytes (§9.8.6.1-2).
 * The SSC is incremented before wrapping each command and before unwrapping each response
 * (§9.8.3). A response whose MAC does not verify ends the session: CARD_PROTOCOL_ERROR.
 */
import { TabibError } from '../../errors';
import type { ResponseApdu } from '../card-transport';
import {
  type ApduChannel,
  type ApduSender,
  type CommandApdu,
  SHORT_MAX_NC,
  SHORT_MAX_NE,
  statusError,
} from './apdu';
import { byteAt, bytesEqual, concat } from './bytes';
import {
  aesDecrypt,
  aesEncrypt,
  aesEncryptBlock,
  type BlockCipher,
  blockSize,
  pad,
  smMac,
  tdesDecrypt,
  tdesEncrypt,
  unpad,
} from './crypto';
import { encodeLength, parseTlvList, tlv } from './tlv';

export interface SessionKeys {
  cipher: BlockCipher;
  ksEnc: Uint8Array;
  ksMac: Uint8Array;
}

/** A wrapped command and whether its outer APDU must use extended length. */
export interface WrappedCommand {
  apdu: CommandApdu;
  extended: boolean;
}

/** Encoded size of a DO'87' carrying `plain` bytes once padded (tag + length + 01 + cryptogram). */
function do87Size(plainLength: number, block: number): number {
  const value = 1 + (Math.floor(plainLength / block) + 1) * block;
  return 1 + encodeLength(value).length + value;
}

/**
 * The largest number of plaintext bytes a protected response may carry so that it fits in
 * `maxResponse` response bytes: DO'87' (or DO'85' without the 01 indicator) + DO'99' (4 bytes) +
 * DO'8E' (10 bytes). With short length (256), 3DES gives 231 and AES 223.
 */
export function maxProtectedPlaintext(cipher: BlockCipher, maxResponse: number, oddIns = false): number {
  const block = blockSize(cipher);
  let best = 0;
  // The size grows monotonically with the plaintext length: walk up by blocks, then fine-tune.
  for (let n = 0; n <= maxResponse; n++) {
    const size = do87Size(n, block) - (oddIns ? 1 : 0) + 4 + 10;
    if (size <= maxResponse) best = n;
    else if (n > best + block) break;
  }
  return best;
}

export class SecureMessaging implements ApduSender {
  private counter: Uint8Array;
  private broken: string | null = null;
  private brokenInClear = false;
  readonly cipher: BlockCipher;
  private readonly block: number;

  constructor(
    private readonly channel: ApduChannel | null,
    private readonly keys: SessionKeys,
    ssc: Uint8Array,
  ) {
    this.cipher = keys.cipher;
    this.block = blockSize(keys.cipher);
    if (ssc.length !== this.block) throw new Error(`the SSC of ${keys.cipher} is ${this.block} bytes`);
    this.counter = ssc.slice();
  }

  /** The current send sequence counter (a copy). */
  get ssc(): Uint8Array {
    return this.counter.slice();
  }

  private increment(): void {
    for (let i = this.counter.length - 1; i >= 0; i--) {
      this.counter[i] = (byteAt(this.counter, i) + 1) & 0xff;
      if (this.counter[i] !== 0) break;
    }
  }

  private encrypt(data: Uint8Array): Uint8Array {
    if (this.cipher === '3DES') return tdesEncrypt(this.keys.ksEnc, data);
    return aesEncrypt(this.keys.ksEnc, data, aesEncryptBlock(this.keys.ksEnc, this.counter));
  }

  private decrypt(data: Uint8Array): Uint8Array {
    if (this.cipher === '3DES') return tdesDecrypt(this.keys.ksEnc, data);
    return aesDecrypt(this.keys.ksEnc, data, aesEncryptBlock(this.keys.ksEnc, this.counter));
  }

  private mac(message: Uint8Array): Uint8Array {
    return smMac(this.cipher, this.keys.ksMac, pad(concat(this.counter, message), this.block));
  }

  /**
   * Wraps a command (§9.8.4, Appendix D.4): masked CLA (| 0x0C), padded header, DO'87' (even INS)
   * or DO'85' (odd INS) with the encrypted padded data, DO'97' with Le, DO'8E' with the MAC over
   * SSC ‖ header ‖ DOs. The outer Le asks for everything (00, or 0000 in extended length).
   * `extendedAllowed`: whether the reader can carry extended-length APDUs.
   */
  wrap(command: CommandApdu, extendedAllowed = this.channel?.extendedLength ?? false): WrappedCommand {
    this.assertUsable();
    this.increment();
    const cla = command.cla | 0x0c;
    const header = pad(Uint8Array.of(cla, command.ins, command.p1, command.p2), this.block);
    const odd = (command.ins & 1) === 1;
    let dataObject: Uint8Array = new Uint8Array(0);
    if (command.data && command.data.length > 0) {
      const cryptogram = this.encrypt(pad(command.data, this.block));
      dataObject = odd ? tlv(0x85, cryptogram) : tlv(0x87, Uint8Array.of(0x01), cryptogram);
    }
    let do97: Uint8Array = new Uint8Array(0);
    if (command.ne !== undefined) {
      const ne = command.ne;
      // Le inside DO'97': one byte when Ne ≤ 256 (256 as 00), else two bytes (65536 as 0000).
      const le = ne <= 256 ? Uint8Array.of(ne & 0xff) : Uint8Array.of((ne >> 8) & 0xff, ne & 0xff);
      do97 = tlv(0x97, le);
    }
    const cc = this.mac(concat(header, dataObject, do97));
    const body = concat(dataObject, do97, tlv(0x8e, cc));
    // The protected response carries Ne plaintext bytes in a DO plus DO'99' and DO'8E'.
    const expectedResponse =
      command.ne === undefined ? 14 : do87Size(command.ne, this.block) - (odd ? 1 : 0) + 14;
    const extended = body.length > SHORT_MAX_NC || expectedResponse > SHORT_MAX_NE;
    if (extended && !extendedAllowed) {
      throw new TabibError(
        'CARD_PROTOCOL_ERROR',
        'This protected command needs extended length, which the reader lacks.',
      );
    }
    return {
      apdu: { cla, ins: command.ins, p1: command.p1, p2: command.p2, data: body, ne: extended ? 65536 : 256 },
      extended,
    };
  }

  /**
   * Unwraps a protected response (§9.8.5, Appendix D.4): checks DO'8E' over SSC ‖ DO'87'/'85' ‖
   * DO'99', decrypts the data, and returns it with the status word of DO'99'. A response without
   * SM data objects carries an error status in clear (6987/6988: the chip ended the session).
   */
  unwrap(response: ResponseApdu): ResponseApdu {
    this.assertUsable();
    this.increment();
    if (response.data.length === 0) {
      this.broken = `the chip answered ${response.sw.toString(16)} without secure messaging`;
      // Some chips answer errors (6A82 for an absent file…) in clear and drop their session keys:
      // the session can be opened again. 6987/6988 (our SM refused) and 9000 in clear cannot.
      this.brokenInClear = response.sw !== 0x9000 && response.sw !== 0x6987 && response.sw !== 0x6988;
      if (response.sw === 0x9000) {
        throw new TabibError(
          'CARD_PROTOCOL_ERROR',
          'The chip answered without secure messaging data objects.',
        );
      }
      throw statusError(response.sw, 'Secure messaging');
    }
    let objects;
    try {
      objects = parseTlvList(response.data);
    } catch {
      this.broken = 'malformed response';
      throw new TabibError('CARD_PROTOCOL_ERROR', 'The protected response is not made of data objects.');
    }
    let dataObject: Uint8Array = new Uint8Array(0);
    let encrypted: Uint8Array | null = null;
    let statusObject: Uint8Array = new Uint8Array(0);
    let sw: number | null = null;
    let cc: Uint8Array | null = null;
    for (const object of objects) {
      const encoded = response.data.subarray(object.start, object.end);
      if (object.tag === 0x87 || object.tag === 0x85) {
        if (object.tag === 0x87 && object.value[0] !== 0x01) {
          this.broken = 'bad padding indicator';
          throw new TabibError('CARD_PROTOCOL_ERROR', 'DO87 without the padding-content indicator 01.');
        }
        dataObject = encoded;
        encrypted = object.tag === 0x87 ? object.value.subarray(1) : object.value;
      } else if (object.tag === 0x99) {
        if (object.value.length !== 2)
          throw new TabibError('CARD_PROTOCOL_ERROR', 'DO99 is not a status word.');
        statusObject = encoded;
        sw = (byteAt(object.value, 0) << 8) | byteAt(object.value, 1);
      } else if (object.tag === 0x8e) {
        cc = object.value;
      }
    }
    if (!cc || sw === null) {
      this.broken = 'missing DO8E or DO99';
      throw new TabibError(
        'CARD_PROTOCOL_ERROR',
        'The protected response lacks its MAC (DO8E) or status (DO99).',
      );
    }
    if (!bytesEqual(cc, this.mac(concat(dataObject, statusObject)))) {
      this.broken = 'response MAC mismatch';
      throw new TabibError(
        'CARD_PROTOCOL_ERROR',
        'The MAC of the chip’s response does not verify: the response was altered or the session is not genuine.',
      );
    }
    let data: Uint8Array = new Uint8Array(0);
    if (encrypted) {
      if (encrypted.length === 0 || encrypted.length % this.block !== 0) {
        throw new TabibError('CARD_PROTOCOL_ERROR', 'The encrypted response data is not whole blocks.');
      }
      try {
        data = unpad(this.decrypt(encrypted));
      } catch {
        throw new TabibError('CARD_PROTOCOL_ERROR', 'The decrypted response data has no valid padding.');
      }
    }
    return { data, sw };
  }

  /** Why the session ended (MAC mismatch, malformed response, an answer in clear), or null. */
  get ended(): string | null {
    return this.broken;
  }

  /**
   * Whether the session ended only because the chip answered an error status in clear (not a
   * MAC or format failure): access may be performed again. A MAC failure is never recoverable.
   */
  get endedByClearStatus(): boolean {
    return this.broken !== null && this.brokenInClear;
  }

  /** Wraps, transmits and unwraps one command. */
  async send(command: CommandApdu): Promise<ResponseApdu> {
    if (!this.channel) throw new Error('this secure messaging object has no channel');
    const { apdu, extended } = this.wrap(command);
    const response = await this.channel.send(apdu, extended);
    return this.unwrap(response);
  }

  private assertUsable(): void {
    if (this.broken) {
      throw new TabibError('CARD_PROTOCOL_ERROR', `The secure messaging session has ended (${this.broken}).`);
    }
  }
}
