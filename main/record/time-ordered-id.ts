/**
 * Ids for what this workstation creates (resources, audit events): UUID version 7 (RFC 9562
 * §5.7), a millisecond timestamp then random bits. They are as unique as random UUIDs, and
 * successive ones sort after each other, so each insert lands at the end of the record's id
 * indexes instead of on a random page of them (at a million patients, a random page is seldom in
 * the cache, and each miss is a read and a decryption).
 */
import { randomBytes } from 'node:crypto';

const hex = Array.from({ length: 256 }, (_, value) => value.toString(16).padStart(2, '0'));

export function timeOrderedId(now: number = Date.now()): string {
  const bytes = randomBytes(16);
  // 48-bit big-endian Unix time in milliseconds.
  let time = Math.max(0, Math.floor(now));
  for (let index = 5; index >= 0; index--) {
    bytes[index] = time % 256;
    time = Math.floor(time / 256);
  }
  bytes[6] = 0x70 | ((bytes[6] as number) & 0x0f); // version 7
  bytes[8] = 0x80 | ((bytes[8] as number) & 0x3f); // variant 10
  let text = '';
  for (let index = 0; index < 16; index++) {
    if (index === 4 || index === 6 || index === 8 || index === 10) text += '-';
    text += hex[bytes[index] as number];
  }
  return text;
}
