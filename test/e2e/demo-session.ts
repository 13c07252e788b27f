/**
 * The first-run demonstration started from its screen, then the demonstration doctor signed in
 * (when the workstation asks), as a clinician trying Tabib does it.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { DEMO_PASSWORD } from '../../main/auth/demo-accounts';
import type { HarnessSuite } from './harness';

export async function openDemonstration(suite: HarnessSuite): Promise<Page> {
  const station = await suite.open();
  await station.open();
  const { page } = station;
  await page.getByRole('button', { name: 'Démarrer la démonstration' }).click();
  await page.mouse.move(1, 799);
  const signInOrSearch = async () =>
    (await page.getByTestId('patient-search-input').isVisible()) ||
    (await page.getByTestId('sign-in-form').isVisible());
  await expect.poll(signInOrSearch, { timeout: 60_000 }).toBe(true);
  if (await page.getByTestId('sign-in-form').isVisible()) {
    await page.getByTestId('sign-in-username').fill('medecin');
    await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
    await expect
      .poll(() => page.getByTestId('patient-search-input').isVisible(), { timeout: 15_000 })
      .toBe(true);
  }
  return page;
}
