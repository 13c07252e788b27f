/**
 * Every local write is one transaction of resource + outbox entry + audit entry. A writer killed
 * with SIGKILL at an arbitrary moment, over many trials, must leave the three in step: for each
 * resource, as many outbox and audit entries as its version says — never a resource without its
 * audit entry, never an outbox entry for a write that did not happen.
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { doctor, patient, recordFixture, type RecordFixture } from './record-fixture';
import { BATCH_PATIENTS, generatedPatient } from './fixtures/bulk-load-patients';

const TRIALS = Number(process.env.CRASH_TRIALS ?? 20);
const writer = resolve(import.meta.dirname, 'fixtures', 'write-loop.ts');
const bulkLoader = resolve(import.meta.dirname, 'fixtures', 'bulk-load-loop.ts');

let fixture: RecordFixture;
afterEach(() => fixture?.cleanup());

/** A query's `key` → `n` rows as a map. */
function countsBy(sqlite: LocalRecord['sqlite'], query: string): Map<string, number> {
  const rows = sqlite.prepare(query).all() as { key: string; n: number }[];
  return new Map(rows.map((row) => [row.key, row.n]));
}

/** Starts the writer, waits until it writes, lets it run `ms`, then kills it with SIGKILL. */
function runAndKill(dir: string, ms: number, script = writer): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += String(chunk)));
    child.stdout.on('data', (chunk) => {
      if (String(chunk).includes('ready')) setTimeout(() => child.kill('SIGKILL'), ms);
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolvePromise();
      else reject(new Error(`writer ended without being killed: ${stderr}`));
    });
  });
}

describe('a writer killed mid-write', () => {
  it(`leaves resource, outbox and audit entries all present or all absent (${TRIALS} trials)`, async () => {
    fixture = recordFixture();
    const record = await fixture.open();
    record.store.create(patient('p-crash', ['Rachid', 'Ouazzani'], ['رشيد', 'الوزاني']), doctor);
    record.close();

    let previous = 0;
    for (let trial = 0; trial < TRIALS; trial++) {
      // Spread the kill over the writer's life: early, in the middle of a burst, later.
      await runAndKill(fixture.dir, 20 + ((trial * 37) % 180));
      const reopened = await fixture.open();
      const sqlite = reopened.sqlite;
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const observations = sqlite
        .prepare("select id, version from resource where type = 'Observation'")
        .all() as { id: string; version: number }[];
      const outbox = countsBy(
        sqlite,
        "select resource_id as key, count(*) as n from outbox where resource_type = 'Observation' group by resource_id",
      );
      const audit = countsBy(
        sqlite,
        "select entity_id as key, count(*) as n from audit_event where entity_type = 'Observation' group by entity_id",
      );
      for (const { id, version } of observations) {
        expect(outbox.get(id), `outbox entries of Observation/${id}`).toBe(version);
        expect(audit.get(id), `audit entries of Observation/${id}`).toBe(version);
      }
      expect(outbox.size).toBe(observations.length);
      expect(audit.size).toBe(observations.length);
      // Every audit entry is queued for sync, and every queued AuditEvent exists.
      const orphans = sqlite
        .prepare(
          `select count(*) as n from outbox o where o.resource_type = 'AuditEvent'
             and not exists (select 1 from audit_event a where a.id = o.resource_id)`,
        )
        .get() as { n: number };
      const unqueued = sqlite
        .prepare(
          `select count(*) as n from audit_event a where not exists
             (select 1 from outbox o where o.resource_type = 'AuditEvent' and o.resource_id = a.id)`,
        )
        .get() as { n: number };
      expect(orphans.n).toBe(0);
      expect(unqueued.n).toBe(0);
      expect(observations.length).toBeGreaterThanOrEqual(previous);
      previous = observations.length;
      reopened.close();
    }
    // The trials really interrupted a busy writer.
    expect(previous).toBeGreaterThan(TRIALS);
  }, 240_000);
});

describe('a bulk load killed mid-batch, its WAL checkpointed on another thread', () => {
  it(`leaves whole batches, each patient with all its resources and its audit entry (${Math.ceil(TRIALS / 2)} trials)`, async () => {
    fixture = recordFixture();
    let previous = 0;
    for (let trial = 0; trial < Math.ceil(TRIALS / 2); trial++) {
      // The child is killed while a batch is written, committed or checkpointed by the other thread.
      await runAndKill(fixture.dir, 30 + ((trial * 53) % 400), bulkLoader);
      const reopened = await fixture.open();
      const sqlite = reopened.sqlite;
      expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok');
      const patients = (
        sqlite.prepare("select id from resource where type = 'Patient' order by id").all() as { id: string }[]
      ).map((row) => row.id);
      expect(patients.length % BATCH_PATIENTS, 'whole batches only').toBe(0);
      expect(patients.length).toBeGreaterThanOrEqual(previous);
      const stored = countsBy(
        sqlite,
        'select patient_id as key, count(*) as n from resource where patient_id is not null group by patient_id',
      );
      const audited = new Set(
        (
          sqlite
            .prepare("select distinct patient_id from audit_event where json like '%crash bulk%'")
            .all() as { patient_id: string }[]
        ).map((row) => row.patient_id),
      );
      for (let index = 0; index < patients.length; index++) {
        const generated = generatedPatient(index);
        const id = generated.patient.id as string;
        expect(stored.get(id), `resources of patient #${index}`).toBe(generated.resources.length + 1);
        expect(audited.has(id), `audit entry of patient #${index}`).toBe(true);
      }
      expect(stored.size).toBe(patients.length);
      expect(reopened.store.counts().patients).toBe(patients.length);
      previous = patients.length;
      reopened.close();
    }
    // The trials really interrupted a busy load.
    expect(previous).toBeGreaterThan(Math.ceil(TRIALS / 2) * BATCH_PATIENTS);
  }, 240_000);
});
