/**
 * Issue 5's acceptance, end to end through the real services and the built renderer, once in
 * French and once in Arabic: a nurse signs in, registers a patient, records the vital signs and
 * an allergy; she signs out; a doctor signs in, opens the chart, records a visit with an ICD-10
 * diagnosis, prescribes the drug the patient is allergic to (the warning appears and must be
 * acknowledged), refers to cardiology, books a follow-up and prints the prescription, whose PDF
 * text is read back. axe checks the main screens on the way; the audit trail names each of them.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AuditTrailEntry } from '../../main/contract/types';
import { DEMO_FACILITY } from '../../main/setup/workstation-setup';
import { readPdf } from '../print/pdf-text';
import { seriousViolations } from './accessibility';
import { harnessSuite, type Workstation } from './harness';
import { expectScreenshot } from './screenshots';
import { pageCall as call } from './page-call';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 20_000 });

type Language = 'fr' | 'ar';

const words = {
  fr: {
    cardiology: ['cardio', 'Cardiologie'],
    facility: ['ibn sina', /CHU Ibn Sina — Rabat/],
    referral: 'Dyspnée d’effort, souffle systolique : échocardiographie ?',
    priority: 'Urgente',
    visitReason: 'Toux fébrile depuis 3 jours',
    followUp: 'Contrôle après l’avis du cardiologue',
    kingdom: 'Royaume du Maroc',
  },
  ar: {
    cardiology: ['القلب', 'أمراض القلب والشرايين'],
    facility: ['ابن سينا', /المركز الاستشفائي الجامعي ابن سينا — الرباط/],
    referral: 'ضيق التنفس عند الجهد ونفخة انقباضية: تخطيط صدى القلب؟',
    priority: 'مستعجلة',
    visitReason: 'سعال مع حمى منذ 3 أيام',
    followUp: 'مراقبة بعد رأي طبيب القلب',
    kingdom: 'المغربية',
  },
} as const;

/** Each language its own patient, so the runs never meet. */
const patients = {
  fr: {
    family: 'Zerouali',
    given: 'Yasmine',
    arabicFamily: 'الزروالي',
    arabicGiven: 'ياسمين',
    id: 'ZT482913',
  },
  ar: { family: 'Oudghiri', given: 'Nadia', arabicFamily: 'الودغيري', arabicGiven: 'نادية', id: 'ZK730154' },
} as const;

/** axe's serious and critical violations: none is allowed on the workspace's main screens. */
async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${screen}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

async function choose(page: Page, testId: string, typed: string, option: string | RegExp): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}

async function signIn(page: Page, username: string): Promise<void> {
  await poll(() => page.getByTestId('sign-in-form').isVisible()).toBe(true);
  const password = (await page.getByTestId('demo-password').innerText()).trim();
  await page.getByTestId('sign-in-username').fill(username);
  await page.getByTestId('sign-in-password').fill(password);
  await page.getByTestId('sign-in-submit').click();
  await poll(() => page.getByTestId('patient-search-input').isVisible()).toBe(true);
}

async function nurseRegistersAndMeasures(station: Workstation, language: Language): Promise<string> {
  const { page } = station;
  const patient = patients[language];
  await expectAccessible(page, 'patients');

  // Registration, by keyboard (Alt+N).
  await page.keyboard.press('Alt+N');
  await poll(() => page.getByTestId('registration-form').isVisible()).toBe(true);
  await page.getByTestId('latin-family').fill(patient.family);
  await page.getByTestId('latin-given').fill(patient.given);
  await page.getByTestId('arabic-family').fill(patient.arabicFamily);
  await page.getByTestId('arabic-given').fill(patient.arabicGiven);
  await page.getByTestId('sex-female').check();
  await page.getByTestId('birth-date').fill('14/03/1985');
  await page.getByTestId('national-id').fill(patient.id);
  await page.getByTestId('phone').fill('06 61 23 45 67');
  await expectAccessible(page, 'registration');
  await page.keyboard.press('Control+Enter');
  const confirm = page.getByTestId('duplicate-create-anyway');
  const chart = page.getByTestId('patient-chart');
  await poll(
    async () => (await chart.getAttribute('data-state')) ?? ((await confirm.isVisible()) && 'confirm'),
  ).toMatch(/ready|confirm/);
  if (await confirm.isVisible()) await confirm.click();
  await poll(() => chart.getAttribute('data-state')).toBe('ready');
  const patientId = (await chart.getAttribute('data-patient-id')) as string;

  // Vital signs (Alt+Shift+4): Enter in a field records them; the BMI is computed.
  await page.keyboard.press('Alt+Shift+Digit4');
  const form = page.getByTestId('vitals-form');
  await poll(() => form.isVisible()).toBe(true);
  await form.getByTestId('vital-systolic').fill('128');
  await form.getByTestId('vital-diastolic').fill('82');
  await form.getByTestId('vital-heartRate').fill('76');
  await form.getByTestId('vital-weight').fill('68');
  await form.getByTestId('vital-height').fill('162');
  await form.getByTestId('vital-height').press('Enter');
  await poll(() => page.getByTestId('vitals-table').locator('tbody tr').count()).toBeGreaterThan(0);
  await poll(() => page.getByTestId('vitals-table').innerText()).toContain('128/82');

  // The allergy she reports: amoxicillin (Alt+Shift+6, N).
  await page.keyboard.press('Alt+Shift+Digit6');
  await poll(() => page.getByTestId('allergy-new').isVisible()).toBe(true);
  await page.keyboard.press('n');
  const allergen = page.getByTestId('allergy-search');
  await allergen.click();
  await page.keyboard.type('amoxicilline');
  await poll(() => allergen.getAttribute('data-answered')).toBe('amoxicilline');
  await page.getByTestId('allergy-search-results').locator('[data-value$="|J01CA04"]').first().click();
  await page.getByTestId('allergy-save').click();
  await poll(() => page.getByTestId('chart-allergies').innerText()).toMatch(/moxicilline|أموكسيسيلين/i);

  await page.getByTestId('session-sign-out').click();
  return patientId;
}

