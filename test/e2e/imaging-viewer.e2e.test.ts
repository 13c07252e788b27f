/**
 * The study viewer (issue 7, deliverables 3 and 4) end to end: the built renderer in headless
 * Chromium (SwiftShader), the real services behind `window.tabib`, a DICOM corpus made by DCMTK
 * (test/imaging/dicom-corpus.ts) and a JPEG 2000 instance encoded here with OpenJPEG (the
 * @cornerstonejs/codec-openjpeg encoder: DCMTK's free tools have none), imported through the
 * contract and opened from the imaging worklist as the demonstration's radiologist.
 *
 * - every transfer syntax, multi-frame, RGB and YBR: each image rendered, compared with its baseline;
 * - an image that cannot be decoded: a localised error on the viewport, never a blank one;
 * - the acceptance flow, in French and in Arabic: open a study, scroll, measure a length, save,
 *   reopen: the measurement is there, with its value.
 */
import { createRequire } from 'node:module';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dicomParser from 'dicom-parser';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport, MeasurementView, StudyView } from '../../main/contract/imaging-types';
import type { AuditTrailEntry, PatientSearchHit, PatientSearchResult } from '../../main/contract/types';
import { DEMO_FACILITY } from '../../main/setup/workstation-setup';
import {
  dcmtk,
  dumpToDicom,
  makeCorpus,
  newUid,
  syntheticPixels,
  TS,
  type Corpus,
} from '../imaging/dicom-corpus';
import { seriousViolations } from './accessibility';
import { FIXED_NOW, harnessSuite, type HarnessSuite, type Workstation } from './harness';
import { pageCall } from './page-call';
import { expectScreenshot } from './screenshots';

const suite = harnessSuite();
const poll = <T>(check: () => T | Promise<T>) => expect.poll(check, { timeout: 30_000 });

const JPEG2000_LOSSLESS = '1.2.840.10008.1.2.4.90';

let dir = '';
let corpus: Corpus;
let jpeg2000 = { path: '', sopUid: '' };
let damaged = { path: '', sopUid: '', studyUid: '' };
let measured = { studyUid: '', sopUids: [] as string[] };
const firstImageMs: number[] = [];

/** A DICOM element in explicit VR little endian. */
function element(group: number, number: number, vr: string, value: Buffer): Buffer {
  const padded =
    value.length % 2 ? Buffer.concat([value, Buffer.from([vr === 'UI' || vr === 'OB' ? 0 : 0x20])]) : value;
  const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
  const header = Buffer.alloc(long ? 12 : 8);
  header.writeUInt16LE(group, 0);
  header.writeUInt16LE(number, 2);
  header.write(vr, 4, 'latin1');
  if (long) header.writeUInt32LE(padded.length, 8);
  else header.writeUInt16LE(padded.length, 6);
  return Buffer.concat([header, padded]);
}

/** The file meta information (PS3.10 §7.1) for an instance in a transfer syntax. */
function fileMeta(sopClass: string, sopInstance: string, transferSyntax: string): Buffer {
  const elements = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', Buffer.from(sopClass, 'latin1')),
    element(0x0002, 0x0003, 'UI', Buffer.from(sopInstance, 'latin1')),
    element(0x0002, 0x0010, 'UI', Buffer.from(transferSyntax, 'latin1')),
    element(0x0002, 0x0012, 'UI', Buffer.from('1.2.826.0.1.3680043.9.7433.1.1', 'latin1')),
  ]);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(elements.length, 0);
  return Buffer.concat([
    Buffer.alloc(128),
    Buffer.from('DICM', 'latin1'),
    element(0x0002, 0x0000, 'UL', length),
    elements,
  ]);
}

/** Encapsulated pixel data (PS3.5 §A.4): an empty basic offset table, one fragment, the delimiter. */
function encapsulated(fragment: Uint8Array): Buffer {
  const item = (bytes: Buffer) => {
    const header = Buffer.alloc(8);
    header.writeUInt16LE(0xfffe, 0);
    header.writeUInt16LE(0xe000, 2);
    header.writeUInt32LE(bytes.length, 4);
    return Buffer.concat([header, bytes]);
  };
  const body = Buffer.from(fragment);
  const even = body.length % 2 ? Buffer.concat([body, Buffer.from([0])]) : body;
  const head = Buffer.alloc(12);
  head.writeUInt16LE(0x7fe0, 0);
  head.writeUInt16LE(0x0010, 2);
  head.write('OB', 4, 'latin1');
  head.writeUInt32LE(0xffffffff, 8);
  const end = Buffer.alloc(8);
  end.writeUInt16LE(0xfffe, 0);
  end.writeUInt16LE(0xe0dd, 2);
  return Buffer.concat([head, item(Buffer.alloc(0)), item(even), end]);
}

/**
 * A JPEG 2000 (lossless) copy of an explicit little endian instance: its data set with a new SOP
 * Instance UID (the corpus's UIDs have one length, so it is swapped in place), its pixels encoded
 * by OpenJPEG's encoder.
 */
