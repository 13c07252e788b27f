/**
 * Prescribing in the chart, by keyboard, on a demonstration workstation: the doctor opens the
 * chart of a seeded patient allergic to penicillins, finds amoxicillin in the Medications tab,
 * sees the allergy warning before signing, cannot sign until it is acknowledged, then signs
 * (Ctrl+Enter) and can print; then the lab results (flags, ranges, a trend, results entered from
 * paper) and the immunization schedule. Once in French, once in Arabic, with screenshots. What was
 * written is read back through the page's own `window.tabib`.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type {
  ImmunizationChartView,
  LabChartView,
  MedicationListView,
  PrescriptionCheck,
} from '../../main/contract/medication-types';
import type { PatientSearchResult } from '../../main/contract/types';
import { seriousViolations } from './accessibility';
import { harnessSuite } from './harness';
import { expectScreenshot } from './screenshots';
import { pageCall as call } from './page-call';
import { openDemonstration } from './demo-session';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/;

/** Amoxicillin as the editor sends it: the probe for the allergy, through the contract. */
const amoxicillin = {
  atc: 'J01CA04',
  form: 'gélule',
  strength: '500 mg',
  dose: 1,
  unit: 'capsule',
  frequency: 3,
  period: 1,
  periodUnit: 'd',
  durationDays: 7,
  asNeeded: false,
  instructions: null,
};

/**
 * A seeded adult whom amoxicillin would harm (the services say so: an allergy warning) and who
 * takes no penicillin now, found through the contract; their chart opened by typing their identifier.
 */
async function openAllergicChart(
  page: Page,
): Promise<{ patientId: string; birthDate: string; allergy: string; arabic: string | null }> {
  for (let year = 1945; year < 2005; year++) {
    const { hits } = await call<PatientSearchResult>(page, 'patients.search', {
      query: String(year),
      limit: 100,
    });
    for (const hit of hits) {
      if (!hit.identifier || !hit.latin || hit.birthDate?.length !== 10) continue;
      const { warnings } = await call<PrescriptionCheck>(page, 'prescriptions.check', {
        patientId: hit.id,
        items: [amoxicillin],
      });
      const allergy = warnings.find((warning) => warning.kind === 'allergy');
      if (!allergy || warnings.some((warning) => warning.kind !== 'allergy')) continue;
      const input = page.getByTestId('patient-search-input');
      await input.fill('');
      await page.keyboard.type(hit.identifier.value, { delay: 0 });
      await page.keyboard.press('Enter');
      const chart = page.getByTestId('patient-chart');
      await poll(() => chart.getAttribute('data-patient-id')).toBe(hit.id);
      await poll(() => chart.getAttribute('data-state')).toBe('ready');
      return {
        patientId: hit.id,
        birthDate: hit.birthDate!,
        allergy: allergy.allergy!.text,
        arabic: allergy.allergy!.labels?.ar ?? null,
      };
    }
  }
  throw new Error('No seeded adult allergic to penicillins; has the demonstration generator changed?');
}

/**
 * axe's serious and critical violations inside a tab of the chart (the frame and the chart around
 * it are their own tests'), but for the print button the tab hosts (the print feature's).
 */
async function tabViolations(page: Page, tab: 'medications' | 'labs' | 'immunizations') {
  const violations = await seriousViolations(page, `[data-testid="chart-panel-${tab}"]`);
  const mine = await page.evaluate(
    (targets) =>
      targets.map((selectors) =>
        selectors.filter((target) => !document.querySelector(target)?.closest('[data-testid^="print-"]')),
      ),
    violations.map((violation) => violation.targets),
  );
  return violations
    .map((violation, index) => ({ ...violation, targets: mine[index] ?? [] }))
    .filter((violation) => violation.targets.length > 0);
}

/** Alt+Shift+7, then Alt+N, then "amoxi" typed and taken with Enter: the warning appears before signing. */
async function prescribeAmoxicillin(page: Page): Promise<void> {
  await page.keyboard.press('Alt+Shift+Digit7');
  await poll(() => page.getByTestId('medications-tab').isVisible()).toBe(true);
  await page.keyboard.press('Alt+N');
  const editor = page.getByTestId('prescription-editor');
  await poll(() => editor.isVisible()).toBe(true);
  await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
    'drug-search',
  );
  await page.keyboard.type('amoxi');
  // The answer to the whole word, not to a part of it still drawn while "amoxi" is searched.
  await poll(() => page.getByTestId('drug-search').getAttribute('data-answered')).toBe('amoxi');
  await poll(() => page.getByTestId('drug-option').count()).toBeGreaterThan(0);
  await page.keyboard.press('Enter');
  await poll(() => editor.getByTestId('prescription-line').getAttribute('data-atc')).toBe('J01CA04');
  await poll(() => editor.getByTestId('prescription-warning').count()).toBeGreaterThan(0);
}

