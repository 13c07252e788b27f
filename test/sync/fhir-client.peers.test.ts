/**
 * The FHIR client against independent peers: node-oidc-provider issuing tokens for the
 * workstation's signed assertion, and Medplum's FHIR router (test/peers/fhir) requiring them.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Bundle, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TabibError } from '../../main/errors';
import { jwkThumbprint } from '../../main/setup/workstation-key';
import { FhirClient } from '../../main/sync/fhir-client';
import { createFetch } from '../../main/sync/http-transport';
import { ClientCredentialsTokenSource } from '../../main/sync/token-source';
import { startFhirPeer, type FhirPeer } from '../peers/fhir/fhir-peer';
import { startOidcPeer, type OidcPeer } from '../peers/oidc/oidc-peer';

const clientId = 'tabib-ws-test';

let oidc: OidcPeer;
/** Issues 2-second tokens, for the expiry tests (a token's exp has a resolution of one second). */
let shortOidc: OidcPeer;
let fhir: FhirPeer;
let privateKey: KeyObject;
const transport = createFetch();

function tokenSource(
  options: { renewBeforeMs?: number; provider?: OidcPeer } = {},
): ClientCredentialsTokenSource {
  const { provider = oidc, ...rest } = options;
  return new ClientCredentialsTokenSource({
    tokenUrl: provider.tokenUrl,
    clientId,
    privateKey,
    scope: 'system/*.cruds',
    fetch: transport.fetch,
    ...rest,
  });
}

function client(source = tokenSource()): FhirClient {
  return new FhirClient({
    baseUrl: fhir.baseUrl,
    fetch: transport.fetch,
    tokenSource: source,
    timeoutMs: 10_000,
    retry: { maxAttempts: 3, baseDelayMs: 10 },
  });
}

beforeAll(async () => {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  privateKey = pair.privateKey;
  const publicJwk = pair.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  oidc = await startOidcPeer({ accessTokenTtlSeconds: 300 });
  shortOidc = await startOidcPeer({ accessTokenTtlSeconds: 2 });
  for (const provider of [oidc, shortOidc])
    await provider.registerClient({
      clientId,
      jwks: { keys: [{ ...publicJwk, alg: 'ES384', use: 'sig', kid: jwkThumbprint(publicJwk) }] },
    });
  fhir = await startFhirPeer({
    authorize: async (token) =>
      (await oidc.verifyAccessToken(token)) !== null || (await shortOidc.verifyAccessToken(token)) !== null,
    tokenUrl: oidc.tokenUrl,
    defaultPageSize: 4,
    maxBundleEntries: 20,
  });
}, 60_000);

afterAll(async () => {
  await fhir?.stop();
  await oidc?.stop();
  await shortOidc?.stop();
  await transport.close();
});

const patient = (id: string, family: string): Patient => ({
  resourceType: 'Patient',
  id,
  name: [{ family, given: ['Amina'] }],
  identifier: [{ system: 'urn:tabib:ma:cin', value: `BE${id.slice(-6)}` }],
});

describe('tokens from the identity provider', () => {
  it('gets a token with the signed assertion and uses it on the FHIR server', async () => {
    const before = oidc.tokenRequests.length;
    const source = tokenSource();
    const token = await source.token();
    expect(await oidc.verifyAccessToken(token)).toMatchObject({ client_id: clientId });
    const { resource } = await client(source).create(patient('p-token-1', 'Alaoui'), {});
    expect(resource?.id).toBeTruthy();
    expect(oidc.tokenRequests.slice(before)).toEqual([{ clientId, ok: true }]);
  });

  it('renews once on a 401 when the token was revoked', async () => {
    const source = tokenSource();
    const fhirClient = client(source);
    await fhirClient.search('Patient', { _count: 1 });
    const before = oidc.tokenRequests.length;
    oidc.invalidateIssuedTokens();
    const page = await fhirClient.search('Patient', { _count: 1 });
    expect(page.bundle.type).toBe('searchset');
    expect(oidc.tokenRequests.length - before).toBe(1);
    expect(fhir.requests.slice(-2).map((r) => r.status)).toEqual([401, 200]);
  });

  it('renews after the token expired (the server says 401 before the cache thinks so)', async () => {
    // The cache trusts the token a minute past its expiry, so only the server's 401 can renew it.
    const source = tokenSource({ renewBeforeMs: -60_000, provider: shortOidc });
    const fhirClient = client(source);
    await fhirClient.search('Patient', { _count: 1 });
    const before = shortOidc.tokenRequests.length;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await fhirClient.search('Patient', { _count: 1 });
    expect(shortOidc.tokenRequests.length - before).toBe(1);
    expect(fhir.requests.slice(-2).map((r) => r.status)).toEqual([401, 200]);
  });

  it('renews ahead of expiry without a 401 when the cache sees it coming', async () => {
    const source = tokenSource({ renewBeforeMs: 0, provider: shortOidc });
    const fhirClient = client(source);
    await fhirClient.search('Patient', { _count: 1 });
    const before = shortOidc.tokenRequests.length;
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const requestsBefore = fhir.requests.length;
    await fhirClient.search('Patient', { _count: 1 });
    expect(shortOidc.tokenRequests.length - before).toBe(1);
    expect(fhir.requests.slice(requestsBefore).map((r) => r.status)).toEqual([200]);
  });

  it('stops with SYNC_UNAUTHORIZED when the new token is refused too', async () => {
    const refusing = await startFhirPeer({ authorize: () => false });
    try {
      const fhirClient = new FhirClient({
        baseUrl: refusing.baseUrl,
        fetch: transport.fetch,
        tokenSource: tokenSource(),
      });
      await expect(fhirClient.read('Patient', 'x')).rejects.toMatchObject({ code: 'SYNC_UNAUTHORIZED' });
      expect(refusing.requests.map((r) => r.status)).toEqual([401, 401]);
    } finally {
      await refusing.stop();
    }
  });
});

