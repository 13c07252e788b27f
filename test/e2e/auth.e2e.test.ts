/**
 * Signing in, as the people at the desk do it: the demonstration's first sign-in (French, from
 * the first-run screen, and Arabic), a wrong password, the lock and its quick unlock, sign-out;
 * an enrolled workstation's first administrator; and break-the-glass from the patient search.
 * Every call of the page goes through the services' guard (main/auth/call-guard.ts).
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../main/config/config-store';
import { dataLayout } from '../../main/config/paths';
import type { AuthStatus } from '../../main/contract/auth-types';
import { RecordService } from '../../main/record/record-service';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { seriousViolations } from './accessibility';
import { enrolledConfig } from './enrolled-config';
import { harnessSuite, type Workstation } from './harness';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });
const demoUser = { mode: 'demo', facility: { id: 'demo', name: 'Tabib — démonstration' } } as const;
const DEMO_PASSWORD = 'demo-tabib-2026';

async function status(station: Workstation): Promise<AuthStatus> {
  const envelope = await station.host.invoke('auth.status', {});
  if (!envelope.ok) throw new Error(envelope.error.code);
  return envelope.value as AuthStatus;
}

async function expectAccessible(page: Page, within?: string): Promise<void> {
  expect(await seriousViolations(page, within)).toEqual([]);
}

describe('signing in', () => {
  it('signs in for the first time on a demonstration, in French: demo accounts, wrong password, lock, unlock, sign-out', async () => {
    const station = await suite.open();
    await station.open();
    const { page } = station;
    await page.getByRole('button', { name: 'Démarrer la démonstration' }).click();
    await page.mouse.move(1, 799);
    // The demonstration seeds its patients and makes its accounts: then the sign-in screen.
    await expect.poll(() => page.getByTestId('sign-in').isVisible(), { timeout: 60_000 }).toBe(true);
    const accounts = page.getByTestId('demo-accounts');
    expect(await accounts.textContent()).toContain('Dr Salma Haddad');
    expect(await page.getByTestId('demo-password').innerText()).toBe(DEMO_PASSWORD);
    for (const role of ['Médecin', 'Infirmier·ère', 'Radiologue', 'Administrateur'])
      expect(await accounts.textContent()).toContain(role);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'sign-in-username',
    );
    await expectAccessible(page);
    await expectScreenshot(page, 'sign-in-demo-fr');

    // A wrong password: said in French, with the attempts left; the password field is emptied.
    await page.getByTestId('sign-in-username').fill('medecin');
    await page.getByTestId('sign-in-password').fill('pas le bon mot de passe');
    await page.keyboard.press('Enter');
    const error = page.getByTestId('auth-error');
    await poll(() => error.getAttribute('data-error-code')).toBe('INVALID_CREDENTIALS');
    expect(await error.innerText()).toContain('Nom d’utilisateur ou mot de passe incorrect.');
    expect(await error.innerText()).toContain('Encore 4 essais avant le blocage du compte.');
    expect(await page.getByTestId('sign-in-password').inputValue()).toBe('');
    await expectScreenshot(page, 'sign-in-wrong-password-fr');

    // The demo doctor, picked from the list: the form is filled, Enter signs in.
    await page.getByTestId('demo-account-doctor').click();
    expect(await page.getByTestId('sign-in-username').inputValue()).toBe('medecin');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('patient-search-input').isVisible()).toBe(true);
    expect(await page.getByTestId('session-user').innerText()).toBe('Dr Salma Haddad');
    expect(await page.getByTestId('session-roles').innerText()).toBe('Médecin');
    expect((await status(station)).user?.username).toBe('medecin');
    await page.getByTestId('patient-search-input').fill('Haddad');

    // Locked from the top bar (Ctrl+L): the workspace stays, hidden and inert, under the lock screen.
    await page.keyboard.press('Control+l');
    await poll(() => page.getByTestId('lock-screen').isVisible()).toBe(true);
    expect(await page.getByTestId('workspace').isHidden()).toBe(true);
    expect(await page.getByTestId('workspace').getAttribute('inert')).not.toBeNull();
    expect(await page.getByTestId('lock-user').innerText()).toBe('Dr Salma Haddad');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'unlock-password',
    );
    // The page's own calls are refused meanwhile, whatever the renderer tries.
    expect(
      await page.evaluate(() =>
        (
          window as unknown as { tabib: { patients: { search(a: unknown): Promise<unknown> } } }
        ).tabib.patients.search({ query: 'Haddad' }),
      ),
    ).toMatchObject({ ok: false, error: { code: 'SESSION_LOCKED' } });
    await expectAccessible(page);
    await expectScreenshot(page, 'lock-screen-fr');

    await page.getByTestId('unlock-password').fill('toujours pas le bon');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('auth-error').getAttribute('data-error-code')).toBe(
      'INVALID_CREDENTIALS',
    );
    await page.getByTestId('unlock-password').fill(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('lock-screen').count()).toBe(0);
    // What the doctor was doing is still there.
    expect(await page.getByTestId('patient-search-input').inputValue()).toBe('Haddad');

    // Sign-out: the workspace is gone from the page, back to the sign-in screen.
    await page.getByTestId('session-sign-out').click();
    await poll(() => page.getByTestId('sign-in').isVisible()).toBe(true);
    expect(await page.getByTestId('workspace').count()).toBe(0);
    expect((await status(station)).state).toBe('signedOut');
  });

  it('signs in in Arabic: right to left, the nurse’s workspace, lock and unlock', async () => {
    const station = await suite.open({ userConfig: { ...demoUser, language: 'ar' } });
    await station.open();
    const { page } = station;
    await poll(() => page.getByTestId('sign-in').isVisible()).toBe(true);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'ar',
      'rtl',
    ]);
    expect(await page.getByRole('heading', { name: 'تسجيل الدخول' }).isVisible()).toBe(true);
    expect(await page.getByTestId('demo-accounts').textContent()).toContain('ممرض');
    await page.getByTestId('demo-account-nurse').click();
    await expectAccessible(page);
    await expectScreenshot(page, 'sign-in-demo-ar');
    await page.getByTestId('sign-in-submit').click();
    await poll(() => page.getByTestId('side-nav').isVisible()).toBe(true);
    expect(await page.getByTestId('session-user').innerText()).toBe('Hicham Ait Taleb');
    expect(await page.getByTestId('session-roles').innerText()).toBe('ممرض');

    await page.getByTestId('session-lock').click();
    await poll(() => page.getByTestId('lock-screen').isVisible()).toBe(true);
    expect(await page.getByTestId('lock-screen').innerText()).toContain('الجلسة مقفلة');
    await expectScreenshot(page, 'lock-screen-ar');
    await page.getByTestId('unlock-password').fill('كلمة خاطئة تماماً');
    await page.getByTestId('unlock-submit').click();
    await poll(() => page.getByTestId('auth-error').innerText()).toContain(
      'اسم المستخدم أو كلمة المرور غير صحيحة.',
    );
    await page.getByTestId('unlock-password').fill(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('lock-screen').count()).toBe(0);
    expect(await page.getByTestId('side-nav').isVisible()).toBe(true);
  });

  it('shows only what the role may use: an administrator sees the administration, with accounts and break-the-glass', async () => {
    const station = await suite.open({ userConfig: demoUser, signIn: 'administrator' });
    await station.open();
    const { page } = station;
    await poll(() => page.getByTestId('screen-administration').isVisible()).toBe(true);
    const nav = page.getByTestId('side-nav');
    expect(await nav.getByRole('button').count()).toBe(1);
    expect(await page.getByTestId('nav-patients').count()).toBe(0);
    expect(await page.getByTestId('topbar-read-card').count()).toBe(0);
    // Alt+1 (Patients) leads nowhere for an administrator.
    await page.keyboard.press('Alt+1');
    expect(await page.getByTestId('screen-administration').isVisible()).toBe(true);
    const users = page.getByTestId('users-table');
    await poll(() => users.locator('tbody tr').count()).toBe(4);
    expect(await users.innerText()).toContain('medecin');
    await poll(() => page.getByTestId('break-glass-none').isVisible()).toBe(true);

    // A new nurse's account, from the Administration screen.
    await page.getByTestId('users-create').click();
    await page.getByTestId('account-username').fill('n.bennani');
    await page.getByTestId('account-display-name').fill('Nadia Bennani');
    await page.getByTestId('account-role-nurse').click();
    await page.getByTestId('account-password').fill('court');
    await page.getByTestId('account-submit').click();
    await poll(() => page.getByText('Au moins 10 caractères.').isVisible()).toBe(true);
    await page.getByTestId('account-password').fill('Première garde 2026');
    await expectAccessible(page, '.mantine-Modal-content');
    await page.keyboard.press('Enter');
    await poll(() => users.locator('tbody tr').count()).toBe(5);
    const row = users.locator('tr[data-username="n.bennani"]');
    expect(await row.textContent()).toContain('Infirmier·ère');
    // The accounts at the top of the window (the health report above names temporary folders).
    await page.getByTestId('users-section').evaluate((section) => {
      section.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -80);
    });
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'administration-accounts-fr');

    // Disabled: the account can no longer sign in.
    await row.getByTestId('account-edit').click();
    await page.getByTestId('account-disabled').click();
    await page.getByTestId('account-submit').click();
    await poll(() => row.textContent()).toContain('Désactivé');
    const signIn = await station.host
      .forRenderer()
      .invoke('auth.signIn', { username: 'n.bennani', password: 'Première garde 2026' });
    expect(signIn).toMatchObject({ ok: false, error: { code: 'ACCOUNT_DISABLED' } });

    // The idle delay, for every session of the workstation.
    await page.getByTestId('idle-delay').fill('15');
    await page.getByTestId('idle-delay-save').click();
    await poll(async () => (await status(station)).idleLockMinutes).toBe(15);
  });
});

describe('an enrolled workstation', () => {
  it('creates its first administrator, then signs them in', async () => {
    const station = await suite.open({ userConfig: enrolledConfig('fr'), nationalService: true });
    await station.open();
    const { page } = station;
    await poll(() => page.getByTestId('create-administrator').isVisible()).toBe(true);
    expect(await page.getByTestId('demo-accounts').count()).toBe(0);
    await page.getByTestId('admin-username').fill('k.amrani');
    await page.getByTestId('admin-displayName').fill('Khalid Amrani');
    await page.getByTestId('admin-password').fill('court');
    await page.getByTestId('admin-confirmation').fill('court');
    await page.getByTestId('admin-create').click();
    // Said inline before anything is sent.
    await poll(() => page.getByText('Au moins 10 caractères.').isVisible()).toBe(true);
    expect((await status(station)).state).toBe('noAccounts');
    await page.getByTestId('admin-password').fill('k.amrani-2026');
    await page.getByTestId('admin-confirmation').fill('k.amrani-2026');
    await poll(() =>
      page.getByText('Le mot de passe ne doit pas contenir le nom d’utilisateur.').isVisible(),
    ).toBe(true);
    await page.getByTestId('admin-password').fill('Une phrase de passe solide');
    await page.getByTestId('admin-confirmation').fill('Une phrase de passe solide');
    await expectAccessible(page);
    await expectScreenshot(page, 'create-administrator-fr');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('screen-administration').isVisible()).toBe(true);
    expect(await page.getByTestId('session-user').innerText()).toBe('Khalid Amrani');
    expect((await status(station)).user?.roles).toEqual(['administrator']);
  });
});

describe('break-the-glass', () => {
  it('asks a reason before opening a chart outside the facility’s list, and shows it to the administrator', async () => {
    const station = await suite.open({ userConfig: demoUser, signIn: 'doctor' });
    // A patient of another facility, as a pull of the national record brings them.
    const layout = dataLayout(station.dataDir);
    const records = new RecordService({
      layout,
      config: new ConfigStore(layout.userConfig, join(station.dataDir, '..', 'machine', 'config.json')),
      keychain: new KeyFileKeychain(layout.keychainKeyFile),
      resourcesDir: join(import.meta.dirname, '..', '..', 'resources'),
    });
    const record = await records.open();
    record.store.importRemote(
      [
        {
          resourceType: 'Patient',
          id: 'a0000000-0000-4000-8000-0000000000e1',
          meta: { versionId: '2', lastUpdated: '2026-10-01T10:00:00.000Z' },
          name: [{ family: 'Tazi', given: ['Rachid'] }],
          birthDate: '1964-02-11',
          gender: 'male',
          managingOrganization: { identifier: { system: 'urn:tabib:facility', value: 'CS-9999' } },
        },
      ],
      records.actor(),
      { description: 'national record pull' },
    );
    await records.close();

    await station.open();
    const { page } = station;
    await poll(() => page.getByTestId('patient-search-input').isVisible()).toBe(true);
    await page.getByTestId('patient-search-input').fill('Tazi Rachid');
    await poll(() => page.getByTestId('patient-results').locator('tbody tr').count()).toBe(1);
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await poll(() => page.getByTestId('break-glass-reason').isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain('Ce patient n’est pas suivi par votre établissement.');
    // No reason, no chart.
    await page.getByTestId('break-glass-confirm').click();
    await poll(() => dialog.innerText()).toContain('Indiquez le motif de l’accès.');
    await page.getByTestId('break-glass-reason').fill('Urgence : malaise en salle d’attente');
    // The dialog (the chart behind it is its own test's).
    await expectAccessible(page, '.tabib-auth-screen');
    await expectScreenshot(page, 'break-glass-fr');
    await page.keyboard.press('Control+Enter');
    const chart = page.getByTestId('patient-chart');
    await poll(() => chart.getAttribute('data-state')).toBe('ready');
    expect(await chart.getAttribute('data-patient-id')).toBe('a0000000-0000-4000-8000-0000000000e1');

    await station.signIn('administrator');
    await poll(() => page.getByTestId('break-glass-table').isVisible()).toBe(true);
    const review = await page.getByTestId('break-glass-table').innerText();
    expect(review).toContain('Dr Salma Haddad');
    expect(review).toContain('TAZI Rachid');
    expect(review).toContain('Urgence : malaise en salle d’attente');
  });
});