describe('prescribing with the allergy warning', () => {
  it('in French: the warning names the allergy, signing waits for it, Ctrl+Enter signs; labs and immunizations', async () => {
    const page = await openDemonstration(suite);
    const { patientId, birthDate, allergy } = await openAllergicChart(page);
    await prescribeAmoxicillin(page);

    const warning = page.getByTestId('prescription-warning').first();
    expect(await warning.getAttribute('data-warning-kind')).toBe('allergy');
    const text = await warning.innerText();
    expect(text).toContain(`Allergie documentée : ${allergy}`);
    expect(text).toContain('Amoxicilline');
    expect(await page.getByTestId('prescription-sign').isDisabled()).toBe(true);

    // Ctrl+Enter before acknowledging: refused on screen, nothing written.
    await page.getByTestId('drug-search').focus();
    await page.keyboard.press('Control+Enter');
    await poll(() => page.getByTestId('sign-blocked').isVisible()).toBe(true);
    const before = await call<MedicationListView>(page, 'medications.list', { patientId });
    expect(before.current.some((view) => view.atc === 'J01CA04')).toBe(false);
    await warning.scrollIntoViewIfNeeded();
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'medication-allergy-warning-fr');
    expect(await tabViolations(page, 'medications')).toEqual([]);

    await warning.getByTestId('warning-acknowledge').click();
    await poll(() => warning.getAttribute('data-acknowledged')).toBe('true');
    await page.getByTestId('drug-search').focus();
    await page.keyboard.press('Control+Enter');
    await poll(() => page.getByTestId('prescription-signed').isVisible()).toBe(true);
    const after = await call<MedicationListView>(page, 'medications.list', { patientId });
    const signed = after.current.find((view) => view.atc === 'J01CA04')!;
    expect(signed).toMatchObject({ status: 'active', requester: { display: 'Dr Salma Haddad' } });
    expect(signed.prescriptionId).toBeTruthy();
    expect(signed.acknowledgedWarnings.map((entry) => entry.code)).toEqual(['ALGY']);
    await poll(() => page.getByTestId('medications-current').locator('[data-atc="J01CA04"]').count()).toBe(1);
    expect(
      await page
        .getByTestId('prescriptions')
        .locator(`[data-prescription="${signed.prescriptionId}"]`)
        .count(),
    ).toBe(1);
    // Its print button, on the signed prescription.
    expect(
      await page
        .getByTestId('prescriptions')
        .locator(`[data-prescription="${signed.prescriptionId}"]`)
        .getByTestId('print-prescription')
        .count(),
    ).toBe(1);

    // Stopped with its reason (Enter confirms): it leaves the current treatment for the history.
    await page
      .getByTestId('medications-current')
      .locator('[data-atc="J01CA04"]')
      .getByTestId('medication-stop')
      .click();
    await page.getByTestId('stop-reason').fill('Éruption cutanée');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('medications-past').locator('[data-atc="J01CA04"]').count()).toBe(1);
    expect(await page.getByTestId('medications-past').locator('[data-atc="J01CA04"]').innerText()).toContain(
      'Arrêté : Éruption cutanée',
    );
    const stopped = await call<MedicationListView>(page, 'medications.list', { patientId });
    expect(stopped.past.find((view) => view.id === signed.id)).toMatchObject({
      status: 'stopped',
      stop: { reason: 'Éruption cutanée' },
    });

    // Labs: Alt+Shift+8; results from paper entered by keyboard, flagged against the range.
    await page.keyboard.press('Alt+Shift+Digit8');
    await poll(() => page.getByTestId('labs-tab').isVisible()).toBe(true);
    const entry = page.getByTestId('lab-entry');
    /** One paper report: its sampling date, then each test found by typing its name, and its value. */
    const enterReport = async (effective: string, results: [test: string, value: string][]) => {
      await page.keyboard.press('Alt+R');
      await poll(() => entry.isVisible()).toBe(true);
      await entry.getByTestId('lab-effective').fill(effective);
      for (const [index, [test, value]] of results.entries()) {
        if (index > 0) await entry.getByTestId('lab-add-row').click();
        await entry.getByTestId('lab-test').nth(index).click();
        await page.keyboard.type(test);
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await entry.getByTestId('lab-value').nth(index).fill(value);
      }
      return entry;
    };
    await enterReport('2026-05-12', [['HbA1c', '8,6']]);
    await page.keyboard.press('Control+Enter');
    await poll(() => page.getByTestId('lab-recorded').isVisible()).toBe(true);
    await enterReport('2026-11-20', [
      ['Kaliémie', '6,8'],
      ['HbA1c', '7,4'],
    ]);
    // The flag shows as the value is typed: 6,8 mmol/L is beyond the critical limit.
    await poll(() => entry.getByTestId('lab-flag').first().getAttribute('data-flag')).toBe('HH');
    await page.keyboard.press('Control+Enter');
    await poll(() => entry.isVisible()).toBe(false);
    const labs = await call<LabChartView>(page, 'chart.labs', { patientId });
    const potassium = labs.tests.find((test) => test.code === '2823-3')!;
    expect(potassium.results[0]).toMatchObject({ value: 6.8, flag: 'HH', critical: true });
    const hba1c = labs.tests.find((test) => test.code === '4548-4')!;
    // Both entered values in the trend, oldest first, among whatever the record held before.
    const points = hba1c.trend.map((point) => [point.at.slice(0, 10), point.value]);
    expect(points).toEqual(
      expect.arrayContaining([
        ['2026-05-12', 8.6],
        ['2026-11-20', 7.4],
      ]),
    );
    expect(points.map(([at]) => at)).toEqual(points.map(([at]) => at).sort());
    const row = page.getByTestId('labs-table').locator('[data-code="2823-3"]');
    await poll(() => row.getByTestId('lab-flag').getAttribute('data-flag')).toBe('HH');
    expect(await row.innerText()).toContain('3,5 – 5');
    // The trend of a test: its row chosen by keyboard.
    const hba1cRow = page.getByTestId('labs-table').locator('[data-code="4548-4"]');
    await hba1cRow.focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('lab-detail').getAttribute('data-code')).toBe('4548-4');
    await poll(() => page.getByTestId('lab-trend').isVisible()).toBe(true);
    await page.getByTestId('lab-trend').scrollIntoViewIfNeeded();
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'medication-labs-fr');
    expect(await tabViolations(page, 'labs')).toEqual([]);

    // Immunizations: Alt+Shift+9, the national schedule by age with each dose's status.
    await page.keyboard.press('Alt+Shift+Digit9');
    await poll(() => page.getByTestId('immunizations-tab').isVisible()).toBe(true);
    expect(await page.getByTestId('immunizations-tab').innerText()).toContain(
      'Programme National d’Immunisation',
    );
    expect(await page.getByTestId('dose-status').count()).toBeGreaterThan(10);
    // The birth BCG, copied from the vaccination booklet: Alt+V, the vaccine typed, Ctrl+Enter.
    await page.keyboard.press('Alt+V');
    const form = page.getByTestId('immunization-form');
    await poll(() => form.isVisible()).toBe(true);
    await form.getByTestId('immunization-vaccine').click();
    await page.keyboard.type('BCG');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await form.getByTestId('immunization-date').fill(birthDate);
    await form.getByText('Reportée du carnet de vaccination').click();
    await page.keyboard.press('Control+Enter');
    await poll(() => form.isVisible()).toBe(false);
    const bcg = page.locator('[data-testid="immunization-dose"][data-series="BCG"]');
    await poll(() => bcg.getByTestId('dose-status').getAttribute('data-status')).toBe('given');
    const schedule = await call<ImmunizationChartView>(page, 'chart.immunizations', { patientId });
    expect(schedule.schedule.find((dose) => dose.series === 'BCG')?.given?.date).toBe(birthDate);
    // At the top of the page: where the closed form left the scroll varies from run to run.
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'medication-immunizations-fr');
    expect(await tabViolations(page, 'immunizations')).toEqual([]);
  }, 240_000);

  it('in Arabic: the same warning, mirrored, with Latin digits', async () => {
    const page = await openDemonstration(suite);
    await page.getByTestId('language-switch').getByText('العربية').click();
    await poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    const { patientId, allergy, arabic } = await openAllergicChart(page);
    await prescribeAmoxicillin(page);

    const warning = page.getByTestId('prescription-warning').first();
    const text = await warning.innerText();
    // The allergy named in Arabic where Tabib knows its code (the penicillins' class).
    expect(text).toContain(`حساسية موثقة: ${arabic ?? allergy}`);
    expect(text).toContain('Amoxicilline');
    expect(await page.getByTestId('prescription-sign').isDisabled()).toBe(true);
    expect(ARABIC_INDIC_DIGITS.test(await page.getByTestId('main').innerText())).toBe(false);
    await warning.scrollIntoViewIfNeeded();
    await page.mouse.move(1, 799);
    await expectScreenshot(page, 'medication-allergy-warning-ar');

    await warning.getByTestId('warning-acknowledge').click();
    await page.getByTestId('prescription-sign').click();
    await poll(() => page.getByTestId('prescription-signed').isVisible()).toBe(true);
    const list = await call<MedicationListView>(page, 'medications.list', { patientId });
    expect(list.current.some((view) => view.atc === 'J01CA04' && view.status === 'active')).toBe(true);
    expect(await tabViolations(page, 'medications')).toEqual([]);
  }, 240_000);
});
