import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export type WriteChunk = (fd: number, data: Uint8Array, offset: number, length: number) => number;

export interface AtomicWriteOptions {
  /** The new file's mode (default 0600). */
  mode?: number;
  /**
   * Flush the file before the rename (default true). A caller writing many files may flush them
   * together afterwards instead (the imaging cache does, then commits its index).
   */
  flush?: boolean;
  /** The temporary file's name (default: beside the target, with the pid and time). */
  temporary?: string;
  /** How bytes reach the file (tests inject a full disk here). */
  write?: WriteChunk;
}

/**
 * Write-then-rename, with fsync, so a crash or a full disk leaves either the old file or the new
 * one — never half of one. The temporary file is removed when the write fails. `data` may be
 * given in parts (written in order, without joining them in memory first).
 */
export function writeFileAtomic(
  path: string,
  data: string | Uint8Array | readonly Uint8Array[],
  modeOrOptions: number | AtomicWriteOptions = {},
): void {
  const options = typeof modeOrOptions === 'number' ? { mode: modeOrOptions } : modeOrOptions;
  const write = options.write ?? ((fd, bytes, offset, length) => writeSync(fd, bytes, offset, length));
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = options.temporary ?? `${path}.${process.pid}.${Date.now()}.tmp`;
  const parts =
    typeof data === 'string' ? [Buffer.from(data, 'utf8')] : data instanceof Uint8Array ? [data] : data;
  let fd: number | undefined;
  try {
    fd = openSync(temporary, 'wx', options.mode ?? 0o600);
    for (const bytes of parts) {
      let written = 0;
      while (written < bytes.length) written += write(fd, bytes, written, bytes.length - written);
    }
    if (options.flush ?? true) fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temporary, { force: true });
    throw error;
  }
}
