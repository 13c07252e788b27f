/**
 * Small fake LDS file contents for protocol tests: a BER-TLV of an exact total size with
 * deterministic filler. (Real personalisation — DG1, DG2, EF.SOD — lives in test/card/fixtures/.)
 */
import { concat } from '../../../main/card/protocol/bytes';
import { encodeLength, encodeTag } from '../../../main/card/protocol/tlv';

/** A TLV with tag `tag` whose whole encoding is exactly `totalSize` bytes. */
export function fakeTlvFile(tag: number, totalSize: number, seed = 1): Uint8Array {
  const tagBytes = encodeTag(tag);
  let valueLength = totalSize - tagBytes.length - 1;
  while (valueLength > 0 && tagBytes.length + encodeLength(valueLength).length + valueLength > totalSize)
    valueLength--;
  if (tagBytes.length + encodeLength(valueLength).length + valueLength !== totalSize) {
    throw new Error(`no TLV of tag ${tag.toString(16)} is exactly ${totalSize} bytes`);
  }
  const value = new Uint8Array(valueLength);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < valueLength; i++) {
    // xorshift32: deterministic, varied bytes.
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    value[i] = x & 0xff;
  }
  return concat(tagBytes, encodeLength(valueLength), value);
}

/** The MRZ of the simulated documents. */
export const SIM_MRZ = { documentNumber: 'AB1234567', birthDate: '850315', expiryDate: '310101' };
export const SIM_CAN = '123456';

/** A file system with EF.COM, DG1, a DG2 of `dg2Size` bytes, DG11 and EF.SOD. */
export function fakeFiles(dg2Size = 15_000): Map<number, Uint8Array> {
  return new Map([
    [0x011e, fakeTlvFile(0x60, 22, 1)],
    [0x0101, fakeTlvFile(0x61, 93, 2)],
    [0x0102, fakeTlvFile(0x75, dg2Size, 3)],
    [0x010b, fakeTlvFile(0x6b, 120, 4)],
    [0x011d, fakeTlvFile(0x77, 1_900, 5)],
  ]);
}
