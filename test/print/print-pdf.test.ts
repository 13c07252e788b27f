/**
 * print.document through the services with the real port: Chromium (Debian's, through
 * playwright-core, as in the harness) renders each kind to PDF, and the PDF is read back with
 * pdf.js: the patient in both scripts, the drug and its dosage, the letterhead in French and
 * Arabic, the embedded fonts only. Each printout leaves an audit entry naming the practitioner;
 * without a port, nothing is printed and nothing audited.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedDocument } from '../../main/contract/features/print-contract';
import {
  MAX_DATA_URL_LENGTH,
  pdfPageCount,
  printoutDataUrl,
  renderPdfWithin,
} from '../../main/print/pdf-renderer';
import { buildPrintout } from '../../main/print/print-service';
import { launchChromium } from '../support/chromium';
import { chromiumPdfRenderer } from './chromium-pdf-renderer';
import { CIN, printWorkstation, writePrintRecord, type PrintRecord } from './print-fixture';
import { readPdf, type PdfReading } from './pdf-text';

let browser: Browser;
let workstation: Awaited<ReturnType<typeof printWorkstation>>;
let ids: PrintRecord;

beforeAll(async () => {
  browser = await launchChromium();
  workstation = await printWorkstation({ pdfRenderer: chromiumPdfRenderer(browser) });
  ids = writePrintRecord(workstation.record);
}, 120_000);

afterAll(async () => {
  await workstation?.station.close();
  await browser?.close();
});

async function print(kind: 'prescription' | 'referral' | 'visitSummary', resourceId: string) {
  const printed = await workstation.station.call<PrintedDocument>('print.document', { kind, resourceId });
  const pdf = new Uint8Array(Buffer.from(printed.pdf, 'base64'));
  const reading = await readPdf(pdf);
  // Intl writes a no-break space between a number and its unit.
  return { printed, pdf, reading: { ...reading, text: reading.text.replace(/[\u00a0\u202f]/g, ' ') } };
}

/**
 * Chromium draws a right-to-left line word by word from the left: the words of an Arabic phrase
 * come as runs in reverse order, each in logical order.
 */
function expectArabic(reading: PdfReading, phrase: string): void {
  const words = phrase.split(' ').reverse();
  const runs = reading.rightToLeftRuns.map((run) => run.trim());
  const at = runs.findIndex((_run, index) => words.every((word, offset) => runs[index + offset] === word));
  expect(at, `${phrase} in ${JSON.stringify(runs)}`).toBeGreaterThanOrEqual(0);
}

const fonts = ['NotoSans-Bold', 'NotoSans-Regular', 'NotoSansArabic-Bold', 'NotoSansArabic-Regular'];

