/**
 * A doctor's visit in the chart, by keyboard, on a demonstration workstation: open a patient's
 * chart, start a visit, write the note, code a diagnosis by ICD-10 search, take the vital signs
 * (an implausible value caught as typed, the BMI computed), save with Ctrl+S, finish; then the
 * same in Arabic (right to left, numbers and units left to right). What was written is read back
 * through the page's own `window.tabib`, never from the screen alone.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ChartSummary, VisitView } from '../../main/contract/chart-types';
import type { PatientSearchResult } from '../../main/contract/types';
import { seriousViolations } from './accessibility';
import { harnessSuite } from './harness';
import { expectScreenshot } from './screenshots';
import { pageCall as call } from './page-call';
import { openDemonstration } from './demo-session';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/;

/** An adult of the seeded record with an allergy, found through the contract; opened by typing their identifier. */
async function openAdultChart(page: Page, skip: Set<string> = new Set()): Promise<string> {
  for (let year = 1950; year < 1995; year++) {
    const { hits } = await call<PatientSearchResult>(page, 'patients.search', {
      query: String(year),
      limit: 50,
    });
    for (const hit of hits) {
      if (skip.has(hit.id) || !hit.identifier || !hit.latin) continue;
      const summary = await call<ChartSummary>(page, 'chart.summary', { patientId: hit.id });
      if (summary.allergies.length === 0 || summary.openVisit) continue;
      const input = page.getByTestId('patient-search-input');
      await input.fill('');
      await page.keyboard.type(hit.identifier.value, { delay: 0 });
      await page.keyboard.press('Enter');
      const chart = page.getByTestId('patient-chart');
      await poll(() => chart.getAttribute('data-patient-id')).toBe(hit.id);
      await poll(() => chart.getAttribute('data-state')).toBe('ready');
      await poll(() => page.getByTestId('chart-summary').isVisible()).toBe(true);
      return hit.id;
    }
  }
  throw new Error('No seeded adult with an allergy; has the demonstration generator changed?');
}

/**
 * Serious accessibility violations in the chart's workspace (tabs and panels), colour contrast
 * aside here (test/e2e/workspace.e2e.test.ts checks the chart with it).
 */
async function chartViolations(page: Page) {
  return (await seriousViolations(page, '[data-testid="chart-tabs"]')).filter(
    (violation) => violation.id !== 'color-contrast',
  );
}

/** Types into a note section (the textarea keeps the focus: the editor never re-renders the chart). */
async function typeSection(page: Page, section: string, text: string): Promise<void> {
  await page.getByTestId(`note-${section}`).click();
  await page.keyboard.type(text);
}

async function pickDiagnosis(page: Page, query: string, code: string): Promise<void> {
  const search = page.getByTestId('diagnosis-search');
  await search.click();
  await page.keyboard.type(query);
  await poll(() => search.getAttribute('data-answered')).toBe(query);
  await page.getByTestId('diagnosis-search-results').locator(`[data-value="${code}"]`).click();
  await poll(() => page.getByTestId('diagnosis-list').locator(`[data-code="${code}"]`).count()).toBe(1);
}

