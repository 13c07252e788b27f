/**
 * Fills a demonstration workstation's record with synthetic patients (main/record/demo), applied
 * as a pull from the national record would be: in chunks, each one transaction, with progress, the
 * WAL checkpointed on another thread (LocalRecord.startBulkImport). Between chunks the worker
 * yields, so other calls are answered while a large seed runs.
 */
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { Resource } from '@medplum/fhirtypes';
import type { SeedReport } from '../contract/types';
import type { Services } from '../services/services';
import { generateDemoPractitioners, generatePatientRecord } from './demo/generator';
import { loadTerminology } from './demo/terminology';
import { uniqueSyntheticNationalId } from './identity/national-id';

/** Patients per transaction: large enough to load fast, small enough for about ten progress steps. */
const chunkFor = (patients: number) => Math.min(500, Math.max(25, Math.ceil(patients / 10)));

export async function seedDemoRecord(
  services: Pick<Services, 'record' | 'config' | 'env'>,
  request: { patients: number; seed: number },
  progress: (done: number, total: number) => void,
): Promise<SeedReport> {
  const started = performance.now();
  const record = await services.record.open();
  const country = services.config.effective().country;
  const terminology = loadTerminology(services.env.resourcesDir);
  const actor = services.record.actor();
  const now = services.record.now();
  const staff = generateDemoPractitioners({ country, now });
  record.store.importRemote([staff.organization, ...staff.practitioners], actor, {
    description: 'demonstration seed (staff)',
  });
  const first = record.store.counts().patients;
  let resources = 0;
  const chunk = chunkFor(request.patients);
  // The WAL checkpointed on another thread while the next chunk is generated and written.
  const bulk = await record.startBulkImport();
  try {
    for (let start = 0; start < request.patients; start += chunk) {
      const batch: Resource[] = [];
      for (let index = start; index < Math.min(request.patients, start + chunk); index++) {
        const generated = generatePatientRecord({
          country,
          seed: request.seed,
          index: first + index,
          now,
          terminology,
          practitioners: staff.practitioners,
          nationalId: (random) => uniqueSyntheticNationalId(country, first + index, random),
        });
        batch.push(generated.patient, ...generated.resources);
      }
      bulk.import(batch, actor, { description: 'demonstration seed' });
      resources += batch.length;
      progress(Math.min(request.patients, start + chunk), request.patients);
      await yieldToLoop();
    }
  } finally {
    await bulk.finish();
  }
  return { patients: request.patients, resources, milliseconds: Math.round(performance.now() - started) };
}
