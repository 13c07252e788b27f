/**
 * A bulk load of resources from the national record (the demonstration seed, a benchmark): the
 * batches go through ResourceStore.importRemote as any pull page does (validated, one transaction
 * each, audited), while the WAL is checkpointed on another thread (database/wal-checkpointer.ts)
 * instead of inside the commits. On a two-core workstation the copy into the database file then
 * runs beside the next batch's work rather than after it.
 *
 * The WAL is kept bounded: SQLite writes the WAL from its beginning again only when a write starts
 * after everything in it was checkpointed, which never happens while a checkpoint always trails
 * the last commit. So once the WAL holds `maxWalFrames` frames, the next batch first waits for the
 * checkpointer to catch up (one checkpoint of the last batch's frames); its commit then restarts
 * the WAL.
 *
 * If the checkpointer cannot start or fails (it cannot open the file, a full disk), the load goes
 * on with SQLite's automatic checkpoint, as any other write does: slower, never less safe — the
 * WAL and its commits are the same either way. `finish()` checkpoints what is left and gives the
 * connection its automatic checkpoint back.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { SqliteHandle, RecordAccess } from './database/sqlite-connection';
import { WalCheckpointer } from './database/wal-checkpointer';
import type { Actor } from './actor';
import type { ImportOptions, ResourceStore } from './resource-store';

export interface BulkImportOptions {
  /** WAL frames (pages) after which a batch waits for the checkpointer; 32,768 = 128 MiB of 4 KiB pages. */
  maxWalFrames?: number;
}

const DEFAULT_MAX_WAL_FRAMES = 32_768;

export class BulkImport {
  private readonly autocheckpoint: number;
  private readonly maxWalFrames: number;
  private checkpointer: WalCheckpointer | null = null;
  private finished = false;
  /** The request that followed the last catch-up: checkpoints before it saw the WAL before it restarted. */
  private sinceRestart = 0;
  /** Why the load fell back to SQLite's automatic checkpoint, if it did. */
  fallback: string | null = null;
  /** Checkpoints asked of the other thread, and how many times a batch waited for one. */
  readonly stats = { checkpoints: 0, waits: 0 };

  private constructor(
    private readonly store: ResourceStore,
    private readonly sqlite: SqliteHandle,
    options: BulkImportOptions,
    private readonly onFinished: () => void,
  ) {
    this.autocheckpoint = Number(sqlite.pragma('wal_autocheckpoint', { simple: true }));
    this.maxWalFrames = options.maxWalFrames ?? DEFAULT_MAX_WAL_FRAMES;
  }

  static async start(
    store: ResourceStore,
    sqlite: SqliteHandle,
    /** null: no checkpointer of its own (another bulk import has it). */
    access: RecordAccess | null,
    options: BulkImportOptions,
    onFinished: () => void,
  ): Promise<BulkImport> {
    const bulk = new BulkImport(store, sqlite, options, onFinished);
    if (!access) {
      bulk.fallback = 'another bulk import is running on this record';
      return bulk;
    }
    try {
      bulk.checkpointer = await WalCheckpointer.start(access);
      sqlite.pragma('wal_autocheckpoint = 0');
    } catch (error) {
      bulk.fallback = (error as Error).message;
    }
    return bulk;
  }

  /**
   * One batch, one transaction (ResourceStore.importRemote); its frames are checkpointed behind it.
   * Synchronous, like every write to the record.
   */
  import(resources: Resource[], actor: Actor, options: ImportOptions): void {
    if (this.finished) throw new Error('This bulk import is finished');
    const checkpointer = this.checkpointer;
    let restarts = false;
    if (checkpointer?.failed) {
      this.fallback = checkpointer.failed;
      this.stopCheckpointer();
    } else if (checkpointer && checkpointer.done() >= this.sinceRestart) {
      // The WAL only grows while the checkpoints trail the commits. When the last checkpoint found
      // it this long (and saw the batches since the last catch-up), let it catch up: the next
      // commit then writes the WAL from its beginning again.
      if (checkpointer.walFrames() >= this.maxWalFrames) {
        this.stats.waits++;
        this.catchUp();
        restarts = true;
      }
    }
    this.store.importRemote(resources, actor, options);
    if (this.checkpointer) {
      const request = this.checkpointer.request();
      if (restarts) this.sinceRestart = request;
      this.stats.checkpoints++;
    }
  }

  /** Checkpoints everything left, stops the thread and gives the connection its automatic checkpoint back. */
  async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    try {
      this.catchUp();
    } finally {
      this.stopCheckpointer();
      this.onFinished();
    }
  }

  /** The record is closing under a load that was not finished: stop the thread (it closes its connection first). */
  abandon(): void {
    this.finished = true;
    this.stopCheckpointer();
  }

  /** Blocks until a checkpoint asked for after the last commit has run (nothing is written meanwhile). */
  private catchUp(): void {
    const checkpointer = this.checkpointer;
    if (!checkpointer) return;
    try {
      checkpointer.waitFor(checkpointer.request());
    } catch (error) {
      this.fallback = (error as Error).message;
      this.stopCheckpointer();
    }
  }

  private stopCheckpointer(): void {
    const checkpointer = this.checkpointer;
    if (!checkpointer) return;
    this.checkpointer = null;
    if (this.sqlite.open) this.sqlite.pragma(`wal_autocheckpoint = ${this.autocheckpoint}`);
    checkpointer.stop();
  }
}
