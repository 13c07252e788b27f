/**
 * The sync as a clinic sees it, on a workstation enrolled with a (simulated) national record
 * service: the top bar's indicator through its states (changes waiting, syncing with progress,
 * offline with the localised error, up to date), the Sync page and its history, and the conflicts
 * screen comparing both versions and resolving a conflict — in French and in Arabic.
 *
 * A nurse is signed in (the harness makes the accounts); the record is prepared before the page
 * opens, through the same record service the app uses; the conflict is written with ConflictLog as the pull records one. The simulated service
 * (test/sync/harness-sync.ts) stands in for main/sync/pull.ts and push.ts.
 */
import { dirname, join, resolve } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../main/config/config-store';
import { dataLayout } from '../../main/config/paths';
import type { Envelope } from '../../main/contract/errors';
import type { ChartHeader, SyncConflictView } from '../../main/contract/types';
import type { Actor } from '../../main/record/actor';
import type { LocalRecord } from '../../main/record/local-record';
import { RecordService } from '../../main/record/record-service';
import { ConflictLog } from '../../main/sync/conflict-log';
import { followPatient } from '../../main/sync/followed-patients';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { harnessSuite, type Workstation } from './harness';
import { enrolledConfig } from './enrolled-config';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });
const resourcesDir = resolve(import.meta.dirname, '..', '..', 'resources');

const enrolled = enrolledConfig;

const nurse: Actor = { reference: 'Practitioner/inf-haddad', display: 'Inf. Karim Haddad' };

const benali: Patient = {
  resourceType: 'Patient',
  id: 'p-benali',
  name: [
    { use: 'official', given: ['Mohamed'], family: 'Benali' },
    {
      use: 'official',
      given: ['محمد'],
      family: 'بن علي',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/language', valueCode: 'ar' }],
    },
  ],
  identifier: [{ system: 'urn:tabib:ma:cin', value: 'BE123456' }],
  birthDate: '1985-06-02',
  gender: 'male',
};

/** Writes into the workstation's record before the page opens, as the app's record service would. */
async function prepareRecord(station: Workstation, write: (record: LocalRecord) => void): Promise<void> {
  const layout = dataLayout(station.dataDir);
  const records = new RecordService({
    layout,
    config: new ConfigStore(layout.userConfig, join(dirname(station.dataDir), 'machine', 'config.json')),
    keychain: new KeyFileKeychain(layout.keychainKeyFile),
    resourcesDir,
  });
  try {
    write(await records.open());
  } finally {
    await records.close();
  }
}

/**
 * Mohamed Benali, synced at the national record's version 1; then a phone number added here, while
 * another facility corrected the name's spelling and added an address (version 2): a conflict.
 */
function withConflict(record: LocalRecord): void {
  record.store.create(benali, nurse);
  // The pull brought him as one of the facility's patients: his chart opens without break-the-glass.
  followPatient(record, benali.id!, 'facility');
  record.queries.transaction(() => {
    record.queries.statement(`delete from outbox where resource_type = 'Patient'`).run();
    record.queries.statement(`update resource set remote_version = '1' where type = 'Patient'`).run();
  });
  const local = record.store.update<Patient>(
    { ...benali, telecom: [{ system: 'phone', value: '+212661234567' }] },
    nurse,
  );
  const remote: Patient = {
    ...benali,
    name: [{ use: 'official', given: ['Mohammed'], family: 'Benalli' }, benali.name![1]!],
    address: [{ line: ['12 rue Talaa Kebira'], city: 'Fès' }],
    meta: { versionId: '2', lastUpdated: '2026-11-22T07:50:00.000Z' },
  };
  record.queries.transaction(() =>
    new ConflictLog(record.queries).record({
      resourceType: 'Patient',
      resourceId: benali.id!,
      cause: 'remote-change',
      localVersion: local.version,
      local: local.resource,
      remote,
      remoteVersion: '2',
      detected: '2026-11-22T08:15:00.000Z',
    }),
  );
}

async function openStation(
  language: 'fr' | 'ar',
  write: (record: LocalRecord) => void,
): Promise<Workstation> {
  const station = await suite.open({
    userConfig: enrolled(language),
    nationalService: true,
    signIn: 'nurse',
  });
  await prepareRecord(station, (record) => {
    // The workstation's accounts (and their Practitioners) were set up, and sent, before today.
    record.queries.statement('delete from outbox').run();
    write(record);
  });
  await station.open();
  await poll(() => station.page.getByTestId('top-bar').isVisible()).toBe(true);
  return station;
}

