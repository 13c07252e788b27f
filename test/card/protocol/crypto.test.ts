/**
 * Primitives not covered by the Appendix D/G figures: AES-CMAC against RFC 4493 §4 (the NIST
 * SP 800-38B examples, key 2B7E1516…), padding method 2, parity, the SHA-256 branch of the KDF,
 * and every curve of the standardized domain parameters against OpenSSL's own definition.
 */
import { createECDH, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../main/card/protocol/bytes';
import { adjustParity, aesCmac, kdf, pad, unpad } from '../../../main/card/protocol/crypto';
import {
  decodePoint,
  ecDomainParameters,
  encodePoint,
  SUPPORTED_EC_PARAMETER_IDS,
} from '../../../main/card/protocol/curves';

describe('AES-CMAC (RFC 4493 §4 test vectors)', () => {
  const key = fromHex('2b7e151628aed2a6abf7158809cf4f3c');
  const message = fromHex(
    '6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710',
  );
  it.each([
    [0, 'BB1D6929E95937287FA37D129B756746'],
    [16, '070A16B46B4D4144F79BDD9DD04A287C'],
    [40, 'DFA66747DE9AE63030CA32611497C827'],
    [64, '51F0BEBF7E3B9D92FC49741779363CFE'],
  ])('message of %i bytes', (length, mac) => {
    expect(toHex(aesCmac(key, message.subarray(0, length)))).toBe(mac);
  });
});

describe('padding and parity', () => {
  it('pads with 80 00… always, to the block size, and unpads', () => {
    expect(toHex(pad(fromHex('011E'), 8))).toBe('011E800000000000');
    expect(toHex(pad(fromHex('0102030405060708'), 8))).toBe('01020304050607088000000000000000');
    expect(toHex(pad(new Uint8Array(0), 16))).toBe('80' + '00'.repeat(15));
    expect(toHex(unpad(fromHex('011E800000000000')))).toBe('011E');
    expect(() => unpad(fromHex('011E000000000000'))).toThrow();
  });

  it('gives every key byte odd parity', () => {
    const adjusted = adjustParity(fromHex('0001FEFF7F80'));
    expect(toHex(adjusted)).toBe('0101FEFE7F80');
  });
});

describe('KDF (ICAO 9303-11 §9.7.1)', () => {
  it('uses SHA-256 for AES-192 and AES-256 and truncates', () => {
    const secret = fromHex('28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925');
    const expected = createHash('sha256').update(secret).update(fromHex('00000001')).digest();
    expect(toHex(kdf(secret, 1, 'AES', 256))).toBe(toHex(expected));
    expect(toHex(kdf(secret, 1, 'AES', 192))).toBe(toHex(expected.subarray(0, 24)));
    expect(() => kdf(secret, 1, '3DES', 128)).toThrow();
  });
});

describe('standardized domain parameters', () => {
  const openssl: Record<number, string> = {
    8: 'prime192v1',
    9: 'brainpoolP192r1',
    10: 'secp224r1',
    11: 'brainpoolP224r1',
    12: 'prime256v1',
    13: 'brainpoolP256r1',
    14: 'brainpoolP320r1',
    15: 'secp384r1',
    16: 'brainpoolP384r1',
    17: 'brainpoolP512r1',
    18: 'secp521r1',
  };

  it('covers ids 8 to 18', () => {
    expect([...SUPPORTED_EC_PARAMETER_IDS].sort((a, b) => a - b)).toEqual([
      8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
    ]);
    expect(ecDomainParameters(0)).toBeNull();
    expect(ecDomainParameters(19)).toBeNull();
  });

  it.each(Object.entries(openssl))(
    'id %s agrees with OpenSSL’s %s on a key pair and a shared secret',
    (id, name) => {
      const domain = ecDomainParameters(Number(id))!;
      const a = createECDH(name);
      const b = createECDH(name);
      a.generateKeys();
      b.generateKeys();
      const secretA = BigInt('0x' + a.getPrivateKey('hex'));
      expect(toHex(encodePoint(domain, domain.Point.BASE.multiply(secretA)))).toBe(
        a.getPublicKey('hex').toUpperCase(),
      );
      const shared = decodePoint(domain, new Uint8Array(b.getPublicKey())).multiply(secretA);
      expect(
        shared.x
          .toString(16)
          .padStart(domain.fieldBytes * 2, '0')
          .toUpperCase(),
      ).toBe(a.computeSecret(b.getPublicKey()).toString('hex').toUpperCase());
    },
  );

  it('refuses points that are off the curve, compressed, or of the wrong size', () => {
    const domain = ecDomainParameters(13)!;
    const good = encodePoint(domain, domain.Point.BASE);
    const off = good.slice();
    off[off.length - 1]! ^= 1;
    expect(() => decodePoint(domain, off)).toThrow();
    expect(() => decodePoint(domain, domain.Point.BASE.toBytes(true))).toThrow();
    expect(() => decodePoint(domain, good.subarray(0, 40))).toThrow();
    expect(decodePoint(domain, good).equals(domain.Point.BASE)).toBe(true);
  });
});