async function doctorDocumentsTheVisit(station: Workstation, language: Language, patientId: string) {
  const { page } = station;
  const patient = patients[language];
  const text = words[language];
  await signIn(page, 'medecin');

  await page.getByTestId('patient-search-input').fill(patient.id);
  await page.keyboard.press('Enter');
  const chart = page.getByTestId('patient-chart');
  await poll(() => chart.getAttribute('data-patient-id')).toBe(patientId);
  await poll(() => chart.getAttribute('data-state')).toBe('ready');
  await poll(() => page.getByTestId('chart-summary').isVisible()).toBe(true);
  await expectAccessible(page, 'chart summary');

  // The visit (Alt+Shift+3, Ctrl+Enter), its note, an ICD-10 diagnosis, Ctrl+S.
  await page.keyboard.press('Alt+Shift+Digit3');
  await poll(() => page.getByTestId('visit-start').isVisible()).toBe(true);
  await page.keyboard.press('Control+Enter');
  const editor = page.getByTestId('visit-editor');
  await poll(() => editor.getAttribute('data-status')).toBe('in-progress');
  const encounterId = (await editor.getAttribute('data-encounter-id')) as string;
  await page.getByTestId('note-reason').click();
  await page.keyboard.type(text.visitReason);
  const search = page.getByTestId('diagnosis-search');
  await search.click();
  await page.keyboard.type('J18.9');
  await poll(() => search.getAttribute('data-answered')).toBe('J18.9');
  await page.getByTestId('diagnosis-search-results').locator('[data-value="J18.9"]').click();
  await poll(() => page.getByTestId('diagnosis-list').locator('[data-code="J18.9"]').count()).toBe(1);
  await page.keyboard.press('Control+s');
  await poll(() => page.getByTestId('visit-saved').isVisible()).toBe(true);
  await expectAccessible(page, 'visit');

  // The prescription: amoxicillin, which she is allergic to.
  await page.keyboard.press('Alt+Shift+Digit7');
  await poll(() => page.getByTestId('medications-tab').isVisible()).toBe(true);
  await page.keyboard.press('Alt+N');
  const prescription = page.getByTestId('prescription-editor');
  await poll(() => prescription.isVisible()).toBe(true);
  await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
    'drug-search',
  );
  await page.keyboard.type('amoxi');
  // The answer to the whole word, not to a part of it still drawn while "amoxi" is searched.
  await poll(() => page.getByTestId('drug-search').getAttribute('data-answered')).toBe('amoxi');
  await poll(() => page.getByTestId('drug-option').count()).toBeGreaterThan(0);
  await page.keyboard.press('Enter');
  await poll(() => prescription.getByTestId('prescription-line').getAttribute('data-atc')).toBe('J01CA04');
  const warning = page.getByTestId('prescription-warning').first();
  await poll(() => warning.getAttribute('data-warning-kind')).toBe('allergy');
  expect(await page.getByTestId('prescription-sign').isDisabled()).toBe(true);
  await warning.scrollIntoViewIfNeeded();
  await page.mouse.move(1, 799);
  await expectScreenshot(page, `workspace-allergy-warning-${language}`);
  await expectAccessible(page, 'prescription');
  await warning.getByTestId('warning-acknowledge').click();
  await page.getByTestId('drug-search').focus();
  await page.keyboard.press('Control+Enter');
  await poll(() => page.getByTestId('prescription-signed').isVisible()).toBe(true);

  // The referral to cardiology.
  await page.getByTestId('chart-tab-referrals').click();
  await poll(() => page.getByTestId('referrals-tab').isVisible()).toBe(true);
  await page.getByTestId('referral-new').focus();
  await page.keyboard.press('KeyN');
  await poll(() => page.getByTestId('referral-form').isVisible()).toBe(true);
  await choose(page, 'referral-specialty', text.cardiology[0], text.cardiology[1]);
  await choose(page, 'referral-facility', text.facility[0], text.facility[1]);
  await page.getByTestId('referral-reason').fill(text.referral);
  await page.getByTestId('referral-priority').getByText(text.priority).click();
  await page.getByTestId('referral-reason').press('Control+Enter');
  await poll(() => page.locator('[data-testid="referrals-list"] [data-status="active"]').count()).toBe(1);

  // The follow-up, tomorrow at 10:00.
  await page.getByTestId('chart-tab-appointments').click();
  await poll(() => page.getByTestId('appointments-tab').isVisible()).toBe(true);
  await page.getByTestId('appointment-new').click();
  await poll(() => page.getByTestId('appointment-form').isVisible()).toBe(true);
  await page.getByTestId('appointment-date').click();
  await page.getByRole('button', { name: /^23 / }).first().click();
  await poll(() => page.locator('[data-slot="10:00"]').isEnabled()).toBe(true);
  await page.locator('[data-slot="10:00"]').click();
  await page.getByTestId('appointment-description').fill(text.followUp);
  await page.getByTestId('appointment-description').press('Control+Enter');
  await poll(() => page.getByTestId('appointments-upcoming').locator('[data-status="booked"]').count()).toBe(
    1,
  );

  // Printing the prescription: the PDF the services made, read back.
  await page.keyboard.press('Alt+Shift+Digit7');
  const button = page.getByTestId('print-prescription').first();
  await poll(() => button.isVisible()).toBe(true);
  await button.focus();
  await page.keyboard.press('Control+P');
  await poll(() => page.getByTestId('print-frame').filter({ visible: true }).count()).toBe(1);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByTestId('print-save').click(),
  ]);
  const reading = await readPdf(new Uint8Array(readFileSync(await download.path())));
  expect(reading.text).toContain(`${patient.given} ${patient.family.toUpperCase()}`.split(' ')[0]);
  expect(reading.text.toLowerCase()).toContain('amoxicilline');
  expect(reading.text).toContain(patient.id);
  const runs = reading.rightToLeftRuns.map((run) => run.trim());
  expect(runs).toContain(patient.arabicGiven);
  expect(reading.text.includes(text.kingdom) || runs.includes(text.kingdom)).toBe(true);
  await page.keyboard.press('Escape');
  await poll(() => page.getByTestId('print-frame').filter({ visible: true }).count()).toBe(0);

  await page.keyboard.press('Alt+Shift+Digit1');
  await poll(() => page.getByTestId('chart-summary').isVisible()).toBe(true);
  await page.mouse.move(1, 799);
  await expectScreenshot(page, `workspace-chart-${language}`);
  return encounterId;
}