const indicator = (page: Page) => page.getByTestId('sync-indicator');
const indicatorText = (page: Page) => page.getByTestId('sync-status').textContent();

async function admin<T>(station: Workstation, name: string, args: unknown): Promise<T> {
  const envelope = (await station.host.invoke(name, args)) as Envelope<T>;
  if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value;
}

describe('the sync indicator and page', () => {
  it('in French: changes waiting, syncing with progress, offline with the error, then up to date', async () => {
    const station = await openStation('fr', (record) => record.store.create(benali, nurse));
    const { page } = station;
    await poll(() => indicator(page).getAttribute('data-state')).toBe('pending');
    expect(await indicatorText(page)).toBe('2 modifications en attente'); // the patient and its audit event

    await indicator(page).click();
    await poll(() => page.getByTestId('screen-sync').isVisible()).toBe(true);
    expect(await page.getByTestId('sync-history-empty').innerText()).toBe(
      'Aucune synchronisation pour l’instant.',
    );
    expect(await page.getByTestId('sync-pending').innerText()).toBe('2');

    // The national service holds the push: the indicator shows the run and its progress.
    station.nationalService!({ service: 'ok', holdPush: true });
    await page.getByTestId('sync-run-now').click();
    await poll(() => indicator(page).getAttribute('data-state')).toBe('syncing');
    await poll(() => indicatorText(page)).toBe('Envoi 1/2');
    await poll(() => page.getByTestId('sync-progress').isVisible()).toBe(true);
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'sync-syncing-fr');

    // The network goes: the run fails, the changes stay, the error is in French.
    station.nationalService!({ service: 'unreachable' });
    await poll(() => indicator(page).getAttribute('data-state')).toBe('offline');
    expect(await indicatorText(page)).toBe('Hors ligne');
    expect(await indicator(page).getAttribute('title')).toContain(
      'Le service national du dossier est injoignable',
    );
    const lastError = page.getByTestId('sync-last-error');
    await poll(() => lastError.getAttribute('data-error-code')).toBe('SYNC_UNREACHABLE');
    expect(await lastError.innerText()).toContain(
      'Le service national du dossier est injoignable ; les modifications sont conservées et la synchronisation réessaiera.',
    );
    expect(await page.getByTestId('sync-pending').innerText()).toBe('2');
    await expectScreenshot(page, 'sync-offline-fr');

    // Back online: sent, up to date, with the time of the last success.
    station.nationalService!({ service: 'ok' });
    await page.getByTestId('sync-run-now').click();
    await poll(() => indicator(page).getAttribute('data-state')).toBe('upToDate');
    expect(await indicatorText(page)).toMatch(/^À jour · 22 nov\. 2026, \d{2}:30$/);
    expect(await page.getByTestId('sync-pending').innerText()).toBe('0');
    const rows = page.getByTestId('sync-history').locator('tbody tr');
    await poll(() => rows.count()).toBe(2);
    expect(
      await rows.evaluateAll((elements) => elements.map((row) => row.getAttribute('data-outcome'))),
    ).toEqual(['ok', 'failed']);
    expect(await rows.nth(1).innerText()).toContain('Manuelle');
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'sync-page-fr');
  });

  it('in Arabic: the indicator reads right to left, and the page names the same states', async () => {
    const station = await openStation('ar', (record) => record.store.create(benali, nurse));
    const { page } = station;
    await poll(() => indicator(page).getAttribute('data-state')).toBe('pending');
    expect(await indicatorText(page)).toBe('تعديلان في الانتظار');
    station.nationalService!({ service: 'serverError' });
    await indicator(page).click();
    await page.getByTestId('sync-run-now').click();
    await poll(() => indicator(page).getAttribute('data-state')).toBe('failed');
    expect(await indicatorText(page)).toBe('فشلت المزامنة');
    await poll(() => page.getByTestId('sync-last-error').getAttribute('data-error-code')).toBe(
      'SYNC_SERVER_ERROR',
    );
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    // Mirrored: the indicator sits in the top bar's left half, the history's first column on the right.
    const bar = await page.getByTestId('top-bar').boundingBox();
    const badge = await indicator(page).boundingBox();
    expect(badge!.x + badge!.width / 2).toBeLessThan(bar!.x + bar!.width / 2);
    expect(/[\u0660-\u0669\u06F0-\u06F9]/.test(await page.getByTestId('main').innerText())).toBe(false);
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'sync-page-ar');
  });
});

