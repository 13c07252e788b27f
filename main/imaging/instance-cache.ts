/**
 * The encrypted instance cache: one file per DICOM instance, AES-256-GCM (NIST SP 800-38D) under
 * the cache key, a fresh random 96-bit nonce per file.
 *
 *   offset 0   "TBIC"            magic
 *   offset 4   0x01              format version
 *   offset 5   nonce (12 bytes)
 *   offset 17  ciphertext        the Part 10 file, byte for byte
 *   end - 16   tag (16 bytes)
 *
 * The first 17 bytes and the file's id are the GCM additional data: a file renamed, moved onto
 * another instance's name, or edited anywhere fails authentication. File names are random ids,
 * never derived from UIDs or names, sharded by their first two hex digits.
 *
 * A write goes to a temporary file that is renamed into place, so a crash or a full disk leaves
 * no half-written instance under a cache name. The data is not flushed per file: `sync()` flushes
 * a batch at once, before the index that points at the files is committed (ImagingLibrary).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TabibError } from '../errors';
import { writeFileAtomic, type WriteChunk } from '../storage/atomic-file';

const MAGIC = Buffer.from('TBIC', 'ascii');
const VERSION = 1;
const HEADER_BYTES = 17;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
export const CACHE_FILE_OVERHEAD = HEADER_BYTES + TAG_BYTES;
const FILE_ID = /^[0-9a-f]{32}$/;
const SUFFIX = '.tbic';
const TEMPORARY = '.tmp';

export type { WriteChunk };

export interface DicomInstanceCacheOptions {
  dir: string;
  /** 32 bytes, from the keychain-wrapped cache key (cache-key.ts). */
  key: Uint8Array;
  writeChunk?: WriteChunk;
}

function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export class DicomInstanceCache {
  private readonly key: Buffer;
  private readonly writeChunk: WriteChunk;
  readonly dir: string;

  constructor(options: DicomInstanceCacheOptions) {
    if (options.key.length !== 32) throw new TabibError('INTERNAL', 'The imaging cache key must be 32 bytes');
    this.key = Buffer.from(options.key);
    this.dir = options.dir;
    this.writeChunk =
      options.writeChunk ?? ((fd, data, offset, length) => writeSync(fd, data, offset, length));
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  /** A new random file id (128 bits): it says nothing about the instance. */
  newFileId(): string {
    return randomBytes(16).toString('hex');
  }

  private folderOf(fileId: string): string {
    return join(this.dir, fileId.slice(0, 2));
  }

  pathOf(fileId: string): string {
    if (!FILE_ID.test(fileId)) throw new TabibError('INTERNAL', `Not a cache file id: ${fileId}`);
    return join(this.folderOf(fileId), `${fileId}${SUFFIX}`);
  }

  private additionalData(header: Buffer, fileId: string): Buffer {
    return Buffer.concat([header, Buffer.from(fileId, 'ascii')]);
  }

  /** Encrypts and writes one instance; returns the file's size. DISK_FULL leaves nothing behind. */
  write(fileId: string, plain: Uint8Array): number {
    const path = this.pathOf(fileId);
    const nonce = randomBytes(NONCE_BYTES);
    const header = Buffer.concat([MAGIC, Buffer.from([VERSION]), nonce]);
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce);
    cipher.setAAD(this.additionalData(header, fileId));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const tag = cipher.getAuthTag();
    try {
      // Not flushed here: sync() flushes a batch of files at once, before the index commits.
      writeFileAtomic(path, [header, body, tag], {
        flush: false,
        temporary: `${path}${TEMPORARY}`,
        write: this.writeChunk,
      });
    } catch (error) {
      if (isDiskFull(error))
        throw new TabibError('DISK_FULL', 'The disk is full; the instance was not cached', { fileId });
      throw error;
    }
    return header.length + body.length + tag.length;
  }

  /**
   * Flushes written files and their folders to the disk, many at once: the kernel joins their
   * journal commits, where one fsync per file would queue them (the import's rate depends on it).
   */
  async sync(fileIds: string[]): Promise<void> {
    const flush = async (path: string, folder: boolean) => {
      const handle = await open(path, 'r');
      try {
        await handle.datasync();
      } catch (error) {
        // Some systems (Windows) cannot flush a folder; the files themselves were flushed.
        if (!folder) throw error;
      } finally {
        await handle.close();
      }
    };
    const paths = fileIds.map((fileId) => this.pathOf(fileId));
    const parallel = 16;
    for (let start = 0; start < paths.length; start += parallel)
      await Promise.all(paths.slice(start, start + parallel).map((path) => flush(path, false)));
    const folders = [...new Set(fileIds.map((fileId) => this.folderOf(fileId)))];
    await Promise.all(folders.map((folder) => flush(folder, true).catch(() => undefined)));
  }

  /** Decrypts one instance. A changed byte, a swapped or truncated file: IMAGING_CACHE_TAMPERED. */
  async read(fileId: string): Promise<Uint8Array> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.pathOf(fileId));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new TabibError('IMAGING_CACHE_MISSING', 'The cached instance file is missing', { fileId });
      throw error;
    }
    return this.decrypt(fileId, bytes);
  }

  decrypt(fileId: string, bytes: Buffer): Uint8Array {
    const tampered = (reason: string) =>
      new TabibError('IMAGING_CACHE_TAMPERED', `The cached instance failed its integrity check: ${reason}`, {
        fileId,
      });
    if (bytes.length < CACHE_FILE_OVERHEAD) throw tampered('too short');
    const header = bytes.subarray(0, HEADER_BYTES);
    if (!header.subarray(0, 4).equals(MAGIC) || header[4] !== VERSION) throw tampered('unknown format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, header.subarray(5, HEADER_BYTES));
    decipher.setAAD(this.additionalData(header, fileId));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(bytes.subarray(HEADER_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw tampered('authentication failed');
    }
  }

  remove(fileIds: Iterable<string>): void {
    for (const fileId of fileIds) rmSync(this.pathOf(fileId), { force: true });
  }

  /**
   * Removes what no index row points at: temporary files of an interrupted write, and files
   * written before a crash stopped their batch's commit (or left by an eviction cut short).
   */
  sweep(isIndexed: (fileId: string) => boolean): number {
    let removed = 0;
    if (!existsSync(this.dir)) return 0;
    for (const shard of readdirSync(this.dir, { withFileTypes: true })) {
      if (!shard.isDirectory() || !/^[0-9a-f]{2}$/.test(shard.name)) continue;
      const folder = join(this.dir, shard.name);
      for (const name of readdirSync(folder)) {
        const fileId = name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) : null;
        if (fileId && FILE_ID.test(fileId) && isIndexed(fileId)) continue;
        rmSync(join(folder, name), { force: true });
        removed++;
      }
    }
    return removed;
  }
}
