/**
 * The page ciphers SQLite3 Multiple Ciphers offers, and the one the record uses.
 * Chosen from `npm run bench:ciphers` on the reference machine (figures in the README): AEGIS-256
 * is authenticated (a flipped bit is detected, not decrypted into garbage) and was the fastest,
 * including against plaintext.
 */
export const recordCiphers = [
  'aegis',
  'aes256cbc',
  'aes128cbc',
  'chacha20',
  'sqlcipher',
  'ascon128',
] as const;
export type RecordCipher = (typeof recordCiphers)[number];
export const RECORD_CIPHER: RecordCipher = 'aegis';