describe('the conflicts screen', () => {
  it('in French: both versions field by field, the differences marked, a merge chosen by keyboard', async () => {
    const station = await openStation('fr', withConflict);
    const { page } = station;
    await poll(() => indicator(page).getAttribute('data-state')).toBe('conflicts');
    expect(await indicatorText(page)).toBe('1 conflit à résoudre');

    // By keyboard: the indicator, then the page's link to the conflicts.
    await indicator(page).focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('sync-open-conflicts').isVisible()).toBe(true);
    await page.getByTestId('sync-open-conflicts').focus();
    await page.keyboard.press('Enter');
    const conflict = page.getByTestId('sync-conflict');
    await poll(() => conflict.count()).toBe(1);

    const row = (field: string) => conflict.locator(`tr[data-field="${field}"]`);
    for (const field of ['name', 'telecom', 'address'])
      expect(await row(field).getAttribute('data-differs'), field).toBe('true');
    for (const field of ['identifier', 'birthDate', 'gender'])
      expect(await row(field).getAttribute('data-differs'), field).toBe('false');
    expect(await row('telecom').locator('[data-side="local"]').innerText()).toBe('+212661234567');
    expect(await row('telecom').locator('[data-side="remote"]').innerText()).toBe('—');
    expect(await row('address').locator('[data-side="remote"]').innerText()).toBe('12 rue Talaa Kebira, Fès');
    expect(await row('name').locator('[data-side="remote"]').innerText()).toBe(
      'Mohammed Benalli ; محمد بن علي',
    );
    expect(await row('address').locator('td').first().textContent()).toBe('AdresseDifférent');
    expect(await conflict.innerText()).toContain(
      'le dossier national a changé alors que des modifications de ce poste attendaient',
    );
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'sync-conflict-fr');

    // Keep the phone from here, the national record's address and spelling: arrows pick, Enter merges.
    await page.getByTestId('merge-address-local').focus();
    await page.keyboard.press('ArrowDown');
    await page.getByTestId('merge-name-local').focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.getByTestId('merge-address-remote').isChecked()).toBe(true);
    expect(await page.getByTestId('merge-telecom-local').isChecked()).toBe(true);
    await page.getByTestId('conflict-merge').focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('conflicts-none').isVisible()).toBe(true);
    expect(await page.getByTestId('conflict-resolved').innerText()).toContain('Conflit résolu');
    await poll(() => indicator(page).getAttribute('data-state')).toBe('pending');

    const [resolved] = await admin<SyncConflictView[]>(station, 'sync.conflicts', { status: 'resolved' });
    expect(resolved).toMatchObject({ resolution: 'merged', status: 'resolved' });
    const chart = await admin<ChartHeader>(station, 'patients.openChart', { patientId: benali.id });
    expect(chart.address).toBe('12 rue Talaa Kebira, Fès');
    expect(chart.patient.phone).toBe('+212661234567');
    expect(chart.patient.latin).toEqual({ given: 'Mohammed', family: 'Benalli' });
  });

  it('in Arabic: the national record’s version kept, by keyboard', async () => {
    const station = await openStation('ar', withConflict);
    const { page } = station;
    await poll(() => indicator(page).getAttribute('data-state')).toBe('conflicts');
    expect(await indicatorText(page)).toBe('تعارض واحد يجب حلّه');
    await indicator(page).focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('sync-open-conflicts').focus();
    await page.keyboard.press('Enter');
    const conflict = page.getByTestId('sync-conflict');
    await poll(() => conflict.count()).toBe(1);
    expect(await conflict.innerText()).toContain('الملف الوطني');
    // Mirrored: this workstation's column (the first) on the right.
    const local = await conflict.locator('tr[data-field="telecom"] [data-side="local"]').boundingBox();
    const remote = await conflict.locator('tr[data-field="telecom"] [data-side="remote"]').boundingBox();
    expect(local!.x).toBeGreaterThan(remote!.x);
    expect(/[\u0660-\u0669\u06F0-\u06F9]/.test(await page.getByTestId('main').innerText())).toBe(false);
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'sync-conflict-ar');

    await page.getByTestId('conflict-keep-remote').focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('conflicts-none').isVisible()).toBe(true);
    await poll(() => indicator(page).getAttribute('data-state')).toBe('pending');
    const chart = await admin<ChartHeader>(station, 'patients.openChart', { patientId: benali.id });
    expect(chart.address).toBe('12 rue Talaa Kebira, Fès');
    expect(chart.patient.phone).toBeNull();
    expect(chart.patient.latin).toEqual({ given: 'Mohammed', family: 'Benalli' });
  });
});
