/**
 * The renderer part of `npm run bench:sync` (run by test/bench/sync.bench.ts, in its own process
 * because the harness is browser-side code).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ConfigFile } from '../../../main/config/schema';
import { startSyncServer } from '../../bench/support/sync-server-process';
import buildHarness from '../global-setup';
import { launchHarnessBrowser, openWorkstation } from '../harness';

const { values } = parseArgs({ options: { patients: { type: 'string', default: '10000' } } });
const PATIENTS = Number(values.patients);
const facility = { organization: 'Organization/de300000-0f00-8000-8000-000000000001' };

/**
 * The renderer while a workstation builds its replica: the built app in Debian's Chromium (the e2e
 * harness), enrolled with the server and its identity provider through the app's own enrolment,
 * on the patients screen, while a sync it asked for pulls every patient. The Long Tasks API
 * reports every main-thread task over 50 ms.
 */
async function rendererDuringSync(): Promise<void> {
  console.log(`\n(renderer: a fresh server with ${PATIENTS} patients and its identity provider)`);
  await buildHarness();
  const authServer = await startSyncServer(PATIENTS, ['--auth']);
  const harness = await launchHarnessBrowser();
  const station = await openWorkstation(harness, {
    userConfig: { language: 'fr' },
    // The harness's keychain is a key file (no OS keychain here): the administrator allows it.
    machineConfig: { allowWeakKeychain: true },
  });
  try {
    await station.open();
    type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
    const enrolled = await station.page.evaluate(
      (request) =>
        (
          window as unknown as { tabib: { setup: { enrol(r: unknown): Promise<Envelope<unknown>> } } }
        ).tabib.setup.enrol(request),
      {
        baseUrl: authServer.baseUrl,
        tokenUrl: authServer.tokenUrl as string,
        clientId: 'bench-workstation',
        facility: { id: facility.organization.split('/')[1] as string, name: 'Centre de santé (bench)' },
        country: 'MA',
      },
    );
    if (!enrolled.ok) throw new Error(`enrolment failed: ${enrolled.error.message}`);
    const config = JSON.parse(readFileSync(station.userConfigPath, 'utf8')) as ConfigFile;
    await authServer.register('bench-workstation', config.nationalService?.publicKeyJwk ?? {});
    // Enrolled, the workstation wants its accounts: the harness makes them and signs a doctor in.
    await station.signIn('doctor');
    await station.open();
    await station.page.getByTestId('patient-search-input').waitFor();
    await station.page.evaluate(() => {
      const tasks: number[] = [];
      (window as unknown as { __longTasks: number[] }).__longTasks = tasks;
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) tasks.push(entry.duration);
      }).observe({ type: 'longtask' });
    });
    const started = performance.now();
    const run = await station.page.evaluate(() =>
      (
        window as unknown as {
          tabib: {
            sync: { runNow(): Promise<Envelope<{ outcome: string; pulled: number; error: unknown }>> };
          };
        }
      ).tabib.sync.runNow(),
    );
    const seconds = (performance.now() - started) / 1000;
    if (!run.ok) throw new Error(`sync refused: ${run.error.message}`);
    if (run.value.outcome !== 'ok') throw new Error(`sync failed: ${JSON.stringify(run.value.error)}`);
    // Let the last events reach the page and render.
    await station.page.waitForTimeout(500);
    const longTasks = await station.page.evaluate(
      () => (window as unknown as { __longTasks: number[] }).__longTasks,
    );
    console.log(`\n## Renderer during the sync\n`);
    console.log('| figure | value |');
    console.log('|---|---|');
    console.log(
      `| sync asked from the page | ${run.value.pulled} resources pulled in ${seconds.toFixed(1)} s (the services worker, as in the app) |`,
    );
    console.log(
      `| renderer main-thread tasks over 50 ms | ${longTasks.length === 0 ? '**none**' : `${longTasks.length}, longest **${Math.max(...longTasks).toFixed(0)} ms**`} |`,
    );
  } finally {
    await station.close();
    await harness.close();
    await authServer.stop();
  }
}

await rendererDuringSync();
