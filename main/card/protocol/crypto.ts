/**
 * Symmetric primitives of ICAO 9303-11 §9.7 and §9.8 over node:crypto:
 * - 3DES (two-key, EDE) in CBC mode with a zero IV, built on OpenSSL's `des-ede-cbc`;
 * - the ISO/IEC 9797-1 MAC algorithm 3 ("retail MAC") with single DES, also built on
 *   `des-ede-cbc` with the key K‖K, because OpenSSL 3 (Node 20) refuses `des-cbc`/`des-ecb`
 *   (shared/docs/pitfalls.md, "Cards");
 * - AES-CBC and AES-CMAC (NIST SP 800-38B) over `aes-*-ecb`;
 * - ISO/IEC 9797-1 padding method 2, DES key parity, and the key derivation function of §9.7.1.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { byteAt, concat, xor } from './bytes';

export type BlockCipher = '3DES' | 'AES';

const ZERO8 = new Uint8Array(8);
const ZERO16 = new Uint8Array(16);

function run(cipher: ReturnType<typeof createCipheriv>, data: Uint8Array): Uint8Array {
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

function checkBlocks(data: Uint8Array, size: number): void {
  if (data.length % size !== 0) throw new Error(`data is not a whole number of ${size}-byte blocks`);
}

// --- 3DES ---------------------------------------------------------------------------------

function tdesKey(key: Uint8Array): Uint8Array {
  // Two-key 3DES (K1, K2, K1): des-ede-cbc takes the 16 bytes K1‖K2.
  if (key.length === 16) return key;
  if (key.length === 24) return key.subarray(0, 16);
  throw new Error(`3DES key must be 16 bytes, got ${key.length}`);
}

/** 3DES-EDE-CBC encryption, no padding (ICAO 9303-11 §9.8.6.1: IV = 0 unless given). */
export function tdesEncrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  checkBlocks(data, 8);
  return run(createCipheriv('des-ede-cbc', tdesKey(key), iv), data);
}

export function tdesDecrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  checkBlocks(data, 8);
  return run(
    createDecipheriv('des-ede-cbc', tdesKey(key), iv) as unknown as ReturnType<typeof createCipheriv>,
    data,
  );
}

/** Single DES through 3DES with K1 = K2 (EDE with equal keys is DES). */
function desEncrypt(key8: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO8): Uint8Array {
  return tdesEncrypt(concat(key8, key8), data, iv);
}

function desDecrypt(key8: Uint8Array, data: Uint8Array): Uint8Array {
  return tdesDecrypt(concat(key8, key8), data);
}

/**
 * ISO/IEC 9797-1 MAC algorithm 3 with DES (ICAO 9303-11 §9.8.6.2, "retail MAC"): CBC-MAC with
 * K1 over the blocks, then the last output is decrypted with K2 and encrypted with K1.
 * `data` must already be padded (method 2) to a multiple of 8 bytes. Returns 8 bytes.
 */
export function retailMacPadded(key: Uint8Array, data: Uint8Array): Uint8Array {
  checkBlocks(data, 8);
  if (key.length !== 16) throw new Error('retail MAC key must be 16 bytes');
  const k1 = key.subarray(0, 8);
  const k2 = key.subarray(8, 16);
  const cbc = desEncrypt(k1, data);
  const h = cbc.subarray(cbc.length - 8);
  return desEncrypt(k1, desDecrypt(k2, h));
}

/** Retail MAC over `data` padded with method 2. */
export function retailMac(key: Uint8Array, data: Uint8Array): Uint8Array {
  return retailMacPadded(key, pad(data, 8));
}

// --- AES -----------------------------------------------------------------------------------

function aesName(key: Uint8Array, mode: 'cbc' | 'ecb'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) {
    throw new Error(`AES key must be 16, 24 or 32 bytes, got ${key.length}`);
  }
  return `aes-${key.length * 8}-${mode}`;
}

export function aesEncrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO16): Uint8Array {
  checkBlocks(data, 16);
  return run(createCipheriv(aesName(key, 'cbc'), key, iv), data);
}

export function aesDecrypt(key: Uint8Array, data: Uint8Array, iv: Uint8Array = ZERO16): Uint8Array {
  checkBlocks(data, 16);
  return run(
    createDecipheriv(aesName(key, 'cbc'), key, iv) as unknown as ReturnType<typeof createCipheriv>,
    data,
  );
}

/** One AES block, ECB (the SM IV of §9.8.6.1 is E(KSenc, SSC); CMAC's subkeys). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  checkBlocks(block, 16);
  return run(createCipheriv(aesName(key, 'ecb'), key, null), block);
}

function shiftLeft(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(block.length);
  let carry = 0;
  for (let i = block.length - 1; i >= 0; i--) {
    const b = byteAt(block, i);
    out[i] = ((b << 1) | carry) & 0xff;
    carry = b >> 7;
  }
  return out;
}

function cmacSubkey(previous: Uint8Array): Uint8Array {
  const shifted = shiftLeft(previous);
  if (byteAt(previous, 0) & 0x80) shifted[15] = byteAt(shifted, 15) ^ 0x87;
  return shifted;
}

/** AES-CMAC (NIST SP 800-38B), full 16 bytes; ICAO 9303-11 §9.8.6.2 truncates it to 8. */
export function aesCmac(key: Uint8Array, message: Uint8Array): Uint8Array {
  const k1 = cmacSubkey(aesEncryptBlock(key, ZERO16));
  const k2 = cmacSubkey(k1);
  const blocks = Math.max(1, Math.ceil(message.length / 16));
  const complete = message.length > 0 && message.length % 16 === 0;
  const last = new Uint8Array(16);
  const lastStart = (blocks - 1) * 16;
  if (complete) {
    last.set(xor(message.subarray(lastStart, lastStart + 16), k1));
  } else {
    const tail = message.subarray(lastStart);
    const padded = new Uint8Array(16);
    padded.set(tail);
    padded[tail.length] = 0x80;
    last.set(xor(padded, k2));
  }
  const all = concat(message.subarray(0, lastStart), last);
  const cbc = aesEncrypt(key, all);
  return cbc.subarray(cbc.length - 16);
}

