/**
 * Identifying a patient by their national ID card, as at a clinic's front desk: the card in the
 * reader, its MRZ scanned (a keyboard-wedge scanner types it into the focused field) or its CAN
 * typed, the read's progress, the identity with its verification, and the patient of the record
 * to open. A simulated reader holding the chip simulator, personalised as the fixtures' Moroccan
 * CNIE, is bound into the real services (test/card/harness-card.ts).
 */
import { join } from 'node:path';
import { resolve } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ConfigStore } from '../../main/config/config-store';
import { RecordService } from '../../main/record/record-service';
import type { Envelope } from '../../main/contract/errors';
import type { PatientSearchResult } from '../../main/contract/types';
import { dataLayout } from '../../main/config/paths';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import type { HarnessCard, HarnessDocumentFacts } from '../card/harness-card-control';
import { harnessSuite, type Workstation } from './harness';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/;
const resourcesDir = resolve(import.meta.dirname, '..', '..', 'resources');

const card = (overrides: Partial<HarnessCard> = {}): HarnessCard => ({
  profile: 'MA-CNIE',
  apduDelayMs: 20,
  ...overrides,
});

/** A demonstration workstation (no synthetic patients) with a simulated card reader, empty. */
async function openWorkstation(): Promise<Workstation> {
  const station = await suite.open({
    cardReader: true,
    userConfig: { mode: 'demo', facility: { id: 'demo', name: 'Tabib — démonstration' } },
    signIn: 'doctor',
  });
  await station.open();
  await poll(() => station.page.getByTestId('patient-search-input').isVisible()).toBe(true);
  // A search opens (creates) the record in the services, before the test writes to it.
  await search(station.page, 'x');
  return station;
}

/**
 * Registers patients in the workstation's record, as the desk did some earlier day: written here
 * through the services in-process, on the same encrypted record the worker has open.
 */
async function register(station: Workstation, patients: Patient[]): Promise<void> {
  const layout = dataLayout(station.dataDir);
  const records = new RecordService({
    layout,
    config: new ConfigStore(layout.userConfig, join(station.dataDir, '..', 'machine', 'config.json')),
    keychain: new KeyFileKeychain(layout.keychainKeyFile),
    resourcesDir,
  });
  const record = await records.open();
  for (const patient of patients) record.store.create(patient, records.actor());
  await records.close();
}

/** The card's holder as a clinic registered them: both scripts, the CIN, birth date and sex. */
function holder(id: string, { person }: HarnessDocumentFacts, overrides: Partial<Patient> = {}): Patient {
  const title = (text: string) =>
    text.toLowerCase().replace(/(^|[\s-])\p{L}/gu, (initial) => initial.toUpperCase());
  return {
    resourceType: 'Patient',
    id,
    identifier: [{ system: 'urn:tabib:ma:cin', value: person.nationalId }],
    name: [
      { use: 'official', family: title(person.familyName), given: [title(person.givenNames)] },
      { use: 'official', family: person.familyNameArabic, given: [person.givenNamesArabic] },
    ],
    gender: person.sex,
    birthDate: person.birthDate,
    ...overrides,
  };
}

async function search(page: Page, query: string): Promise<PatientSearchResult> {
  const envelope = (await page.evaluate(
    (text) =>
      (
        window as unknown as { tabib: { patients: { search(a: unknown): Promise<unknown> } } }
      ).tabib.patients.search({
        query: text,
        limit: 50,
      }),
    query,
  )) as Envelope<PatientSearchResult>;
  if (!envelope.ok) throw new Error(`patients.search: ${envelope.error.code}`);
  return envelope.value;
}

const screen = (page: Page) => page.getByTestId('screen-card');

/**
 * A keyboard-wedge scanner: the lines as key events on the focused field, each line ended by
 * Enter, a scanner's fraction of a millisecond apart. Dispatched in the page, because the
 * detector (main/card/keyboard-wedge.ts) reads the events' own times: a real scanner's come from
 * the operating system as the keys arrive, whatever the page is doing, but page.keyboard.type
 * and the DevTools protocol stamp each key when the page has handled the one before (5–75 ms
 * apart on a loaded 2-core machine: a fast typist, sometimes not even that). These events are
 * untrusted, so the browser types nothing itself; the screen shows the zone it recognised.
 */
async function scan(page: Page, lines: string[]): Promise<void> {
  await page.evaluate(
    (text) => {
      const field = document.activeElement as HTMLElement;
      for (const char of text) {
        const enter = char === '\n';
        const code = enter
          ? 'Enter'
          : /\d/.test(char)
            ? `Digit${char}`
            : char === '<'
              ? 'Comma'
              : `Key${char}`;
        const init = {
          key: enter ? 'Enter' : char,
          code,
          shiftKey: char === '<',
          bubbles: true,
          cancelable: true,
        };
        field.dispatchEvent(new KeyboardEvent('keydown', init));
        field.dispatchEvent(new KeyboardEvent('keyup', init));
      }
    },
    `${lines.join('\n')}\n`,
  );
}

