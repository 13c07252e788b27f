/**
 * The record's database key: 32 random bytes, kept only wrapped by the OS keychain
 * (architecture.md, "The record"). Never derived from a password, never written in clear.
 *
 * Rotation writes the new wrapped key beside the current one (`.next`) before the database is
 * re-encrypted, and promotes it only after the database opens with it. Whichever step a crash
 * interrupts, one of the two wrapped keys opens the database: `resolve()` tries both.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import type { Keychain } from '../../native/keychain/keychain';
import { TabibError } from '../errors';
import { writeFileAtomic } from '../storage/atomic-file';

export const RECORD_KEY_BYTES = 32;

export class RecordKeyFile {
  constructor(
    private readonly keychain: Keychain,
    readonly path: string,
  ) {}

  get nextPath(): string {
    return `${this.path}.next`;
  }

  exists(): boolean {
    return existsSync(this.path);
  }

  private async unwrapFile(path: string): Promise<Uint8Array> {
    const key = await this.keychain.unwrap(readFileSync(path));
    if (key.length !== RECORD_KEY_BYTES) {
      throw new TabibError('RECORD_KEY_INVALID', `The wrapped record key ${path} has the wrong length`);
    }
    return key;
  }

  async read(): Promise<Uint8Array> {
    return this.unwrapFile(this.path);
  }

  /** The key left by an interrupted rotation, if any. */
  async readNext(): Promise<Uint8Array | null> {
    return existsSync(this.nextPath) ? this.unwrapFile(this.nextPath) : null;
  }

  async create(): Promise<Uint8Array> {
    if (this.exists())
      throw new TabibError('RECORD_KEY_INVALID', `A record key already exists at ${this.path}`);
    const key = randomBytes(RECORD_KEY_BYTES);
    writeFileAtomic(this.path, await this.keychain.wrap(key), 0o600);
    return key;
  }

  /** Step 1 of a rotation: a fresh key, wrapped, beside the current one. */
  async prepareNext(): Promise<Uint8Array> {
    const key = randomBytes(RECORD_KEY_BYTES);
    writeFileAtomic(this.nextPath, await this.keychain.wrap(key), 0o600);
    return key;
  }

  /** Last step of a rotation (or the repair after a crash): the next key becomes the key. */
  promoteNext(): void {
    renameSync(this.nextPath, this.path);
  }

  discardNext(): void {
    rmSync(this.nextPath, { force: true });
  }
}