async function run(language: Language): Promise<void> {
  const station = await suite.open({
    userConfig: { mode: 'demo', country: 'MA', language, facility: DEMO_FACILITY },
    signIn: 'nurse',
  });
  const seeded = await station.host.invoke('demo.seed', { patients: 2, seed: 11 });
  if (!seeded.ok) throw new Error(JSON.stringify(seeded.error));
  await station.open();
  await poll(() => station.page.getByTestId('patient-search-input').isVisible()).toBe(true);

  const patientId = await nurseRegistersAndMeasures(station, language);
  await doctorDocumentsTheVisit(station, language, patientId);

  // Every opening and every change names who did it: the nurse's, then the doctor's.
  const trail = await station.host.invoke('record.auditTrail', { patientId });
  if (!trail.ok) throw new Error(JSON.stringify(trail.error));
  const entries = trail.value as AuditTrailEntry[];
  for (const entry of entries) expect(entry.practitioner).toMatch(/^Practitioner\//);
  const who = (action: AuditTrailEntry['action']) =>
    new Set(entries.filter((entry) => entry.action === action).map((entry) => entry.practitioner));
  // The nurse created the patient, the vitals and the allergy; the doctor the visit, the prescription, the referral, the appointment.
  expect(who('C').size).toBe(2);
  // Both opened the chart.
  expect(who('R').size).toBe(2);
  // Read back as a doctor: the visit and the prescription are in the record under the doctor's name.
  const summary = await call<{ medications: { atc?: string | null }[] }>(station.page, 'chart.summary', {
    patientId,
  });
  expect(JSON.stringify(summary)).toContain('J01CA04');
}

describe('a nurse and a doctor at work on one patient (issue 5 acceptance)', () => {
  it('in French', () => run('fr'), 240_000);
  it('in Arabic', () => run('ar'), 240_000);
});
