/**
 * The OIDC peer issues SMART Backend Services tokens to the workstation's own key, and the FHIR
 * peer accepts them — and nothing else. Real HTTP on loopback.
 */
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkstationKey, loadWorkstationKey } from '../../../main/setup/workstation-key';
import { KeyFileKeychain } from '../../../native/keychain/key-file-keychain';
import { type FhirPeer, startFhirPeer } from '../fhir/fhir-peer';
import {
  type OidcPeer,
  type OidcPeerOptions,
  requestClientCredentialsToken,
  signClientAssertion,
  startOidcPeer,
} from './oidc-peer';

let oidc: OidcPeer;
let fhir: FhirPeer;
let dir: string;
let clientId: string;
let workstationKey: KeyObject;
let kid: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tabib-oidc-'));
  const keychain = new KeyFileKeychain(join(dir, 'keychain.key'));
  const credentials = join(dir, 'workstation-key');
  const { jwk, thumbprint } = await createWorkstationKey(keychain, credentials);
  workstationKey = await loadWorkstationKey(keychain, credentials);
  clientId = `workstation-${thumbprint}`;
  kid = thumbprint;
  oidc = await startOidcPeer({ accessTokenTtlSeconds: 30 });
  await oidc.registerClient({ clientId, jwks: { keys: [jwk] } });
  fhir = await startFhirPeer({
    authorize: async (token) => (await oidc.verifyAccessToken(token)) !== null,
    tokenUrl: oidc.tokenUrl,
  });
});

afterAll(async () => {
  await fhir?.stop();
  await oidc?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function requestToken(assertion: string, scope = 'system/*.rs system/*.cu') {
  return requestClientCredentialsToken(oidc.tokenUrl, assertion, scope);
}

async function fhirGet(path: string, token?: string) {
  return fetch(`${fhir.baseUrl}/${path}`, {
    headers: { accept: 'application/fhir+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
}

describe('client credentials with private_key_jwt', () => {
  it('issues a JWT access token to the workstation key (ES384), which the FHIR peer accepts', async () => {
    const assertion = await signClientAssertion({
      clientId,
      privateKey: workstationKey,
      alg: 'ES384',
      audience: oidc.tokenUrl,
      kid,
    });
    const { status, body } = await requestToken(assertion);
    expect(status).toBe(200);
    expect(body.expires_in).toBe(30);
    expect(body.scope).toBe('system/*.rs system/*.cu');
    const claims = await oidc.verifyAccessToken(body.access_token!);
    expect(claims).toMatchObject({
      client_id: clientId,
      iss: oidc.issuer,
      aud: oidc.audience,
      scope: 'system/*.rs system/*.cu',
    });
    expect((await fhirGet('Patient', body.access_token)).status).toBe(200);
  });

  it('also accepts an ES256 (P-256) client key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = {
      ...(publicKey.export({ format: 'jwk' }) as Record<string, string>),
      alg: 'ES256',
      kid: 'p256',
    };
    await oidc.registerClient({ clientId: 'p256-client', jwks: { keys: [jwk] } });
    const assertion = await signClientAssertion({
      clientId: 'p256-client',
      privateKey,
      alg: 'ES256',
      audience: oidc.tokenUrl,
    });
    expect((await requestToken(assertion)).status).toBe(200);
  });

  it('refuses an assertion signed with another key, expired, or for another audience', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    const cases = {
      'wrong key': await signClientAssertion({
        clientId,
        privateKey: other,
        alg: 'ES384',
        audience: oidc.tokenUrl,
        kid,
      }),
      expired: await signClientAssertion({
        clientId,
        privateKey: workstationKey,
        alg: 'ES384',
        audience: oidc.tokenUrl,
        kid,
        issuedAt: new Date(Date.now() - 10 * 60_000),
        expiresInSeconds: 300,
      }),
      'wrong audience': await signClientAssertion({
        clientId,
        privateKey: workstationKey,
        alg: 'ES384',
        audience: 'https://idp.example.invalid/token',
        kid,
      }),
      'unknown client': await signClientAssertion({
        clientId: 'nobody',
        privateKey: workstationKey,
        alg: 'ES384',
        audience: oidc.tokenUrl,
      }),
    };
    for (const [name, assertion] of Object.entries(cases)) {
      const { status, body } = await requestToken(assertion);
      expect(status, name).toBe(401);
      expect(body.error, name).toBe('invalid_client');
      expect(body.access_token).toBeUndefined();
    }
    expect(oidc.tokenRequests.filter((r) => !r.ok).length).toBeGreaterThanOrEqual(4);
  });

  it('refuses a scope the client was not registered for', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as Record<string, string>), alg: 'ES256' };
    await oidc.registerClient({ clientId: 'reader', jwks: { keys: [jwk] }, scope: 'system/*.rs' });
    const assertion = () =>
      signClientAssertion({ clientId: 'reader', privateKey, alg: 'ES256', audience: oidc.tokenUrl });
    expect((await requestToken(await assertion(), 'system/*.rs')).status).toBe(200);
    const refused = await requestToken(await assertion(), 'system/*.rs system/*.cu');
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_scope');
  });
});

