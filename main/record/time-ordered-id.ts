/**
 * Ids for what this workstation creates (resources, audit events): UUID version 7 (RFC 9562
 * §5.7), a millisecond timestamp then a counter and random bits. They are as unique as random
 * UUIDs, and each sorts after the one made before it, within the same millisecond too (the
 * `uuid` library keeps a counter seeded at random each millisecond, §6.2 method 1). So:
 * - each insert lands at the end of the record's id indexes instead of on a random page of them
 *   (at a million patients, a random page is seldom in the cache, and each miss is a read and a
 *   decryption);
 * - the id settles the order of two resources written in the same millisecond (the drugs of one
 *   prescription print in the order they were written).
 */
import { v7 } from 'uuid';

export function timeOrderedId(): string {
  return v7();
}
