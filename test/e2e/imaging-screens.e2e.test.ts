/**
 * The imaging screens as a radiologist uses them on a demonstration workstation, in French and in
 * Arabic (right to left, Latin digits): the worklist of the demonstration's studies, moved through
 * by keyboard; a folder from a CD imported (a DCMTK corpus, test/imaging/dicom-corpus.ts) whose
 * broken files are listed one by one with their reason, and whose study, carrying a hospital
 * number instead of the national identifier, is confirmed to belong to the record's patient of the
 * same name and birth date; then that study read and reported: saved as preliminary with Ctrl+S, a
 * colleague's save in between shown as a conflict, signed final, printed as PDF. Screenshots and
 * axe-core on each screen; what the screens did is checked again through the page's `window.tabib`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../main/auth/demo-accounts';
import type { CachedStudy, StudyView } from '../../main/contract/imaging-types';
import type { PatientSearchHit, PatientSearchResult } from '../../main/contract/types';
import { dataLayout } from '../../main/config/paths';
import { PacsSecretFile, pacsSecretPath } from '../../main/imaging/dicomweb/pacs-connection';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { dumpToDicom, makeCorpus, newUid, type Corpus } from '../imaging/dicom-corpus';
import { makeStudy, startPacs } from '../imaging/pacs-fixture';
import { readPdf } from '../print/pdf-text';
import { seriousViolations } from './accessibility';
import type { OrthancPeer } from '../peers/orthanc/orthanc-peer';
import { harnessSuite, type Workstation } from './harness';
import { pageCall as call } from './page-call';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>, timeout = 15_000) => expect.poll(check, { timeout });
const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/;

let root: string;
let corpus: Corpus;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'tabib-imaging-screens-'));
  corpus = makeCorpus(join(root, 'corpus'));
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

/** The broken files of the corpus, by the name they have in the imported folder, and why each is refused. */
const brokenFiles = (): [source: string, name: string, code: string][] => [
  [corpus.broken.truncated, 'truncated.dcm', 'IMAGING_TRUNCATED'],
  [corpus.broken.notDicom, 'README.TXT', 'IMAGING_NOT_DICOM'],
  [corpus.broken.corruptHeader, 'corrupt-header.dcm', 'IMAGING_CORRUPT'],
  [corpus.broken.empty, 'empty.dcm', 'IMAGING_NOT_DICOM'],
];

/**
 * A CD's folder: its DICOMDIR, two good images of the corpus, its broken files, and a study of `patient` (same
 * name and birth date) under a hospital number, which only a person can link to the record.
 */
function cdFolder(name: string, patient: PatientSearchHit): { dir: string; studyUid: string } {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(corpus.transferSyntaxes[0]!.path, join(dir, 'IM000001.dcm'));
  copyFileSync(corpus.transferSyntaxes[1]!.path, join(dir, 'IM000002.dcm'));
  for (const [source, target] of brokenFiles()) copyFileSync(source, join(dir, target));
  // The CD's index: not an image, read by its files (skipped by the renderer, said so).
  copyFileSync(corpus.cd.dicomdir, join(dir, 'DICOMDIR'));
  const studyUid = newUid();
  const seriesUid = newUid();
  for (const number of [1, 2, 3]) {
    const file = dumpToDicom(join(root, 'corpus'), `${name}-hospital-${number}`, {
      patientName: Buffer.from(`${patient.latin!.family.toUpperCase()}^${patient.latin!.given}`, 'latin1'),
      patientId: 'HOP-48213',
      birthDate: patient.birthDate!.replaceAll('-', ''),
      studyUid,
      seriesUid,
      sopUid: newUid(),
      studyDate: '20261120',
      studyDescription: Buffer.from('Scanner thoracique'),
      seriesDescription: 'Thorax',
      accessionNumber: 'HOP7781',
      instanceNumber: number,
      width: 64,
      height: 64,
      bits: 16,
      pixelFile: 'ct16.raw',
    });
    copyFileSync(file, join(dir, `CT00000${number}.dcm`));
  }
  return { dir, studyUid };
}

