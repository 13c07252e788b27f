/**
 * A patient this workstation does not hold, fetched from the national record on demand (issue 4,
 * item 5): a national ID typed in the search finds nobody here → the offer to search the national
 * record → its progress → the chart; in Arabic, a patient the national record does not know → the
 * localised error and what to do; a demonstration offers nothing. The national service is the
 * harness's simulation (test/sync/harness-sync.ts), answering over HTTP the services' real FHIR
 * client and patient-fetch.ts.
 */
import type { AllergyIntolerance, Condition, Encounter, Observation, Patient } from '@medplum/fhirtypes';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { HarnessSyncControl } from '../sync/harness-sync-control';
import { harnessSuite } from './harness';
import { enrolledConfig } from './enrolled-config';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });

const enrolled = enrolledConfig;

const patient: Patient = {
  resourceType: 'Patient',
  id: 'p-alaoui-nr',
  meta: { versionId: '3', lastUpdated: '2026-10-04T10:12:00.000Z' },
  name: [
    { use: 'official', given: ['Khadija'], family: 'Alaoui' },
    {
      use: 'official',
      given: ['خديجة'],
      family: 'العلوي',
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/language', valueCode: 'ar' }],
    },
  ],
  identifier: [{ system: 'urn:tabib:ma:cin', value: 'BK482913' }],
  birthDate: '1972-09-18',
  gender: 'female',
};

const subject = { reference: 'Patient/p-alaoui-nr' };
const meta = { versionId: '1', lastUpdated: '2026-10-04T10:12:00.000Z' };
const encounter: Encounter = {
  resourceType: 'Encounter',
  id: 'e-alaoui-nr-1',
  meta,
  status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  subject,
  period: { start: '2026-10-04T09:30:00.000Z', end: '2026-10-04T10:00:00.000Z' },
};
const condition: Condition = {
  resourceType: 'Condition',
  id: 'c-alaoui-nr-1',
  meta,
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
  },
  code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code: 'E11' }], text: 'Diabète de type 2' },
  subject,
};
const allergy: AllergyIntolerance = {
  resourceType: 'AllergyIntolerance',
  id: 'a-alaoui-nr-1',
  meta,
  clinicalStatus: {
    coding: [{ system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' }],
  },
  code: { text: 'Pénicilline' },
  patient: subject,
};
const observation: Observation = {
  resourceType: 'Observation',
  id: 'o-alaoui-nr-1',
  meta,
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }], text: 'Fréquence cardiaque' },
  subject,
  encounter: { reference: 'Encounter/e-alaoui-nr-1' },
  effectiveDateTime: '2026-10-04T09:40:00.000Z',
  valueQuantity: { value: 78, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
};

/** The national record of this test: one patient, five resources, two a page. */
const national = (extra: Partial<HarnessSyncControl> = {}): HarnessSyncControl => ({
  service: 'ok',
  national: [{ patient, record: [encounter, condition, allergy, observation] }],
  pageSize: 2,
  ...extra,
});

async function searchFor(page: Page, query: string): Promise<void> {
  const input = page.getByTestId('patient-search-input');
  await poll(() => input.isVisible()).toBe(true);
  await input.fill(query);
  await poll(() => page.getByTestId('screen-patients').getAttribute('data-answered-query')).toBe(query);
  await poll(() => page.getByTestId('patient-no-result').isVisible()).toBe(true);
}

describe('fetching a patient from the national record', () => {
  it('in French: an unknown national ID → the offer → progress → the chart', async () => {
    const station = await suite.open({ userConfig: enrolled('fr'), nationalService: true, signIn: 'doctor' });
    station.nationalService!(national({ holdFetch: true }));
    await station.open();
    const { page } = station;

    // Typed as it is spoken: lower case, with a space.
    await searchFor(page, 'bk 482913');
    const offer = page.getByTestId('national-fetch');
    await poll(() => offer.isVisible()).toBe(true);
    expect(await offer.getAttribute('data-identifier')).toBe('BK482913');
    const start = page.getByTestId('national-fetch-start');
    expect(await start.innerText()).toContain('Chercher dans le dossier national');
    expect(await start.getAttribute('aria-keyshortcuts')).toBe('Control+Enter');
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'national-fetch-offer-fr');

    // From the search field, where the focus stays: Ctrl+Enter.
    await page.getByTestId('patient-search-input').press('Control+Enter');
    const progress = page.getByTestId('national-fetch-progress');
    await poll(() => progress.getAttribute('data-done')).toBe('2');
    expect(await progress.innerText()).toContain('Éléments reçus du dossier national : 2 sur 5');
    await expectScreenshot(page, 'national-fetch-progress-fr');

    // The national service sends the rest: the chart opens, with what was fetched.
    station.nationalService!(national());
    const chart = page.getByTestId('patient-chart');
    await poll(() => chart.getAttribute('data-state')).toBe('ready');
    expect(await chart.getAttribute('data-patient-id')).toBe('p-alaoui-nr');
    expect(await page.getByTestId('chart-names').innerText()).toContain('ALAOUI Khadija');
    expect(await page.getByTestId('chart-allergies').innerText()).toContain('Pénicilline');
    await expectScreenshot(page, 'national-fetch-chart-fr');

    // Back to the search: the patient is in the local record now.
    await page.getByTestId('chart-back').click();
    await poll(() => page.getByTestId('patient-result-count').innerText()).toBe('1 patient');
    expect(await offer.count()).toBe(0);
  });

  it('in Arabic: a patient the national record does not know → the localised error and what to do', async () => {
    const station = await suite.open({ userConfig: enrolled('ar'), nationalService: true, signIn: 'doctor' });
    station.nationalService!(national());
    await station.open();
    const { page } = station;
    await searchFor(page, 'ZZ999999');
    const start = page.getByTestId('national-fetch-start');
    await poll(() => start.isVisible()).toBe(true);
    expect(await start.innerText()).toContain('البحث في الملف الوطني');
    await start.click();
    const error = page.getByTestId('national-fetch-error');
    await poll(() => error.getAttribute('data-error-code')).toBe('SYNC_PATIENT_NOT_FOUND');
    expect(await error.innerText()).toContain('لا يعرف الملف الوطني أي مريض بهذا المعرّف');
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'national-fetch-not-found-ar');

    // The network gone: the error says to check it, and the fetch can be tried again.
    station.nationalService!(national({ service: 'unreachable' }));
    await page.getByTestId('patient-search-input').fill('BK482913');
    await poll(() => page.getByTestId('national-fetch').getAttribute('data-identifier')).toBe('BK482913');
    await start.click();
    await poll(() => error.getAttribute('data-error-code')).toBe('SYNC_UNREACHABLE');
    expect(await error.innerText()).toContain('تحقّق من اتصال هذا الجهاز بالشبكة');
    station.nationalService!(national());
    await error.getByRole('button').click();
    await poll(() => page.getByTestId('patient-chart').getAttribute('data-state')).toBe('ready');
  });

  it('a demonstration offers nothing: it is not connected to a national record', async () => {
    const station = await suite.open({
      userConfig: {
        mode: 'demo',
        language: 'fr',
        country: 'MA',
        facility: { id: 'demo', name: 'Démonstration' },
        allowWeakKeychain: true,
      },
      signIn: 'doctor',
    });
    await station.open();
    await searchFor(station.page, 'BK482913');
    expect(await station.page.getByTestId('national-fetch').count()).toBe(0);
  });
});
