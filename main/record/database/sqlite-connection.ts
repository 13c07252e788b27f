/**
 * Opens the record's SQLite file: page cipher, raw 256-bit key, key check, WAL, migrations.
 *
 * The key is random, so it is handed to SQLite3 Multiple Ciphers as raw bytes (`x'…'`): no
 * passphrase KDF runs at open (shared/docs/pitfalls.md). A wrong key is detected by the first
 * read (SQLITE_NOTADB) BEFORE anything is written, so the file stays byte-identical, and a
 * missing file is only ever created when the caller says so: a lost key never leads to a new
 * empty record over the old one.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { TabibError } from '../../errors';
import type { RecordCipher } from './ciphers';
import { recordMigrations } from './migrations';
import type { RecordDatabase } from './schema';

export type SqliteHandle = Database.Database;

export interface OpenOptions {
  path: string;
  /** 32 bytes; null opens a plaintext database (benchmarks only: the app always encrypts). */
  key: Uint8Array | null;
  cipher: RecordCipher;
  /** Create the file when it does not exist; otherwise a missing file is an error. */
  create: boolean;
}

export interface RecordConnection {
  sqlite: SqliteHandle;
  /** Query builder and migrator over the same handle; queries run synchronously (see SyncQueries). */
  kysely: Kysely<RecordDatabase>;
  /** What a second connection to the same file needs (a background checkpointer: wal-checkpointer.ts). */
  access: RecordAccess;
  close(): void;
}

/** The file, its cipher and key: held in memory only, like the key SQLite itself holds. */
export interface RecordAccess {
  path: string;
  key: Uint8Array | null;
  cipher: RecordCipher;
}

export function keyPragma(key: Uint8Array): string {
  if (key.length !== 32) throw new TabibError('RECORD_KEY_INVALID', 'The record key must be 32 bytes');
  return `key="x'${Buffer.from(key).toString('hex')}'"`;
}

/** The pragmas that open the file with this cipher and key, in order (none for a plaintext benchmark file). */
export function unlockPragmas(key: Uint8Array | null, cipher: RecordCipher): string[] {
  return key ? [`cipher='${cipher}'`, keyPragma(key)] : [];
}

/** Applies cipher and key and proves the key by reading the schema. Throws RECORD_KEY_MISMATCH. */
export function unlock(sqlite: SqliteHandle, key: Uint8Array | null, cipher: RecordCipher): void {
  for (const pragma of unlockPragmas(key, cipher)) sqlite.pragma(pragma);
  try {
    sqlite.prepare('select count(*) from sqlite_master').get();
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_NOTADB') {
      throw new TabibError(
        'RECORD_KEY_MISMATCH',
        'The record database cannot be decrypted with this workstation’s key',
      );
    }
    throw error;
  }
}

export async function openRecordDatabase(options: OpenOptions): Promise<RecordConnection> {
  const exists = existsSync(options.path);
  if (!exists && !options.create) {
    throw new TabibError('RECORD_MISSING', `The record database ${options.path} does not exist`);
  }
  mkdirSync(dirname(options.path), { recursive: true, mode: 0o700 });
  const sqlite = new Database(options.path, { fileMustExist: !options.create });
  try {
    unlock(sqlite, options.key, options.cipher);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a committed visit survives a power cut, not only a crash of the app.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    // 32 MB of decrypted pages. 128 MiB was tried at 1,000,000 patients: no better search and a
    // slower chart opening (README, "At scale"); at 300,000 the two are the same.
    sqlite.pragma('cache_size = -32000');
    sqlite.pragma('temp_store = MEMORY');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const kysely = new Kysely<RecordDatabase>({ dialect: new SqliteDialect({ database: sqlite }) });
  const { error, results } = await new Migrator({ db: kysely, provider: recordMigrations }).migrateToLatest();
  if (error) {
    sqlite.close();
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new TabibError('RECORD_MIGRATION_FAILED', `Migration ${failed} failed: ${String(error)}`);
  }
  return {
    sqlite,
    kysely,
    access: { path: options.path, key: options.key, cipher: options.cipher },
    close: () => {
      if (sqlite.open) {
        sqlite.pragma('wal_checkpoint(TRUNCATE)');
        sqlite.close();
      }
    },
  };
}
