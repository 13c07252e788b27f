/** The machine a benchmark ran on, printed with its figures. */
import { cpus, freemem, loadavg, platform, release, totalmem } from 'node:os';
import Database from 'better-sqlite3-multiple-ciphers';

export function describeMachine(): string {
  const cpu = cpus();
  const sqlite = new Database(':memory:');
  const version = (sqlite.prepare('select sqlite_version() as v').get() as { v: string }).v;
  sqlite.close();
  return [
    `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM (${(freemem() / 2 ** 30).toFixed(1)} free)`,
    `system: ${platform()} ${release()}, node ${process.versions.node}, SQLite ${version} (SQLite3 Multiple Ciphers)`,
    machineLoad(),
  ].join('\n');
}

/** The run queue over the last 1, 5 and 15 minutes: above the core count, other work shared the CPUs. */
export function machineLoad(): string {
  return `load average: ${loadavg()
    .map((value) => value.toFixed(2))
    .join(', ')} (${cpus().length} cores)`;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function timed<T>(work: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const result = work();
  return [result, Number(process.hrtime.bigint() - start) / 1e6];
}