describe('the FHIR peer checks bearer tokens', () => {
  async function validToken(): Promise<string> {
    const assertion = await signClientAssertion({
      clientId,
      privateKey: workstationKey,
      alg: 'ES384',
      audience: oidc.tokenUrl,
      kid,
    });
    return (await requestToken(assertion)).body.access_token!;
  }

  it('answers 401 with WWW-Authenticate without a token or with a forged one, and serves metadata to all', async () => {
    const none = await fhirGet('Patient');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const forged = await fhirGet('Patient', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.');
    expect(forged.status).toBe(401);
    expect(forged.headers.get('www-authenticate')).toContain('invalid_token');

    const metadata = await fhirGet('metadata');
    expect(metadata.status).toBe(200);
    const caps = (await metadata.json()) as CapabilityStatement;
    const oauth = caps.rest![0]!.security!.extension![0]!;
    expect(oauth.extension).toEqual([{ url: 'token', valueUri: oidc.tokenUrl }]);
  });

  it('refuses an expired token, a token from another identity provider, and tokens issued before an invalidation', async () => {
    const token = await validToken();
    const exp = decodeJwt(token).exp!;
    expect(await oidc.verifyAccessToken(token, { currentDate: new Date((exp + 1) * 1000) })).toBeNull();
    expect(await oidc.verifyAccessToken(token, { currentDate: new Date((exp - 1) * 1000) })).not.toBeNull();

    // Same audience, another provider (its own signing key and issuer).
    await withTokenFromAnotherProvider({ audience: oidc.audience }, async (stranger, foreignToken) => {
      expect(await stranger.verifyAccessToken(foreignToken)).not.toBeNull();
      expect((await fhirGet('Patient', foreignToken)).status).toBe(401);
    });
    await withTokenFromAnotherProvider({ audience: 'urn:tabib:test:other' }, async (_, wrongAudience) => {
      expect(decodeJwt(wrongAudience).aud).toBe('urn:tabib:test:other');
      expect(await oidc.verifyAccessToken(wrongAudience)).toBeNull();
    });

    expect((await fhirGet('Patient', token)).status).toBe(200);
    oidc.invalidateIssuedTokens();
    expect((await fhirGet('Patient', token)).status).toBe(401);
    expect((await fhirGet('Patient', await validToken())).status).toBe(200);
  });
});

/** Starts another provider, registers the workstation there, and hands its token to `check`. */
async function withTokenFromAnotherProvider(
  options: OidcPeerOptions,
  check: (provider: OidcPeer, token: string) => Promise<void>,
): Promise<void> {
  const provider = await startOidcPeer(options);
  try {
    await provider.registerClient({ clientId, jwks: { keys: [exportPublic(workstationKey)] } });
    const assertion = await signClientAssertion({
      clientId,
      privateKey: workstationKey,
      alg: 'ES384',
      audience: provider.tokenUrl,
    });
    await check(
      provider,
      (await requestClientCredentialsToken(provider.tokenUrl, assertion, 'system/*.rs')).body.access_token!,
    );
  } finally {
    await provider.stop();
  }
}

function exportPublic(privateKey: KeyObject): Record<string, string> {
  return {
    ...(createPublicKey(privateKey).export({ format: 'jwk' }) as Record<string, string>),
    alg: 'ES384',
  };
}
