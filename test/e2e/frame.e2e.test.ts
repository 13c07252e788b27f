import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { harnessSuite, type Workstation } from './harness';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
let station: Workstation | null = null;

const demoUser = { mode: 'demo', facility: { id: 'demo', name: 'Tabib — démonstration' } } as const;

describe('first run', () => {
  it('opens in French by default and offers enrolment or a demonstration', async () => {
    station = await suite.open();
    await station.open();
    const { page } = station;
    await expect.poll(() => page.getByTestId('first-run').isVisible()).toBe(true);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'fr',
      'ltr',
    ]);
    await expect
      .poll(() => page.getByRole('heading', { name: 'Bienvenue dans Tabib' }).isVisible())
      .toBe(true);
    expect(await page.getByRole('button', { name: 'Démarrer la démonstration' }).isVisible()).toBe(true);
    await expectScreenshot(page, 'first-run-fr');
  });

  it('shows an invalid call’s error, field by field, and changes nothing', async () => {
    station = await suite.open();
    await station.open();
    const { page } = station;
    await page.getByLabel('Adresse du service FHIR').fill('pas une adresse');
    await page
      .getByLabel('Adresse du service d’identité (jeton OAuth 2.0)')
      .fill('https://idp.sante.example/token');
    await page.getByLabel('Identifiant client du poste').fill('poste-01');
    await page.getByLabel('Code de l’établissement').fill('CS-0001');
    await page.getByLabel('Nom de l’établissement').fill('Centre de santé Hay Hassani');
    await page.getByRole('button', { name: 'Enregistrer ce poste' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.getAttribute('data-error-code')).toBe('INVALID_ARGUMENT');
    const text = await alert.innerText();
    expect(text).toContain('Certaines valeurs sont invalides ; rien n’a été modifié.');
    expect(text).toContain('Champ « Adresse du service FHIR » invalide.');
    expect(text).not.toContain('Nom de l’établissement');
    expect(existsSync(station.userConfigPath)).toBe(false);
    await expectScreenshot(page, 'enrol-invalid-fr');
  });

  it('answers a malformed call from the page with INVALID_ARGUMENT', async () => {
    station = await suite.open();
    await station.open();
    const envelope = await station.page.evaluate(() =>
      (
        window as unknown as { tabib: { settings: { setLanguage(a: unknown): Promise<unknown> } } }
      ).tabib.settings.setLanguage({ language: 'de' }),
    );
    expect(envelope).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', details: { issues: [{ path: ['language'] }] } },
    });
    expect(existsSync(station.userConfigPath)).toBe(false);
  });

  it('starts the demonstration and opens the frame', async () => {
    station = await suite.open();
    await station.open();
    const { page } = station;
    await page.getByRole('button', { name: 'Démarrer la démonstration' }).click();
    // The demonstration first seeds its synthetic patients (a few seconds), then offers its accounts.
    await expect.poll(() => page.getByTestId('sign-in').isVisible(), { timeout: 60_000 }).toBe(true);
    await station.signIn('doctor');
    await expect.poll(() => page.getByTestId('top-bar').isVisible()).toBe(true);
    expect(await page.getByTestId('facility-name').innerText()).toBe('Tabib — démonstration');
    expect(JSON.parse(readFileSync(station.userConfigPath, 'utf8'))).toMatchObject({
      mode: 'demo',
      country: 'MA',
    });
  });
});

describe('the frame', () => {
  it('is in French by default, with top bar and side navigation', async () => {
    station = await suite.open({ userConfig: demoUser, signIn: 'doctor' });
    await station.open();
    const { page } = station;
    await expect.poll(() => page.getByTestId('side-nav').isVisible()).toBe(true);
    for (const name of ['Patients', 'Imagerie', 'Rendez-vous', 'Administration']) {
      expect(await page.getByRole('button', { name: new RegExp(`^${name}`) }).isVisible()).toBe(true);
    }
    expect(await page.getByTestId('today').innerText()).toBe('22 novembre 2026');
    expect(await page.getByTestId('sync-status').textContent()).toBe('Démonstration — hors service national');
    await expectScreenshot(page, 'frame-fr');
  });

  it('switches to Arabic: dir="rtl", mirrored layout, Latin digits, and the choice is kept', async () => {
    station = await suite.open({ userConfig: demoUser, signIn: 'doctor' });
    await station.open();
    const { page } = station;
    await page.getByTestId('language-switch').getByText('العربية').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('ar');
    await expect.poll(() => page.getByRole('button', { name: /^المرضى/ }).isVisible()).toBe(true);

    const nav = await page.getByTestId('side-nav').boundingBox();
    const main = await page.getByTestId('main').boundingBox();
    expect(nav && main).toBeTruthy();
    // Mirrored: the navigation sits on the right, the content to its left.
    expect(nav!.x).toBeGreaterThan(main!.x + main!.width / 2);
    expect(await page.getByTestId('today').innerText()).toBe('22 نونبر 2026');

    expect(JSON.parse(readFileSync(station.userConfigPath, 'utf8'))).toMatchObject({ language: 'ar' });
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await expect.poll(() => page.getByTestId('side-nav').isVisible()).toBe(true);
    await expectScreenshot(page, 'frame-ar');
  });

  it('works in English', async () => {
    station = await suite.open({ userConfig: demoUser, signIn: 'doctor' });
    await station.open();
    const { page } = station;
    await page.getByTestId('language-switch').getByText('English').click();
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('ltr');
    await expect.poll(() => page.getByRole('button', { name: /^Appointments/ }).isVisible()).toBe(true);
    expect(await page.getByTestId('today').innerText()).toBe('22 November 2026');
    const nav = await page.getByTestId('side-nav').boundingBox();
    expect(nav!.x).toBe(0);
    await expectScreenshot(page, 'frame-en');
  });

  it('keeps the language the administrator fixed', async () => {
    station = await suite.open({ userConfig: demoUser, machineConfig: { language: 'ar' }, signIn: 'doctor' });
    await station.open();
    const { page } = station;
    await expect.poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    const radios = page.getByTestId('language-switch').locator('input');
    expect(await radios.first().isDisabled()).toBe(true);
  });

  it('reaches each section by keyboard and shows the health report from the services worker', async () => {
    station = await suite.open({ userConfig: demoUser, signIn: 'doctor' });
    await station.open();
    const { page } = station;
    await expect.poll(() => page.getByTestId('side-nav').isVisible()).toBe(true);
    await page.keyboard.press('Alt+2');
    await expect.poll(() => page.getByTestId('screen-imaging').isVisible()).toBe(true);
    await page.keyboard.press('Alt+4');
    await expect.poll(() => page.getByTestId('screen-administration').isVisible()).toBe(true);
    await expect.poll(() => page.getByTestId('health-checks').locator('tr').count()).toBe(6);
    const serviceThread = await page.getByTestId('service-thread').innerText();
    expect(serviceThread).toMatch(/^Fil d’exécution \d+, hors de la boucle principale$/);
    expect(await page.locator('tr[data-check="configuration"]').getAttribute('data-status')).toBe('ok');
  });
});
