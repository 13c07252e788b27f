/**
 * print.document of kind imagingReport: the radiologist's report (a DiagnosticReport written by
 * imaging.saveReport) rendered by Chromium and read back with pdf.js — the study, the report's
 * parts, the measurements saved on the study, the patient in both scripts; audited as an export.
 * A preliminary report is not printed; a DiagnosticReport that is not an imaging report is refused.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticReport } from '@medplum/fhirtypes';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedDocument } from '../../main/contract/features/print-contract';
import type { ImagingReportView, MeasurementView, StudyView } from '../../main/contract/imaging-types';
import { launchChromium } from '../support/chromium';
import { dumpToDicom, newUid, syntheticPixels } from '../imaging/dicom-corpus';
import { chromiumPdfRenderer } from './chromium-pdf-renderer';
import { CIN, doctor, printWorkstation, writePrintRecord, type PrintRecord } from './print-fixture';
import { readPdf } from './pdf-text';

let browser: Browser;
let workstation: Awaited<ReturnType<typeof printWorkstation>>;
let ids: PrintRecord;
let dir: string;
const studyInstanceUid = newUid();

beforeAll(async () => {
  browser = await launchChromium();
  workstation = await printWorkstation({ pdfRenderer: chromiumPdfRenderer(browser) });
  ids = writePrintRecord(workstation.record);
  dir = mkdtempSync(join(tmpdir(), 'tabib-imaging-print-'));
  const seriesDir = join(dir, 'study');
  mkdirSync(seriesDir);
  writeFileSync(join(seriesDir, 'px.raw'), syntheticPixels(32, 32, 16));
  const seriesUid = newUid();
  for (let index = 0; index < 2; index++)
    dumpToDicom(seriesDir, `im${index}`, {
      patientName: Buffer.from('BENALI^Mohamed Amine'),
      patientId: CIN,
      studyUid: studyInstanceUid,
      seriesUid,
      sopUid: newUid(),
      studyDescription: Buffer.from('TDM cérébrale sans injection', 'latin1'),
      instanceNumber: index + 1,
      width: 32,
      height: 32,
      bits: 16,
      pixelFile: 'px.raw',
    });
  for (const entry of readdirSync(seriesDir)) if (!entry.endsWith('.dcm')) rmSync(join(seriesDir, entry));
  await workstation.station.call('imaging.import', { paths: [seriesDir] });
}, 120_000);

afterAll(async () => {
  await workstation?.station.close();
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function print(resourceId: string) {
  const printed = await workstation.station.call<PrintedDocument>('print.document', {
    kind: 'imagingReport',
    resourceId,
  });
  const reading = await readPdf(new Uint8Array(Buffer.from(printed.pdf, 'base64')));
  return { printed, text: reading.text.replace(/[\u00a0\u202f]/g, ' ').replace(/\s*\n\s*/g, ' '), reading };
}

describe('the imaging report printout', () => {
  it('prints the study, the report’s parts and the measurements, once the report is final', async () => {
    const { station } = workstation;
    const view = await station.call<StudyView>('imaging.study', { studyInstanceUid });
    const [series] = view.series;
    const measurement: MeasurementView = {
      id: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      kind: 'length',
      seriesInstanceUid: series?.seriesInstanceUid as string,
      sopInstanceUid: series?.instances[0]?.sopInstanceUid as string,
      frame: 1,
      points: [
        [1, 1],
        [20, 20],
      ],
      label: 'Ventricule latéral',
      values: { length: 25.4 },
      unit: '',
    };
    // One measured in pixels (as on an image without pixel spacing): printed in pixels.
    const inPixels: MeasurementView = {
      ...measurement,
      id: 'aaaaaaaa-bbbb-4ccc-8ddd-ffffffffffff',
      label: 'Repère',
      values: { length: 61.2 },
      geometryUnit: 'px',
    };
    await station.call('imaging.saveMeasurements', {
      studyInstanceUid,
      measurements: [measurement, inPixels],
    });
    const report = {
      studyInstanceUid,
      status: 'preliminary',
      indication: 'Céphalées inhabituelles.',
      technique: 'Acquisition hélicoïdale sans injection.',
      findings: 'Pas d’hémorragie intracrânienne.',
      conclusion: 'Examen dans les limites de la normale.',
    };
    const draft = await station.call<ImagingReportView>('imaging.saveReport', report);
    await expect(
      station.call('print.document', { kind: 'imagingReport', resourceId: draft.id }),
    ).rejects.toMatchObject({ code: 'PRINT_NOT_SIGNED' });
    const final = await station.call<ImagingReportView>('imaging.saveReport', {
      ...report,
      status: 'final',
      versionId: draft.versionId,
    });
    const { printed, text, reading } = await print(final.id);
    expect(printed).toMatchObject({
      title: 'Compte rendu d’imagerie — Mohamed Amine Benali',
      fileName: 'compte-rendu-imagerie-Mohamed-Amine-Benali-2026-11-22.pdf',
      pages: 1,
    });
    for (const expected of [
      'Compte rendu d’imagerie',
      'TDM cérébrale sans injection',
      '15 mars 2024',
      'Définitif',
      'Indication',
      'Céphalées inhabituelles.',
      'Technique',
      'Résultats',
      'Pas d’hémorragie intracrânienne.',
      'Conclusion',
      'Examen dans les limites de la normale.',
      'Mesures',
      'Ventricule latéral',
      '25,4 mm',
      '61,2 px',
      doctor.display,
    ])
      expect(text, expected).toContain(expected);
    expect(reading.rightToLeftRuns.map((run) => run.trim())).toContain('بنعلي');
    const trail = await station.call<{ action: string; entity: string | null }[]>('record.auditTrail', {
      patientId: ids.patientId,
    });
    expect(
      trail.filter((entry) => entry.action === 'E' && entry.entity === `DiagnosticReport/${final.id}`),
    ).toHaveLength(1);
  });

  it('refuses a DiagnosticReport that is not an imaging report', async () => {
    const other = workstation.record.store.create<DiagnosticReport>(
      {
        resourceType: 'DiagnosticReport',
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '58410-2' }] },
        subject: { reference: `Patient/${ids.patientId}` },
      },
      doctor,
    );
    await expect(print(other.resource.id as string)).rejects.toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
  });
});