async function makeJpeg2000(source: string, out: string): Promise<{ path: string; sopUid: string }> {
  const bytes = readFileSync(source);
  const dataSet = dicomParser.parseDicom(new Uint8Array(bytes));
  const groupLength = dataSet.elements.x00020000 as dicomParser.Element;
  const metaEnd = groupLength.dataOffset + 4 + (dataSet.uint32('x00020000') as number);
  const pixels = dataSet.elements.x7fe00010 as dicomParser.Element;
  const body = Buffer.from(bytes.subarray(metaEnd, pixels.dataOffset - 12));
  const oldSop = dataSet.string('x00080018') as string;
  const sopUid = newUid();
  expect(sopUid.length).toBe(oldSop.length);
  body.write(sopUid, body.indexOf(oldSop, 0, 'latin1'), 'latin1');
  const factory = createRequire(import.meta.url)('@cornerstonejs/codec-openjpeg/wasmjs') as () => Promise<{
    J2KEncoder: new () => {
      getDecodedBuffer(info: object): Uint8Array;
      encode(): void;
      getEncodedBuffer(): Uint8Array;
    };
  }>;
  const openjpeg = await factory();
  const encoder = new openjpeg.J2KEncoder();
  const input = encoder.getDecodedBuffer({
    width: dataSet.uint16('x00280011'),
    height: dataSet.uint16('x00280010'),
    bitsPerSample: 16,
    componentCount: 1,
    isSigned: false,
    isUsingColorTransform: false,
  });
  input.set(bytes.subarray(pixels.dataOffset, pixels.dataOffset + pixels.length));
  encoder.encode();
  const codestream = Buffer.from(encoder.getEncodedBuffer());
  expect(codestream.subarray(0, 4).toString('hex')).toBe('ff4fff51');
  writeFileSync(
    out,
    Buffer.concat([
      fileMeta(dataSet.string('x00080016') as string, sopUid, JPEG2000_LOSSLESS),
      body,
      encapsulated(codestream),
    ]),
  );
  return { path: out, sopUid };
}

/** A JPEG-LS instance whose codestream is damaged past its header: it imports, and cannot be decoded. */
function makeDamaged(source: string, out: string): { path: string; sopUid: string } {
  const copy = Buffer.from(readFileSync(source));
  const dataSet = dicomParser.parseDicom(new Uint8Array(copy));
  const fragment = (dataSet.elements.x7fe00010 as dicomParser.Element).fragments?.[0];
  if (!fragment) throw new Error('No JPEG-LS fragment');
  // Keep SOI and the frame header; the scan's entropy-coded data becomes markers.
  copy.fill(0xff, fragment.position + 40, fragment.position + fragment.length - 2);
  const oldSop = dataSet.string('x00080018') as string;
  const sopUid = newUid();
  let at = copy.indexOf(oldSop, 0, 'latin1');
  while (at >= 0) {
    copy.write(sopUid, at, 'latin1');
    at = copy.indexOf(oldSop, at + 1, 'latin1');
  }
  writeFileSync(out, copy);
  return { path: out, sopUid };
}

/**
 * A small CT series with the geometry a radiologist's measurement needs (pixel spacing,
 * orientation, position, rescale to HU) and a UTF-8 name in both scripts.
 */
function makeMeasuredSeries(): { studyUid: string; sopUids: string[]; paths: string[] } {
  const studyUid = newUid();
  const seriesUid = newUid();
  const paths: string[] = [];
  const sopUids: string[] = [];
  for (let slice = 0; slice < 5; slice++) {
    const pixelFile = `measured-${slice}.raw`;
    writeFileSync(join(dir, pixelFile), syntheticPixels(64, 64, 16, 1, 1, 31 + slice));
    const sopUid = newUid();
    const path = dumpToDicom(dir, `measured-${slice}`, {
      characterSet: 'ISO_IR 192',
      patientName: Buffer.from('Alaoui^Samira=العلوي^سميرة', 'utf8'),
      patientId: 'MS0001',
      birthDate: '19800214',
      studyUid,
      seriesUid,
      sopUid,
      studyDescription: Buffer.from('Scanner thoracique', 'utf8'),
      seriesDescription: 'Axial 5 mm',
      instanceNumber: slice + 1,
      width: 64,
      height: 64,
      bits: 16,
      pixelFile,
    });
    dcmtk('dcmodify', [
      '-nb',
      '-i',
      'PixelSpacing=0.8\\0.8',
      '-i',
      'ImageOrientationPatient=1\\0\\0\\0\\1\\0',
      '-i',
      `ImagePositionPatient=-25.2\\-25.2\\${slice * 5}`,
      '-i',
      'SliceThickness=5',
      '-i',
      `FrameOfReferenceUID=${studyUid}.1`.slice(0, 64),
      '-i',
      'RescaleIntercept=-1024',
      '-i',
      'RescaleSlope=1',
      '-i',
      'WindowCenter=40',
      '-i',
      'WindowWidth=400',
      path,
    ]);
    paths.push(path);
    sopUids.push(sopUid);
  }
  return { studyUid, sopUids, paths };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tabib-viewer-corpus-'));
  corpus = makeCorpus(dir);
  jpeg2000 = await makeJpeg2000(corpus.transferSyntaxes[0]!.path, join(dir, 'jpeg2000.dcm'));
  // One instance number each (the corpus gives them all 1), and the multi-frame its own series
  // number: the stack's order, and so the screenshots, are the same at every run.
  [...corpus.transferSyntaxes.map((file) => file.path), jpeg2000.path].forEach((path, index) =>
    dcmtk('dcmodify', ['-nb', '-i', `InstanceNumber=${index + 1}`, path]),
  );
  dcmtk('dcmodify', ['-nb', '-i', 'SeriesNumber=2', corpus.multiFrame.path]);
  const jpegLs = corpus.transferSyntaxes.find((file) => file.transferSyntax === TS.jpegLsLossless)!;
  damaged = { ...makeDamaged(jpegLs.path, join(dir, 'damaged-jpeg-ls.dcm')), studyUid: jpegLs.studyUid };
  const series = makeMeasuredSeries();
  measured = { studyUid: series.studyUid, sopUids: series.sopUids };
  writeFileSync(join(dir, 'measured-paths.json'), JSON.stringify(series.paths));
}, 120_000);