describe('what the server offers', () => {
  it('reads the CapabilityStatement once', async () => {
    const fhirClient = client();
    const capabilities = await fhirClient.capabilities();
    expect(capabilities.fhirVersion).toBe('4.0.1');
    expect(capabilities.transaction && capabilities.batch && capabilities.systemHistory).toBe(true);
    expect(capabilities.patientEverything).toBe(true);
    expect(capabilities.resources.Patient).toMatchObject({
      updateCreate: true,
      versioning: 'versioned-update',
    });
    expect(capabilities.resources.Observation?.interactions).toContain('history-type');
    const metadataReads = () => fhir.requests.filter((r) => r.url.endsWith('/metadata')).length;
    const before = metadataReads();
    await fhirClient.capabilities();
    expect(metadataReads()).toBe(before);
  });

  it('sees when $everything is not offered', async () => {
    const plain = await startFhirPeer({ everything: false });
    try {
      const capabilities = await new FhirClient({
        baseUrl: plain.baseUrl,
        fetch: transport.fetch,
      }).capabilities();
      expect(capabilities.patientEverything).toBe(false);
    } finally {
      await plain.stop();
    }
  });
});

describe('instance interactions', () => {
  it('creates by update under a client-assigned id, reads, vreads and deletes', async () => {
    const fhirClient = client();
    const created = await fhirClient.update(patient('0b7c2d1e-0001', 'Bennani'));
    expect(created).toMatchObject({ status: 201, created: true, resource: { id: '0b7c2d1e-0001' } });
    const v1 = created.versionId as string;
    expect(v1).toBe(created.resource?.meta?.versionId);
    const updated = await fhirClient.update(patient('0b7c2d1e-0001', 'Bennani-Idrissi'), { ifMatch: v1 });
    expect(updated).toMatchObject({ status: 200, created: false });
    expect(updated.versionId).not.toBe(v1);
    const current = await fhirClient.read<Patient>('Patient', '0b7c2d1e-0001');
    expect(current).toMatchObject({
      versionId: updated.versionId,
      resource: { name: [{ family: 'Bennani-Idrissi' }] },
    });
    const first = await fhirClient.vread<Patient>('Patient', '0b7c2d1e-0001', v1);
    expect(first).toMatchObject({ versionId: v1, resource: { name: [{ family: 'Bennani' }] } });
    await fhirClient.delete('Patient', '0b7c2d1e-0001');
    await expect(fhirClient.read('Patient', '0b7c2d1e-0001')).rejects.toMatchObject({
      code: 'RESOURCE_NOT_FOUND',
      details: { status: 410 },
    });
    // Deleting what is gone is done, not an error.
    await expect(fhirClient.delete('Patient', '0b7c2d1e-0001')).resolves.toBeDefined();
  });

  it('surfaces an If-Match 412 as VERSION_CONFLICT with both versions', async () => {
    const fhirClient = client();
    const mine = await fhirClient.update(patient('0b7c2d1e-0002', 'Tazi'));
    // Another facility changes it meanwhile.
    const theirs = await fhir.write({ ...patient('0b7c2d1e-0002', 'Tazi-Remote') });
    const ours = patient('0b7c2d1e-0002', 'Tazi-Local');
    const error = (await fhirClient
      .update(ours, { ifMatch: mine.versionId as string })
      .catch((e: unknown) => e)) as TabibError;
    expect(error).toBeInstanceOf(TabibError);
    expect(error.code).toBe('VERSION_CONFLICT');
    expect(error.details).toMatchObject({
      status: 412,
      resourceType: 'Patient',
      id: '0b7c2d1e-0002',
      local: { versionId: mine.versionId, resource: ours },
      remote: { versionId: theirs.meta?.versionId, resource: { name: [{ family: 'Tazi-Remote' }] } },
    });
    expect(theirs.meta?.versionId).not.toBe(mine.versionId);
    expect(fhir.read('Patient', '0b7c2d1e-0002')).toMatchObject({ name: [{ family: 'Tazi-Remote' }] });
  });

  it('conditional create never duplicates', async () => {
    const fhirClient = client();
    const cherkaoui = (id: string): Patient => ({
      ...patient(id, 'Cherkaoui'),
      identifier: [{ system: 'urn:tabib:ma:cin', value: 'BEcc0001' }],
    });
    const first = await fhirClient.create(cherkaoui('ignored-1'), {
      ifNoneExist: 'identifier=urn:tabib:ma:cin|BEcc0001',
    });
    const again = await fhirClient.create(cherkaoui('ignored-2'), {
      ifNoneExist: 'identifier=urn:tabib:ma:cin|BEcc0001',
    });
    expect(first.created).toBe(true);
    expect(again.created).toBe(false);
    const page = await fhirClient.search('Patient', { identifier: 'urn:tabib:ma:cin|BEcc0001' });
    expect(page.resources).toHaveLength(1);
  });
});