describe('identifying a patient by their national ID card', () => {
  it('in French: F2, the card in the reader, its MRZ scanned, the progress, the identity, the chart', async () => {
    const station = await openWorkstation();
    const { page } = station;

    // From the patient search (a text field has the focus), F2 opens the card screen.
    await page.keyboard.press('F2');
    await poll(() => screen(page).isVisible()).toBe(true);
    expect(await page.getByTestId('topbar-read-card').innerText()).toContain('Lire une carte');
    await poll(() => page.getByTestId('card-reader-status').getAttribute('data-status')).toBe('empty');
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'card-mrz-input',
    );
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'card-insert-fr');

    station.cardReader!.insert(card());
    await poll(() => page.getByTestId('card-reader-status').getAttribute('data-status')).toBe('card');
    expect(await page.getByTestId('card-reader-status').innerText()).toContain(
      'Carte présente dans le lecteur « Tabib Simulated Reader 00 00 ».',
    );
    const cnie = await station.cardReader!.document();
    await register(station, [
      holder('p-holder', cnie),
      // Someone else, with another CIN: not offered.
      holder('p-other', cnie, {
        identifier: [{ system: 'urn:tabib:ma:cin', value: 'ZZ101010' }],
        birthDate: '1990-01-01',
      }),
    ]);

    // The scanner types the three lines, each ended by Enter.
    await scan(page, cnie.mrz);
    await poll(() => page.getByTestId('card-progress').isVisible()).toBe(true);
    const steps = new Set<string>();
    await poll(async () => {
      const step = await page
        .getByTestId('card-progress')
        .getAttribute('data-step', { timeout: 100 })
        .catch(() => null);
      if (step) steps.add(step);
      return screen(page).getAttribute('data-state');
    }).toBe('done');
    expect([...steps].some((step) => step === 'reading' || step === 'verifying')).toBe(true);

    const { person } = cnie;
    expect(await page.getByTestId('card-national-id').innerText()).toContain(person.nationalId);
    expect(await page.getByTestId('card-names').innerText()).toContain(person.familyNameArabic);
    expect(await page.getByTestId('card-names').innerText()).toContain('EL IDRISSI');
    expect(await page.getByTestId('card-verification').getAttribute('data-status')).toBe('verified');
    expect(await page.getByTestId('card-verification-badge').textContent()).toBe('Authentique');
    // The chip offers PACE (EF.CardAccess): the MRZ opens it by PACE, not BAC (ICAO 9303-11 §4.2).
    expect(await page.getByTestId('card-access-protocol').innerText()).toBe('Puce lue par PACE.');
    expect(await page.getByTestId('card-document-number').innerText()).toContain(person.documentNumber);
    expect(await page.getByTestId('card-photo').getAttribute('src')).toMatch(
      /^data:image\/(jpeg|png);base64,/,
    );
    const matches = page.getByTestId('card-match');
    expect(await matches.count()).toBe(1);
    expect(await matches.first().getAttribute('data-patient-id')).toBe('p-holder');
    expect(await matches.first().getAttribute('data-matched-by')).toBe('identifier');
    expect(await page.getByTestId('card-match-differences').count()).toBe(0);
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'card-identity-fr');

    // The best match has the focus: Enter opens the chart (an audited patients.openChart).
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'card-open-chart',
    );
    await page.keyboard.press('Enter');
    const chart = page.getByTestId('patient-chart');
    await poll(() => chart.getAttribute('data-patient-id')).toBe('p-holder');
    await poll(() => chart.getAttribute('data-state')).toBe('ready');
    await page.keyboard.press('Escape');
    await poll(() => screen(page).getAttribute('data-state')).toBe('done');
    // Escape again: ready for the next card.
    await page.keyboard.press('Escape');
    await poll(() => screen(page).getAttribute('data-state')).toBe('idle');

    // What the card held is not kept: after another section, F2 starts afresh.
    await scan(page, cnie.mrz);
    await poll(() => screen(page).getAttribute('data-state')).toBe('done');
    await page.keyboard.press('Alt+1');
    await poll(() => page.getByTestId('screen-patients').isVisible()).toBe(true);
    await page.keyboard.press('F2');
    await poll(() => screen(page).getAttribute('data-state')).toBe('idle');
    expect(await page.getByTestId('card-identity').count()).toBe(0);
  });

  it('in Arabic: the CAN typed, a wrong one refused, a card whose data fail verification and whom the record does not know', async () => {
    const station = await openWorkstation();
    const { page } = station;
    await page.getByTestId('language-switch').getByText('العربية').click();
    await poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    station.cardReader!.insert(card({ tamperedDataGroup: 'DG2' }));

    await page.getByTestId('topbar-read-card').click();
    await poll(() => page.getByTestId('card-reader-status').getAttribute('data-status')).toBe('card');
    const cnie = await station.cardReader!.document();
    expect((await search(page, cnie.person.nationalId)).hits).toEqual([]);
    await page.getByTestId('card-tab-can').click();
    const can = page.getByTestId('card-can-input');
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'card-can-input',
    );
    await can.fill('12345');
    await poll(() => page.getByTestId('card-can-problems').innerText()).toBe('رقم الولوج من 6 أرقام بالضبط.');
    expect(await page.getByTestId('card-read-button').isDisabled()).toBe(true);

    const wrong = cnie.can === '000000' ? '111111' : '000000';
    await can.fill(wrong);
    await poll(() => page.getByTestId('card-read-button').isEnabled()).toBe(true);
    await can.press('Enter');
    const alert = page.getByRole('alert');
    await poll(() => alert.getAttribute('data-error-code')).toBe('CARD_ACCESS_DENIED');

    await can.fill(cnie.can);
    await poll(() => page.getByTestId('card-access-status').innerText()).toBe('رقم الولوج صحيح.');
    await can.press('Enter');
    await poll(() => screen(page).getAttribute('data-state')).toBe('done');
    expect(await page.getByTestId('card-verification').getAttribute('data-status')).toBe('failed');
    expect(await page.getByTestId('card-verification-failed').innerText()).toContain('DG2');
    expect(await page.getByTestId('card-no-match').innerText()).toContain(
      'لا يوجد في الملف المحلي أي مريض بهذا المعرّف.',
    );
    expect(await page.getByTestId('card-national-id').innerText()).toContain(cnie.person.nationalId);
    expect(ARABIC_INDIC_DIGITS.test(await page.getByTestId('main').innerText())).toBe(false);
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'card-failed-no-match-ar');
  });

  it('checks a typed MRZ line by line, waits for the card after a scan, says when the card is absent or taken out, and identifies without the chip', async () => {
    const station = await openWorkstation();
    const { page } = station;
    await page.keyboard.press('F2');
    await poll(() => screen(page).isVisible()).toBe(true);
    // What is printed on the card: put in and taken out again.
    station.cardReader!.insert(card({ apduDelayMs: 60 }));
    const cnie = await station.cardReader!.document();
    station.cardReader!.remove();
    await poll(() => page.getByTestId('card-reader-status').getAttribute('data-status')).toBe('empty');
    const mrz = page.getByTestId('card-mrz-input');

    // Typed (not scanned): a wrong birth-date check digit is named with its line.
    const wrong = [...cnie.mrz];
    const digit = wrong[1]!.charAt(6);
    wrong[1] = `${wrong[1]!.slice(0, 6)}${(Number(digit) + 1) % 10}${wrong[1]!.slice(7)}`;
    await mrz.fill(wrong.join('\n'));
    const problems = page.getByTestId('card-mrz-problems');
    await poll(() => problems.innerText()).toContain(
      'Ligne 2 : le chiffre de contrôle de la date de naissance ne correspond pas.',
    );
    expect(await page.getByTestId('card-read-button').isDisabled()).toBe(true);

    // Corrected, and read with no card in the reader.
    await mrz.fill(cnie.mrz.join('\n').toLowerCase());
    await poll(() => page.getByTestId('card-access-status').innerText()).toBe('Bande MRZ valide (TD1).');
    await page.getByTestId('card-read-button').click();
    await poll(() => page.getByRole('alert').getAttribute('data-error-code')).toBe('CARD_ABSENT');

    // Scanned before the card is in: the read starts when the card comes.
    await mrz.fill('');
    await mrz.focus();
    await scan(page, cnie.mrz);
    await poll(() => page.getByTestId('card-waiting-insert').isVisible()).toBe(true);
    station.cardReader!.insert(card({ apduDelayMs: 60 }));
    await poll(() => screen(page).getAttribute('data-state')).toBe('reading');

    // Taken out while the chip's files are being read.
    await poll(() => page.getByTestId('card-progress').getAttribute('data-step')).toBe('reading');
    station.cardReader!.remove();
    await poll(() => page.getByRole('alert').getAttribute('data-error-code')).toBe('CARD_REMOVED');
    expect(await page.getByRole('alert').innerText()).toContain(
      'La carte a été retirée avant la fin de la lecture.',
    );
    await poll(() => page.getByTestId('card-reader-status').getAttribute('data-status')).toBe('empty');

    // The chip will not answer: identified from the MRZ alone, which nothing can verify.
    await register(station, [holder('p-holder', cnie)]);
    await mrz.focus();
    await scan(page, cnie.mrz);
    await page.getByTestId('card-without-chip').click();
    await poll(() => screen(page).getAttribute('data-state')).toBe('done');
    expect(await page.getByTestId('card-verification').getAttribute('data-status')).toBe('not-verifiable');
    expect(await page.getByTestId('card-access-protocol').innerText()).toBe(
      'Lu depuis la bande MRZ, sans la puce.',
    );
    expect(await page.getByTestId('card-no-photo').isVisible()).toBe(true);
    expect(await page.getByTestId('card-match').getAttribute('data-patient-id')).toBe('p-holder');
  });
});