afterAll(() => {
  if (firstImageMs.length > 0)
    console.info(`viewer: first image after opening a study: ${firstImageMs.join(', ')} ms`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

type Language = 'fr' | 'ar';

/** The encrypted instance files of a workstation's image cache. */
function cacheFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.tbic'))
    .map((name) => join(folder, name));
}

async function openStation(language: Language, on: HarnessSuite = suite): Promise<Workstation> {
  const station = await on.open({
    userConfig: { mode: 'demo', country: 'MA', language, facility: DEMO_FACILITY },
    signIn: 'radiologist',
  });
  const seeded = await station.host.invoke('demo.seed', { patients: 2, seed: 11 });
  if (!seeded.ok) throw new Error(JSON.stringify(seeded.error));
  await station.open();
  await poll(() => station.page.getByTestId('screen-imaging').isVisible()).toBe(true);
  return station;
}

/** A patient of the record (the demonstration's seeded ones), for a study to be linked to. */
/** A patient of the demonstration record (the first found by birth year). */
async function recordPatientHit(station: Workstation): Promise<PatientSearchHit> {
  for (let year = 1940; year < 2020; year++) {
    const answer = await station.host.invoke('patients.search', { query: String(year), limit: 1 });
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    const hit = (answer.value as PatientSearchResult).hits[0];
    if (hit) return hit;
  }
  throw new Error('No patient in the demonstration record');
}

const recordPatient = async (station: Workstation) => (await recordPatientHit(station)).id;

async function importPaths(page: Page, paths: string[]): Promise<ImportReport> {
  const report = await pageCall<ImportReport>(page, 'imaging.import', { paths });
  expect(report.files.filter((file) => file.status === 'error')).toEqual([]);
  return report;
}

/** Thumbnails drawn, no image loading: what a screenshot may compare. */
async function settled(page: Page): Promise<void> {
  await poll(() => page.locator('.tabib-thumbnail[data-state="loading"]').count()).toBe(0);
  await page.evaluate(
    () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))),
  );
}

/** Opens a study from the worklist; the time until its first image is rendered. */
async function openStudy(page: Page, studyUid: string): Promise<number> {
  const row = page.locator(`tr[data-study-uid="${studyUid}"]`);
  if (!(await row.isVisible())) {
    await page.reload();
    await page.waitForFunction(() => document.fonts.status === 'loaded');
  }
  await poll(() => row.isVisible()).toBe(true);
  const started = Date.now();
  await row.getByTestId('worklist-open').click();
  const viewport = page.getByTestId('viewer-viewport-0');
  await poll(
    async () =>
      (await viewport.getAttribute('data-rendered-image')) ??
      (await viewport.getAttribute('data-error-code')),
  ).toMatch(/^tabib:|^[A-Z]/);
  const elapsed = Date.now() - started;
  firstImageMs.push(elapsed);
  return elapsed;
}

async function closeStudy(page: Page): Promise<void> {
  await page.getByTestId('reading-back').click();
  await poll(() => page.getByTestId('worklist-panel').isVisible()).toBe(true);
}

const renderedImage = (page: Page, slot = 0) =>
  page.getByTestId(`viewer-viewport-${slot}`).getAttribute('data-rendered-image');

async function expectAccessible(page: Page, what: string): Promise<void> {
  const violations = await seriousViolations(page);
  expect(violations, `${what}: ${JSON.stringify(violations, null, 1)}`).toEqual([]);
}

