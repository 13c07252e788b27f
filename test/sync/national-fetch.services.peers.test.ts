/**
 * patients.fetchNational through the real services (in-process, as the CLI runs them), the real
 * FHIR client and token source, against the peers: the workstation enrols with the FHIR peer
 * (which accepts only the OIDC peer's tokens) exactly as an administrator would, the OIDC peer
 * learns the workstation's public key, and a patient seeded on the peer is fetched by national
 * identifier, then found by the local search, and the fetch is in the patient's audit trail.
 * No injection: what runs is what the app runs.
 */
import type { JWK } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../main/config/schema';
import type {
  AuditTrailEntry,
  EnrolmentResult,
  NationalFetchResult,
  PatientSearchResult,
} from '../../main/contract/types';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { startOidcPeer, type OidcPeer } from '../peers/oidc/oidc-peer';
import { testWorkstation } from '../support/test-workstation';
import { generated, seedPeer } from './pull-fixture';

let oidc: OidcPeer;
let fhir: FhirPeer;
const cleanups: (() => Promise<void> | void)[] = [];

beforeAll(async () => {
  oidc = await startOidcPeer({ accessTokenTtlSeconds: 60 });
  fhir = await startFhirPeer({
    authorize: async (token) => (await oidc.verifyAccessToken(token)) !== null,
    tokenUrl: oidc.tokenUrl,
    defaultPageSize: 5,
  });
  await seedPeer(fhir, 3);
});

afterAll(async () => {
  await fhir?.stop();
  await oidc?.stop();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function workstation(userConfig: ConfigFile) {
  const { host, call, close } = testWorkstation({ prefix: 'tabib-national-fetch-', userConfig });
  const events: string[] = [];
  host.onEvent((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`));
  cleanups.push(close);
  return { host, call, events };
}

/** Enrols as an administrator would, then registers the workstation's public key with the identity provider. */
async function enrolled(clientId: string) {
  // The key-file keychain of tests is not a protected one.
  const ws = workstation({ allowWeakKeychain: true });
  const enrolment = await ws.call<EnrolmentResult>('setup.enrol', {
    baseUrl: fhir.baseUrl,
    tokenUrl: oidc.tokenUrl,
    clientId,
    facility: { id: 'CS-0042', name: 'Centre de santé Hay Riad' },
    country: 'MA',
  });
  expect(enrolment.config.mode).toBe('national');
  const jwk = ws.host.services.config.effective().nationalService?.publicKeyJwk as JWK;
  await oidc.registerClient({ clientId, jwks: { keys: [jwk] } });
  return ws;
}

const errorCode = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: { code?: string }) => error.code,
  );

describe('patients.fetchNational against the national record (FHIR and OIDC peers)', () => {
  it('fetches a patient by national identifier, with their record; the search then finds them here', async () => {
    const { call, events } = await enrolled('tabib-ws-fetch');
    const wanted = generated(1);
    const cin = wanted.patient.identifier?.find((identifier) => identifier.system === 'urn:tabib:ma:cin');
    expect(cin?.value).toBeTruthy();

    const before = await call<PatientSearchResult>('patients.search', { query: cin?.value });
    expect(before.hits).toEqual([]);
    expect(before.nationalIdentifier).toEqual({ system: 'urn:tabib:ma:cin', value: cin?.value });

    // Typed as a clinician might: lower case, with a space; the system is the profile's.
    const typed = `${(cin?.value as string).slice(0, 2).toLowerCase()} ${(cin?.value as string).slice(2)}`;
    const fetched = await call<NationalFetchResult>('patients.fetchNational', { value: typed });
    expect(fetched.patientId).toBe(wanted.patient.id);
    expect(fetched.patient.identifier).toEqual({ system: 'urn:tabib:ma:cin', value: cin?.value });
    expect(fhir.requests.some((request) => request.url.includes('$everything'))).toBe(true);

    const progress = events.filter((event) => event.startsWith('patients.fetchProgress'));
    expect(progress.length).toBeGreaterThan(2);
    expect(progress.at(-1)).toBe(
      `patients.fetchProgress ${JSON.stringify({ done: wanted.resources.length + 1, total: wanted.resources.length + 1 })}`,
    );

    const after = await call<PatientSearchResult>('patients.search', { query: cin?.value });
    expect(after.hits.map((hit) => hit.id)).toEqual([wanted.patient.id]);
    const chart = await call<{ counts: Record<string, number> }>('patients.openChart', {
      patientId: fetched.patientId,
    });
    expect(Object.values(chart.counts).reduce((a, b) => a + b, 0)).toBe(wanted.resources.length + 1);

    // The fetch is in the patient's audit trail, as the person at the workstation's.
    const trail = await call<AuditTrailEntry[]>('record.auditTrail', { patientId: fetched.patientId });
    expect(JSON.stringify(trail)).toContain('national record fetch');
  });

  it('answers a clear code: not found, an invalid identifier (before any request)', async () => {
    const { call } = await enrolled('tabib-ws-errors');
    expect(await errorCode(call('patients.fetchNational', { value: 'ZZ999999' }))).toBe(
      'SYNC_PATIENT_NOT_FOUND',
    );
    const asked = fhir.requests.length;
    expect(await errorCode(call('patients.fetchNational', { value: '12-34' }))).toBe('IDENTIFIER_INVALID');
    expect(fhir.requests.length).toBe(asked);
    expect(await errorCode(call('patients.fetchNational', { value: '' }))).toBe('INVALID_ARGUMENT');
  });

  it('a demonstration workstation fetches nothing: SYNC_DISABLED', async () => {
    const { call } = workstation({
      mode: 'demo',
      allowWeakKeychain: true,
      facility: { id: 'demo', name: 'Démonstration' },
    });
    expect(await errorCode(call('patients.fetchNational', { value: 'BE123456' }))).toBe('SYNC_DISABLED');
  });
});
