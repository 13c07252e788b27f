/**
 * The Administration screen's update section, in the harness: the policy the administrator set
 * (machine-wide, shown locked), the state, the last check and the decision log — following the
 * services live as a check is logged — in French and in Arabic; and the install prompt.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UpdateLogEntry } from '../../main/contract/types';
import { harnessSuite, type Workstation } from './harness';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite({ checkPageErrors: false });
let station: Workstation | null = null;

const demoUser = { mode: 'demo', facility: { id: 'demo', name: 'Tabib — démonstration' } } as const;
const policy = {
  url: 'https://mises-a-jour.sante.gov.ma/tabib/',
  channel: 'pilot',
  checkIntervalHours: 6,
  maintenanceWindow: { start: '22:00', end: '06:00' },
} as const;

/** A week of decisions, as the services would have logged them. */
function history(): UpdateLogEntry[] {
  const entry = (
    at: string,
    event: UpdateLogEntry['event'],
    fields: Partial<UpdateLogEntry> = {},
  ): UpdateLogEntry => ({
    at,
    event,
    reason: null,
    channel: 'pilot',
    version: '0.2.0',
    installedVersion: '0.0.0-e2e',
    details: {},
    ...fields,
  });
  return [
    entry('2026-11-18T07:00:00.000Z', 'skipped', {
      reason: 'NOT_IN_ROLLOUT',
      details: { rollout: 10, bucket: 37.2 },
    }),
    entry('2026-11-19T07:00:00.000Z', 'accepted', { details: { rollout: 50, bucket: 37.2 } }),
    entry('2026-11-19T07:01:12.000Z', 'ready'),
    entry('2026-11-20T07:00:00.000Z', 'skipped', { reason: 'ROLLOUT_HALTED' }),
    entry('2026-11-20T07:00:00.000Z', 'withdrawn', { reason: 'ROLLOUT_HALTED' }),
    entry('2026-11-21T13:00:00.000Z', 'refused', { reason: 'SIGNATURE_INVALID', version: null }),
    entry('2026-11-22T07:00:00.000Z', 'failed', { reason: 'NETWORK_ERROR', version: null }),
  ];
}

async function openAdministration(language: 'fr' | 'ar'): Promise<Workstation> {
  const opened = await suite.open({
    userConfig: { ...demoUser, language },
    machineConfig: { update: policy },
    signIn: 'doctor',
  });
  mkdirSync(join(opened.dataDir, 'update'), { recursive: true });
  // A fixed installation, so its rollout position (shown on screen) is the same at every run.
  writeFileSync(join(opened.dataDir, 'installation-id'), '0b8f5a52-3c1e-4f0a-9d6b-7e2c4a1f8b3d\n');
  writeFileSync(
    join(opened.dataDir, 'update', 'update-log.jsonl'),
    history()
      .map((line) => JSON.stringify(line))
      .join('\n') + '\n',
  );
  await opened.open();
  // The first answer of a fresh services worker can take a few seconds on this 2-core machine.
  await expect.poll(() => opened.page.getByTestId('side-nav').isVisible(), { timeout: 30_000 }).toBe(true);
  await opened.page.getByTestId('nav-administration').click();
  await expect
    .poll(() => opened.page.getByTestId('update-section').isVisible(), { timeout: 30_000 })
    .toBe(true);
  return opened;
}

describe('the update section of the Administration screen', () => {
  it('shows the administrator’s policy, locked, the state and the decision log, and follows a new check live', async () => {
    station = await openAdministration('fr');
    const { page, host } = station;
    const section = page.getByTestId('update-section');
    expect(await section.getAttribute('data-state')).toBe('failed');
    const policyText = await page.getByTestId('update-policy').innerText();
    expect(policyText).toContain('Version installée\t0.0.0-e2e');
    expect(policyText).toContain('Pilote');
    expect(policyText).toContain('86.4 / 100');
    expect(policyText).toContain('https://mises-a-jour.sante.gov.ma/tabib/');
    expect(policyText).toContain(
      'Vérifié toutes les 6 heures · installé entre 22:00 et 06:00 (après accord)',
    );
    expect(await section.getByText('Fixé par l’administrateur').isVisible()).toBe(true);
    expect(await page.getByTestId('update-history').locator('tr').count()).toBe(7);
    expect(await page.getByTestId('update-last-check').innerText()).toContain(
      'Le serveur de mises à jour est injoignable.',
    );

    // A check in the services (as Electron main's driver makes it): this build trusts no key yet.
    const plan = await host.invoke('update.check', { pendingVersion: null, updaterActive: true });
    expect(plan).toMatchObject({ ok: true, value: { action: 'none', reason: 'NO_TRUSTED_KEYS' } });
    await expect.poll(() => section.getAttribute('data-state')).toBe('refused');
    await expect.poll(() => page.getByTestId('update-history').locator('tr').count()).toBe(8);
    const newest = page.getByTestId('update-history').locator('tr').first();
    expect(await newest.getAttribute('data-reason')).toBe('NO_TRUSTED_KEYS');
    expect(await newest.innerText()).toContain('Aucune clé de signature de confiance dans cette version.');

    await section.scrollIntoViewIfNeeded();
    await expectScreenshot(page, 'update-admin-fr');
    expect(station.pageErrors).toEqual([]);
  });

  it('reads right to left in Arabic, with Latin digits', async () => {
    station = await openAdministration('ar');
    const { page } = station;
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    const policyText = await page.getByTestId('update-policy').innerText();
    expect(policyText).toContain('يُفحص كل 6 ساعات');
    expect(policyText).toContain('تجريبية');
    await page.getByTestId('update-section').scrollIntoViewIfNeeded();
    await expectScreenshot(page, 'update-admin-ar');
    expect(station.pageErrors).toEqual([]);
  });
});

describe('the install prompt', () => {
  it('asks before restarting, and sends the answer to the services', async () => {
    station = await openAdministration('fr');
    const { page } = station;
    // The event the services send when the driver offers the install in the maintenance window.
    await page.evaluate(() =>
      (window as unknown as { __tabibEmit(name: string, payload: unknown): void }).__tabibEmit(
        'update.changed',
        {
          state: 'awaitingConsent',
          version: '0.2.1',
        },
      ),
    );
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain('Tabib 0.2.1 a été téléchargé et vérifié.');
    expect(await dialog.getByRole('button', { name: 'Redémarrer et installer' }).isVisible()).toBe(true);

    // Nothing was really offered by the services here: they refuse the answer, and say so.
    await dialog.getByRole('button', { name: 'Plus tard' }).click();
    await expect
      .poll(() => dialog.getByRole('alert').getAttribute('data-error-code'))
      .toBe('UPDATE_NOT_PENDING');
  });
});