describe('the study viewer', () => {
  it('renders every transfer syntax of the corpus, JPEG 2000, multi-frame, RGB and YBR', async () => {
    const station = await openStation('fr');
    const { page } = station;
    await importPaths(page, [
      ...corpus.transferSyntaxes.map((file) => file.path),
      jpeg2000.path,
      corpus.multiFrame.path,
      corpus.rgb.path,
      corpus.rgbJpeg.path,
    ]);
    const studyUid = corpus.transferSyntaxes[0]!.studyUid;
    const study = await pageCall<StudyView>(page, 'imaging.study', { studyInstanceUid: studyUid });
    const names = new Map<string, string>([
      ...corpus.transferSyntaxes.map(
        (file) => [file.sopUid, file.path.replace(/^.*\/|\.dcm$/g, '')] as [string, string],
      ),
      [jpeg2000.sopUid, 'jpeg2000'],
    ]);
    const stack = study.series.find((series) =>
      series.instances.some((instance) => names.has(instance.sopInstanceUid)),
    )!;
    expect(stack.instances.map((instance) => instance.sopInstanceUid).sort()).toEqual(
      [...names.keys()].sort(),
    );

    await openStudy(page, studyUid);
    const viewport = page.getByTestId('viewer-viewport-0');
    // The series browser loads a series into the active viewport.
    await page.getByTestId(`viewer-series-${stack.seriesInstanceUid}`).click();
    await poll(() => viewport.getAttribute('data-series')).toBe(stack.seriesInstanceUid);
    await viewport.focus();
    await page.keyboard.press('Home');
    for (const [index, instance] of stack.instances.entries()) {
      if (index > 0) await page.keyboard.press('ArrowDown');
      await poll(() => renderedImage(page)).toBe(`tabib:${instance.sopInstanceUid}`);
      expect(await viewport.getAttribute('data-error-code')).toBe('');
      await poll(() => page.getByTestId('viewer-overlay-image-0').innerText()).toContain(
        `Image ${index + 1}/${stack.instances.length}`,
      );
      await settled(page);
      await expectScreenshot(page, `viewer-ts-${names.get(instance.sopInstanceUid)}`);
    }
    await expectAccessible(page, 'viewer');

    // Two viewports side by side, scrolling linked: the second shows the next series and follows.
    await page.getByTestId('viewer-layout').getByText('1×2').click();
    const second = page.getByTestId('viewer-viewport-1');
    await poll(() => renderedImage(page, 1)).toBe(`tabib:${corpus.multiFrame.sopUid}?frame=1`);
    await viewport.focus();
    await page.keyboard.press('Home');
    await poll(() => renderedImage(page)).toBe(`tabib:${stack.instances[0]!.sopInstanceUid}`);
    await poll(() => renderedImage(page, 1)).toBe(`tabib:${corpus.multiFrame.sopUid}?frame=1`);
    await page.keyboard.press('End');
    await poll(() => renderedImage(page, 1)).toBe(`tabib:${corpus.multiFrame.sopUid}?frame=4`);
    expect(await second.getAttribute('data-error-code')).toBe('');
    await settled(page);
    await expectScreenshot(page, 'viewer-layout-1x2');
    await page.getByTestId('viewer-layout').getByText('1×1').click();
    await poll(() => second.count()).toBe(0);

    // The tag browser: the image's elements, searchable.
    await page.getByTestId('viewer-tags').click();
    const tags = page.getByTestId('viewer-tag-table');
    await poll(() => tags.isVisible()).toBe(true);
    await page.getByTestId('viewer-tag-search').fill('PatientName');
    await poll(() => tags.locator('tbody tr').count()).toBe(1);
    expect(await tags.locator('tbody tr').innerText()).toContain('Synthetic^Patient');
    await page.keyboard.press('Escape');
    await poll(() => tags.isVisible()).toBe(false);

    // Multi-frame: one instance, a stack of its frames.
    const multi = study.series.find((series) =>
      series.instances.some((instance) => instance.sopInstanceUid === corpus.multiFrame.sopUid),
    )!;
    await page.getByTestId(`viewer-series-${multi.seriesInstanceUid}`).click();
    await poll(() => renderedImage(page)).toBe(`tabib:${corpus.multiFrame.sopUid}?frame=1`);
    await viewport.focus();
    await page.keyboard.press('End');
    await poll(() => renderedImage(page)).toBe(`tabib:${corpus.multiFrame.sopUid}?frame=4`);
    await poll(() => page.getByTestId('viewer-overlay-image-0').innerText()).toContain('Image 4/4');
    await settled(page);
    await expectScreenshot(page, 'viewer-multiframe');

    // Colour: RGB (native) and YBR_FULL_422 (JPEG baseline), another study.
    await closeStudy(page);
    const colour = await pageCall<StudyView>(page, 'imaging.study', {
      studyInstanceUid: corpus.rgb.studyUid,
    });
    await openStudy(page, corpus.rgb.studyUid);
    for (const series of colour.series)
      for (const instance of series.instances) {
        await page.getByTestId(`viewer-series-${series.seriesInstanceUid}`).click();
        await viewport.focus();
        await page.keyboard.press(instance === series.instances[0] ? 'Home' : 'ArrowDown');
        await poll(() => renderedImage(page)).toBe(`tabib:${instance.sopInstanceUid}`);
        await settled(page);
        await expectScreenshot(
          page,
          `viewer-colour-${instance.sopInstanceUid === corpus.rgb.sopUid ? 'rgb' : 'ybr'}`,
        );
      }
  }, 240_000);
});

/** A French workstation with the measured series imported (not linked to a patient), opened. */
async function openMeasuredStudy() {
  const station = await openStation('fr');
  const { page } = station;
  const paths = JSON.parse(readFileSync(join(dir, 'measured-paths.json'), 'utf8')) as string[];
  await importPaths(page, paths);
  await openStudy(page, measured.studyUid);
  return { station, page, viewport: page.getByTestId('viewer-viewport-0') };
}

/** Draws a length with the mouse, from left of the viewport's middle; its item in the list, unsaved. */
async function drawLength(page: Page, box: { x: number; y: number; width: number; height: number }) {
  await page.getByTestId('viewer-tool-length').click();
  expect(await page.getByTestId('viewer-tool-length').getAttribute('aria-pressed')).toBe('true');
  // Cornerstone takes a press as a drag once the pointer has moved; each move is awaited.
  const y = box.y + box.height / 2;
  const x0 = box.x + box.width / 2 - 100;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  await page.mouse.move(x0 + 8, y + 2);
  const item = page.getByTestId('viewer-measurement');
  await poll(() => item.count()).toBe(1);
  for (let step = 1; step <= 20; step++) await page.mouse.move(x0 + 8 + step * 9.6, y + 2 + step * 1.9);
  await page.mouse.up();
  // Cornerstone computes a drawn length's value on a trailing throttle (100 ms, by Date.now): the
  // harness's clock stands still, so it is moved on, as time passes at a workstation.
  await page.clock.setFixedTime(new Date(FIXED_NOW.getTime() + 1_000));
  await poll(() => item.getAttribute('data-saved')).toBe('false');
  return item;
}

