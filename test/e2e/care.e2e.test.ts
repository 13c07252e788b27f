/**
 * Care in the workspace, as a doctor does it on a demonstration workstation: from a patient's
 * chart, refer to cardiology and book the follow-up; attach a specialist's letter and view it; then
 * the week's calendar in the Appointments section, moved through by keyboard. Once in French and
 * once in Arabic (right to left, Latin digits), with screenshots and axe-core on each screen.
 * What the screens did is checked again through the page's own `window.tabib`.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../main/auth/demo-accounts';
import type {
  AppointmentView,
  PatientAppointments,
  PatientDocuments,
  ReferralView,
} from '../../main/contract/care-types';
import type { PatientSearchHit, PatientSearchResult } from '../../main/contract/types';
import { DEMO_ACTOR_ID } from '../../main/record/demo/practitioners';
import { onePagePdf } from '../care/document-files';
import { seriousViolations } from './accessibility';
import { FIXED_NOW, harnessSuite, type Workstation } from './harness';
import { expectScreenshot } from './screenshots';
import { pageCall as call } from './page-call';

const suite = harnessSuite();
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/;
/** The harness's fixed day, Sunday 22 November 2026 in the clinic (Casablanca), and its weeks. */
const TODAY = FIXED_NOW.toISOString().slice(0, 10);
const THIS_MONDAY = '2026-11-16';
const NEXT_MONDAY = '2026-11-23';

/**
 * axe on one of this feature's screens: the frame around it is the frame's tests' to check, and
 * the print button in it the print feature's (test/e2e/print.e2e.test.ts).
 */
async function expectAccessible(page: Page, within: string): Promise<void> {
  const violations = await seriousViolations(page, `[data-testid="${within}"]`);
  const ours = await page.evaluate(
    (targets) =>
      targets.map((selectors) =>
        selectors.filter((target) => !document.querySelector(target)?.closest('[data-print-button]')),
      ),
    violations.map((violation) => violation.targets),
  );
  expect(
    violations
      .map((violation, index) => ({ ...violation, targets: ours[index] ?? [] }))
      .filter((violation) => violation.targets.length > 0),
  ).toEqual([]);
}

/** Before a screenshot: the page at its top, nothing focused (a focus returning to a button may scroll the page by a varying amount). */
async function settle(page: Page): Promise<void> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    document.scrollingElement?.scrollTo(0, 0);
  });
  await page.mouse.move(1, 799);
}

/** A demonstration started from the first-run screen, signed in as its doctor (Dr Salma Haddad). */
async function demonstration(language: 'fr' | 'ar'): Promise<Workstation> {
  const station = await suite.open({ userConfig: { language } });
  await station.open();
  const { page } = station;
  await expect.poll(() => page.getByTestId('demo-card').isVisible(), { timeout: 60_000 }).toBe(true);
  await page
    .getByTestId('demo-card')
    .getByRole('button', { name: language === 'fr' ? 'Démarrer la démonstration' : 'ابدأ العرض التوضيحي' })
    .click();
  await page.mouse.move(1, 799);
  await expect
    .poll(
      async () =>
        (await page.getByTestId('sign-in').isVisible()) ||
        (await page.getByTestId('patient-search-input').isVisible()),
      { timeout: 90_000 },
    )
    .toBe(true);
  if (await page.getByTestId('sign-in').isVisible()) {
    await page.getByTestId('sign-in-username').fill('medecin');
    await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
    await page.getByTestId('sign-in-submit').click();
  }
  await expect
    .poll(() => page.getByTestId('patient-search-input').isVisible(), { timeout: 30_000 })
    .toBe(true);
  return station;
}

/** A seeded adult with both scripts and no referral yet, found through the services. */
async function pickPatient(page: Page): Promise<PatientSearchHit> {
  for (let year = 1950; year <= 2000; year++) {
    const { hits } = await call<PatientSearchResult>(page, 'patients.search', {
      query: String(year),
      limit: 50,
    });
    for (const hit of hits) {
      if (!hit.latin || !hit.arabic || !hit.identifier) continue;
      const referrals = await call<ReferralView[]>(page, 'referrals.list', { patientId: hit.id });
      if (referrals.length === 0) return hit;
    }
  }
  throw new Error('No seeded patient fits; has the demonstration generator changed?');
}

async function openChart(page: Page, patient: PatientSearchHit): Promise<void> {
  const input = page.getByTestId('patient-search-input');
  await input.fill(patient.identifier!.value);
  await page.waitForFunction(
    (query) =>
      document.querySelector('[data-testid="screen-patients"]')?.getAttribute('data-answered-query') ===
      query,
    patient.identifier!.value,
  );
  await input.press('Enter');
  await expect.poll(() => page.getByTestId('chart-tabs').isVisible()).toBe(true);
}

