/**
 * `npm run bench:record [-- --patients N]`: the local record at scale, encrypted and in plaintext
 * in the same run (so the encryption overhead is a ratio of like with like): the two records are
 * loaded taking turns chunk by chunk, then reopened and queried taking turns query by query, so
 * that other work on the machine (a shared CI runner, a second core busy) weighs on both alike.
 * Prints bulk-load rate, national-ID lookup, name search, chart open, database size, peak memory.
 */
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Patient, Resource } from '@medplum/fhirtypes';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { LocalRecord } from '../../main/record/local-record';
import type { BulkImport } from '../../main/record/bulk-import';
import { generateDemoPractitioners, generatePatientRecord } from '../../main/record/demo/generator';
import { loadTerminology } from '../../main/record/demo/terminology';
import { uniqueSyntheticNationalId } from '../../main/record/identity/national-id';
import { createSearchRules } from '../../main/record/search/search-rules-for-country';
import { describeMachine, machineLoad, percentile } from './machine';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '7' },
    /** `encrypted`, `plaintext` or both (the default): one alone is for profiling, not for the ratio. */
    only: { type: 'string' },
  },
});
const PATIENTS = Number(values.patients);
const QUERIES = Number(values.queries);
const SEED = Number(values.seed);
const CHUNK = 1000;
const resourcesDir = join(import.meta.dirname, '..', '..', 'resources');
const terminology = loadTerminology(resourcesDir);
const now = new Date('2026-11-22T09:00:00Z');
const actor = { reference: 'Device/bench', display: 'benchmark' };

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const samplePeak = () => (peakRss = Math.max(peakRss, process.memoryUsage().rss));

/** A deterministic sample of indices in [0, n). */
function sample(n: number, count: number, salt: number): number[] {
  let state = (SEED * 7919 + salt) >>> 0;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  });
}

function patientAt(
  index: number,
  practitioners: ReturnType<typeof generateDemoPractitioners>['practitioners'],
) {
  return generatePatientRecord({
    country: 'MA',
    seed: SEED,
    index,
    now,
    terminology,
    practitioners,
    nationalId: (random) => uniqueSyntheticNationalId('MA', index, random),
  });
}

const QUERY_KINDS = ['family', 'given family', 'Arabic script', 'given + family prefix', 'family year'];

/** A query as a clinician types it: family name, given + family, Arabic script, a prefix, name + year. */
function queryFor(patient: Patient, kind: number): string {
  const latin = patient.name?.find((name) => !/[\u0600-\u06FF]/.test(name.family ?? ''));
  const arabic = patient.name?.find((name) => /[\u0600-\u06FF]/.test(name.family ?? ''));
  const family = latin?.family ?? '';
  const given = latin?.given?.[0] ?? '';
  switch (kind % QUERY_KINDS.length) {
    case 0:
      return family;
    case 1:
      return `${given} ${family}`;
    case 2:
      return arabic ? `${arabic.given?.[0] ?? ''} ${arabic.family ?? ''}` : `${family} ${given}`;
    case 3:
      return `${given} ${family.slice(0, Math.max(3, Math.ceil(family.length / 2)))}`;
    default:
      return `${family} ${patient.birthDate?.slice(0, 4) ?? ''}`;
  }
}

