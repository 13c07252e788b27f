/** On-demand fetch by national identifier, with and without $everything. */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { TabibError } from '../../main/errors';
import type { LocalRecord } from '../../main/record/local-record';
import { createFetch } from '../../main/sync/http-transport';
import { fetchPatientByIdentifier, PENDING_BACKFILL_KEY } from '../../main/sync/patient-fetch';
import { followOpenedPatient } from '../../main/sync/followed-patients';
import { SyncState } from '../../main/sync/sync-state';
import type { SyncProgress } from '../../main/sync/sync-types';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { recordFixture } from '../record/record-fixture';
import { client, context, generated, seedPeer } from './pull-fixture';

const transport = createFetch();
const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => transport.close());

async function setup(everything: boolean): Promise<{ fhir: FhirPeer; record: LocalRecord }> {
  const fhir = await startFhirPeer({ everything, defaultPageSize: 5 });
  cleanups.push(() => fhir.stop());
  await seedPeer(fhir, 4);
  const fixture = recordFixture('MA');
  const record = await fixture.open();
  cleanups.push(
    () => fixture.cleanup(),
    () => record.close(),
  );
  return { fhir, record };
}

describe.each([true, false])('fetch by national identifier (everything: %s)', (everything) => {
  it('fetches the patient and their whole record, follows them, reports progress', async () => {
    const { fhir, record } = await setup(everything);
    const wanted = generated(2);
    const identifier = wanted.patient.identifier?.[0] as { system: string; value: string };
    const events: SyncProgress[] = [];
    const ctx = context(record, client(fhir.baseUrl, transport.fetch), { scope: { facilityPatients: null } });
    const id = await fetchPatientByIdentifier(ctx, identifier, {
      pageSize: 4,
      progress: (p) => events.push(p),
    });
    expect(id).toBe(wanted.patient.id);
    const counts = record.store.countByPatient(id);
    const expected: Record<string, number> = { Patient: 1 };
    for (const resource of wanted.resources)
      expected[resource.resourceType] = (expected[resource.resourceType] ?? 0) + 1;
    expect(counts).toEqual(expected);
    expect(record.store.read('Patient', generated(1).patient.id as string)).toBeNull();
    const followed = record.queries.statement('select reason from sync_patient where patient_id = ?').get(id);
    expect(followed).toEqual({ reason: 'fetched' });
    expect(new SyncState(record.queries).get(PENDING_BACKFILL_KEY)).toBeNull();
    expect(events.length).toBeGreaterThan(2);
    expect(events.at(-1)?.done).toBe(wanted.resources.length + 1);
    if (everything) expect(events.at(-1)?.total).toBe(wanted.resources.length + 1);
    const used = fhir.requests.map((request) => request.url);
    expect(used.some((url) => url.includes('$everything'))).toBe(everything);
  });
});

describe('fetch errors', () => {
  it('not found → SYNC_PATIENT_NOT_FOUND, nothing written', async () => {
    const { fhir, record } = await setup(true);
    const error = await fetchPatientByIdentifier(context(record, client(fhir.baseUrl, transport.fetch)), {
      system: 'urn:tabib:ma:cin',
      value: 'ZZ999999',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TabibError);
    expect((error as TabibError).code).toBe('SYNC_PATIENT_NOT_FOUND');
    expect(record.store.counts().resources).toBe(0);
  });

  it('several matches → SYNC_PATIENT_AMBIGUOUS', async () => {
    const { fhir, record } = await setup(true);
    const twin = generated(1).patient;
    await fhir.write({ ...twin, id: 'twin-copy-1' });
    const identifier = twin.identifier?.[0] as { system: string; value: string };
    const error = await fetchPatientByIdentifier(
      context(record, client(fhir.baseUrl, transport.fetch)),
      identifier,
    ).catch((e: unknown) => e);
    expect((error as TabibError).code).toBe('SYNC_PATIENT_AMBIGUOUS');
  });
});

describe('followed patients', () => {
  it('a chart opened is followed once, as opened', async () => {
    const fixture = recordFixture('MA');
    const record = await fixture.open();
    cleanups.push(
      () => fixture.cleanup(),
      () => record.close(),
    );
    expect(followOpenedPatient(record, 'p-1')).toBe(true);
    expect(followOpenedPatient(record, 'p-1')).toBe(false);
    expect(record.queries.statement('select reason from sync_patient').all()).toEqual([{ reason: 'opened' }]);
  });
});
