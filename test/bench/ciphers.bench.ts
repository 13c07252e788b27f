/**
 * `npm run bench ciphers`: write and read throughput of each page cipher SQLite3 Multiple
 * Ciphers offers, against plaintext, on this machine. The record's choice (database/ciphers.ts)
 * and the README's table come from here.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { recordCiphers } from '../../main/record/database/ciphers';
import { keyPragma } from '../../main/record/database/sqlite-connection';
import { describeMachine, percentile, timed } from './machine';

const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const BATCH = 1_000;
const READS = 10_000;

function document(index: number): string {
  // About 1.3 kB of JSON, like an Observation with its codings.
  return JSON.stringify({
    resourceType: 'Observation',
    id: `obs-${index}`,
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '85354-9', display: 'Blood pressure panel' }] },
    subject: { reference: `Patient/${index % 1000}` },
    note: [{ text: randomBytes(420).toString('base64') }],
    component: [
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
        valueQuantity: { value: 120 + (index % 40), unit: 'mm[Hg]' },
      },
      {
        code: { coding: [{ system: 'http://loinc.org', code: '8462-4' }] },
        valueQuantity: { value: 70 + (index % 20), unit: 'mm[Hg]' },
      },
    ],
  });
}

function open(path: string, cipher: string, key: Buffer | null): Database.Database {
  const db = new Database(path);
  if (key) {
    db.pragma(`cipher='${cipher}'`);
    db.pragma(keyPragma(key));
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

function run(cipher: string, dir: string) {
  const path = join(dir, `${cipher}.db`);
  const key = cipher === 'plaintext' ? null : randomBytes(32);
  const [, openMs] = timed(() => open(path, cipher, key).close());
  const docs = Array.from({ length: ROWS }, (_, index) => document(index));
  const db = open(path, cipher, key);
  db.exec('create table r (id integer primary key, json text not null)');
  const insert = db.prepare('insert into r (id, json) values (?, ?)');
  const [, writeMs] = timed(() => {
    for (let start = 0; start < ROWS; start += BATCH) {
      db.transaction(() => {
        for (let index = start; index < Math.min(ROWS, start + BATCH); index++)
          insert.run(index, docs[index]);
      })();
    }
  });
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  // Cold: a new connection with an empty page cache, random reads by primary key.
  const cold = open(path, cipher, key);
  const select = cold.prepare('select json from r where id = ?');
  const latencies: number[] = [];
  const [, readMs] = timed(() => {
    for (let index = 0; index < READS; index++) {
      const id = (index * 7919) % ROWS;
      const start = process.hrtime.bigint();
      select.get(id);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  });
  const [, scanMs] = timed(() => cold.prepare('select count(*) from r where json like ?').get('%85354-9%'));
  cold.close();
  latencies.sort((a, b) => a - b);
  return {
    cipher,
    openMs,
    writeRowsPerS: ROWS / (writeMs / 1000),
    readsPerS: READS / (readMs / 1000),
    readP95Ms: percentile(latencies, 95),
    scanMs,
    sizeMiB: statSync(path).size / 2 ** 20,
  };
}

const dir = mkdtempSync(join(tmpdir(), 'tabib-bench-ciphers-'));
try {
  console.log(describeMachine());
  console.log(`rows: ${ROWS} × ~1.3 kB JSON, WAL, synchronous=FULL, transactions of ${BATCH}\n`);
  const results = ['plaintext', ...recordCiphers].map((cipher) => run(cipher, dir));
  const base = results[0]!;
  console.log(
    '| cipher | open ms | write rows/s | × plaintext | cold reads/s | read p95 ms | full scan ms | × plaintext | size MiB |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.cipher} | ${r.openMs.toFixed(2)} | ${Math.round(r.writeRowsPerS)} | ${(base.writeRowsPerS / r.writeRowsPerS).toFixed(2)} | ${Math.round(r.readsPerS)} | ${r.readP95Ms.toFixed(3)} | ${r.scanMs.toFixed(0)} | ${(r.scanMs / base.scanMs).toFixed(2)} | ${r.sizeMiB.toFixed(1)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
