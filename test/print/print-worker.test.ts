/**
 * The PDF port across the thread boundary: the services worker has no browser engine, so it asks
 * its host (here, as in the harness, Chromium through playwright) over the capability channel the
 * keychain uses too. The demonstration's own signed prescriptions and visits are printed: their
 * ids are the generator's, made again here from the same seed and clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Encounter, MedicationRequest } from '@medplum/fhirtypes';
import type { Browser } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PrintedDocument } from '../../main/contract/features/print-contract';
import type { Envelope } from '../../main/contract/errors';
import { generateDemoPractitioners, generatePatientRecord } from '../../main/record/demo/generator';
import { loadTerminology } from '../../main/record/demo/terminology';
import { uniqueSyntheticNationalId } from '../../main/record/identity/national-id';
import type { PdfRenderer } from '../../main/print/pdf-renderer';
import { WorkerHost } from '../../main/services/worker-host';
import { launchChromium } from '../support/chromium';
import { chromiumPdfRenderer } from './chromium-pdf-renderer';
import { PRINT_NOW } from './print-fixture';
import { readPdf } from './pdf-text';

const repository = resolve(import.meta.dirname, '..', '..');
let browser: Browser;
let host: WorkerHost | null = null;
let dir: string | null = null;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await host?.close();
  host = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = null;
});

function startWorker(pdfRenderer?: PdfRenderer): WorkerHost {
  dir = mkdtempSync(join(tmpdir(), 'tabib-print-worker-'));
  host = new WorkerHost({
    entry: join(repository, 'main', 'services', 'worker.ts'),
    env: {
      dataDir: join(dir, 'data'),
      machineConfigPath: join(dir, 'machine.json'),
      resourcesDir: join(repository, 'resources'),
      appVersion: '1.2.3-test',
      electronVersion: null,
      fixedNow: PRINT_NOW,
    },
    ...(pdfRenderer ? { pdfRenderer } : {}),
  });
  return host;
}

/** A seeded patient's active prescription and the visit it was written at (seed 1, as setup.startDemo). */
function demonstrationPrescription(): { request: MedicationRequest; encounter: Encounter } {
  const now = new Date(PRINT_NOW);
  const terminology = loadTerminology(join(repository, 'resources'));
  const { practitioners } = generateDemoPractitioners({ country: 'MA', now });
  for (let index = 0; index < 300; index++) {
    const { resources } = generatePatientRecord({
      country: 'MA',
      seed: 1,
      index,
      now,
      terminology,
      practitioners,
      nationalId: (random) => uniqueSyntheticNationalId('MA', index, random),
    });
    const request = resources.find(
      (resource): resource is MedicationRequest =>
        resource.resourceType === 'MedicationRequest' && resource.status === 'active',
    );
    const encounter = resources.find(
      (resource): resource is Encounter =>
        resource.resourceType === 'Encounter' && request?.encounter?.reference === `Encounter/${resource.id}`,
    );
    if (request && encounter) return { request, encounter };
  }
  throw new Error('no active prescription in the demonstration');
}

async function call<T>(worker: WorkerHost, name: string, args: unknown): Promise<Envelope<T>> {
  return (await worker.invoke(name, args)) as Envelope<T>;
}

describe('printing from the services worker', { timeout: 120_000 }, () => {
  it('asks the host for the PDF and gets it back across the thread', async () => {
    const worker = startWorker(chromiumPdfRenderer(browser));
    expect((await call(worker, 'setup.startDemo', { country: 'MA' })).ok).toBe(true);
    const { request, encounter } = demonstrationPrescription();

    const prescription = await call<PrintedDocument>(worker, 'print.document', {
      kind: 'prescription',
      resourceId: request.id,
    });
    if (!prescription.ok) throw new Error(prescription.error.message);
    const reading = await readPdf(new Uint8Array(Buffer.from(prescription.value.pdf, 'base64')));
    expect(reading.pages).toBe(prescription.value.pages);
    expect(reading.text).toContain(request.medicationCodeableConcept?.text as string);
    expect(reading.text).toContain(request.dosageInstruction?.[0]?.text as string);
    expect(reading.text).toContain('Royaume du Maroc');

    // Two printouts at once: each answer settles its own request.
    const [visit, again] = await Promise.all([
      call<PrintedDocument>(worker, 'print.document', { kind: 'visitSummary', resourceId: encounter.id }),
      call<PrintedDocument>(worker, 'print.document', { kind: 'prescription', resourceId: request.id }),
    ]);
    expect(visit).toMatchObject({
      ok: true,
      value: { title: expect.stringMatching(/^Compte rendu de consultation — /) },
    });
    expect(again).toMatchObject({ ok: true, value: { fileName: prescription.value.fileName } });
  });

  it('without a renderer on the host, answers PRINT_UNAVAILABLE', async () => {
    const worker = startWorker();
    expect((await call(worker, 'setup.startDemo', { country: 'MA' })).ok).toBe(true);
    const { request } = demonstrationPrescription();
    expect(
      await call(worker, 'print.document', { kind: 'prescription', resourceId: request.id }),
    ).toMatchObject({
      ok: false,
      error: { code: 'PRINT_UNAVAILABLE' },
    });
  });
});