/** Picks an option of a Mantine Select by typing into it, then clicking the option named. */
async function choose(page: Page, testId: string, typed: string, option: string | RegExp): Promise<void> {
  const input = page.getByTestId(testId);
  await input.click();
  await input.fill(typed);
  await page.getByRole('option', { name: option }).first().click();
}

async function referToCardiology(page: Page, language: 'fr' | 'ar'): Promise<void> {
  await page.getByTestId('chart-tab-referrals').click();
  await expect.poll(() => page.getByTestId('referrals-tab').isVisible()).toBe(true);
  // N, shown on the button, opens the form from the keyboard.
  await page.getByTestId('referral-new').focus();
  await page.keyboard.press('KeyN');
  await expect.poll(() => page.getByTestId('referral-form').isVisible()).toBe(true);
  // Submitting empty says what is missing, in place.
  await page.getByTestId('referral-submit').click();
  await expect
    .poll(() =>
      page
        .getByTestId('referral-form')
        .getByText(language === 'fr' ? 'Choisissez la spécialité.' : 'اختر التخصص.')
        .isVisible(),
    )
    .toBe(true);
  if (language === 'fr') {
    await choose(page, 'referral-specialty', 'cardio', 'Cardiologie');
    await choose(page, 'referral-facility', 'ibn sina', /CHU Ibn Sina — Rabat/);
    await page
      .getByTestId('referral-reason')
      .fill('Dyspnée d’effort et souffle systolique 3/6 au foyer aortique : échocardiographie ?');
    await page.getByTestId('referral-priority').getByText('Urgente').click();
  } else {
    await choose(page, 'referral-specialty', 'القلب', 'أمراض القلب والشرايين');
    await choose(page, 'referral-facility', 'ابن سينا', /المركز الاستشفائي الجامعي ابن سينا — الرباط/);
    await page.getByTestId('referral-reason').fill('ضيق التنفس عند الجهد ونفخة انقباضية: تخطيط صدى القلب؟');
    await page.getByTestId('referral-priority').getByText('مستعجلة').click();
  }
  await page.getByTestId('referral-reason').press('Control+Enter');
  await expect.poll(() => page.getByTestId('referral-form').count()).toBe(0);
  await expect
    .poll(() => page.locator('[data-testid="referrals-list"] [data-status="active"]').count())
    .toBe(1);
}

async function bookFollowUp(page: Page, language: 'fr' | 'ar'): Promise<void> {
  await page.getByTestId('chart-tab-appointments').click();
  await expect.poll(() => page.getByTestId('appointments-tab').isVisible()).toBe(true);
  await page.getByTestId('appointment-new').click();
  await expect.poll(() => page.getByTestId('appointment-form').isVisible()).toBe(true);
  // Today (Sunday 22 November, 09:30 in Casablanca): the slots before now are not offered.
  await expect.poll(() => page.locator('[data-slot="09:00"]').isDisabled()).toBe(true);
  await expect.poll(() => page.locator('[data-slot="09:45"]').isEnabled()).toBe(true);
  // The next day from the date picker (weeks from Monday).
  await page.getByTestId('appointment-date').click();
  await page.getByRole('button', { name: /^23 / }).first().click();
  await expect.poll(() => page.locator('[data-slot="08:00"]').isEnabled()).toBe(true);
  await page.locator('[data-slot="10:00"]').click();
  await page
    .getByTestId('appointment-description')
    .fill(language === 'fr' ? 'Contrôle après l’avis du cardiologue' : 'مراقبة بعد رأي طبيب القلب');
  await page.getByTestId('appointment-description').press('Control+Enter');
  await expect.poll(() => page.getByTestId('appointment-form').count()).toBe(0);
  await expect
    .poll(() => page.getByTestId('appointments-upcoming').locator('[data-status="booked"]').count())
    .toBeGreaterThan(0);
}

