/**
 * Malformed answers during a pull (through the fault proxy): each kind refuses its page with a
 * clear code and leaves the replica and every cursor byte for byte as they were.
 */
import type { Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TabibError } from '../../main/errors';
import type { LocalRecord } from '../../main/record/local-record';
import { createFetch } from '../../main/sync/http-transport';
import { pull } from '../../main/sync/pull';
import { startFaultProxy, type Fault, type FaultProxy } from '../peers/fault-proxy/fault-proxy';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { recordFixture, type RecordFixture } from '../record/record-fixture';
import { client, context, dump, generated, seedPeer } from './pull-fixture';

const transport = createFetch();
let fhir: FhirPeer;
let proxy: FaultProxy;
let fixture: RecordFixture;
let record: LocalRecord;

beforeAll(async () => {
  fhir = await startFhirPeer();
  proxy = await startFaultProxy(fhir.baseUrl);
  await seedPeer(fhir, 3);
  fixture = recordFixture('MA');
  record = await fixture.open();
  await pull(context(record, client(proxy.baseUrl, transport.fetch)));
  // New remote changes the refused pulls must not bring.
  const observation = generated(1).resources.find((r) => r.resourceType === 'Observation') as Observation;
  await fhir.write<Observation>({ ...observation, status: 'amended' });
}, 60_000);

afterAll(async () => {
  record?.close();
  fixture?.cleanup();
  await proxy?.stop();
  await fhir?.stop();
  await transport.close();
});

beforeEach(() => proxy.clear());

async function refusedWith(fault: Fault, code: string, options: { maxEntries?: number } = {}) {
  const before = dump(record);
  proxy.plan({ fault, path: '/Observation/_history', times: 5 });
  const fhirClient = client(proxy.baseUrl, transport.fetch, {
    retry: { maxAttempts: 1 },
    ...(options.maxEntries ? { limits: { maxEntries: options.maxEntries } } : {}),
  });
  const error = await pull(context(record, fhirClient)).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(TabibError);
  expect((error as TabibError).code).toBe(code);
  expect((error as TabibError).message).toMatch(/Observation\/_history/);
  expect(dump(record)).toBe(before);
  proxy.clear();
}

describe('malformed responses during a pull', () => {
  it('invalid JSON → SYNC_RESPONSE_INVALID, nothing changed', () =>
    refusedWith({ kind: 'invalid-json' }, 'SYNC_RESPONSE_INVALID'));

  it('wrong resourceType → SYNC_RESPONSE_INVALID, nothing changed', () =>
    refusedWith({ kind: 'wrong-resource-type', resourceType: 'Basic' }, 'SYNC_RESPONSE_INVALID'));

  it('missing ids → SYNC_RESPONSE_INVALID, nothing changed', () =>
    refusedWith({ kind: 'missing-ids' }, 'SYNC_RESPONSE_INVALID'));

  it('a bundle over the configured limit → SYNC_BUNDLE_TOO_LARGE, nothing changed', () =>
    refusedWith({ kind: 'oversized-bundle', entries: 300 }, 'SYNC_BUNDLE_TOO_LARGE', { maxEntries: 200 }));

  it('a reference to a resource the server does not have → SYNC_REFERENCE_UNRESOLVED, nothing changed', async () => {
    const before = dump(record);
    const observation = generated(2).resources.find((r) => r.resourceType === 'Observation') as Observation;
    await fhir.write<Observation>({
      ...observation,
      id: 'dangling-1',
      encounter: { reference: 'Encounter/nowhere-1' },
    });
    const error = await pull(context(record, client(proxy.baseUrl, transport.fetch))).catch(
      (e: unknown) => e,
    );
    expect((error as TabibError).code).toBe('SYNC_REFERENCE_UNRESOLVED');
    expect((error as TabibError).details).toMatchObject({
      problems: [expect.objectContaining({ reference: 'Encounter/nowhere-1' })],
    });
    // The pages before the refused one (other types) may move on; the Observation stream may not.
    const after = dump(record);
    expect(record.store.read('Observation', 'dangling-1')).toBeNull();
    expect(record.store.read<Observation>('Observation', observation.id as string)?.status).toBe(
      observation.status,
    );
    expect(after).toBe(before);
    // Again: still refused (the page is the same), still nothing changed.
    const again = await pull(context(record, client(proxy.baseUrl, transport.fetch))).catch(
      (e: unknown) => e,
    );
    expect((again as TabibError).code).toBe('SYNC_REFERENCE_UNRESOLVED');
    expect(dump(record)).toBe(before);
  });
});
