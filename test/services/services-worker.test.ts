/**
 * The services run in a worker thread, so Electron main's event loop (window, IPC, devices) never
 * waits on SQLite: the same WorkerHost that Electron main uses, on the real worker entry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { healthCheckIds, type AppInfo, type HealthReport } from '../../main/contract/types';
import { WorkerHost } from '../../main/services/worker-host';

const repository = resolve(import.meta.dirname, '..', '..');
let host: WorkerHost | null = null;
let dir: string | null = null;
afterEach(async () => {
  await host?.close();
  host = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function startWorker(): WorkerHost {
  dir = mkdtempSync(join(tmpdir(), 'tabib-worker-'));
  host = new WorkerHost({
    entry: join(repository, 'main', 'services', 'worker.ts'),
    env: {
      dataDir: join(dir, 'data'),
      machineConfigPath: join(dir, 'machine.json'),
      resourcesDir: join(repository, 'resources'),
      appVersion: '1.2.3-test',
      electronVersion: null,
    },
  });
  return host;
}

describe('the services worker', () => {
  it('answers application info and health from its own thread', async () => {
    const worker = startWorker();
    const info = await worker.invoke('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { version: '1.2.3-test' } });
    const value = (info as { value: AppInfo }).value;
    expect(value.serviceThread.isMainThread).toBe(false);
    expect(value.serviceThread.threadId).not.toBe(threadId);
    const health = await worker.invoke('app.health', {});
    expect(health.ok).toBe(true);
    const report = (health as { value: HealthReport }).value;
    expect(report.checks.map((check) => check.id)).toEqual([...healthCheckIds]);
  });

  it('keeps the caller’s event loop turning while it works', async () => {
    const worker = startWorker();
    await worker.invoke('setup.startDemo', { country: 'TN' });
    // A seed of 1,000 patients keeps the worker busy a while; meanwhile this thread keeps running.
    let turns = 0;
    let working = true;
    const spin = (): void => {
      turns++;
      if (working) setImmediate(spin);
    };
    setImmediate(spin);
    const seeded = await worker.invoke('demo.seed', { patients: 1000, seed: 3 });
    working = false;
    expect(seeded).toMatchObject({ ok: true, value: { patients: 1000 } });
    expect(turns).toBeGreaterThan(100);
  }, 120_000);

  it('validates at the boundary inside the worker as well', async () => {
    const worker = startWorker();
    expect(await worker.invoke('patients.search', { query: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
  });

  it('fails calls in flight with SERVICE_UNAVAILABLE if the worker dies, and starts a new one on the next call', async () => {
    const worker = startWorker();
    await worker.invoke('app.info', {});
    const thread = (worker as unknown as { worker: { terminate(): Promise<number> } }).worker;
    const inFlight = worker.invoke('app.health', {});
    await thread.terminate();
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'SERVICE_UNAVAILABLE' } });
    expect(await worker.invoke('app.info', {})).toMatchObject({ ok: true });
  });
});
