/**
 * A bulk load (LocalRecord.startBulkImport): batches imported as pull pages are, the WAL
 * checkpointed by a second connection on another thread. What must hold: everything is stored
 * and readable, the pages the other thread copies are encrypted, the WAL stays bounded, the
 * connection gets its automatic checkpoint back, and a checkpointer that cannot work leaves a
 * load that still completes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { BulkImport } from '../../main/record/bulk-import';
import Database from 'better-sqlite3-multiple-ciphers';
import { RECORD_CIPHER } from '../../main/record/database/ciphers';
import { unlock } from '../../main/record/database/sqlite-connection';
import { RecordKeyFile } from '../../main/record/record-key';
import type { LocalRecord } from '../../main/record/local-record';
import { doctor, recordFixture, type RecordFixture } from './record-fixture';
import { batchOf, staff } from './fixtures/bulk-load-patients';

let fixture: RecordFixture;
afterEach(() => fixture?.cleanup());

async function openWithStaff(): Promise<LocalRecord> {
  fixture = recordFixture();
  const record = await fixture.open();
  record.store.importRemote([staff.organization, ...staff.practitioners], doctor, { description: 'staff' });
  return record;
}

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

describe('a bulk import', () => {
  it('stores every batch, with the WAL copied into the database by the other thread and kept bounded', async () => {
    const record = await openWithStaff();
    const wal = `${fixture.options.databasePath}-wal`;
    const bulk = await record.startBulkImport({ maxWalFrames: 200 });
    expect(bulk.fallback).toBeNull();
    // The writing connection no longer checkpoints by itself.
    expect(record.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const databaseBefore = sizeOf(fixture.options.databasePath);
    let resources = 0;
    let largestWal = 0;
    for (let batch = 0; batch < 30; batch++) {
      const resourcesOfBatch = batchOf(batch * 10, 10);
      bulk.import(resourcesOfBatch, doctor, { description: 'bulk test' });
      resources += resourcesOfBatch.length;
      largestWal = Math.max(largestWal, sizeOf(wal));
    }
    await bulk.finish();
    expect(bulk.fallback).toBeNull();
    expect(bulk.stats.checkpoints).toBe(30);
    // The automatic checkpoint is back.
    expect(record.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);

    // Only the other thread could have copied the pages into the database file, and with them in
    // it, the WAL was written from its beginning again instead of growing with the load.
    const database = sizeOf(fixture.options.databasePath);
    expect(database - databaseBefore).toBeGreaterThan(4 * 200 * 4096);
    expect(largestWal).toBeLessThan(database / 2);
    expect(bulk.stats.waits).toBeGreaterThan(0);

    expect(record.store.counts()).toMatchObject({
      patients: 300,
      resources: resources + 1 + staff.practitioners.length,
    });
    expect(record.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    const someone = batchOf(123, 1)[0] as { id: string };
    expect(record.store.read('Patient', someone.id)?.id).toBe(someone.id);
    record.close();

    // What the other thread wrote is encrypted: no name of the load in clear in any file.
    const names = batchOf(0, 30).flatMap((resource) =>
      resource.resourceType === 'Patient' ? (resource.name ?? []).map((name) => name.family ?? '') : [],
    );
    for (const file of [fixture.options.databasePath, wal].filter(existsSync)) {
      const bytes = readFileSync(file);
      for (const name of names)
        expect(bytes.includes(Buffer.from(name, 'utf8')), `${name} in ${file}`).toBe(false);
    }
    const reopened = await fixture.open();
    expect(reopened.store.counts().patients).toBe(300);
    reopened.close();
  });

  it('goes on with the automatic checkpoint when the other thread cannot open the record', async () => {
    const record = await openWithStaff();
    // A key that does not open the file: the thread's first read fails, as with a lost key.
    const bulk = await BulkImport.start(
      record.store,
      record.sqlite,
      { path: fixture.options.databasePath, key: randomBytes(32), cipher: RECORD_CIPHER },
      {},
      () => undefined,
    );
    expect(bulk.fallback).toMatch(/could not open the record/);
    expect(record.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    bulk.import(batchOf(0, 5), doctor, { description: 'bulk test' });
    await bulk.finish();
    expect(record.store.counts().patients).toBe(5);
    record.close();
  });

  it('gives a second load running at the same time the automatic checkpoint, and the first its thread', async () => {
    const record = await openWithStaff();
    const first = await record.startBulkImport();
    const second = await record.startBulkImport();
    expect(first.fallback).toBeNull();
    expect(second.fallback).toMatch(/another bulk import/);
    first.import(batchOf(0, 5), doctor, { description: 'first' });
    second.import(batchOf(5, 5), doctor, { description: 'second' });
    await second.finish();
    // Still the first load's: checkpoints on the other thread.
    expect(record.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    await first.finish();
    expect(record.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(record.store.counts().patients).toBe(10);
    // Once finished, the next load has the thread again.
    const third = await record.startBulkImport();
    expect(third.fallback).toBeNull();
    await third.finish();
    record.close();
  });

  it('is stopped by closing the record, and what it committed is there on reopening', async () => {
    const record = await openWithStaff();
    const bulk = await record.startBulkImport();
    bulk.import(batchOf(0, 8), doctor, { description: 'bulk test' });
    record.close();
    // Closed means closed: no connection of the load's thread holds the file either, so the
    // journal can leave WAL mode at once (what a rekey does next, and cannot do beside one).
    const key = await new RecordKeyFile(fixture.options.keychain, fixture.options.keyPath).read();
    const raw = new Database(fixture.options.databasePath, { fileMustExist: true });
    unlock(raw, key, RECORD_CIPHER);
    expect(raw.pragma('journal_mode = DELETE', { simple: true })).toBe('delete');
    expect(raw.pragma('journal_mode = WAL', { simple: true })).toBe('wal');
    raw.close();
    expect(() => bulk.import(batchOf(8, 1), doctor, { description: 'bulk test' })).toThrow(/finished/);
    await bulk.finish();
    const reopened = await fixture.open();
    expect(reopened.store.counts().patients).toBe(8);
    expect(reopened.sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
    reopened.close();
  });
});
