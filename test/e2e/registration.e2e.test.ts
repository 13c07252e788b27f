/**
 * Registering a patient at the desk, with the keyboard, once in French (a nurse) and once in
 * Arabic (a doctor), on a demonstration workstation: the form's inline validation, the possible duplicates shown before
 * creating (a similar name asks for confirmation; the same national identifier stops and offers
 * the existing chart), the new patient's chart, and editing it from the chart's header. The
 * duplicates are patients registered beforehand through the page's own `window.tabib`.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Envelope } from '../../main/contract/errors';
import type { RegistrationResult } from '../../main/contract/registration-types';
import type { PatientDraft } from '../../main/contract/features/registration-contract';
import { DEMO_FACILITY } from '../../main/setup/workstation-setup';
import { emptyDraft } from '../registration/registration-fixture';
import { seriousViolations } from './accessibility';
import { harnessSuite, type Workstation } from './harness';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 15_000 });

async function register(page: Page, draft: PatientDraft): Promise<RegistrationResult> {
  const envelope = (await page.evaluate(
    (args) =>
      (
        window as unknown as {
          tabib: { patients: { register(a: unknown): Promise<unknown> } };
        }
      ).tabib.patients.register(args),
    { draft },
  )) as Envelope<RegistrationResult>;
  if (!envelope.ok) throw new Error(`patients.register: ${envelope.error.code} ${envelope.error.message}`);
  return envelope.value;
}

const blank = emptyDraft();

/** A demonstration workstation of `country` in `language`, `role` signed in, its staff seeded, on the Patients screen. */
async function workstation(
  language: 'fr' | 'ar',
  country: 'MA' | 'DZ',
  role: 'nurse' | 'doctor',
): Promise<Workstation> {
  const station = await suite.open({
    userConfig: { mode: 'demo', country, language, facility: DEMO_FACILITY },
    signIn: role,
  });
  const seeded = await station.host.invoke('demo.seed', { patients: 2, seed: 5 });
  if (!seeded.ok) throw new Error(JSON.stringify(seeded.error));
  await station.open();
  await poll(() => station.page.getByTestId('patient-search-input').isVisible()).toBe(true);
  return station;
}

/**
 * axe's serious and critical violations inside the registration form (the frame around it, top
 * bar and navigation, is the frame's tests' to check).
 */
