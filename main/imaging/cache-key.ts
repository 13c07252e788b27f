/**
 * The imaging cache's key: 32 random bytes kept exactly as the record's key is (RecordKeyFile:
 * wrapped by the OS keychain, never on disk in clear), in a file of its own beside the cache.
 *
 * A check value (HMAC of a fixed label under the key) sits in the encrypted record, so a key that
 * does not match the cached files (lost, or copied from another workstation) is refused at open,
 * instead of every instance failing its integrity check one by one.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Keychain } from '../../native/keychain/keychain';
import { TabibError } from '../errors';
import type { SyncQueries } from '../record/database/sync-queries';
import { RecordKeyFile } from '../record/record-key';

const CHECK_KEY = 'imagingCacheKeyCheck';

function checkValue(key: Uint8Array): string {
  return createHmac('sha256', key).update('tabib imaging cache key check v1').digest('hex');
}

/** Reads (or, for a cache with nothing in it yet, creates) the cache key, and proves it. */
export async function openCacheKey(
  keychain: Keychain,
  keyPath: string,
  queries: SyncQueries,
  cachedInstances: () => number,
): Promise<Uint8Array> {
  const keyFile = new RecordKeyFile(keychain, keyPath);
  const stored = queries.statement('select value from record_meta where key = ?').get(CHECK_KEY) as
    { value: string } | undefined;
  if (!keyFile.exists()) {
    if (stored && cachedInstances() > 0) {
      throw new TabibError(
        'IMAGING_CACHE_KEY_MISMATCH',
        `The imaging cache key ${keyPath} is missing: the cached instances cannot be decrypted`,
      );
    }
    const key = await keyFile.create();
    queries
      .statement(
        'insert into record_meta (key, value) values (?, ?) on conflict (key) do update set value = excluded.value',
      )
      .run(CHECK_KEY, checkValue(key));
    return key;
  }
  const key = await keyFile.read();
  const expected = Buffer.from(checkValue(key), 'hex');
  if (
    stored &&
    (stored.value.length !== 64 || !timingSafeEqual(Buffer.from(stored.value, 'hex'), expected))
  ) {
    throw new TabibError(
      'IMAGING_CACHE_KEY_MISMATCH',
      'The imaging cache key does not match the cached instances',
    );
  }
  if (!stored)
    queries.statement('insert into record_meta (key, value) values (?, ?)').run(CHECK_KEY, checkValue(key));
  return key;
}