async function measureSaveReopen(language: Language): Promise<void> {
  const station = await openStation(language);
  const { page } = station;
  const paths = JSON.parse(readFileSync(join(dir, 'measured-paths.json'), 'utf8')) as string[];
  await importPaths(page, paths);
  // Measurements are kept in the patient's record: the study is linked to its patient first.
  const patientId = await recordPatient(station);
  await pageCall(page, 'imaging.confirmPatient', { studyInstanceUid: measured.studyUid, patientId });
  await openStudy(page, measured.studyUid);
  const viewport = page.getByTestId('viewer-viewport-0');
  await poll(() => renderedImage(page)).toBe(`tabib:${measured.sopUids[0]}`);
  // Orientation from ImageOrientationPatient: patient's left on the image's right.
  await poll(() => page.getByTestId('viewer-marker-left-0').innerText()).toBe('R');
  expect(await page.getByTestId('viewer-marker-top-0').innerText()).toBe('A');

  // Scroll: the wheel, then the keyboard.
  const box = (await viewport.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 120);
  await poll(() => renderedImage(page)).toBe(`tabib:${measured.sopUids[1]}`);
  await viewport.focus();
  await page.keyboard.press('ArrowDown');
  await poll(() => renderedImage(page)).toBe(`tabib:${measured.sopUids[2]}`);

  // A length, drawn with the mouse.
  const item = await drawLength(page, box);
  // 200 by 40 screen pixels over a 64-pixel image at 0.8 mm: some tens of millimetres.
  const millimetres = async () => {
    const match = /^(\d+)[.,](\d) (mm|مم)$/.exec(
      await item.getByTestId('viewer-measurement-value').innerText(),
    );
    return match ? Number(`${match[1]}.${match[2]}`) : NaN;
  };
  await poll(millimetres).toBeGreaterThan(20);
  expect(await millimetres()).toBeLessThan(52);
  const value = await item.getByTestId('viewer-measurement-value').innerText();
  // Unsaved: said in the list, and drawn orange and dashed.
  await page.mouse.move(1, 799);
  await settled(page);
  await expectScreenshot(page, `viewer-measurement-unsaved-${language}`);
  // Orange (lighter while highlighted, as the line just drawn is) and dashed.
  const line = viewport.locator('svg line').first();
  expect(await line.getAttribute('stroke')).toMatch(/^rgb\(255, (160, 0|200, 90)\)$/);
  expect(await line.getAttribute('stroke-dasharray')).toBe('4,3');
  expect(await page.getByTestId('viewer-save').getAttribute('data-unsaved')).toBe('1');

  // Ctrl+S saves.
  await viewport.focus();
  await page.keyboard.press('Control+S');
  await poll(() => item.getAttribute('data-saved')).toBe('true');
  expect(await page.getByTestId('viewer-save').getAttribute('data-unsaved')).toBe('0');
  const saved = await pageCall<MeasurementView[]>(page, 'imaging.measurements', {
    studyInstanceUid: measured.studyUid,
  });
  expect(saved).toHaveLength(1);
  expect(saved[0]).toMatchObject({ kind: 'length', sopInstanceUid: measured.sopUids[2], frame: 1, unit: '' });
  expect(saved[0]!.values.length).toBeCloseTo(await millimetres(), 1);

  // Reopened: the measurement is listed as saved, with its value, and drawn on its image.
  await closeStudy(page);
  await openStudy(page, measured.studyUid);
  await poll(() => item.count()).toBe(1);
  await poll(() => item.getByTestId('viewer-measurement-value').innerText()).toBe(value);
  expect(await item.getAttribute('data-saved')).toBe('true');
  await item.locator('button').first().click();
  await poll(() => renderedImage(page)).toBe(`tabib:${measured.sopUids[2]}`);
  // Drawn: its line and its value's box in the viewport's SVG layer (a screenshot would hardly
  // notice a missing thin line).
  await poll(() => viewport.locator('svg line').count()).toBeGreaterThan(0);
  await poll(() => viewport.locator('svg [data-annotation-uid]').count()).toBeGreaterThan(0);
  await page.mouse.move(1, 799);
  await settled(page);
  await expectScreenshot(page, `viewer-measurement-${language}`);
  // Each opening is one read in the patient's audit trail: two openings, two entries.
  const trail = await station.host.invoke('record.auditTrail', { patientId });
  if (!trail.ok) throw new Error(JSON.stringify(trail.error));
  const openings = (trail.value as AuditTrailEntry[]).filter(
    (entry) => entry.action === 'R' && entry.description === `imaging study ${measured.studyUid} opened`,
  );
  expect(openings).toHaveLength(2);
  await expectAccessible(page, 'viewer with a measurement');
}

describe('an image the viewer cannot show', () => {
  // Cornerstone logs a decoder's refusal at error level: this test checks the page's errors itself.
  const brokenSuite = harnessSuite({ checkPageErrors: false });
  it('says so on the viewport, in the user’s language, when an image cannot be decoded', async () => {
    const station = await openStation('ar', brokenSuite);
    const { page } = station;
    await importPaths(page, [damaged.path]);
    await openStudy(page, damaged.studyUid);
    const error = page.getByTestId('viewer-error-0');
    await poll(() => error.isVisible()).toBe(true);
    expect(await page.getByTestId('viewer-viewport-0').getAttribute('data-error-code')).toBe('DECODE');
    expect(await error.innerText()).toContain('تعذّر فك ترميز هذه الصورة');
    await settled(page);
    await expectScreenshot(page, 'viewer-decode-error-ar');

    // A missing instance (its cache file gone): said so as well.
    await closeStudy(page);
    await importPaths(
      page,
      corpus.cd.files.map((file) => file.path),
    );
    for (const file of cacheFiles(station.dataDir)) rmSync(file);
    await openStudy(page, corpus.cd.files[0]!.studyUid);
    await poll(() => page.getByTestId('viewer-viewport-0').getAttribute('data-error-code')).toBe(
      'IMAGING_CACHE_MISSING',
    );
    expect(await error.innerText()).toContain('ملف صورة محفوظة مفقود');

    // What the page logged: the codec's refusal and the missing file, nothing else.
    const unexpected = station.pageErrors.filter(
      (message) =>
        !/Invalid JPEG-LS stream|IMAGING_CACHE_MISSING|cached instance file is missing|decodeTask/.test(
          message,
        ),
    );
    expect(unexpected).toEqual([]);
  }, 120_000);
});