async function formViolations(page: Page) {
  const violations = await seriousViolations(page);
  const inForm = await page.evaluate(
    (targets) =>
      targets.map((selectors) =>
        selectors.filter((target) =>
          document.querySelector(target)?.closest('[data-testid="registration-form"]'),
        ),
      ),
    violations.map((violation) => violation.targets),
  );
  return violations
    .map((violation, index) => ({ ...violation, targets: inForm[index] ?? [] }))
    .filter((violation) => violation.targets.length > 0);
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid'));

/** Picks an option of a searchable select by typing part of its label, as a keyboard user does. */
async function choose(page: Page, testId: string, typed: string, label: string) {
  const input = page.getByTestId(testId);
  await input.focus();
  // What the field shows (a choice made before) is replaced, as a user selects it and types over.
  await page.keyboard.press('Control+A');
  await page.keyboard.type(typed);
  const option = page.getByRole('option', { name: label, exact: true });
  await poll(() => option.isVisible()).toBe(true);
  await option.click();
  await poll(() => input.inputValue()).toBe(label);
}

describe('registering a patient', () => {
  it('in French: inline errors, a similar patient to confirm, the new chart, then an edit', async () => {
    const station = await workstation('fr', 'MA', 'nurse');
    const { page } = station;
    const earlier = await register(page, {
      ...blank,
      latin: { family: 'Benali', given: 'Ahmed' },
      birth: { kind: 'date', date: '1985-06-02' },
      gender: 'male',
      nationalId: 'BK998877',
    });

    // The button shows its shortcut; Alt+N opens the form with the first name field focused.
    expect(await page.getByTestId('new-patient').innerText()).toContain('Alt+N');
    await page.keyboard.press('Alt+N');
    const form = page.getByTestId('registration-form');
    await poll(() => form.isVisible()).toBe(true);
    await poll(() => focused(page)).toBe('latin-family');

    // Leaving a field shows its problem at once, in French.
    await page.keyboard.type('Benali');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const given = page.getByTestId('latin-given');
    await poll(() => given.getAttribute('aria-invalid')).toBe('true');
    expect(await form.getByText('Le prénom manque.').isVisible()).toBe(true);
    await given.fill('Ahmed');
    await page.getByTestId('arabic-family').fill('بنعلي');
    await page.getByTestId('arabic-given').fill('أحمد');
    expect(await page.getByTestId('arabic-family').getAttribute('dir')).toBe('rtl');
    await page.getByTestId('sex-male').check();
    await page.getByTestId('birth-date').fill('14/03/1985');
    await page.getByTestId('national-id').fill('12345');
    await page.getByTestId('phone').focus();
    // The CIN's format is main's check (the country profile), shown at the field.
    await poll(() => form.getByText('Une CIN s’écrit avec une ou deux lettres').isVisible()).toBe(true);
    await expectScreenshot(page, 'registration-errors-fr');
    await page.getByTestId('national-id').fill('be 123456');
    await page.getByTestId('phone').fill('06 12 34 56 78');
    expect(await page.getByTestId('birth-age').innerText()).toBe('41 ans');

    await choose(page, 'address-level-0', 'casa', 'Casablanca-Settat');
    await choose(page, 'address-level-1', 'jadid', 'El Jadida');
    await page.getByTestId('address-level-2').fill('Azemmour');
    await page.getByTestId('address-line').fill('Derb Sidi Ali, n° 4');
    await choose(page, 'coverage-plan', 'cnops', 'AMO — secteur public (CNOPS)');
    await page.getByTestId('coverage-member-id').fill('778899');

    // The patient registered earlier has a similar name, the same birth year and sex.
    const panel = page.getByTestId('duplicate-panel');
    await poll(() => panel.getAttribute('data-kind')).toBe('similar');
    expect(await panel.getByTestId('duplicate-candidate').getAttribute('data-patient-id')).toBe(
      earlier.patient.id,
    );
    expect(await panel.innerText()).toContain('BK998877');
    expect(await page.getByTestId('registration-save').innerText()).toContain('Ctrl+Entrée');
    await page.keyboard.press('Control+Enter');
    await poll(() => panel.getAttribute('data-confirming')).toBe('true');
    expect(await formViolations(page)).toEqual([]);
    await expectScreenshot(page, 'registration-duplicate-fr');
    await page.getByTestId('duplicate-create-anyway').click();

    // The new patient's chart opens.
    const chart = page.getByTestId('patient-chart');
    await poll(() => chart.getAttribute('data-state')).toBe('ready');
    const patientId = (await chart.getAttribute('data-patient-id')) as string;
    expect(patientId).not.toBe(earlier.patient.id);
    expect(await page.getByTestId('chart-names').locator('[data-script="latin"]').textContent()).toBe(
      'BENALI Ahmed',
    );
    expect(await page.getByTestId('chart-identifier').innerText()).toContain('BE123456');
    expect(await page.getByTestId('chart-phone').innerText()).toContain('+212612345678');
    expect(await page.getByTestId('chart-address').innerText()).toContain('Azemmour');
    expect(await page.getByTestId('chart-contents').innerText()).toContain('Couverture maladie');

    // Edit from the chart's header (Alt+E): the form holds what was saved.
    await page.keyboard.press('Alt+E');
    const modal = page.getByRole('dialog');
    await poll(() => modal.getByTestId('registration-form').isVisible()).toBe(true);
    await poll(() => focused(page)).toBe('latin-family');
    expect(await modal.getByTestId('national-id').inputValue()).toBe('BE123456');
    expect(await modal.getByTestId('address-level-2').inputValue()).toBe('Azemmour');
    expect(await modal.getByTestId('coverage-member-id').inputValue()).toBe('778899');
    await modal.getByTestId('phone').fill('0708091011');
    await page.keyboard.press('Control+Enter');
    await poll(() => modal.isVisible()).toBe(false);
    await poll(() => page.getByTestId('chart-phone').innerText()).toContain('+212708091011');
    // Escape is the chart's again: back to the search.
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('patient-search-input').isVisible()).toBe(true);
  });

  it('in Arabic: the same identifier stops and opens the existing chart; an estimated age', async () => {
    const station = await workstation('ar', 'DZ', 'doctor');
    const { page } = station;
    const existing = await register(page, {
      ...blank,
      arabic: { family: 'براهيمي', given: 'كريم' },
      birth: { kind: 'date', date: '1979-01-20' },
      gender: 'male',
      nationalId: '109790160001230742',
    });

    await page.getByTestId('new-patient').click();
    const form = page.getByTestId('registration-form');
    await poll(() => form.isVisible()).toBe(true);
    expect(await page.getByTestId('registration-title').innerText()).toBe('مريض جديد');
    await page.getByTestId('arabic-family').fill('منصوري');
    await page.getByTestId('arabic-given').fill('أمينة');
    await page.getByTestId('sex-female').check();
    await page.getByTestId('birth-estimated').check();
    await page.getByTestId('age-years').fill('45');
    await poll(() => page.getByTestId('birth-age').innerText()).toBe('≈ 45 سنة');
    // Typed with spaces: the same NIN as the patient registered before.
    await page.getByTestId('national-id').fill('109790 160001 230742');
    const panel = page.getByTestId('duplicate-panel');
    await poll(() => panel.getAttribute('data-kind')).toBe('identifier');
    expect(await panel.innerText()).toContain('هذا المريض مسجل من قبل');
    await choose(page, 'address-level-0', 'وهران', 'وهران');
    await page.getByTestId('address-level-1').fill('بئر الجير');
    expect(await formViolations(page)).toEqual([]);
    await expectScreenshot(page, 'registration-identifier-ar');

    // Saving is refused; the existing patient's chart is offered instead.
    await page.keyboard.press('Control+Enter');
    // The keyboard goes to the panel: its heading has the focus.
    await poll(() =>
      page.evaluate(() => document.activeElement?.closest('[data-testid="duplicate-panel"]') !== null),
    ).toBe(true);
    expect(await panel.getByTestId('duplicate-create-anyway').count()).toBe(0);
    await panel.getByTestId('duplicate-open').click();
    const chart = page.getByTestId('patient-chart');
    await poll(() => chart.getAttribute('data-state')).toBe('ready');
    expect(await chart.getAttribute('data-patient-id')).toBe(existing.patient.id);

    // Back, and register her without the NIN: the chart shows her approximate age.
    await page.keyboard.press('Escape');
    await page.keyboard.press('Alt+N');
    await poll(() => form.isVisible()).toBe(true);
    await page.getByTestId('arabic-family').fill('منصوري');
    await page.getByTestId('arabic-given').fill('أمينة');
    await page.getByTestId('sex-female').check();
    await page.getByTestId('birth-estimated').check();
    await page.getByTestId('age-years').fill('45');
    await choose(page, 'coverage-plan', 'CASNOS', 'CASNOS — غير الأجراء');
    await page.getByTestId('coverage-member-id').fill('16-445566');
    await poll(() => page.getByTestId('duplicate-panel').count()).toBe(0);
    // The duplicate panel came and went above while typing: the coverage fields in the middle of the view, whatever the scroll was.
    await page
      .getByTestId('coverage-member-id')
      .evaluate((field) => field.scrollIntoView({ block: 'center' }));
    await expectScreenshot(page, 'registration-estimated-ar');
    await page.keyboard.press('Control+Enter');
    await poll(() => chart.getAttribute('data-state')).toBe('ready');
    expect(await chart.getAttribute('data-patient-id')).not.toBe(existing.patient.id);
    expect(await page.getByTestId('chart-names').locator('[data-script="arabic"]').textContent()).toBe(
      'أمينة منصوري',
    );
    expect(await page.getByTestId('chart-birth-date').innerText()).toContain('≈ 45 سنة');
    expect(await page.getByTestId('chart-birth-date').innerText()).toContain('1981');
  });
});
