/**
 * The workstation's client assertion (RFC 7523, SMART Backend Services) and the token cache:
 * claims and signature checked with jose against the public key registered at enrolment.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { jwkThumbprint } from '../../main/setup/workstation-key';
import type { FetchLike, RequestInitLike } from '../../main/sync/http-transport';
import { ClientCredentialsTokenSource, signClientAssertion } from '../../main/sync/token-source';
import { fakeTime } from './fake-time';

const tokenUrl = 'https://idp.sante.example/oauth2/token';
const clientId = 'tabib-ws-0042';

function keyPair(curve: 'P-256' | 'P-384'): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ec', { namedCurve: curve });
}

describe('the client assertion', () => {
  for (const [curve, alg] of [
    ['P-384', 'ES384'],
    ['P-256', 'ES256'],
  ] as const) {
    it(`is signed ${alg} by a ${curve} workstation key, with the SMART Backend Services claims`, async () => {
      const { privateKey, publicKey } = keyPair(curve);
      const nowMs = Date.now();
      const jwt = await signClientAssertion(privateKey, { clientId, tokenUrl, nowMs });
      const { payload, protectedHeader } = await jwtVerify(jwt, publicKey, {
        issuer: clientId,
        subject: clientId,
        audience: tokenUrl,
        algorithms: [alg],
      });
      expect(protectedHeader).toEqual({
        alg,
        typ: 'JWT',
        kid: jwkThumbprint(publicKey.export({ format: 'jwk' }) as Record<string, string>),
      });
      expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
      expect(payload.iat).toBe(Math.floor(nowMs / 1000));
      expect((payload.exp as number) - (payload.iat as number)).toBeLessThanOrEqual(300);
      expect(payload.exp as number).toBeGreaterThan(payload.iat as number);
    });
  }

  it('does not verify under another key', async () => {
    const jwt = await signClientAssertion(keyPair('P-384').privateKey, { clientId, tokenUrl });
    await expect(jwtVerify(jwt, keyPair('P-384').publicKey)).rejects.toThrow(/signature/);
  });

  it('never lives longer than five minutes, and has a new jti each time', async () => {
    const { privateKey } = keyPair('P-384');
    const a = await signClientAssertion(privateKey, { clientId, tokenUrl, lifetimeSeconds: 3600 });
    const b = await signClientAssertion(privateKey, { clientId, tokenUrl });
    const [pa, pb] = [a, b].map((jwt) =>
      JSON.parse(Buffer.from(jwt.split('.')[1] as string, 'base64url').toString()),
    );
    expect(pa.exp - pa.iat).toBe(300);
    expect(pa.jti).not.toBe(pb.jti);
    expect(decodeProtectedHeader(a).kid).toBe(decodeProtectedHeader(b).kid);
  });

  it('refuses a key that is not EC P-256 or P-384', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect(signClientAssertion(rsa, { clientId, tokenUrl })).rejects.toMatchObject({
      code: 'KEYCHAIN_UNAVAILABLE',
    });
  });
});

/** A token endpoint in memory, checking each assertion as the identity provider would. */
function tokenEndpoint(publicKey: KeyObject, answers: (n: number) => Response | Promise<Response>) {
  const seen: { form: URLSearchParams; init: RequestInitLike }[] = [];
  const fetch: FetchLike = async (url, init) => {
    expect(url).toBe(tokenUrl);
    const form = new URLSearchParams(init.body);
    seen.push({ form, init });
    await jwtVerify(form.get('client_assertion') as string, publicKey, {
      issuer: clientId,
      subject: clientId,
      audience: tokenUrl,
    });
    return answers(seen.length);
  };
  return { fetch, seen };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

describe('the token source', () => {
  it('sends client credentials with the assertion and caches the token until shortly before expiry', async () => {
    const { privateKey, publicKey } = keyPair('P-384');
    const time = fakeTime();
    const endpoint = tokenEndpoint(publicKey, (n) =>
      json({ access_token: `token-${n}`, token_type: 'Bearer', expires_in: 300 }),
    );
    const source = new ClientCredentialsTokenSource({
      tokenUrl,
      clientId,
      privateKey,
      scope: 'system/*.read system/*.write',
      fetch: endpoint.fetch,
      environment: time,
      renewBeforeMs: 30_000,
    });
    expect(await source.token()).toBe('token-1');
    const form = endpoint.seen[0]?.form;
    expect(form?.get('grant_type')).toBe('client_credentials');
    expect(form?.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(form?.get('scope')).toBe('system/*.read system/*.write');
    expect(endpoint.seen[0]?.init.redirect).toBe('manual');

    time.advance(269_000);
    expect(await source.token()).toBe('token-1');
    time.advance(2_000); // inside the last 30 s
    expect(await source.token()).toBe('token-2');
    expect(endpoint.seen).toHaveLength(2);
  });

  it('lets concurrent callers share one token request', async () => {
    const { privateKey, publicKey } = keyPair('P-256');
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const endpoint = tokenEndpoint(publicKey, async (n) => {
      await gate;
      return json({ access_token: `t${n}`, token_type: 'bearer', expires_in: 600 });
    });
    const source = new ClientCredentialsTokenSource({
      tokenUrl,
      clientId,
      privateKey,
      fetch: endpoint.fetch,
    });
    const callers = Promise.all(Array.from({ length: 8 }, () => source.token()));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(await callers).toEqual(Array(8).fill('t1'));
    expect(endpoint.seen).toHaveLength(1);
  });

  it('asks again after invalidate, but not when another token was invalidated', async () => {
    const { privateKey, publicKey } = keyPair('P-384');
    const endpoint = tokenEndpoint(publicKey, (n) =>
      json({ access_token: `t${n}`, token_type: 'Bearer', expires_in: 600 }),
    );
    const source = new ClientCredentialsTokenSource({
      tokenUrl,
      clientId,
      privateKey,
      fetch: endpoint.fetch,
    });
    const first = await source.token();
    source.invalidate('some-older-token');
    expect(await source.token()).toBe(first);
    source.invalidate(first);
    expect(await source.token()).toBe('t2');
  });

  it('turns invalid_client into SYNC_UNAUTHORIZED with the provider’s description, without retrying', async () => {
    const { privateKey, publicKey } = keyPair('P-384');
    const endpoint = tokenEndpoint(publicKey, () =>
      json({ error: 'invalid_client', error_description: 'unknown key' }, 401),
    );
    const source = new ClientCredentialsTokenSource({
      tokenUrl,
      clientId,
      privateKey,
      fetch: endpoint.fetch,
      environment: fakeTime(),
    });
    await expect(source.token()).rejects.toMatchObject({
      code: 'SYNC_UNAUTHORIZED',
      message: `POST ${tokenUrl}: invalid_client: unknown key`,
    });
    expect(endpoint.seen).toHaveLength(1);
  });

  it('retries a 503 with a fresh assertion, honouring Retry-After', async () => {
    const { privateKey, publicKey } = keyPair('P-384');
    const time = fakeTime();
    const endpoint = tokenEndpoint(publicKey, (n) =>
      n === 1
        ? new Response('busy', { status: 503, headers: { 'retry-after': '2' } })
        : json({ access_token: 'late', token_type: 'Bearer', expires_in: 60 }),
    );
    const source = new ClientCredentialsTokenSource({
      tokenUrl,
      clientId,
      privateKey,
      fetch: endpoint.fetch,
      environment: time,
    });
    expect(await source.token()).toBe('late');
    expect(time.sleeps).toEqual([2000]);
    const jtis = endpoint.seen.map(
      ({ form }) =>
        JSON.parse(
          Buffer.from(
            (form.get('client_assertion') as string).split('.')[1] as string,
            'base64url',
          ).toString(),
        ).jti,
    );
    expect(new Set(jtis).size).toBe(2);
  });

  it('refuses a token response without a bearer access_token', async () => {
    const { privateKey, publicKey } = keyPair('P-384');
    for (const body of [
      { token_type: 'Bearer' },
      { access_token: 'x', token_type: 'mac' },
      { access_token: 'x', token_type: 'Bearer', expires_in: -1 },
    ]) {
      const endpoint = tokenEndpoint(publicKey, () => json(body));
      const source = new ClientCredentialsTokenSource({
        tokenUrl,
        clientId,
        privateKey,
        fetch: endpoint.fetch,
      });
      await expect(source.token(), JSON.stringify(body)).rejects.toMatchObject({
        code: 'SYNC_RESPONSE_INVALID',
      });
    }
  });
});