describe('the viewer’s controls', () => {
  it('windows, rotates, flips, inverts and resets by keyboard as web viewers do; plays cine', async () => {
    const { page, viewport } = await openMeasuredStudy();
    await poll(() => viewport.getAttribute('data-window')).toBe('400/40');
    await viewport.focus();
    const view = () => viewport.getAttribute('data-view');
    await page.keyboard.press('2');
    await poll(() => viewport.getAttribute('data-window')).toBe('1500/-600');
    await page.keyboard.press('1');
    await poll(() => viewport.getAttribute('data-window')).toBe('80/40');
    await page.keyboard.press('r');
    await poll(view).toBe('rotation=90 flipH=false flipV=false invert=false');
    // Rotated a quarter turn clockwise: the patient's right is at the top.
    expect(await page.getByTestId('viewer-marker-top-0').innerText()).toBe('R');
    // (Cornerstone reports the rotation of a flipped view mirrored.)
    await page.keyboard.press('h');
    await page.keyboard.press('i');
    await poll(view).toMatch(/flipH=true flipV=false invert=true$/);
    await page.keyboard.press('v');
    await poll(view).toMatch(/flipH=true flipV=true invert=true$/);
    const zoom = async () =>
      Number(/(\d+)\s?%/.exec(await page.getByTestId('viewer-overlay-window-0').innerText())?.[1]);
    const before = await zoom();
    await page.keyboard.press('+');
    await poll(zoom).toBeGreaterThan(before);
    await settled(page);
    await expectScreenshot(page, 'viewer-controls-fr');
    await page.keyboard.press(' ');
    await poll(view).toBe('rotation=0 flipH=false flipV=false invert=false');
    await poll(() => viewport.getAttribute('data-window')).toBe('400/40');
    expect(await page.getByTestId('viewer-overlay-window-0').innerText()).toContain('100');

    // Presets from the menu too; the toolbar's buttons say their shortcut.
    await page.getByTestId('viewer-presets').click();
    await page.getByTestId('viewer-preset-bone').click();
    await poll(() => viewport.getAttribute('data-window')).toBe('2500/480');
    expect(await page.getByTestId('viewer-action-rotateRight').getAttribute('aria-keyshortcuts')).toBe('R');
    expect(await page.getByTestId('viewer-save').getAttribute('aria-keyshortcuts')).toBe('Control+S');
    // Their hint (one for the toolbar): under the pointer after a moment, at once under the
    // keyboard's focus; gone when the pointer leaves.
    const hint = page.getByTestId('viewer-hint');
    await page.getByTestId('viewer-action-rotateRight').hover();
    await poll(() => hint.isVisible()).toBe(true);
    expect(await hint.innerText()).toBe('Rotation à droite (R)');
    const rotateBox = (await page.getByTestId('viewer-action-rotateRight').boundingBox())!;
    const hintBox = (await hint.boundingBox())!;
    expect(hintBox.y).toBeGreaterThan(rotateBox.y + rotateBox.height);
    expect(Math.abs(hintBox.x + hintBox.width / 2 - (rotateBox.x + rotateBox.width / 2))).toBeLessThan(2);
    const imageBox = (await viewport.boundingBox())!;
    await page.mouse.move(imageBox.x + 10, imageBox.y + imageBox.height - 10);
    await poll(() => hint.count()).toBe(0);
    await page.getByTestId('viewer-action-flipH').focus();
    await page.keyboard.press('Tab');
    await poll(() => hint.innerText()).toBe('Miroir vertical (V)');
    await viewport.focus();
    await poll(() => hint.count()).toBe(0);

    // Cine: the stack plays, and stops.
    await page.getByTestId('viewer-cine').click();
    await poll(() => viewport.getAttribute('data-image-index')).not.toBe('0');
    await page.getByTestId('viewer-cine').click();
    expect(await page.getByTestId('viewer-cine').getAttribute('aria-pressed')).toBe('false');
    await expectAccessible(page, 'viewer controls');

    // An ellipse: its area, and the mean and SD of what it encloses, in HU; an arrow with its text.
    const box = (await viewport.boundingBox())!;
    const drag = async (tool: string, from: [number, number], to: [number, number], moment: number) => {
      await page.getByTestId(`viewer-tool-${tool}`).click();
      await page.mouse.move(box.x + from[0], box.y + from[1]);
      await page.mouse.down();
      await page.mouse.move(box.x + from[0] + 4, box.y + from[1] + 4);
      for (let step = 1; step <= 10; step++)
        await page.mouse.move(
          box.x + from[0] + ((to[0] - from[0]) * step) / 10,
          box.y + from[1] + ((to[1] - from[1]) * step) / 10,
        );
      await page.mouse.up();
      // The harness's clock stands still: Cornerstone's throttled statistics need it to move.
      await page.clock.setFixedTime(new Date(FIXED_NOW.getTime() + moment));
    };
    const items = page.getByTestId('viewer-measurement');
    await drag('ellipse', [190, 230], [240, 270], 2_000);
    const ellipse = items.and(page.locator('[data-kind="ellipse"]'));
    await poll(() => ellipse.getByTestId('viewer-measurement-value').innerText()).toMatch(
      /^\d+,\d mm² · moy\. -?\d+,\d HU · ET \d+,\d$/,
    );
    await drag('arrow', [200, 300], [150, 220], 3_000);
    const text = page.getByTestId('viewer-arrow-text');
    await poll(() => text.isVisible()).toBe(true);
    await text.fill('Nodule');
    await page.getByTestId('viewer-arrow-ok').click();
    const arrow = items.and(page.locator('[data-kind="arrow"]'));
    await poll(() => arrow.getByTestId('viewer-measurement-value').innerText()).toBe('Nodule');
    expect(await items.count()).toBe(2);
  }, 120_000);
});

describe('a radiologist measures, saves and finds the measurement again (issue 7 acceptance)', () => {
  it('in French', () => measureSaveReopen('fr'), 180_000);
  it('in Arabic', () => measureSaveReopen('ar'), 180_000);
});

