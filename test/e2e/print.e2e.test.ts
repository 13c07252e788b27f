/**
 * Printing from the chart, by keyboard, on a demonstration workstation: the doctor opens a seeded
 * patient's Medications tab, presses Ctrl+P on a signed prescription, and the preview shows the
 * PDF the services made (Chromium's page.pdf, the harness's port) from a blob: URL the renderer's
 * CSP admits; "Save as PDF" saves it under its name, and the saved file is read back with pdf.js:
 * the patient in both scripts, the drugs, the letterhead. Escape closes the preview, not the chart.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { MedicationListView } from '../../main/contract/medication-types';
import type { PatientSearchResult, PatientSummary } from '../../main/contract/types';
import { readPdf } from '../print/pdf-text';
import { harnessSuite } from './harness';
import { pageCall as call } from './page-call';
import { openDemonstration } from './demo-session';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });

/** A seeded patient with names in both scripts and a signed prescription, their chart opened by identifier. */
async function openPatientWithPrescription(
  page: Page,
): Promise<{ patient: PatientSummary; medications: MedicationListView }> {
  for (let year = 1950; year < 2005; year++) {
    const { hits } = await call<PatientSearchResult>(page, 'patients.search', {
      query: String(year),
      limit: 50,
    });
    for (const hit of hits) {
      if (!hit.identifier || !hit.latin || !hit.arabic) continue;
      const medications = await call<MedicationListView>(page, 'medications.list', { patientId: hit.id });
      if (medications.prescriptions.length === 0) continue;
      const input = page.getByTestId('patient-search-input');
      await input.fill('');
      await page.keyboard.type(hit.identifier.value, { delay: 0 });
      await page.keyboard.press('Enter');
      const chart = page.getByTestId('patient-chart');
      await poll(() => chart.getAttribute('data-patient-id')).toBe(hit.id);
      await poll(() => chart.getAttribute('data-state')).toBe('ready');
      return { patient: hit, medications };
    }
  }
  throw new Error('No seeded patient with a signed prescription; has the demonstration generator changed?');
}

describe('printing a prescription from the chart', () => {
  it('Ctrl+P previews the PDF the services made, which names the patient in both scripts and the drugs', async () => {
    const page = await openDemonstration(suite);
    const { patient, medications } = await openPatientWithPrescription(page);
    await page.keyboard.press('Alt+Shift+Digit7');
    const button = page.getByTestId('print-prescription').first();
    await poll(() => button.isVisible()).toBe(true);
    expect(await button.getAttribute('aria-keyshortcuts')).toBe('Control+P');
    expect(await button.innerText()).toContain('Ctrl+P');

    await button.focus();
    await page.keyboard.press('Control+P');
    const preview = page.getByTestId('print-preview');
    const frame = page.getByTestId('print-frame');
    await poll(() => frame.isVisible()).toBe(true);
    const url = (await frame.getAttribute('src')) ?? '';
    expect(url.startsWith('blob:')).toBe(true);

    const save = page.getByTestId('print-save');
    const fileName = (await save.getAttribute('download')) ?? '';
    expect(fileName).toMatch(/^ordonnance-.+-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(await save.getAttribute('href')).toBe(url);
    expect(await page.getByTestId('print-pages').innerText()).toMatch(/^Pages : \d+$/);

    // "Save as PDF": the file the preview shows, under its name.
    const [download] = await Promise.all([page.waitForEvent('download'), save.click()]);
    expect(download.suggestedFilename()).toBe(fileName);
    const saved = readFileSync(await download.path());
    const reading = await readPdf(new Uint8Array(saved));
    const latin = `${patient.latin?.given} ${patient.latin?.family}`;
    expect(reading.text).toContain(latin);
    expect(reading.text).toContain('Royaume du Maroc');
    const printed = medications.prescriptions[0]!;
    for (const medication of printed.medications) expect(reading.text).toContain(medication.text);
    const runs = reading.rightToLeftRuns.map((run) => run.trim());
    for (const word of `${patient.arabic?.given} ${patient.arabic?.family}`.split(' '))
      expect(runs, word).toContain(word);
    expect(runs).toContain('المغربية');

    // Escape closes the preview; the chart stays, and focus returns to the button.
    await page.keyboard.press('Escape');
    await poll(() => preview.isVisible()).toBe(false);
    expect(await page.getByTestId('patient-chart').isVisible()).toBe(true);
    await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
      'print-prescription',
    );
  });
});