describe('searches, history and $everything', () => {
  it('pages through a search following link[next] only when asked', async () => {
    const fhirClient = client();
    for (let i = 0; i < 10; i++)
      await fhir.write(patient(`page-${String(i).padStart(2, '0')}`, 'Pagination'));
    const first = await fhirClient.search('Patient', { family: 'Pagination', _sort: '_id' });
    expect(first.resources).toHaveLength(4);
    expect(first.next).not.toBeNull();
    const requestsAfterFirst = fhir.requests.length;
    const ids: string[] = [];
    for await (const page of fhirClient.pages(first)) ids.push(...page.resources.map((r) => r.id as string));
    expect(ids).toEqual(Array.from({ length: 10 }, (_, i) => `page-${String(i).padStart(2, '0')}`));
    expect(fhir.requests.slice(requestsAfterFirst).map((r) => r.status)).toEqual([200, 200]);
  });

  it('a page whose snapshot expired is an error, not an empty page', async () => {
    const fhirClient = client();
    const first = await fhirClient.search('Patient', { family: 'Pagination' });
    fhir.expireSearches();
    await expect(fhirClient.nextPage(first)).rejects.toMatchObject({
      code: 'RESOURCE_NOT_FOUND',
      details: { status: 410 },
    });
  });

  it('reads type history since an instant, deletions included', async () => {
    const fhirClient = client();
    const since = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const obs: Observation = {
      resourceType: 'Observation',
      id: 'obs-h-1',
      status: 'final',
      code: { text: 'pulse' },
    };
    await fhirClient.update(obs);
    await fhirClient.delete('Observation', 'obs-h-1');
    const page = await fhirClient.history({ type: 'Observation', since });
    expect(page.entries.map((e) => e.request?.method)).toEqual(['DELETE', 'PUT']);
    expect(page.resources.map((r) => r.id)).toEqual(['obs-h-1']);
  });

  it('fetches a patient’s record with $everything', async () => {
    const fhirClient = client();
    await fhirClient.update(patient('evr-1', 'Everything'));
    await fhirClient.update<Observation>({
      resourceType: 'Observation',
      id: 'evr-obs-1',
      status: 'final',
      code: { text: 'weight' },
      subject: { reference: 'Patient/evr-1' },
    });
    const page = await fhirClient.everything('evr-1');
    expect(page.resources.map((r) => `${r.resourceType}/${r.id}`).sort()).toEqual([
      'Observation/evr-obs-1',
      'Patient/evr-1',
    ]);
  });
});

describe('transactions', () => {
  it('sends a transaction and checks that every entry is answered', async () => {
    const fhirClient = client();
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        { resource: patient('tx-1', 'Transaction'), request: { method: 'PUT', url: 'Patient/tx-1' } },
        {
          resource: {
            resourceType: 'Observation',
            id: 'tx-obs-1',
            status: 'final',
            code: { text: 'bp' },
            subject: { reference: 'Patient/tx-1' },
          },
          request: { method: 'PUT', url: 'Observation/tx-obs-1' },
        },
      ],
    };
    const response = await fhirClient.transaction(bundle);
    expect(response.type).toBe('transaction-response');
    expect(response.entry?.map((e) => e.response?.status.slice(0, 3))).toEqual(['201', '201']);
    expect(fhir.read('Observation', 'tx-obs-1')).toBeDefined();
  });

  it('a transaction over the server’s limit is refused with SYNC_BUNDLE_TOO_LARGE', async () => {
    const fhirClient = client();
    const bundle: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: Array.from({ length: 21 }, (_, i) => ({
        resource: patient(`big-${i}`, 'Big'),
        request: { method: 'PUT' as const, url: `Patient/big-${i}` },
      })),
    };
    await expect(fhirClient.transaction(bundle)).rejects.toMatchObject({
      code: 'SYNC_BUNDLE_TOO_LARGE',
      details: { status: 413 },
    });
  });
});