describe('a measurement made before the study is linked to its patient', () => {
  it('stays drawn, unsaved, when the study is linked, and is saved then', async () => {
    const { station, page, viewport } = await openMeasuredStudy();
    await poll(() => renderedImage(page)).toBe(`tabib:${measured.sopUids[0]}`);
    const item = await drawLength(page, (await viewport.boundingBox())!);
    // Not linked: nowhere to save it yet, and its hint says why.
    expect(await page.getByTestId('viewer-save').isDisabled()).toBe(true);
    await page.getByTestId('viewer-save').hover();
    await poll(() => page.getByTestId('viewer-hint').innerText()).toBe(
      'Pour enregistrer des mesures, liez d’abord cet examen au patient du dossier.',
    );
    await viewport.focus();
    await page.keyboard.press('Control+S');
    await settled(page);
    expect(await item.getAttribute('data-saved')).toBe('false');
    expect(await pageCall(page, 'imaging.measurements', { studyInstanceUid: measured.studyUid })).toEqual([]);

    // Linked from the report's side: the study's view is read again, the drawing stays.
    const patient = await recordPatientHit(station);
    const patientId = patient.id;
    await page.getByTestId('report-unlinked').getByTestId('link-search').click();
    await page.getByTestId('calendar-patient-search').fill(patient.identifier!.value);
    const option = page.locator(`[role="option"][data-patient-id="${patientId}"]`);
    await poll(() => option.isVisible()).toBe(true);
    await option.click();
    await page.getByTestId('link-confirm-picked').click();
    await poll(() => page.getByTestId('report-editor').isVisible()).toBe(true);
    await poll(() => page.getByTestId('viewer-save').isDisabled()).toBe(false);
    expect(await item.count()).toBe(1);
    expect(await item.getAttribute('data-saved')).toBe('false');
    expect(await viewport.locator('svg line').count()).toBeGreaterThan(0);

    await viewport.focus();
    await page.keyboard.press('Control+S');
    await poll(() => item.getAttribute('data-saved')).toBe('true');
    const saved = await pageCall<MeasurementView[]>(page, 'imaging.measurements', {
      studyInstanceUid: measured.studyUid,
    });
    expect(saved.map((measurement) => measurement.kind)).toEqual(['length']);
  }, 180_000);
});