/** A demonstration started from the first-run screen, its radiologist signed in. */
async function demonstration(language: 'fr' | 'ar', pacs?: OrthancPeer): Promise<Workstation> {
  const station = await suite.open({
    userConfig: {
      language,
      ...(pacs
        ? {
            pacs: {
              baseUrl: pacs.dicomWebUrl,
              auth: { type: 'basic', username: pacs.username },
              stowEnabled: true,
            },
          }
        : {}),
    },
  });
  await station.open();
  const { page } = station;
  await poll(() => page.getByTestId('demo-card').isVisible(), 60_000).toBe(true);
  await page
    .getByTestId('demo-card')
    .getByRole('button', { name: language === 'fr' ? 'Démarrer la démonstration' : 'ابدأ العرض التوضيحي' })
    .click();
  await page.mouse.move(1, 799);
  await poll(() => page.getByTestId('sign-in').isVisible(), 90_000).toBe(true);
  // The PACS's password, kept wrapped by the workstation's keychain as `tabib imaging pacs-secret` keeps it.
  if (pacs)
    await new PacsSecretFile(
      new KeyFileKeychain(dataLayout(station.dataDir).keychainKeyFile),
      pacsSecretPath(station.dataDir),
    ).write(pacs.password);
  await page.getByTestId('sign-in-username').fill('radiologue');
  await page.getByTestId('sign-in-password').fill(DEMO_PASSWORD);
  await page.getByTestId('sign-in-submit').click();
  // A radiologist starts on the worklist.
  await poll(() => page.getByTestId('worklist-panel').isVisible(), 30_000).toBe(true);
  return station;
}

/** A seeded adult with both scripts and a birth date, whose name no study in the cache carries yet. */
async function pickPatient(page: Page): Promise<PatientSearchHit> {
  const cached = await call<CachedStudy[]>(page, 'imaging.studies', {});
  const linked = new Set(cached.map((study) => study.patientId));
  for (let year = 1950; year <= 1990; year++) {
    const { hits } = await call<PatientSearchResult>(page, 'patients.search', {
      query: String(year),
      limit: 50,
    });
    const hit = hits.find(
      (candidate) =>
        candidate.latin &&
        candidate.arabic &&
        candidate.birthDate &&
        candidate.identifier &&
        !linked.has(candidate.id),
    );
    if (hit) return hit;
  }
  throw new Error('No seeded patient fits; has the demonstration generator changed?');
}

/** axe on this feature's screen (the print button's own dialog is the print tests' to check). */
async function expectAccessible(page: Page): Promise<void> {
  expect(await seriousViolations(page, '[data-testid="screen-imaging"]')).toEqual([]);
}

/** Before a screenshot: nothing focused, the pointer out of the way, the viewer's canvas hidden (its own tests compare it). */
async function settle(page: Page, inView?: Locator): Promise<void> {
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    document.scrollingElement?.scrollTo(0, 0);
    for (const body of document.querySelectorAll('.tabib-report-body')) body.scrollTop = 0;
  });
  // The part the screenshot is about, its bottom at the bottom of the window.
  if (inView) await inView.evaluate((element) => element.scrollIntoView({ block: 'end' }));
  await page.mouse.move(1, 799);
}

async function hideViewer(page: Page): Promise<() => Promise<void>> {
  await page.addStyleTag({ content: '.tabib-reading-viewer > * { visibility: hidden !important; }' });
  return async () => {
    await page.evaluate(() =>
      document.querySelectorAll('style').forEach((style) => {
        if (style.textContent?.includes('.tabib-reading-viewer > *')) style.remove();
      }),
    );
  };
}

