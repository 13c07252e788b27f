/**
 * Encryption at rest: nothing of a patient appears in the database file, its WAL or any journal;
 * a wrong key is refused with RECORD_KEY_MISMATCH and leaves the files byte-identical; the key is
 * rotated without loss, even when the rotation is interrupted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { keyPragma } from '../../main/record/database/sqlite-connection';
import { RecordKeyFile } from '../../main/record/record-key';
import { rekeyRecord } from '../../main/record/local-record';
import type { Keychain } from '../../native/keychain/keychain';
import { doctor, patient, recordFixture, type RecordFixture } from './record-fixture';

let fixture: RecordFixture;
afterEach(() => fixture?.cleanup());

const secrets = [
  'Zoubida',
  'Tazzarine',
  'زبيدة',
  'تزارين',
  'ZX987654',
  '0661234987',
  'Hypertension essentielle',
];

function filesOf(databasePath: string): string[] {
  const folder = dirname(databasePath);
  return readdirSync(folder).map((name) => join(folder, name));
}

function digest(paths: string[]): Record<string, string> {
  return Object.fromEntries(
    paths
      .filter((path) => existsSync(path))
      .map((path) => [path, createHash('sha256').update(readFileSync(path)).digest('hex')]),
  );
}

async function writeSecretPatient(fixtureRecord: Awaited<ReturnType<RecordFixture['open']>>) {
  fixtureRecord.store.create(
    patient('p-secret', ['Zoubida', 'Tazzarine'], ['زبيدة', 'تزارين'], {
      identifier: [{ system: 'urn:tabib:ma:cin', value: 'ZX987654' }],
      telecom: [{ system: 'phone', value: '0661234987' }],
      birthDate: '1961-03-14',
    }),
    doctor,
  );
  fixtureRecord.store.create(
    {
      resourceType: 'Condition',
      subject: { reference: 'Patient/p-secret' },
      code: {
        text: 'Hypertension essentielle',
        coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10' }],
      },
    },
    doctor,
  );
}

describe('encryption at rest', () => {
  it('leaves no name, identifier, phone or diagnosis in clear in the database, its WAL or journals', async () => {
    fixture = recordFixture();
    const record = await fixture.open();
    await writeSecretPatient(record);
    // While open, the change sits in the WAL: read every file as it is now.
    const files = filesOf(fixture.options.databasePath);
    expect(files.some((file) => file.endsWith('-wal'))).toBe(true);
    const inspect = () => {
      for (const file of filesOf(fixture.options.databasePath)) {
        const bytes = readFileSync(file);
        for (const secret of secrets) {
          expect(bytes.includes(Buffer.from(secret, 'utf8')), `${secret} in ${file}`).toBe(false);
          expect(bytes.includes(Buffer.from(secret, 'utf16le')), `${secret} (UTF-16) in ${file}`).toBe(false);
        }
      }
    };
    inspect();
    expect(record.search.search('Tazzarine').hits.map((hit) => hit.id)).toEqual(['p-secret']);
    record.close();
    inspect();
    // Nor is the key: the wrapped key file does not contain the raw key the database opens with.
    const key = await new RecordKeyFile(fixture.options.keychain, fixture.options.keyPath).read();
    for (const file of [...filesOf(fixture.options.databasePath), fixture.options.keyPath]) {
      expect(readFileSync(file).includes(Buffer.from(key))).toBe(false);
      expect(readFileSync(file).includes(Buffer.from(Buffer.from(key).toString('hex')))).toBe(false);
    }
  });

  it('is a real encryption: without the key the file is not a database; with it, it is', async () => {
    fixture = recordFixture();
    const record = await fixture.open();
    await writeSecretPatient(record);
    record.close();
    const key = await new RecordKeyFile(fixture.options.keychain, fixture.options.keyPath).read();
    const plain = new Database(fixture.options.databasePath, { fileMustExist: true });
    expect(() => plain.prepare('select count(*) from sqlite_master').get()).toThrow(/not a database/);
    plain.close();
    const keyed = new Database(fixture.options.databasePath, { fileMustExist: true });
    keyed.pragma("cipher='aegis'");
    keyed.pragma(keyPragma(key));
    expect(keyed.prepare("select count(*) as n from resource where type = 'Patient'").get()).toEqual({
      n: 1,
    });
    keyed.close();
  });

  it('refuses a wrong key with RECORD_KEY_MISMATCH and leaves every file byte-identical', async () => {
    fixture = recordFixture();
    const record = await fixture.open();
    await writeSecretPatient(record);
    record.close();
    const before = digest(filesOf(fixture.options.databasePath).filter((file) => !file.includes('.key')));
    const names = readdirSync(dirname(fixture.options.databasePath)).sort();
    // Another workstation's key, wrapped by this keychain: it unwraps, but does not open the record.
    writeFileSync(fixture.options.keyPath, await fixture.options.keychain.wrap(randomBytes(32)));
    await expect(fixture.open()).rejects.toMatchObject({ code: 'RECORD_KEY_MISMATCH' });
    await expect(fixture.open()).rejects.toMatchObject({ code: 'RECORD_KEY_MISMATCH' });
    expect(digest(Object.keys(before))).toEqual(before);
    expect(readdirSync(dirname(fixture.options.databasePath)).sort()).toEqual(names);
  });

  it('never creates a new empty record over a database whose key is lost', async () => {
    fixture = recordFixture();
    (await fixture.open()).close();
    rmSync(fixture.options.keyPath);
    const before = digest([fixture.options.databasePath]);
    await expect(fixture.open()).rejects.toMatchObject({ code: 'RECORD_KEY_MISMATCH' });
    expect(digest([fixture.options.databasePath])).toEqual(before);
    expect(existsSync(fixture.options.keyPath)).toBe(false);
  });

  it('refuses a missing database whose key exists (RECORD_MISSING) instead of starting empty', async () => {
    fixture = recordFixture();
    (await fixture.open()).close();
    rmSync(fixture.options.databasePath);
    await expect(fixture.open()).rejects.toMatchObject({ code: 'RECORD_MISSING' });
    expect(existsSync(fixture.options.databasePath)).toBe(false);
  });

  it('refuses a keychain that does not protect keys unless the administrator allows it', async () => {
    fixture = recordFixture();
    await expect(fixture.open({ allowWeakKeychain: false })).rejects.toMatchObject({ code: 'KEYCHAIN_WEAK' });
    expect(existsSync(fixture.options.databasePath)).toBe(false);
    const strong: Keychain = {
      describe: async () => ({ backend: 'gnome_libsecret', strong: true }),
      wrap: (secret) => fixture.options.keychain.wrap(secret),
      unwrap: (wrapped) => fixture.options.keychain.unwrap(wrapped),
    };
    (await fixture.open({ allowWeakKeychain: false, keychain: strong })).close();
  });

  it('rotates the key (tabib record rekey) without losing anything; the old key no longer opens it', async () => {
    fixture = recordFixture();
    const record = await fixture.open();
    await writeSecretPatient(record);
    const before = record.store.listByPatient('p-secret').resources;
    record.close();
    const keys = new RecordKeyFile(fixture.options.keychain, fixture.options.keyPath);
    const oldKey = await keys.read();
    const { pages } = await rekeyRecord(fixture.options);
    expect(pages).toBeGreaterThan(0);
    const newKey = await keys.read();
    expect(Buffer.from(newKey).equals(Buffer.from(oldKey))).toBe(false);
    expect(existsSync(keys.nextPath)).toBe(false);

    const reopened = await fixture.open();
    expect(reopened.store.listByPatient('p-secret').resources).toEqual(before);
    expect(reopened.sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
    reopened.close();
    const stale = new Database(fixture.options.databasePath, { fileMustExist: true });
    stale.pragma("cipher='aegis'");
    stale.pragma(keyPragma(oldKey));
    expect(() => stale.prepare('select count(*) from sqlite_master').get()).toThrow(/not a database/);
    stale.close();
  });

  it('recovers from a rotation interrupted after re-encryption, before its key was promoted', async () => {
    fixture = recordFixture();
    const record = await fixture.open();
    await writeSecretPatient(record);
    record.close();
    const keys = new RecordKeyFile(fixture.options.keychain, fixture.options.keyPath);
    // Do by hand what rekeyRecord does, and stop before promoteNext().
    const next = await keys.prepareNext();
    const sqlite = new Database(fixture.options.databasePath, { fileMustExist: true });
    sqlite.pragma("cipher='aegis'");
    sqlite.pragma(keyPragma(await keys.read()));
    sqlite.pragma('journal_mode = DELETE');
    sqlite.pragma(`re${keyPragma(next)}`);
    sqlite.close();

    const reopened = await fixture.open();
    expect(reopened.store.read('Patient', 'p-secret')).not.toBeNull();
    reopened.close();
    expect(existsSync(keys.nextPath)).toBe(false);
    expect(Buffer.from(await keys.read()).equals(Buffer.from(next))).toBe(true);
  });

  it('discards a rotation interrupted before re-encryption', async () => {
    fixture = recordFixture();
    (await fixture.open()).close();
    const keys = new RecordKeyFile(fixture.options.keychain, fixture.options.keyPath);
    const current = await keys.read();
    await keys.prepareNext();
    (await fixture.open()).close();
    expect(existsSync(keys.nextPath)).toBe(false);
    expect(Buffer.from(await keys.read()).equals(Buffer.from(current))).toBe(true);
  });
});