describe('documenting a visit in the chart', () => {
  it('in French: note, ICD-10 diagnosis, vital signs with the BMI, Ctrl+S, finish', async () => {
    const page = await openDemonstration(suite);
    const patientId = await openAdultChart(page);

    // The workspace: the allergies on top in red, the tabs with their keys, the summary first.
    const allergies = page.getByTestId('chart-allergies');
    const [red, green, blue] = (
      await allergies.evaluate((element) => getComputedStyle(element).backgroundColor)
    )
      .match(/\d+/g)!
      .map(Number) as [number, number, number];
    expect(red > 200 && green < 120 && blue < 120, 'allergies stand out in red').toBe(true);
    expect(await page.getByTestId('chart-tab-visit').innerText()).toMatch(/Consultation\s*3/);
    await expectScreenshot(page, 'chart-summary-fr');
    expect(await chartViolations(page)).toEqual([]);

    // Alt+Shift+3: the Visit tab; Ctrl+Enter starts the visit.
    await page.keyboard.press('Alt+Shift+Digit3');
    await poll(() => page.getByTestId('visit-start').isVisible()).toBe(true);
    await page.keyboard.press('Control+Enter');
    const editor = page.getByTestId('visit-editor');
    await poll(() => editor.getAttribute('data-status')).toBe('in-progress');
    const encounterId = (await editor.getAttribute('data-encounter-id'))!;

    const note = {
      reason: 'Toux fébrile depuis 3 jours',
      history: 'Pas d’antécédent respiratoire.',
      examination: 'T° 38,6 °C, crépitants à droite.',
      assessment: 'Pneumopathie communautaire probable.',
      plan: 'Amoxicilline 1 g × 3/j pendant 7 jours ; contrôle à 48 h.',
    };
    for (const [section, text] of Object.entries(note)) await typeSection(page, section, text);
    await poll(() => page.getByTestId('visit-unsaved').isVisible()).toBe(true);
    await pickDiagnosis(page, 'pneumopathie', 'J18.9');

    // An implausible systolic is flagged as typed, and nothing is sent.
    const form = page.getByTestId('visit-vitals-form');
    await form.getByTestId('vital-systolic').fill('400');
    await form.getByTestId('vital-diastolic').fill('85');
    await form.getByTestId('vital-diastolic').blur();
    await poll(() => form.innerText()).toContain('Valeur attendue entre 50 et 300 mmHg');
    await form.getByTestId('vital-systolic').fill('135');
    await form.getByTestId('vital-temperature').fill('38,6');
    await form.getByTestId('vital-weight').fill('80');
    await form.getByTestId('vital-height').fill('175');
    await page.keyboard.press('Enter');
    const vitals = page.getByTestId('visit-vitals');
    await poll(() => vitals.locator('[data-kind="bmi"]').innerText()).toContain('26,1 kg/m²');
    expect(await vitals.locator('[data-kind="bloodPressure"]').innerText()).toContain('135/85 mmHg');

    await page.keyboard.press('Control+s');
    await poll(() => page.getByTestId('visit-saved').isVisible()).toBe(true);
    const saved = await call<VisitView>(page, 'chart.visit', { encounterId });
    expect(saved.note).toEqual(note);
    expect(saved.diagnoses.map((diagnosis) => diagnosis.concept.code)).toEqual(['J18.9']);
    expect(saved.vitals.map((reading) => reading.kind).sort()).toEqual(
      ['bloodPressure', 'bmi', 'height', 'temperature', 'weight'].sort(),
    );

    await page.keyboard.press('Control+Shift+S');
    await poll(() => editor.getAttribute('data-status')).toBe('finished');
    await page.mouse.move(1, 799);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectScreenshot(page, 'chart-visit-fr');
    expect(await chartViolations(page)).toEqual([]);

    // The timeline opens on the visit just written.
    await page.keyboard.press('Alt+Shift+Digit2');
    const first = page.getByTestId('timeline').getByTestId('timeline-entry').first();
    await poll(() => first.getAttribute('data-id')).toBe(encounterId);
    expect(await first.innerText()).toContain('Pneumopathie, sans précision');
    const summary = await call<ChartSummary>(page, 'chart.summary', { patientId });
    expect(summary.lastVisit?.encounterId).toBe(encounterId);

    // Problems (Alt+Shift+5): N, an ICD-10 code searched without accents, Ctrl+S.
    await page.keyboard.press('Alt+Shift+Digit5');
    await poll(() => page.getByTestId('problem-new').isVisible()).toBe(true);
    await page.keyboard.press('n');
    const problemSearch = page.getByTestId('problem-search');
    await problemSearch.click();
    await page.keyboard.type('hypertension essentielle');
    await poll(() => problemSearch.getAttribute('data-answered')).toBe('hypertension essentielle');
    await page.keyboard.press('Enter');
    await page.getByTestId('problem-onset').fill('2020-05-04');
    await page.keyboard.press('Control+s');
    const problem = page.getByTestId('problem-list').locator('tr[data-status="active"]', { hasText: 'I10' });
    await poll(() => problem.count()).toBe(1);
    expect(await problem.innerText()).toContain('Hypertension essentielle (primitive)');

    // Allergies (Alt+Shift+6): a listed food, high criticality, a coded reaction; then in the red strip.
    await page.keyboard.press('Alt+Shift+Digit6');
    await poll(() => page.getByTestId('allergy-new').isVisible()).toBe(true);
    await page.keyboard.press('n');
    const allergen = page.getByTestId('allergy-search');
    await allergen.click();
    await page.keyboard.type('arachide');
    await poll(() => allergen.getAttribute('data-answered')).toBe('arachide');
    await page
      .getByTestId('allergy-search-results')
      .locator('[data-value="urn:tabib:allergen|peanut"]')
      .click();
    await page.getByTestId('allergy-criticality').getByText('Élevée').click();
    const reaction = page.getByTestId('reaction-search');
    await reaction.click();
    await page.keyboard.type('urticaire');
    await poll(() => reaction.getAttribute('data-answered')).toBe('urticaire');
    await page.getByTestId('reaction-search-results').locator('[data-value="L50.9"]').click();
    await page.getByTestId('allergy-save').click();
    await poll(() => page.getByTestId('allergy-list').innerText()).toContain('Arachide');
    await poll(() => page.getByTestId('chart-allergies').innerText()).toContain('Arachide · Élevée');

    // Vital signs (Alt+Shift+4): the trend of today's and earlier weights, and the table.
    await page.keyboard.press('Alt+Shift+Digit4');
    const trends = page.getByTestId('vitals-trends');
    await poll(() => trends.isVisible()).toBe(true);
    await page.getByTestId('vitals-kind').getByText('Poids').click();
    await poll(() => trends.getAttribute('data-kind')).toBe('weight');
    expect(await page.getByTestId('vitals-table').locator('tbody tr').first().innerText()).toContain('80 kg');
  }, 180_000);

  it('in Arabic: the chart mirrored, Arabic typed and searched, numbers and units left to right', async () => {
    const page = await openDemonstration(suite);
    await page.getByTestId('language-switch').getByText('العربية').click();
    await poll(() => page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await openAdultChart(page);
    expect(await page.getByTestId('chart-tab-summary').innerText()).toContain('الملخص');
    // The tab list stands on the right in the Arabic screen.
    const list = await page.getByTestId('chart-tab-summary').boundingBox();
    const main = await page.getByTestId('main').boundingBox();
    expect(list!.x).toBeGreaterThan(main!.x + main!.width / 2);

    await page.keyboard.press('Alt+Shift+Digit3');
    await poll(() => page.getByTestId('visit-start').isVisible()).toBe(true);
    await page.getByTestId('visit-start').click();
    const editor = page.getByTestId('visit-editor');
    await poll(() => editor.getAttribute('data-status')).toBe('in-progress');
    const encounterId = (await editor.getAttribute('data-encounter-id'))!;
    await typeSection(page, 'reason', 'ضيق في التنفس منذ يومين');
    await typeSection(page, 'assessment', 'نوبة ربو');
    await pickDiagnosis(page, 'الربو', 'J45.9');
    expect(await page.getByTestId('diagnosis-list').innerText()).toContain('الربو، غير محدد');

    const form = page.getByTestId('visit-vitals-form');
    await form.getByTestId('vital-spo2').fill('93');
    await form.getByTestId('vital-heartRate').fill('104');
    await page.keyboard.press('Enter');
    const spo2 = page.getByTestId('visit-vitals').locator('[data-kind="spo2"]');
    await poll(() => spo2.innerText()).toContain('93 %');
    expect(await spo2.locator('[dir="ltr"]').count()).toBe(1);

    await page.keyboard.press('Control+s');
    await poll(() => page.getByTestId('visit-saved').isVisible()).toBe(true);
    const saved = await call<VisitView>(page, 'chart.visit', { encounterId });
    expect(saved.note.reason).toBe('ضيق في التنفس منذ يومين');
    expect(saved.diagnoses.map((diagnosis) => diagnosis.concept.code)).toEqual(['J45.9']);
    expect(ARABIC_INDIC_DIGITS.test(await page.getByTestId('main').innerText())).toBe(false);
    await page.mouse.move(1, 799);
    await page.evaluate(() => window.scrollTo(0, 0));
    await expectScreenshot(page, 'chart-visit-ar');
    expect(await chartViolations(page)).toEqual([]);
  }, 180_000);
});
