import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../main/auth/demo-accounts';
import { harnessSuite } from './harness';
const suite = harnessSuite({ checkPageErrors: false });
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
it('debug', async () => {
  const station = await suite.open({ userConfig: { language: 'fr' } });
  await station.open();
  const { page } = station;
  await page.getByTestId('demo-card').getByRole('button', { name: 'Démarrer la démonstration' }).click();
  await expect.poll(() => page.getByTestId('sign-in').isVisible(), { timeout: 90_000 }).toBe(true);
  await page.getByTestId('sign-in-username').fill('medecin');
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  await expect.poll(() => page.getByTestId('patient-search-input').isVisible(), { timeout: 30_000 }).toBe(true);
  await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const axe = (window as any).axe;
    const r = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast'] } });
    return r.violations.map((v: any) => v.nodes.slice(0, 3).map((n: any) => ({ t: n.target, m: n.any.map((a: any) => a.message), d: n.any.map((a: any) => a.data) })));
  });
  console.log('AXE', JSON.stringify(result, null, 1).slice(0, 3000));
});