describe('the other measuring tools, and four viewports', () => {
  it('measures a rectangle and an ellipse (area, mean, SD), a probe and an angle; shows 2×2', async () => {
    const { page, viewport } = await openMeasuredStudy();
    await poll(() => renderedImage(page)).toBe(`tabib:${measured.sopUids[0]}`);
    const box = (await viewport.boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const items = page.getByTestId('viewer-measurement');
    const valueOf = (kind: string) =>
      items
        .and(page.locator(`[data-kind="${kind}"]`))
        .getByTestId('viewer-measurement-value')
        .innerText();
    // A press, a first move (Cornerstone takes the press as a drag once the pointer has moved, and
    // makes the annotation), the annotation awaited, then the rest of the moves one by one, a release.
    const drag = async (from: [number, number], to: [number, number]) => {
      const before = await items.count();
      await page.mouse.move(...from);
      await page.mouse.down();
      await page.mouse.move(from[0] + 4, from[1] + 4);
      await poll(() => items.count()).toBe(before + 1);
      for (let step = 1; step <= 12; step++)
        await page.mouse.move(
          from[0] + ((to[0] - from[0]) * step) / 12,
          from[1] + ((to[1] - from[1]) * step) / 12,
        );
      await page.mouse.up();
    };
    let clock = FIXED_NOW.getTime();
    // Cornerstone computes the statistics on a trailing throttle, by Date.now: time is moved on.
    const timePasses = () => page.clock.setFixedTime(new Date((clock += 1_000)));

    const roi = /^(\d+,\d) mm² · moy\. (-?\d+,\d)(?: \S+)? · ET (\d+,\d)$/;
    await page.getByTestId('viewer-tool-rectangle').click();
    await drag([cx - 60, cy - 60], [cx + 20, cy + 20]);
    await timePasses();
    // 80 × 80 screen pixels over a 64-pixel image 0.8 mm apart, fitted to the viewport's width.
    const mmPerScreenPixel = (64 * 0.8) / box.width;
    const expectedArea = (80 * mmPerScreenPixel) ** 2;
    // The area of an ROI's values, once computed for its last size (the first values are the first move's).
    const areaOf = async (kind: string) => {
      const match = roi.exec(await valueOf(kind));
      return match ? Number(match[1]!.replace(',', '.')) : NaN;
    };
    await poll(() => areaOf('rectangle')).toBeGreaterThan(expectedArea * 0.8);
    expect(await areaOf('rectangle')).toBeLessThan(expectedArea * 1.2);
    expect(await valueOf('rectangle')).toMatch(roi);

    await page.getByTestId('viewer-tool-ellipse').click();
    await drag([cx - 40, cy + 40], [cx + 40, cy + 100]);
    await timePasses();
    // Drawn from its centre: semi-axes of 80 and 60 screen pixels.
    const expectedEllipse = Math.PI * 80 * 60 * mmPerScreenPixel ** 2;
    await poll(() => areaOf('ellipse')).toBeGreaterThan(expectedEllipse * 0.8);
    expect(await areaOf('ellipse')).toBeLessThan(expectedEllipse * 1.2);

    await page.getByTestId('viewer-tool-probe').click();
    await page.mouse.click(cx + 60, cy - 80);
    await timePasses();
    await poll(() => valueOf('probe')).toMatch(/^-?\d+(?: \S+)?$/);

    // An angle: two segments at a right angle, the second point shared.
    await page.getByTestId('viewer-tool-angle').click();
    await drag([cx - 120, cy + 150], [cx - 60, cy + 150]);
    await page.mouse.move(cx - 60, cy + 120);
    await page.mouse.move(cx - 60, cy + 90);
    await page.mouse.click(cx - 60, cy + 90);
    await timePasses();
    await poll(async () =>
      Number((await valueOf('angle')).replace('°', '').replace(',', '.')),
    ).toBeGreaterThan(88);
    expect(Number((await valueOf('angle')).replace('°', '').replace(',', '.'))).toBeLessThan(92);
    expect(await items.count()).toBe(4);

    // Four viewports: each draws an image; scrolling one moves the others (linked).
    await page.getByTestId('viewer-layout').getByText('2×2').click();
    for (const slot of [0, 1, 2, 3]) await poll(() => renderedImage(page, slot)).toMatch(/^tabib:/);
    await viewport.focus();
    await page.keyboard.press('End');
    for (const slot of [0, 1, 2, 3])
      await poll(() => renderedImage(page, slot)).toBe(`tabib:${measured.sopUids.at(-1)}`);
    await expectAccessible(page, 'viewer in 2×2 with four measurements');
  }, 180_000);
});

describe('text in the Specific Character Set', () => {
  it('shows a French (ISO_IR 100) and an Arabic (ISO_IR 127) study, their names decoded', async () => {
    const { page } = await openStation('fr');
    await importPaths(page, [corpus.french.path, corpus.arabic.path]);
    const cases = [
      { file: corpus.french, name: 'Lefèvre Françoise Hélène', screenshot: 'viewer-charset-iso-ir-100' },
      { file: corpus.arabic, name: 'بنعلي فاطمة', screenshot: 'viewer-charset-iso-ir-127' },
    ];
    for (const { file, name, screenshot } of cases) {
      await openStudy(page, file.studyUid);
      await poll(() => renderedImage(page)).toBe(`tabib:${file.sopUid}`);
      expect(await page.getByTestId('viewer-overlay-patient-0').innerText()).toContain(name);
      await settled(page);
      await expectScreenshot(page, screenshot);
      await closeStudy(page);
    }
  }, 120_000);
});

describe('a measurement on a frame of a multi-frame image', () => {
  it('is saved with its frame, and drawn on that frame again when the study is reopened', async () => {
    const station = await openStation('fr');
    const { page } = station;
    await importPaths(page, [corpus.multiFrame.path]);
    const patientId = await recordPatient(station);
    await pageCall(page, 'imaging.confirmPatient', {
      studyInstanceUid: corpus.multiFrame.studyUid,
      patientId,
    });
    await openStudy(page, corpus.multiFrame.studyUid);
    const viewport = page.getByTestId('viewer-viewport-0');
    const frame = (n: number) => `tabib:${corpus.multiFrame.sopUid}?frame=${n}`;
    await poll(() => renderedImage(page)).toBe(frame(1));
    await viewport.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await poll(() => renderedImage(page)).toBe(frame(3));
    const item = await drawLength(page, (await viewport.boundingBox())!);
    await viewport.focus();
    await page.keyboard.press('Control+S');
    await poll(() => item.getAttribute('data-saved')).toBe('true');
    const saved = await pageCall<MeasurementView[]>(page, 'imaging.measurements', {
      studyInstanceUid: corpus.multiFrame.studyUid,
    });
    expect(saved.map(({ sopInstanceUid, frame: number }) => [sopInstanceUid, number])).toEqual([
      [corpus.multiFrame.sopUid, 3],
    ]);
    // The image has no pixel spacing: measured, listed and kept in pixels, not mm.
    expect(saved[0]!.geometryUnit).toBe('px');
    expect(await item.getByTestId('viewer-measurement-value').innerText()).toMatch(/^\d+,\d px$/);

    await closeStudy(page);
    await openStudy(page, corpus.multiFrame.studyUid);
    await poll(() => item.count()).toBe(1);
    await item.locator('button').first().click();
    await poll(() => renderedImage(page)).toBe(frame(3));
    await poll(() => viewport.locator('svg line').count()).toBeGreaterThan(0);
    // Not on the other frames.
    await viewport.focus();
    await page.keyboard.press('ArrowUp');
    await poll(() => renderedImage(page)).toBe(frame(2));
    await poll(() => viewport.locator('svg line').count()).toBe(0);

    // Ctrl+S the moment the mouse is released, before the list has read the line's last move:
    // saved where the line ends, so it stays saved once the list catches up.
    await page.getByTestId('viewer-tool-length').click();
    await viewport.focus();
    const box = (await viewport.boundingBox())!;
    const [x0, y0] = [box.x + box.width / 2 - 60, box.y + box.height / 2 + 40];
    await page.mouse.move(x0, y0);
    await page.mouse.down();
    for (let step = 1; step <= 12; step++) await page.mouse.move(x0 + step * 10, y0 + step * 3);
    await page.mouse.up();
    await page.keyboard.press('Control+S');
    await poll(() => item.count()).toBe(2);
    await page.clock.setFixedTime(new Date(FIXED_NOW.getTime() + 5_000));
    await poll(() =>
      item.evaluateAll((items) =>
        items.every((each) =>
          / px$/.test(each.querySelector('[data-testid="viewer-measurement-value"]')?.textContent ?? ''),
        ),
      ),
    ).toBe(true);
    await poll(() => page.getByTestId('viewer-save').getAttribute('data-unsaved')).toBe('0');
    await settled(page);
    expect(await item.evaluateAll((items) => items.map((each) => each.getAttribute('data-saved')))).toEqual([
      'true',
      'true',
    ]);
    const both = await pageCall<MeasurementView[]>(page, 'imaging.measurements', {
      studyInstanceUid: corpus.multiFrame.studyUid,
    });
    expect(both.map((measurement) => measurement.frame).sort()).toEqual([2, 3]);
  }, 120_000);
});