/** Imports a folder with the folder picker; answers the progress texts the panel showed meanwhile. */
async function importFolder(page: Page, dir: string): Promise<string[]> {
  await page.getByTestId('imaging-tab-import').click();
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const panel = document.querySelector('[data-testid="import-progress"]');
      const text = panel?.querySelector('p')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('import-folder-input').setInputFiles(dir);
  await poll(() => page.getByTestId('import-result').isVisible(), 60_000).toBe(true);
  return page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
}

/** The worklist: the demonstration's studies, the keyboard moving the selection and opening one. */
async function checkWorklist(page: Page, language: 'fr' | 'ar'): Promise<void> {
  const rows = page.getByTestId('worklist').locator('tbody tr');
  const cached = await call<CachedStudy[]>(page, 'imaging.studies', {});
  expect(cached.length).toBeGreaterThanOrEqual(3);
  await poll(() => rows.count()).toBe(cached.length);
  // Most recent first, as the services answer; linked and unlinked studies told apart.
  expect(await rows.first().getAttribute('data-study-uid')).toBe(cached[0]!.studyInstanceUid);
  expect(await page.getByTestId('worklist').locator('[data-link="identifier"]').count()).toBeGreaterThan(0);
  expect(await page.getByTestId('worklist').locator('[data-link="none"]').count()).toBeGreaterThan(0);
  // The filter field has the focus: ↓ moves the selection; a filter narrows the list.
  await poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(
    'worklist-filter',
  );
  expect(await rows.nth(0).getAttribute('aria-selected')).toBe('true');
  await page.keyboard.press('ArrowDown');
  expect(await rows.nth(1).getAttribute('aria-selected')).toBe('true');
  await page.keyboard.press('ArrowUp');
  if (language === 'ar')
    expect(await page.getByTestId('screen-imaging').innerText()).not.toMatch(ARABIC_INDIC_DIGITS);
  await settle(page);
  await expectScreenshot(page, `imaging-worklist-${language}`);
  await expectAccessible(page);

  const first = cached[0]!;
  await page.getByTestId('worklist-filter').fill(first.dicomPatientId);
  await poll(() => rows.count()).toBe(
    cached.filter((study) => study.dicomPatientId === first.dicomPatientId).length,
  );
  await page.getByTestId('worklist-filter').fill('zzzz-aucun');
  await poll(() => page.getByTestId('worklist-none').isVisible()).toBe(true);
  await page.getByTestId('worklist-filter').fill('');
  await poll(() => rows.count()).toBe(cached.length);
}

