/** What the pull and fetch tests share: a record, a client against a peer, generated patients. */
import type { Resource } from '@medplum/fhirtypes';
import type { LocalRecord } from '../../main/record/local-record';
import {
  DEMO_ORGANIZATION_ID,
  generateDemoPractitioners,
  generatePatientRecord,
} from '../../main/record/demo/generator';
import { loadTerminology } from '../../main/record/demo/terminology';
import { uniqueSyntheticNationalId } from '../../main/record/identity/national-id';
import { FhirClient, type FhirClientOptions } from '../../main/sync/fhir-client';
import type { FetchLike } from '../../main/sync/http-transport';
import type { SyncContext } from '../../main/sync/sync-types';
import type { FhirPeer } from '../peers/fhir/fhir-peer';
import { resourcesDir } from '../record/record-fixture';

export const actor = { reference: 'Device/ws-pull-test', display: 'pull test workstation' };
export const facility = { organization: `Organization/${DEMO_ORGANIZATION_ID}` };

const terminology = loadTerminology(resourcesDir);
const now = new Date('2026-11-22T09:00:00Z');
export const staff = generateDemoPractitioners({ country: 'MA', now });

export function generated(index: number, seed = 11) {
  return generatePatientRecord({
    country: 'MA',
    seed,
    index,
    now,
    terminology,
    practitioners: staff.practitioners,
    nationalId: (random) => uniqueSyntheticNationalId('MA', index, random),
  });
}

/** Writes the facility's staff and `count` patients with their records to the peer, as another facility. */
export async function seedPeer(peer: FhirPeer, count: number, from = 0, seed = 11): Promise<Resource[]> {
  const written: Resource[] = [];
  for (const resource of [staff.organization, ...staff.practitioners] as Resource[]) {
    if (!peer.read(resource.resourceType, resource.id as string)) written.push(await peer.write(resource));
  }
  for (let index = from; index < from + count; index++) {
    const record = generated(index, seed);
    written.push(await peer.write(record.patient));
    for (const resource of record.resources) written.push(await peer.write(resource));
  }
  return written;
}

export function client(
  baseUrl: string,
  fetch: FetchLike,
  extra: Partial<FhirClientOptions> = {},
): FhirClient {
  return new FhirClient({
    baseUrl,
    fetch,
    timeoutMs: 20_000,
    retry: { maxAttempts: 2, baseDelayMs: 5, maxDelayMs: 20 },
    ...extra,
  });
}

export function context(
  record: LocalRecord,
  fhir: FhirClient,
  extra: Partial<SyncContext> = {},
): SyncContext {
  return {
    record,
    client: fhir,
    scope: { facilityPatients: facility },
    clock: () => new Date(),
    actor,
    ...extra,
  };
}

/** Every table the pull may write, as text: equal dumps mean an unchanged replica and cursor. */
export function dump(record: LocalRecord): string {
  const tables = [
    'resource',
    'sync_state',
    'sync_patient',
    'sync_conflict',
    'patient_search',
    'patient_identifier',
    'outbox',
    'audit_event',
  ];
  return JSON.stringify(
    tables.map((table) => record.queries.statement(`select * from ${table} order by 1, 2`).all()),
  );
}

/** The replica's live resources as `Type/id` → versionId. */
export function replicaVersions(record: LocalRecord): Map<string, string | null> {
  const rows = record.queries
    .statement('select type, id, remote_version from resource where deleted = 0')
    .all() as { type: string; id: string; remote_version: string | null }[];
  return new Map(rows.map((row) => [`${row.type}/${row.id}`, row.remote_version]));
}

/** The peer's current resources of the record's kinds as `Type/id` → versionId. */
export function serverVersions(peer: FhirPeer, types?: readonly string[]): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const [type, byId] of Object.entries(peer.snapshot())) {
    if (types && !types.includes(type)) continue;
    for (const [id, resource] of Object.entries(byId))
      out.set(`${type}/${id}`, resource.meta?.versionId ?? null);
  }
  return out;
}

const DIRECTORY = /^(Organization|Practitioner|PractitionerRole)\//;

/**
 * The replica holds every clinical resource of the server's (followed patients only, here: all) at
 * the server's version, and of the directory (staff, organisations) only what records refer to.
 */
export function replicaMatchesServer(
  record: LocalRecord,
  peer: FhirPeer,
): { clinical: number; directory: number } {
  const replica = replicaVersions(record);
  const server = serverVersions(peer);
  const clinical = (map: Map<string, string | null>) =>
    new Map([...map].filter(([key]) => !DIRECTORY.test(key)));
  const want = clinical(server);
  const have = clinical(replica);
  if (JSON.stringify([...have].sort()) !== JSON.stringify([...want].sort()))
    throw new Error(`replica ≠ server: ${have.size} vs ${want.size} clinical resources`);
  let directory = 0;
  for (const [key, version] of replica) {
    if (!DIRECTORY.test(key)) continue;
    directory++;
    if (server.get(key) !== version) throw new Error(`${key}: replica ${version}, server ${server.get(key)}`);
  }
  return { clinical: have.size, directory };
}