async function weekCalendar(
  page: Page,
  language: 'fr' | 'ar',
  patient: PatientSearchHit,
  appointmentId: string,
): Promise<void> {
  await page.keyboard.press('Alt+3');
  await expect.poll(() => page.getByTestId('screen-appointments').isVisible()).toBe(true);
  const screen = page.getByTestId('screen-appointments');
  // Today's week first: Sunday 22 November ends the week from Monday 16.
  await expect.poll(() => screen.getAttribute('data-from')).toBe(THIS_MONDAY);
  const heads = page.getByTestId('calendar-day-head');
  await expect.poll(() => heads.count()).toBe(7);
  // The arrow towards the future (→, or ← in Arabic): next week, with the follow-up booked from the chart.
  await page.keyboard.press(language === 'ar' ? 'ArrowLeft' : 'ArrowRight');
  await expect.poll(() => screen.getAttribute('data-from')).toBe(NEXT_MONDAY);
  await expect.poll(() => screen.getAttribute('data-loading')).toBe(null);
  expect(await heads.first().getAttribute('data-date')).toBe(NEXT_MONDAY);
  await expect.poll(() => screen.locator(`[data-appointment-id="${appointmentId}"]`).isVisible()).toBe(true);
  expect(await screen.locator(`[data-appointment-id="${appointmentId}"]`).textContent()).toContain(
    '10:00–10:15',
  );
  expect(await screen.innerText()).not.toMatch(ARABIC_INDIC_DIGITS);
  if (language === 'ar') {
    // Right to left: the hours stand right of the days, Monday is the rightmost day.
    const hours = await page.locator('.tabib-calendar-hours').boundingBox();
    const monday = await page
      .locator(`[data-testid="calendar-day"][data-date="${NEXT_MONDAY}"]`)
      .boundingBox();
    const sunday = await page.locator('[data-testid="calendar-day"][data-date="2026-11-29"]').boundingBox();
    expect(hours!.x).toBeGreaterThan(monday!.x);
    expect(monday!.x).toBeGreaterThan(sunday!.x);
  }
  await page.mouse.move(1, 799);
  await expectScreenshot(page, `care-week-${language}`);
  await expectAccessible(page, 'screen-appointments');

  // T back to today's week; D the day (today), the arrow the next day; W the week again.
  await page.keyboard.press('KeyT');
  await expect.poll(() => screen.getAttribute('data-from')).toBe(THIS_MONDAY);
  await page.keyboard.press('KeyD');
  await expect.poll(() => screen.getAttribute('data-view')).toBe('day');
  await expect.poll(() => screen.getAttribute('data-from')).toBe(TODAY);
  await page.keyboard.press(language === 'ar' ? 'ArrowLeft' : 'ArrowRight');
  await expect.poll(() => screen.getAttribute('data-from')).toBe(NEXT_MONDAY);
  await expect.poll(() => page.getByTestId('calendar-day-head').count()).toBe(1);
  await expect.poll(() => screen.locator(`[data-appointment-id="${appointmentId}"]`).isVisible()).toBe(true);
  await page.keyboard.press('KeyW');
  await expect.poll(() => screen.getAttribute('data-view')).toBe('week');
  await expect.poll(() => screen.getAttribute('data-from')).toBe(NEXT_MONDAY);

  // A free slot books for a patient found by search: Tuesday at 11:00.
  await page.locator('[data-testid="calendar-day"][data-date="2026-11-24"] [data-slot="11:00"]').click();
  await expect.poll(() => page.getByTestId('calendar-patient-search').isVisible()).toBe(true);
  await page.getByTestId('calendar-patient-search').fill(patient.identifier!.value);
  await expect
    .poll(() =>
      page.getByTestId('calendar-patient-results').locator(`[data-patient-id="${patient.id}"]`).count(),
    )
    .toBe(1);
  await page.getByTestId('calendar-patient-search').press('Enter');
  await expect.poll(() => page.getByTestId('picked-patient').isVisible()).toBe(true);
  await expect.poll(() => page.locator('[data-slot="11:00"][data-active]').count()).toBe(1);
  await page.getByTestId('appointment-submit').click();
  await expect.poll(() => page.getByTestId('appointment-form').count()).toBe(0);
  const { appointments } = await call<PatientAppointments>(page, 'appointments.list', {
    patientId: patient.id,
  });
  const booked = appointments.find((appointment) => appointment.local.date === '2026-11-24');
  expect(booked).toMatchObject({
    local: { start: '11:00', end: '11:15' },
    type: 'ROUTINE',
    status: 'booked',
  });
  await expect.poll(() => screen.locator(`[data-appointment-id="${booked!.id}"]`).isVisible()).toBe(true);

  // An appointment opens with what can be done with it: here, the patient's chart, over the calendar.
  await screen.locator(`[data-appointment-id="${appointmentId}"]`).click();
  await expect.poll(() => page.getByTestId('calendar-open-chart').isVisible()).toBe(true);
  await page.getByTestId('calendar-open-chart').click();
  // (The Patients section keeps its own chart open, hidden: the visible one is the calendar's.)
  await expect.poll(() => page.locator('[data-testid="chart-tabs"]:visible').count()).toBe(1);
  await expect.poll(() => page.getByTestId('screen-appointments').count()).toBe(0);
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('screen-appointments').isVisible()).toBe(true);
  await expect.poll(() => screen.getAttribute('data-from')).toBe(NEXT_MONDAY);
}