describe('the imaging screens', () => {
  it('in French: the worklist, a CD imported with its broken files listed, a study confirmed, reported and printed', async () => {
    const station = await demonstration('fr');
    const { page } = station;
    await checkWorklist(page, 'fr');

    // No PACS on the demonstration: said plainly, with what the administrator has to do.
    await page.getByTestId('imaging-tab-pacs').click();
    const noPacs = page.getByTestId('pacs-not-configured');
    await poll(() => noPacs.isVisible()).toBe(true);
    expect(await noPacs.innerText()).toContain('tabib imaging pacs-secret');
    await expectAccessible(page);

    const patient = await pickPatient(page);
    const { dir, studyUid } = cdFolder('cd-fr', patient);
    const progress = await importFolder(page, dir);
    // The progress bar came, counting the 9 files sent (the DICOMDIR left out).
    expect(progress[0]).toMatch(/^Import en cours : \d+ \/ 9 fichiers$/);

    // 2 + 3 images imported, the 4 broken files each listed with their reason.
    await poll(() => page.locator('[data-count="imported"]').innerText()).toBe('5 images importées');
    expect(await page.locator('[data-count="errors"]').innerText()).toBe('4 fichiers en erreur');
    const errors = page.getByTestId('import-errors').locator('li');
    expect(await errors.count()).toBe(4);
    for (const [, name, code] of brokenFiles()) {
      const item = page.getByTestId('import-errors').locator(`li[data-path="cd-fr/${name}"]`);
      expect(await item.getAttribute('data-error-code'), name).toBe(code);
    }
    expect(await page.getByTestId('import-dicomdir').isVisible()).toBe(true);
    expect(await page.locator('li[data-path="cd-fr/DICOMDIR"]').count()).toBe(0);
    expect(await page.locator('li[data-path="cd-fr/README.TXT"]').innerText()).toContain(
      'Ce fichier n’est pas une image DICOM ; il a été ignoré.',
    );

    // The hospital-numbered study: the record's patient of the same name and birth date is proposed.
    const link = page.locator(`[data-testid="patient-link"][data-study-uid="${studyUid}"]`);
    await poll(() => link.isVisible()).toBe(true);
    const candidate = link.locator(`[data-testid="link-candidate"][data-patient-id="${patient.id}"]`);
    await poll(() => candidate.isVisible()).toBe(true);
    await settle(page, link);
    await expectScreenshot(page, 'imaging-import-fr');
    await expectAccessible(page);
    await candidate.getByTestId('link-confirm').click();
    await poll(() => link.count()).toBe(0);
    const confirmed = await call<CachedStudy[]>(page, 'imaging.studies', { patientId: patient.id });
    expect(confirmed.map((study) => [study.studyInstanceUid, study.patientLink])).toEqual([
      [studyUid, 'confirmed'],
    ]);

    // Reading it: the viewer beside the report.
    await page
      .locator(`.tabib-imported-study[data-study-uid="${studyUid}"]`)
      .getByTestId('imported-open')
      .click();
    const reading = page.getByTestId('reading');
    await poll(() => reading.getAttribute('data-state')).toBe('ready');
    expect(await reading.getAttribute('data-study-uid')).toBe(studyUid);
    await poll(() => page.getByTestId('study-viewer').count()).toBeGreaterThan(0);

    // Written, then Ctrl+S from the conclusion: a preliminary report.
    await page.getByTestId('report-indication').fill('Toux persistante depuis trois semaines.');
    await page.getByTestId('report-technique').fill('Acquisition hélicoïdale sans injection.');
    await page.getByTestId('report-findings').fill('Pas de nodule ni de condensation. Médiastin normal.');
    await page.getByTestId('report-conclusion').fill('Scanner thoracique normal.');
    await page.getByTestId('report-conclusion').press('Control+s');
    const editor = page.getByTestId('report-editor');
    await poll(() => editor.getAttribute('data-status')).toBe('preliminary');
    await poll(() => page.getByTestId('report-saved').isVisible()).toBe(true);
    const first = await call<StudyView>(page, 'imaging.study', { studyInstanceUid: studyUid });
    expect(first.report).toMatchObject({ status: 'preliminary', conclusion: 'Scanner thoracique normal.' });

    // A colleague saves the report meanwhile: this save is refused and the saved version shown.
    await call(page, 'imaging.saveReport', {
      studyInstanceUid: studyUid,
      status: 'preliminary',
      indication: first.report!.indication,
      technique: first.report!.technique,
      findings: first.report!.findings,
      conclusion: 'Scanner thoracique normal. Relu par un collègue.',
      versionId: first.report!.versionId,
    });
    await page.getByTestId('report-findings').fill('Pas de nodule. Médiastin normal. Plèvre libre.');
    await page.getByTestId('report-findings').press('Control+s');
    await poll(() => page.getByTestId('report-conflict').isVisible()).toBe(true);
    expect(await page.getByTestId('report-conflict-latest').innerText()).toContain('Relu par un collègue.');
    await page.getByTestId('report-conflict-load').click();
    expect(await page.getByTestId('report-conclusion').inputValue()).toBe(
      'Scanner thoracique normal. Relu par un collègue.',
    );

    // Signed final: asked first.
    await page.getByTestId('report-status-choice').getByText('Définitif').click();
    await page.getByTestId('report-save').click();
    await poll(() =>
      page.getByRole('dialog', { name: 'Valider le compte rendu définitif ?' }).isVisible(),
    ).toBe(true);
    await page.getByTestId('report-confirm-save').click();
    await poll(() => editor.getAttribute('data-status')).toBe('final');
    expect(await page.getByTestId('report-amending').isVisible()).toBe(true);
    const signed = await call<StudyView>(page, 'imaging.study', { studyInstanceUid: studyUid });
    expect(signed.report).toMatchObject({
      status: 'final',
      conclusion: 'Scanner thoracique normal. Relu par un collègue.',
    });
    const restore = await hideViewer(page);
    await settle(page);
    await expectScreenshot(page, 'imaging-reading-fr');
    await expectAccessible(page);
    await restore();

    // Printed: the PDF the services made names the patient and holds the conclusion.
    expect(await page.getByTestId('print-imagingReport').innerText()).toContain(
      'Imprimer le compte rendu d’imagerie',
    );
    // Ctrl+P from the report's text prints the report (not the screen).
    await page.getByTestId('report-conclusion').press('Control+p');
    await poll(() => page.getByTestId('print-frame').isVisible(), 30_000).toBe(true);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByTestId('print-save').click(),
    ]);
    const pdf = await readPdf(new Uint8Array(readFileSync(await download.path())));
    expect(pdf.text).toContain('Scanner thoracique normal. Relu par un collègue.');
    expect(pdf.text.toLowerCase()).toContain(patient.latin!.family.toLowerCase());
    await page.keyboard.press('Escape');
    await poll(() => page.getByTestId('print-preview').isVisible()).toBe(false);

    // Back (Alt+←) to where the study was opened from, the import's result; the worklist shows it linked.
    await page.keyboard.press('Alt+ArrowLeft');
    await poll(() => page.getByTestId('import-result').isVisible()).toBe(true);
    await page.getByTestId('imaging-tab-worklist').click();
    await poll(() =>
      page
        .locator(`[data-testid="worklist"] tr[data-study-uid="${studyUid}"] [data-link]`)
        .getAttribute('data-link'),
    ).toBe('confirmed');
  });

  it('in Arabic: the worklist right to left, a CD imported with its errors in Arabic, the study linked and opened from the chart', async () => {
    const station = await demonstration('ar');
    const { page } = station;
    expect(await page.evaluate(() => document.documentElement.dir)).toBe('rtl');
    await checkWorklist(page, 'ar');

    const patient = await pickPatient(page);
    const { dir, studyUid } = cdFolder('cd-ar', patient);
    await importFolder(page, dir);
    const errors = page.getByTestId('import-errors').locator('li');
    expect(await errors.count()).toBe(4);
    for (const [, name, code] of brokenFiles())
      expect(await page.locator(`li[data-path="cd-ar/${name}"]`).getAttribute('data-error-code')).toBe(code);
    expect(await page.getByTestId('import-result').innerText()).not.toMatch(ARABIC_INDIC_DIGITS);
    const link = page.locator(`[data-testid="patient-link"][data-study-uid="${studyUid}"]`);
    await poll(() => link.locator(`[data-patient-id="${patient.id}"]`).isVisible()).toBe(true);
    await settle(page, link);
    await expectScreenshot(page, 'imaging-import-ar');
    await expectAccessible(page);
    await link.locator(`[data-patient-id="${patient.id}"]`).getByTestId('link-confirm').click();
    await poll(() => link.count()).toBe(0);

    // A file dropped on the zone: imported the same way, its error said in Arabic.
    await page.getByTestId('import-dropzone').evaluate((zone) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['Ceci n’est pas une image.'], 'note.txt', { type: 'text/plain' }));
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    const dropped = page.locator('li[data-path="note.txt"]');
    await poll(() => dropped.getAttribute('data-error-code')).toBe('IMAGING_NOT_DICOM');
    expect(await dropped.innerText()).toContain('DICOM');

    // From the patient's chart: the Imaging tab (Alt+Shift+I) lists the study and opens it here.
    await page.keyboard.press('Alt+1');
    const input = page.getByTestId('patient-search-input');
    await poll(() => input.isVisible()).toBe(true);
    await input.fill(patient.identifier!.value);
    await page.waitForFunction(
      (query) =>
        document.querySelector('[data-testid="screen-patients"]')?.getAttribute('data-answered-query') ===
        query,
      patient.identifier!.value,
    );
    await input.press('Enter');
    await poll(() => page.getByTestId('chart-tabs').isVisible()).toBe(true);
    await page.keyboard.press('Alt+Shift+KeyI');
    const list = page.getByTestId('patient-imaging-list');
    await poll(() => list.isVisible()).toBe(true);
    expect(await list.locator('tbody tr').getAttribute('data-study-uid')).toBe(studyUid);
    expect(await page.getByTestId('chart-tab-imaging').innerText()).toContain('التصوير الطبي');
    // Every state the reading screen shows, from the click on: drawn with the chart's row while the
    // study's view travels ('opening'), never a bare loader ('loading').
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { readingStates: string[] }).readingStates = seen;
      new MutationObserver(() => {
        const state = document.querySelector('[data-testid="reading"]')?.getAttribute('data-state');
        if (state && seen.at(-1) !== state) seen.push(state);
      }).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['data-state'],
      });
    });
    await list.getByTestId('patient-imaging-open').click();
    const reading = page.getByTestId('reading');
    await poll(() => reading.getAttribute('data-study-uid')).toBe(studyUid);
    await poll(() => reading.getAttribute('data-state')).toBe('ready');
    expect(
      await page.evaluate(() => (window as unknown as { readingStates: string[] }).readingStates),
    ).toEqual(['opening', 'ready']);
    await poll(() => page.getByTestId('report-editor').isVisible()).toBe(true);
    await page.getByTestId('report-conclusion').fill('فحص طبيعي.');
    await page.getByTestId('report-conclusion').press('Control+s');
    await poll(() => page.getByTestId('report-editor').getAttribute('data-status')).toBe('preliminary');
    const restore = await hideViewer(page);
    await settle(page);
    await expectScreenshot(page, 'imaging-reading-ar');
    await expectAccessible(page);
    await restore();
  });
  it('in French: the PACS searched by patient and dates, a study retrieved with its progress, then read', async () => {
    const study = makeStudy(join(root, 'corpus'), 'pacs-mr', 6, {
      patientName: Buffer.from('Benali^Youssef'),
      patientId: 'PACS0001',
      modality: 'MR',
      studyDate: '20230110',
      accessionNumber: 'ACC-2023-001',
      studyDescription: Buffer.from('IRM du genou'),
    });
    const other = makeStudy(join(root, 'corpus'), 'pacs-us', 1, {
      patientName: Buffer.from('Benani^Khadija'),
      patientId: 'PACS0002',
      modality: 'US',
      studyDate: '20230620',
      accessionNumber: 'ACC-2023-002',
    });
    const peer = await startPacs([...study.paths, ...other.paths]);
    try {
      const station = await demonstration('fr', peer);
      const { page } = station;
      await page.getByTestId('imaging-tab-pacs').click();
      await poll(() => page.getByTestId('pacs-form').isVisible()).toBe(true);
      await page.getByTestId('pacs-patient-id').fill('PACS0001');
      await page.getByTestId('pacs-patient-id').press('Enter');
      const rows = page.getByTestId('pacs-results').locator('tbody tr');
      await poll(() => rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-study-uid')).toBe(study.studyUid);
      expect(await rows.first().innerText()).toContain('BENALI Youssef');
      expect(await rows.first().innerText()).toContain('IRM du genou');
      // The PACS's name is its address, on a port of the test's choosing: out of the picture.
      expect(await page.getByTestId('pacs-name').innerText()).toBe(`PACS : ${new URL(peer.origin).host}`);
      await page.getByTestId('pacs-name').evaluate((element) => (element.style.visibility = 'hidden'));
      await settle(page);
      await expectScreenshot(page, 'imaging-pacs-fr');
      await expectAccessible(page);

      // Retrieved: the progress counts the instances, then the summary and the patient to confirm.
      const seen = page.evaluate(
        () =>
          new Promise<number>((resolve) => {
            const tabib = (
              window as unknown as {
                tabib: { on(name: string, listener: (p: { total: number }) => void): void };
              }
            ).tabib;
            tabib.on('imaging.importProgress', (progress) => resolve(progress.total));
          }),
      );
      await rows.first().getByTestId('pacs-retrieve').click();
      expect(await seen).toBe(6);
      await poll(() => page.getByTestId('pacs-retrieved').isVisible(), 30_000).toBe(true);
      expect(await page.getByTestId('pacs-retrieved').innerText()).toContain('6 images importées');
      await page.getByTestId('pacs-retrieved').getByTestId('link-leave').click();
      await poll(() => page.getByTestId('patient-link').count()).toBe(0);
      // Searched again, the study is in the cache: opened, not retrieved again.
      await page.getByTestId('pacs-search').click();
      await poll(() => rows.first().getByTestId('pacs-open').isVisible()).toBe(true);
      await rows.first().getByTestId('pacs-open').click();
      await poll(() => page.getByTestId('reading').getAttribute('data-state')).toBe('ready');
      // Unlinked: the report says so and offers the link.
      await poll(() => page.getByTestId('report-unlinked').isVisible()).toBe(true);
      const cached = await call<CachedStudy[]>(page, 'imaging.studies', {});
      expect(cached.find((entry) => entry.studyInstanceUid === study.studyUid)).toMatchObject({
        instances: 6,
        patientLink: null,
        heldByPacs: true,
      });
      // Linked from the report's side, to a patient found by search: the editor comes.
      const patient = await pickPatient(page);
      await page.getByTestId('report-unlinked').getByTestId('link-search').click();
      await page.getByTestId('calendar-patient-search').fill(patient.identifier!.value);
      await poll(() => page.locator(`[role="option"][data-patient-id="${patient.id}"]`).isVisible()).toBe(
        true,
      );
      await page.locator(`[role="option"][data-patient-id="${patient.id}"]`).click();
      await page.getByTestId('link-confirm-picked').click();
      await poll(() => page.getByTestId('report-editor').isVisible()).toBe(true);
      expect(await page.getByTestId('reading').locator('[data-link]').first().getAttribute('data-link')).toBe(
        'confirmed',
      );
      // Held by the PACS: nothing to send. A study from a CD is sent (STOW-RS), uploads being enabled.
      expect(await page.getByTestId('pacs-send').count()).toBe(0);
      await page.getByTestId('reading-back').click();
      const fromCd = cached.find((entry) => !entry.heldByPacs)!;
      await page.getByTestId('imaging-tab-worklist').click();
      await page
        .locator(`[data-testid="worklist"] tr[data-study-uid="${fromCd.studyInstanceUid}"]`)
        .getByTestId('worklist-open')
        .click();
      await poll(() => page.getByTestId('reading').getAttribute('data-study-uid')).toBe(
        fromCd.studyInstanceUid,
      );
      await page.getByTestId('pacs-send').click();
      await poll(() => page.getByTestId('pacs-send-result').innerText(), 30_000).toBe(
        `${fromCd.instances} ${fromCd.instances > 1 ? 'images envoyées' : 'image envoyée'} au PACS.`,
      );
      await expectAccessible(page);
      const onPacs = await call<{ studyInstanceUid: string }[]>(page, 'imaging.pacsSearch', {
        patientId: fromCd.dicomPatientId,
      });
      expect(onPacs.map((entry) => entry.studyInstanceUid)).toContain(fromCd.studyInstanceUid);
    } finally {
      await peer.stop();
    }
  });
});
