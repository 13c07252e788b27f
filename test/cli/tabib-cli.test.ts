/**
 * The `tabib` administrator CLI: the same services as the app, no window. Commands run in-process
 * (runCli over an InProcessHost), and once as the real command an administrator types.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditTrailEntry, HealthReport, PatientSearchResult } from '../../main/contract/types';
import { repository, testWorkstation } from '../support/test-workstation';

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

function workstation() {
  const station = testWorkstation({ prefix: 'tabib-cli-' });
  cleanup = station.close;
  return station;
}

describe('tabib', () => {
  it('--version prints the version', async () => {
    const { run } = workstation();
    expect(await run('--version')).toEqual({ code: 0, out: ['3.1.4'], err: [] });
  });

  it('doctor prints every check of the health report, and --json the same as data', async () => {
    const { run } = workstation();
    const text = await run('doctor');
    expect(text.code).toBe(0);
    const lines = text.out.join('\n');
    for (const title of [
      'Data folder',
      'Configuration',
      'OS keychain',
      'Record database',
      'National record service',
      'Card readers',
    ])
      expect(lines).toContain(title);
    expect(lines).toMatch(/Record database\s+notCreated/);
    const json = JSON.parse((await run('doctor', '--json')).out.join('\n')) as { report: HealthReport };
    expect(json.report.checks).toHaveLength(6);
  });

  it('refuses an unknown command or option with the usage and exit code 2', async () => {
    const { run } = workstation();
    const unknown = await run('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.err.join('\n')).toContain('Usage: tabib');
    expect((await run('doctor', '--colour')).code).toBe(2);
    expect((await run('audit')).code).toBe(2);
  });

  it('record status, demo seed, audit and rekey work on a demonstration workstation', async () => {
    const { host, run } = workstation();
    expect((await run('record', 'status')).out[0]).toBe('Record: notCreated');
    // Synthetic patients only go into a demonstration workstation.
    const refused = await run('demo', 'seed', '--patients', '5');
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toContain('INVALID_ARGUMENT');

    await host.invoke('setup.startDemo', { country: 'DZ' });
    const seeded = await run('demo', 'seed', '--patients', '25', '--seed', '11');
    expect(seeded.code).toBe(0);
    expect(seeded.out[0]).toMatch(/^Seeded 25 synthetic patients/);
    const status = await run('record', 'status', '--json');
    const parsed = JSON.parse(status.out.join('\n')) as { state: string; patients: number; cipher: string };
    expect(parsed).toMatchObject({ state: 'open', cipher: 'aegis' });
    expect(parsed.patients).toBeGreaterThanOrEqual(25);

    const record = await host.services.record.open();
    const { family } = record.sqlite
      .prepare('select family_latin as family from patient_search limit 1')
      .get() as { family: string };
    const search = await host.invoke('patients.search', { query: family });
    const first = (search as { ok: true; value: PatientSearchResult }).value.hits[0];
    expect(first).toBeDefined();
    await host.invoke('patients.openChart', { patientId: first?.id });
    const audit = await run('audit', '--patient', first?.id ?? '', '--json');
    const entries = JSON.parse(audit.out.join('\n')) as AuditTrailEntry[];
    expect(entries.map((entry) => entry.action)).toContain('R');
    const text = await run('audit', '--patient', first?.id ?? '');
    expect(text.out[0]).toMatch(/^Audit trail of Patient\//);
    expect(text.out.some((line) => /\bopen\b/.test(line))).toBe(true);

    const rekey = await run('record', 'rekey');
    expect(rekey.code).toBe(0);
    const after = JSON.parse((await run('record', 'status', '--json')).out.join('\n')) as {
      patients: number;
    };
    expect(after.patients).toBe(parsed.patients);
  });

  it('runs as the command an administrator types (npm run tabib -- doctor)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabib-cli-process-'));
    try {
      const output = execFileSync(
        process.execPath,
        ['--import', 'tsx', join(repository, 'main', 'cli.ts'), 'doctor'],
        {
          cwd: repository,
          env: {
            ...process.env,
            TABIB_DATA_DIR: join(dir, 'data'),
            TABIB_MACHINE_CONFIG: join(dir, 'machine.json'),
          },
          encoding: 'utf8',
        },
      );
      expect(output).toMatch(/^Tabib \d+\.\d+\.\d+/);
      expect(output).toMatch(/Overall: (ok|warning)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