// --- padding, parity, KDF ------------------------------------------------------------------

/** ISO/IEC 9797-1 padding method 2: 80 then 00s to a multiple of the block size (always adds). */
export function pad(data: Uint8Array, blockSize: number): Uint8Array {
  const length = (Math.floor(data.length / blockSize) + 1) * blockSize;
  const out = new Uint8Array(length);
  out.set(data);
  out[data.length] = 0x80;
  return out;
}

/** Removes padding method 2; throws if it is not there. */
export function unpad(data: Uint8Array): Uint8Array {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0) i--;
  if (i < 0 || data[i] !== 0x80) throw new Error('padding method 2 not found');
  return data.slice(0, i);
}

/** Sets each byte's least significant bit so that it has an odd number of ones (DES key parity). */
export function adjustParity(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const b = byteAt(key, i) & 0xfe;
    let ones = 0;
    for (let v = b; v; v >>= 1) ones += v & 1;
    out[i] = b | (ones % 2 === 0 ? 1 : 0);
  }
  return out;
}

/** Key length in bits of a cipher suite: 112 for two-key 3DES, 128/192/256 for AES. */
export type KeyLength = 112 | 128 | 192 | 256;

/** The KDF counter values of ICAO 9303-11 §9.7.1. */
export const KDF_ENC = 1;
export const KDF_MAC = 2;
export const KDF_PACE = 3;

/**
 * ICAO 9303-11 §9.7.1 key derivation: keydata = H(K ‖ c) with c a 32-bit big-endian counter;
 * SHA-1 for 3DES and AES-128, SHA-256 for AES-192 and AES-256. 3DES takes the first 16 bytes as
 * Ka ‖ Kb and adjusts their parity (§9.7.1.1); AES takes the first 16, 24 or 32 bytes.
 */
export function kdf(
  secret: Uint8Array,
  counter: number,
  cipher: BlockCipher,
  keyLength: KeyLength,
): Uint8Array {
  const c = Uint8Array.of(
    (counter >>> 24) & 0xff,
    (counter >>> 16) & 0xff,
    (counter >>> 8) & 0xff,
    counter & 0xff,
  );
  const hash = cipher === '3DES' || keyLength === 128 ? 'sha1' : 'sha256';
  const keydata = new Uint8Array(createHash(hash).update(secret).update(c).digest());
  if (cipher === '3DES') {
    if (keyLength !== 112) throw new Error('3DES keys are 112 bits');
    return adjustParity(keydata.subarray(0, 16));
  }
  if (keyLength === 112) throw new Error('AES keys are 128, 192 or 256 bits');
  return keydata.slice(0, keyLength / 8);
}

export function sha1(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha1').update(data).digest());
}

/** A source of random bytes; tests inject fixed values to replay the worked examples. */
export type RandomSource = (length: number) => Uint8Array;

export const secureRandom: RandomSource = (length) => new Uint8Array(randomBytes(length));

/** Block size of a cipher. */
export function blockSize(cipher: BlockCipher): number {
  return cipher === '3DES' ? 8 : 16;
}

/** CBC encryption with a zero IV (nonce encryption of PACE, §4.4.3.3; BAC's cryptograms, §4.3.3). */
export function encryptZeroIv(cipher: BlockCipher, key: Uint8Array, data: Uint8Array): Uint8Array {
  return cipher === '3DES' ? tdesEncrypt(key, data) : aesEncrypt(key, data);
}

export function decryptZeroIv(cipher: BlockCipher, key: Uint8Array, data: Uint8Array): Uint8Array {
  return cipher === '3DES' ? tdesDecrypt(key, data) : aesDecrypt(key, data);
}

/**
 * The 8-byte MAC of ICAO 9303-11 §9.8.6.2 / §4.4.3.4 over a message: 3DES suites use the retail
 * MAC over the message padded with method 2; AES suites use CMAC truncated to 8 bytes, over the
 * message as given (secure messaging pads it before, authentication tokens do not).
 */
export function mac8(cipher: BlockCipher, key: Uint8Array, message: Uint8Array): Uint8Array {
  return cipher === '3DES' ? retailMac(key, message) : aesCmac(key, message).slice(0, 8);
}

/**
 * The secure messaging MAC of ICAO 9303-11 §9.8.6.2 over N, already padded with method 2 to the
 * cipher's block size: retail MAC without further padding (3DES), CMAC truncated to 8 (AES).
 */
export function smMac(cipher: BlockCipher, key: Uint8Array, padded: Uint8Array): Uint8Array {
  return cipher === '3DES' ? retailMacPadded(key, padded) : aesCmac(key, padded).slice(0, 8);
}
