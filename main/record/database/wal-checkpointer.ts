/**
 * Checkpoints the record's WAL from a second connection on its own thread, so that a bulk load
 * (bulk-import.ts) does not stop every few thousand rows to copy the WAL into the database file.
 *
 * In WAL mode every page is written twice: once to the WAL at commit, once to the database file
 * by the checkpoint. SQLite runs that checkpoint inside the commit that crosses
 * `wal_autocheckpoint`, on the writing thread; in a bulk load it was a fifth of the time (reading
 * the frames back through the cipher, writing them, two fsyncs). Here the writer sets
 * `wal_autocheckpoint = 0` and asks this thread, after each commit, for a `wal_checkpoint(PASSIVE)`
 * that runs while the writer goes on with its next transaction: PASSIVE never takes the writer's
 * lock, and copies only what every reader's snapshot allows (SQLite's own rules, the same as the
 * automatic checkpoint's).
 *
 * The two threads speak through a few integers in shared memory (Atomics), not messages: the
 * writer's thread is busy in synchronous SQLite calls and does not turn its event loop between
 * batches, so a message would wait for the end of the load. Asking is an increment; waiting for
 * the checkpointer to catch up is Atomics.wait, bounded by a timeout.
 *
 * The thread opens the same file with the same cipher and key (handed over in memory, never
 * written anywhere) and `synchronous = FULL`, so a checkpoint syncs the WAL before copying and the
 * database after, as the automatic one does. Its code is a few lines of plain JavaScript
 * evaluated in the worker (no bundler entry of its own, so the same code runs under tsx, the tests
 * and the built app); it loads the SQLite driver this thread uses, found by path.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { unlockPragmas, type RecordAccess } from './sqlite-connection';

/** Slots of the shared Int32Array. */
const REQUESTED = 0;
const DONE = 1;
const LOG = 2;
const STOP = 3;
const FAILED = 4;
const CLOSED = 5;
const SLOTS = 6;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const state = new Int32Array(workerData.state);
const [REQUESTED, DONE, LOG, STOP, FAILED, CLOSED] = [0, 1, 2, 3, 4, 5];
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  for (const pragma of workerData.unlockPragmas) db.pragma(pragma);
  db.prepare('select count(*) from sqlite_master').get();
  db.pragma('synchronous = FULL');
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  if (db) db.close();
  db = null;
  parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) });
}
if (db) {
  let done = 0;
  for (;;) {
    if (Atomics.load(state, STOP)) break;
    const requested = Atomics.load(state, REQUESTED);
    if (requested === done) {
      Atomics.wait(state, REQUESTED, done, 1000);
      continue;
    }
    try {
      const [result] = db.pragma('wal_checkpoint(PASSIVE)');
      Atomics.store(state, LOG, result.log);
    } catch (error) {
      parentPort.postMessage({ type: 'failed', message: String((error && error.message) || error) });
      Atomics.store(state, FAILED, 1);
      Atomics.notify(state, DONE);
      break;
    }
    done = requested;
    Atomics.store(state, DONE, done);
    Atomics.notify(state, DONE);
  }
  db.close();
  Atomics.store(state, CLOSED, 1);
  Atomics.notify(state, CLOSED);
}
`;

const driver = createRequire(import.meta.url).resolve('better-sqlite3-multiple-ciphers');

export class WalCheckpointer {
  private readonly state: Int32Array;
  private failure: string | null = null;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    buffer: SharedArrayBuffer,
  ) {
    this.state = new Int32Array(buffer);
    worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'failed') this.failure ??= message.message ?? 'failed';
    });
    worker.once('exit', () => (this.exited = true));
    // An unfinished load must not keep the process alive.
    worker.unref();
  }

  /** Starts the thread and opens its connection; rejects when the file cannot be opened with this key. */
  static start(access: RecordAccess): Promise<WalCheckpointer> {
    const buffer = new SharedArrayBuffer(SLOTS * Int32Array.BYTES_PER_ELEMENT);
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      // Evaluated code takes its module type from the flags a worker inherits (`--input-type=module`
      // would make it an ES module, without require): none are passed on.
      execArgv: [],
      workerData: {
        driver,
        state: buffer,
        path: access.path,
        unlockPragmas: unlockPragmas(access.key, access.cipher),
      },
    });
    return new Promise((resolve, reject) => {
      const early = (error: Error) => reject(error);
      worker.once('error', early);
      worker.once('message', (message: { type: string; message?: string }) => {
        worker.off('error', early);
        if (message.type === 'ready') resolve(new WalCheckpointer(worker, buffer));
        else reject(new Error(`the WAL checkpointer could not open the record: ${message.message}`));
      });
    });
  }

  /** Why the thread stopped checkpointing, if it did (a full disk, a lost file). */
  get failed(): string | null {
    if (Atomics.load(this.state, FAILED)) return this.failure ?? 'the WAL checkpoint failed';
    return this.exited ? (this.failure ?? 'the WAL checkpointer stopped') : null;
  }

  /** Asks for a checkpoint of everything committed so far; returns the request's number. */
  request(): number {
    const requested = Atomics.add(this.state, REQUESTED, 1) + 1;
    Atomics.notify(this.state, REQUESTED);
    return requested;
  }

  /** The number of the last request whose checkpoint has run. */
  done(): number {
    return Atomics.load(this.state, DONE);
  }

  /** Frames in the WAL when the last checkpoint ran. */
  walFrames(): number {
    return Atomics.load(this.state, LOG);
  }

  /**
   * Blocks until the checkpoint asked for by `request` number `requested` has run. Throws when the
   * thread failed, or made no progress for `timeoutMs`.
   */
  waitFor(requested: number, timeoutMs = 60_000): void {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const done = Atomics.load(this.state, DONE);
      if (done >= requested) return;
      const failed = this.failed;
      if (failed) throw new Error(failed);
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`the WAL checkpointer made no progress in ${timeoutMs} ms`);
      // Short slices: a thread that died never notifies.
      Atomics.wait(this.state, DONE, done, Math.min(left, 250));
    }
  }

  /**
   * Stops the thread after the checkpoint in progress, if any, and blocks until it has closed its
   * connection (at most `timeoutMs`): once this returns, nothing of it holds the file (a rekey
   * switches the journal mode next, which needs the file to itself).
   */
  stop(timeoutMs = 10_000): void {
    Atomics.store(this.state, STOP, 1);
    Atomics.notify(this.state, REQUESTED);
    const deadline = performance.now() + timeoutMs;
    while (Atomics.load(this.state, CLOSED) === 0 && !this.exited) {
      const left = deadline - performance.now();
      if (left <= 0) return;
      Atomics.wait(this.state, CLOSED, 0, Math.min(left, 250));
    }
  }
}