function measure(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function measureAsync(work: () => Promise<void>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function stats(latencies: number[]) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
}

interface Mode {
  encrypted: boolean;
  dir: string;
  databasePath: string;
}

function modeAt(encrypted: boolean): Mode {
  const dir = mkdtempSync(join(tmpdir(), `tabib-bench-record-${encrypted ? 'enc' : 'plain'}-`));
  return { encrypted, dir, databasePath: join(dir, 'record', 'tabib.db') };
}

function openRecord(mode: Mode): Promise<LocalRecord> {
  return LocalRecord.open({
    databasePath: mode.databasePath,
    keyPath: join(mode.dir, 'record', 'tabib.key.wrapped'),
    keychain: new KeyFileKeychain(join(mode.dir, 'keychain.key')),
    allowWeakKeychain: true,
    workstation: { id: 'bench', facilityId: null },
    rules: createSearchRules(resourcesDir, 'MA'),
    unencryptedForBenchmark: !mode.encrypted,
    clock: () => now,
  });
}

const staff = generateDemoPractitioners({ country: 'MA', now });

/**
 * Loads every record (the bulk-load figures) chunk by chunk as the demonstration seed does
 * (LocalRecord.startBulkImport: the WAL checkpointed on another thread), the records taking turns
 * — the first one alternating — so that each sees the same machine, and their files age alike in
 * the OS cache; then closes them: the queries run on them reopened. A record's load time is the
 * time spent in its batches plus its final checkpoint (finish); generating the patients is not
 * in it (it is in the whole run's rate, printed beside).
 */
async function load(modes: Mode[]) {
  peakRss = process.memoryUsage().rss;
  const records: LocalRecord[] = [];
  const bulks: BulkImport[] = [];
  const started = performance.now();
  try {
    for (const mode of modes) records.push(await openRecord(mode));
    for (const record of records) {
      record.store.importRemote([staff.organization, ...staff.practitioners], actor, {
        description: 'bench',
      });
      bulks.push(await record.startBulkImport());
    }
    const figures = modes.map(() => ({
      resources: 0,
      loadMs: 0,
      loadCpuMs: 0,
      stepMs: 0,
      curve: [] as string[],
    }));
    let stepResources = 0;
    // The rate over each tenth of the load: how it falls as the record grows.
    const stepPatients = Math.max(CHUNK, Math.ceil(PATIENTS / 10 / CHUNK) * CHUNK);
    for (let start = 0; start < PATIENTS; start += CHUNK) {
      const batch: Resource[] = [];
      for (let index = start; index < Math.min(PATIENTS, start + CHUNK); index++) {
        const generated = patientAt(index, staff.practitioners);
        batch.push(generated.patient, ...generated.resources);
      }
      for (let turn = 0; turn < records.length; turn++) {
        const which = (start / CHUNK + turn) % records.length;
        const bulk = bulks[which] as BulkImport;
        const figure = figures[which] as (typeof figures)[number];
        const cpuBefore = process.cpuUsage();
        figure.loadMs += measure(() => bulk.import(batch, actor, { description: 'bench' }));
        const cpu = process.cpuUsage(cpuBefore);
        figure.loadCpuMs += (cpu.user + cpu.system) / 1000;
        figure.resources += batch.length;
      }
      stepResources += batch.length;
      samplePeak();
      const loaded = Math.min(PATIENTS, start + CHUNK);
      if (loaded % stepPatients === 0 || loaded === PATIENTS) {
        for (const figure of figures) {
          figure.curve.push(
            `${loaded}: ${Math.round(stepResources / ((figure.loadMs - figure.stepMs) / 1000))}/s`,
          );
          figure.stepMs = figure.loadMs;
        }
        stepResources = 0;
      }
      if ((start / CHUNK) % 50 === 0) process.stderr.write(`  loaded ${start + CHUNK}/${PATIENTS}\r`);
    }
    for (const [index, bulk] of bulks.entries()) {
      const figure = figures[index] as (typeof figures)[number];
      const cpuBefore = process.cpuUsage();
      figure.loadMs += await measureAsync(() => bulk.finish());
      const cpu = process.cpuUsage(cpuBefore);
      figure.loadCpuMs += (cpu.user + cpu.system) / 1000;
      if (bulk.fallback) console.log(`bulk import fell back to the automatic checkpoint: ${bulk.fallback}`);
      console.log(
        `${modes[index]?.encrypted ? 'encrypted' : 'plaintext'}: ${bulk.stats.checkpoints} checkpoints on the other thread, ${bulk.stats.waits} batches waited for one`,
      );
    }
    const wholeRunS = (performance.now() - started) / 1000;
    console.log(
      `whole load, generating the patients included, all records: ${Math.round(figures.reduce((sum, figure) => sum + figure.resources, 0) / wholeRunS)} resources/s`,
    );
    for (const record of records) {
      record.sqlite.pragma('wal_checkpoint(TRUNCATE)');
      record.sqlite.pragma('optimize');
    }
    samplePeak();
    return figures.map((figure) => ({
      resources: figure.resources,
      loadPerS: figure.resources / (figure.loadMs / 1000),
      loadPerCpuS: figure.resources / (figure.loadCpuMs / 1000),
      curve: figure.curve,
      peakRssMiB: peakRss / 2 ** 20,
    }));
  } finally {
    for (const record of records) record.close();
  }
}

/**
 * The lookups, searches and chart openings, on every loaded record reopened (cold caches), the
 * records taking turns query by query — the first one alternating — so that other work on the
 * machine weighs on each alike and the overhead is a ratio of like with like.
 */
async function query(modes: Mode[]) {
  const records = await Promise.all(modes.map(openRecord));
  const latencies = modes.map(() => ({ id: [] as number[], name: [] as number[], chart: [] as number[] }));
  const nameFound = modes.map(() => 0);
  const inTurn = (index: number, work: (record: LocalRecord, mode: number) => void) => {
    for (let turn = 0; turn < records.length; turn++) {
      const mode = (index + turn) % records.length;
      work(records[mode] as LocalRecord, mode);
    }
  };
  try {
    const picks = sample(PATIENTS, QUERIES, 1).map((index) => patientAt(index, staff.practitioners).patient);
    picks.forEach((patient, index) =>
      inTurn(index, (record, mode) => {
        const value = patient.identifier?.[0]?.value as string;
        let found = false;
        latencies[mode]?.id.push(
          measure(() => (found = record.search.search(value).hits[0]?.id === patient.id)),
        );
        if (!found) throw new Error(`national ID ${value} not found first`);
      }),
    );
    picks.forEach((patient, index) =>
      inTurn(index, (record, mode) => {
        let found = false;
        latencies[mode]?.name.push(
          measure(() => {
            const result = record.search.search(queryFor(patient, index), 20);
            found = result.hits.some((hit) => hit.id === patient.id) || result.truncated;
          }),
        );
        if (found) nameFound[mode] = (nameFound[mode] ?? 0) + 1;
      }),
    );
    // Other patients than the lookups', so the chart's pages are not already in SQLite's cache.
    const chartPicks = sample(PATIENTS, QUERIES, 2).map(
      (index) => patientAt(index, staff.practitioners).patient,
    );
    chartPicks.forEach((patient, index) =>
      inTurn(index, (record, mode) => {
        latencies[mode]?.chart.push(
          measure(() => {
            record.openChart(patient.id as string, actor);
            record.store.listByPatient(patient.id as string, { limit: 1000 });
          }),
        );
      }),
    );
    samplePeak();
  } finally {
    for (const record of records) record.close();
  }
  return modes.map((mode, index) => {
    const measured = latencies[index] as (typeof latencies)[number];
    const size =
      statSync(mode.databasePath).size +
      (existsSync(`${mode.databasePath}-wal`) ? statSync(`${mode.databasePath}-wal`).size : 0);
    return {
      id: stats(measured.id),
      name: stats(measured.name),
      nameByKind: QUERY_KINDS.map((kind, k) => ({
        kind,
        ...stats(measured.name.filter((_, query) => query % QUERY_KINDS.length === k)),
      })),
      nameFoundRatio: (nameFound[index] ?? 0) / QUERIES,
      chart: stats(measured.chart),
      sizeMiB: size / 2 ** 20,
    };
  });
}

console.log(describeMachine());
console.log(`patients: ${PATIENTS}, queries: ${QUERIES}, seed ${SEED}\n`);
const modes = values.only ? [values.only] : ['encrypted', 'plaintext'];
if (!modes.every((mode) => mode === 'encrypted' || mode === 'plaintext')) {
  process.stderr.write('--only takes encrypted or plaintext\n');
  process.exit(2);
}
const runs = modes.map((mode) => modeAt(mode === 'encrypted'));
const results: (Awaited<ReturnType<typeof load>>[number] & Awaited<ReturnType<typeof query>>[number])[] = [];
let queryPeakRssMiB = 0;
try {
  const loads = await load(runs);
  for (const [index, mode] of runs.entries())
    console.log(
      `${mode.encrypted ? 'encrypted' : 'plaintext'}: load rate by patients loaded (each tenth): ${loads[index]?.curve.join(', ')}`,
    );
  console.log(`loaded; ${machineLoad()}`);
  peakRss = process.memoryUsage().rss;
  const queried = await query(runs);
  queryPeakRssMiB = peakRss / 2 ** 20;
  for (const [index, mode] of runs.entries()) {
    const result = {
      ...(loads[index] as (typeof loads)[number]),
      ...(queried[index] as (typeof queried)[number]),
    };
    console.log(
      `${mode.encrypted ? 'encrypted' : 'plaintext'}: name search p50/p95 by kind of query: ${result.nameByKind
        .map((entry) => `${entry.kind} ${entry.p50.toFixed(1)}/${entry.p95.toFixed(1)} ms`)
        .join(', ')}`,
    );
    results.push(result);
  }
} finally {
  for (const mode of runs) rmSync(mode.dir, { recursive: true, force: true });
}
const [encrypted, plaintext = encrypted] = results as [
  (typeof results)[number],
  ...(typeof results)[number][],
];
if (values.only) console.log(`(${values.only} only: the two columns are the same run)`);
clearInterval(sampler);
const row = (label: string, enc: number, plain: number, unit: string, digits = 2, lowerIsBetter = true) =>
  `| ${label} | ${enc.toFixed(digits)} ${unit} | ${plain.toFixed(digits)} ${unit} | ${(lowerIsBetter ? enc / plain : plain / enc).toFixed(2)}× |`;
console.log(
  `resources loaded: ${encrypted.resources} (${(encrypted.resources / PATIENTS).toFixed(1)} per patient)`,
);
console.log(
  `name search found the patient (or asked to refine) in ${(encrypted.nameFoundRatio * 100).toFixed(1)} % of queries\n`,
);
console.log('| figure | encrypted (AEGIS-256) | plaintext | overhead |');
console.log('|---|---|---|---|');
console.log(row('bulk load', encrypted.loadPerS, plaintext.loadPerS, 'resources/s', 0, false));
console.log(
  row('bulk load per CPU second', encrypted.loadPerCpuS, plaintext.loadPerCpuS, 'resources/s', 0, false),
);
console.log(row('national-ID lookup p50', encrypted.id.p50, plaintext.id.p50, 'ms', 3));
console.log(row('national-ID lookup p95', encrypted.id.p95, plaintext.id.p95, 'ms', 3));
console.log(row('name search p50', encrypted.name.p50, plaintext.name.p50, 'ms', 3));
console.log(row('name search p95', encrypted.name.p95, plaintext.name.p95, 'ms', 3));
console.log(row('chart open p50', encrypted.chart.p50, plaintext.chart.p50, 'ms', 3));
console.log(row('chart open p95', encrypted.chart.p95, plaintext.chart.p95, 'ms', 3));
console.log(row('database size', encrypted.sizeMiB, plaintext.sizeMiB, 'MiB', 1));
console.log(
  `peak memory (RSS) while loading, ${runs.length} record(s) open: ${encrypted.peakRssMiB.toFixed(0)} MiB (\`--only encrypted\` or \`--only plaintext\` for one alone)`,
);
console.log(
  `peak memory (RSS) while querying, ${runs.length} record(s) open: ${queryPeakRssMiB.toFixed(0)} MiB`,
);
console.log(`\nat the end, ${machineLoad()}`);