describe('print.document, rendered by Chromium', () => {
  it('prints a prescription: the patient in both scripts, the drugs and their dosage, the letterhead in French and Arabic', async () => {
    const { printed, pdf, reading } = await print('prescription', ids.prescriptionId);
    expect(printed).toMatchObject({
      title: 'Ordonnance — Mohamed Amine Benali',
      fileName: 'ordonnance-Mohamed-Amine-Benali-2026-11-22.pdf',
      pages: 1,
    });
    expect(reading.pages).toBe(printed.pages);
    expect(pdfPageCount(pdf)).toBe(reading.pages);
    // Only the embedded faces: no glyph fell back to a font of the machine.
    expect(reading.fonts).toEqual(fonts);
    for (const text of [
      'Royaume du Maroc',
      'Centre de santé urbain Hay Riad (démonstration)',
      'Ordonnance',
      'Mohamed Amine Benali',
      CIN,
      'Dr Salma Haddad',
      'Amlodipine 5 mg, comprimé',
      '1 comprimé le matin, par voie orale',
      'Hydrochlorothiazide 12,5 mg, comprimé',
      '30 jours',
      'Signature et cachet',
    ])
      expect(reading.text.replace(/\s*\n\s*/g, ' ')).toContain(text);
    expectArabic(reading, 'محمد أمين بنعلي');
    expectArabic(reading, 'المملكة المغربية');
    expectArabic(reading, 'المركز الصحي الحضري حي الرياض');
    expectArabic(reading, 'سلمى حداد');
    expect(reading.text).not.toContain('Paracétamol');
  });

  it('prints a referral letter and a visit summary', async () => {
    const referral = await print('referral', ids.referralId);
    expect(referral.reading.fonts).toEqual(fonts);
    for (const text of [
      'Lettre d’orientation',
      'Cardiologie',
      'CHU Ibn Sina, Rabat',
      'Urgente',
      'Cher confrère,',
    ])
      expect(referral.reading.text).toContain(text);
    expect(referral.reading.text).toContain('Hypertension essentielle (primitive) (I10)');
    expectArabic(referral.reading, 'محمد أمين بنعلي');
    expectArabic(referral.reading, 'المملكة المغربية');

    const visit = await print('visitSummary', ids.encounterId);
    expect(visit.reading.pages).toBe(visit.printed.pages);
    for (const text of [
      'Compte rendu de consultation',
      'Céphalées depuis une semaine',
      '160/95 mmHg',
      'Amlodipine 5 mg',
    ])
      expect(visit.reading.text).toContain(text);
    expectArabic(visit.reading, 'محمد أمين بنعلي');
  });

  it('prints in Arabic, right to left, with Latin digits', async () => {
    const { station } = workstation;
    try {
      await station.call('settings.setLanguage', { language: 'ar' });
      const { printed, reading } = await print('prescription', ids.prescriptionId);
      expect(printed.title).toBe('وصفة طبية — Mohamed Amine Benali');
      expectArabic(reading, 'وصفة طبية');
      expectArabic(reading, 'التوقيع والختم');
      expect(reading.text).toContain('Amlodipine 5 mg, comprimé');
      expect(reading.text).toContain('2026');
      expect(reading.rightToLeftRuns.join(' ')).not.toMatch(/[\u0660-\u0669]/);
    } finally {
      await station.call('settings.setLanguage', { language: 'fr' });
    }
  });

  it('runs onto more pages when it must, and counts them', async () => {
    const { record } = workstation;
    const many = writePrintRecord(record);
    const first = record.store.read('MedicationRequest', many.prescriptionId) as object;
    for (let line = 0; line < 24; line++)
      record.store.create(
        {
          ...first,
          id: undefined,
          medicationCodeableConcept: { text: `Médicament numéro ${line + 1}` },
        } as never,
        { reference: 'Practitioner/de300000-0d00-8000-8000-000000000001', display: 'Dr Salma Haddad' },
      );
    const { printed, pdf, reading } = await print('prescription', many.prescriptionId);
    expect(printed.pages).toBeGreaterThanOrEqual(2);
    expect(reading.pages).toBe(printed.pages);
    expect(pdfPageCount(pdf)).toBe(printed.pages);
    expect(reading.text).toContain('Médicament numéro 24');
  });

  it('leaves an audit entry for each printout: an export, naming the practitioner and what was printed', async () => {
    const before = workstation.record.audit.forPatient(ids.patientId).filter((entry) => entry.action === 'E');
    await print('prescription', ids.secondPrescriptionId);
    const after = workstation.record.audit.forPatient(ids.patientId).filter((entry) => entry.action === 'E');
    expect(after.length).toBe(before.length + 1);
    expect(after.at(-1)).toMatchObject({
      action: 'E',
      practitioner: 'Practitioner/de300000-0d00-8000-8000-000000000001',
      practitionerDisplay: 'Dr Salma Haddad',
      entity: `MedicationRequest/${ids.secondPrescriptionId}`,
      description: 'print prescription: ordonnance-Mohamed-Amine-Benali-2026-11-22.pdf (1 p.)',
    });
    // A refused printout is not an export.
    await expect(
      workstation.station.call('print.document', { kind: 'prescription', resourceId: ids.draftId }),
    ).rejects.toMatchObject({ code: 'PRINT_NOT_SIGNED' });
    expect(
      workstation.record.audit.forPatient(ids.patientId).filter((entry) => entry.action === 'E'),
    ).toHaveLength(after.length);
  });

  it('fits every printout in the data: URL Electron loads it from', async () => {
    for (const [kind, id] of [
      ['prescription', ids.prescriptionId],
      ['referral', ids.referralId],
      ['visitSummary', ids.encounterId],
    ] as const) {
      const printout = await buildPrintout(workstation.station.host.services, { kind, resourceId: id });
      expect(printoutDataUrl(printout.html).length).toBeLessThan(MAX_DATA_URL_LENGTH / 3);
    }
    expect(() => printoutDataUrl('x'.repeat(MAX_DATA_URL_LENGTH))).toThrow(
      expect.objectContaining({ code: 'PRINT_FAILED' }),
    );
  });
});

describe('without a PDF renderer on the host', () => {
  it('answers PRINT_UNAVAILABLE and audits nothing', async () => {
    const bare = await printWorkstation();
    try {
      const record = writePrintRecord(bare.record);
      await expect(
        bare.station.call('print.document', { kind: 'prescription', resourceId: record.prescriptionId }),
      ).rejects.toMatchObject({ code: 'PRINT_UNAVAILABLE' });
      expect(bare.record.audit.forPatient(record.patientId).filter((entry) => entry.action === 'E')).toEqual(
        [],
      );
    } finally {
      await bare.station.close();
    }
  });
});

describe('a renderer that fails', () => {
  it('is PRINT_FAILED: an answer that is no PDF, an error, or no answer in time', async () => {
    await expect(
      renderPdfWithin({ renderPdf: async () => new TextEncoder().encode('<html>') }, '<p>x</p>'),
    ).rejects.toMatchObject({ code: 'PRINT_FAILED' });
    await expect(
      renderPdfWithin({ renderPdf: () => Promise.reject(new Error('Target closed')) }, '<p>x</p>'),
    ).rejects.toMatchObject({ code: 'PRINT_FAILED', message: expect.stringContaining('Target closed') });
    await expect(
      renderPdfWithin({ renderPdf: () => new Promise<Uint8Array>(() => undefined) }, '<p>x</p>', 50),
    ).rejects.toMatchObject({ code: 'PRINT_FAILED' });
  });
});
