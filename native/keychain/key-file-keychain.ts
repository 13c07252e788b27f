/**
 * A keychain whose wrapping key is a file of 32 random bytes (mode 0600) in the data folder.
 * Used under plain Node (CLI in development, tests). It protects nothing against someone who can
 * read the data folder, so it reports itself as weak, like Electron's 'basic_text'.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TabibError } from '../../main/errors';
import { writeFileAtomic } from '../../main/storage/atomic-file';
import type { Keychain, KeychainDescription } from './keychain';

const FORMAT_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class KeyFileKeychain implements Keychain {
  constructor(private readonly keyFile: string) {}

  private key(create: boolean): Buffer {
    try {
      const key = readFileSync(this.keyFile);
      if (key.length !== 32)
        throw new TabibError('KEYCHAIN_UNAVAILABLE', `Key file ${this.keyFile} is damaged`);
      return key;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !create) {
        if (error instanceof TabibError) throw error;
        throw new TabibError('KEYCHAIN_UNAVAILABLE', `Key file ${this.keyFile} cannot be read`);
      }
      const key = randomBytes(32);
      writeFileAtomic(this.keyFile, key, 0o600);
      return key;
    }
  }

  async describe(): Promise<KeychainDescription> {
    return { backend: 'key_file', strong: false };
  }

  async wrap(secret: Uint8Array): Promise<Uint8Array> {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key(true), iv);
    const body = Buffer.concat([cipher.update(secret), cipher.final()]);
    return Buffer.concat([Buffer.of(FORMAT_VERSION), iv, cipher.getAuthTag(), body]);
  }

  async unwrap(wrapped: Uint8Array): Promise<Uint8Array> {
    const bytes = Buffer.from(wrapped);
    if (bytes.length < 1 + IV_BYTES + TAG_BYTES || bytes[0] !== FORMAT_VERSION) {
      throw new TabibError('KEYCHAIN_UNAVAILABLE', 'The wrapped secret is not in a known format');
    }
    const iv = bytes.subarray(1, 1 + IV_BYTES);
    const tag = bytes.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key(false), iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(bytes.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
    } catch {
      throw new TabibError('KEYCHAIN_UNAVAILABLE', 'The secret was wrapped by another keychain key');
    }
  }
}