describe('care from the chart and the calendar', () => {
  it('in French: refers to cardiology, books the follow-up, attaches and views a letter, shows the week', async () => {
    const station = await demonstration('fr');
    const { page } = station;
    const patient = await pickPatient(page);
    await openChart(page, patient);

    await referToCardiology(page, 'fr');
    const [referral] = await call<ReferralView[]>(page, 'referrals.list', { patientId: patient.id });
    expect(referral).toMatchObject({
      status: 'active',
      priority: 'urgent',
      specialty: { code: '394579002' },
      facility: { code: 'MA-CHU-IBN-SINA' },
      requester: { reference: `Practitioner/${DEMO_ACTOR_ID}` },
    });
    await page.mouse.move(1, 799);
    await settle(page);
    await expectScreenshot(page, 'care-referral-fr');
    await expectAccessible(page, 'referrals-tab');

    await bookFollowUp(page, 'fr');
    const { appointments } = await call<PatientAppointments>(page, 'appointments.list', {
      patientId: patient.id,
    });
    const followUp = appointments.find(
      (appointment: AppointmentView) => appointment.description === 'Contrôle après l’avis du cardiologue',
    );
    expect(followUp).toMatchObject({
      status: 'booked',
      type: 'FOLLOWUP',
      minutes: 15,
      local: { date: NEXT_MONDAY, start: '10:00', end: '10:15' },
      practitioner: { id: DEMO_ACTOR_ID },
    });
    await settle(page);
    await expectScreenshot(page, 'care-appointments-fr');
    await expectAccessible(page, 'appointments-tab');

    // A specialist's letter dropped on the documents tab, then viewed in the PDF viewer.
    await page.getByTestId('chart-tab-documents').click();
    await page.getByTestId('document-new').click();
    const pdf = [...onePagePdf('Avis cardiologique : insuffisance aortique moderee')];
    const dropped = await page.evaluateHandle((bytes) => {
      const transfer = new DataTransfer();
      transfer.items.add(
        new File([new Uint8Array(bytes)], 'avis_cardiologue.pdf', { type: 'application/pdf' }),
      );
      return transfer;
    }, pdf);
    await page.getByTestId('document-dropzone').dispatchEvent('drop', { dataTransfer: dropped });
    await expect.poll(() => page.getByTestId('document-title').inputValue()).toBe('avis cardiologue');
    await page.getByTestId('document-category').click();
    await page.getByRole('option', { name: 'Courrier d’un spécialiste' }).click();
    await page.getByTestId('document-submit').click();
    await expect.poll(() => page.getByTestId('documents-list').locator('tbody tr').count()).toBe(1);
    const { documents } = await call<PatientDocuments>(page, 'documents.list', { patientId: patient.id });
    expect(documents[0]).toMatchObject({
      contentType: 'application/pdf',
      size: pdf.length,
      category: 'consult-note',
    });
    await page.getByTestId('document-view').click();
    await expect.poll(() => page.getByTestId('document-pdf').getAttribute('src')).toMatch(/^blob:/);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('document-pdf').count()).toBe(0);
    // A text file named .pdf is refused for what its bytes are.
    await page.getByTestId('document-new').click();
    await page.getByTestId('document-input').setInputFiles({
      name: 'bilan.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.from('Glycémie à jeun 1,32 g/L', 'utf8'),
    });
    await page.getByTestId('document-category').click();
    await page.getByRole('option', { name: 'Compte rendu de laboratoire' }).click();
    await page.getByTestId('document-submit').click();
    await expect
      .poll(() => page.getByTestId('document-error').getAttribute('data-error-code'))
      .toBe('DOCUMENT_TYPE_UNSUPPORTED');

    await weekCalendar(page, 'fr', patient, followUp!.id);
  });

  it('in Arabic: the same from the chart, and the week right to left with Latin digits', async () => {
    const station = await demonstration('ar');
    const { page } = station;
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    const patient = await pickPatient(page);
    await openChart(page, patient);

    await referToCardiology(page, 'ar');
    const [referral] = await call<ReferralView[]>(page, 'referrals.list', { patientId: patient.id });
    expect(referral).toMatchObject({ status: 'active', specialty: { code: '394579002' } });
    expect(await page.getByTestId('referrals-list').innerText()).toContain('أمراض القلب والشرايين');
    expect(await page.getByTestId('referrals-list').innerText()).not.toMatch(ARABIC_INDIC_DIGITS);
    await page.mouse.move(1, 799);
    await settle(page);
    await expectScreenshot(page, 'care-referral-ar');
    await expectAccessible(page, 'referrals-tab');

    await bookFollowUp(page, 'ar');
    const { appointments } = await call<PatientAppointments>(page, 'appointments.list', {
      patientId: patient.id,
    });
    const followUp = appointments.find(
      (appointment) => appointment.description === 'مراقبة بعد رأي طبيب القلب',
    );
    expect(followUp?.local).toEqual({ date: NEXT_MONDAY, start: '10:00', end: '10:15' });
    expect(await page.getByTestId('appointments-upcoming').innerText()).not.toMatch(ARABIC_INDIC_DIGITS);

    await weekCalendar(page, 'ar', patient, followUp!.id);
  });
});
