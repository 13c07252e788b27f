/**
 * The PACS configuration (`pacs` in the machine or user configuration) and the connection built
 * from it: each kind of authentication puts the right Authorization header on the requests, the
 * secret is kept wrapped by the keychain, and client credentials use the workstation's key.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { configFileSchema } from '../../main/config/schema';
import {
  openPacsConnection,
  PacsSecretFile,
  pacsSecretPath,
} from '../../main/imaging/dicomweb/pacs-connection';
import type { PacsConfig } from '../../main/imaging/dicomweb/pacs-config';
import type { PacsFetch } from '../../main/imaging/dicomweb/pacs-http';
import type { FetchLike, ResponseLike } from '../../main/sync/http-transport';
import { createWorkstationKey } from '../../main/setup/workstation-key';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function folder() {
  const dir = mkdtempSync(join(tmpdir(), 'tabib-pacs-connection-'));
  dirs.push(dir);
  return {
    dir,
    keychain: new KeyFileKeychain(join(dir, 'keychain', 'wrapping.key')),
    secretPath: pacsSecretPath(dir),
    credentialsPath: join(dir, 'credentials', 'workstation-key.bin'),
  };
}

function answer(status: number, body: string, type = 'application/dicom+json'): ResponseLike {
  return {
    status,
    ok: status < 300,
    headers: { get: (name) => (name === 'content-type' ? type : null) },
    body: new ReadableStream({
      start(controller) {
        controller.enqueue(Buffer.from(body));
        controller.close();
      },
    }),
  };
}

function recordingFetch() {
  const authorizations: (string | undefined)[] = [];
  const fetch: PacsFetch = async (_url, init) => {
    authorizations.push(init.headers.authorization);
    return answer(200, '[]');
  };
  return { fetch, authorizations };
}

const base = { baseUrl: 'https://pacs.region.example/dicom-web', stowEnabled: false } as const;

describe('the pacs configuration entry', () => {
  it('accepts each kind of authentication, https or loopback http, and nothing else', () => {
    const ok = (pacs: unknown) => configFileSchema.safeParse({ pacs }).success;
    expect(ok({ ...base, auth: { type: 'none' } })).toBe(true);
    expect(ok({ ...base, auth: { type: 'basic', username: 'radiologie' } })).toBe(true);
    expect(ok({ ...base, auth: { type: 'bearer' } })).toBe(true);
    expect(
      ok({
        ...base,
        auth: {
          type: 'client-credentials',
          tokenUrl: 'https://idp.example/token',
          clientId: 'ws-1',
          scope: 'pacs',
        },
      }),
    ).toBe(true);
    expect(ok({ ...base, baseUrl: 'http://127.0.0.1:8042/dicom-web', auth: { type: 'none' } })).toBe(true);
    expect(ok(null)).toBe(true);
    expect(ok({ ...base, baseUrl: 'http://pacs.region.example/dicom-web', auth: { type: 'none' } })).toBe(
      false,
    );
    // A password never sits in the configuration.
    expect(ok({ ...base, auth: { type: 'basic', username: 'u', password: 'p' } })).toBe(false);
    expect(ok({ ...base, auth: { type: 'kerberos' } })).toBe(false);
    expect(ok({ baseUrl: base.baseUrl, auth: { type: 'none' } })).toBe(false);
  });
});

describe('the PACS connection', () => {
  it('sends no Authorization, Basic, or the static bearer token, the secret read from its wrapped file', async () => {
    const paths = folder();
    const secret = new PacsSecretFile(paths.keychain, paths.secretPath);
    const seen: (string | undefined)[] = [];
    for (const [auth, stored] of [
      [{ type: 'none' }, null],
      [{ type: 'basic', username: 'radiologie' }, 'mot de passe é'],
      [{ type: 'bearer' }, 'static-token'],
    ] as [PacsConfig['auth'], string | null][]) {
      if (stored) await secret.write(stored);
      const { fetch, authorizations } = recordingFetch();
      const connection = await openPacsConnection({ ...paths, config: { ...base, auth }, fetch });
      await connection.client.searchStudies({});
      await connection.close();
      seen.push(...authorizations);
    }
    expect(seen).toEqual([
      undefined,
      `Basic ${Buffer.from('radiologie:mot de passe é', 'utf8').toString('base64')}`,
      'Bearer static-token',
    ]);
    expect(readFileSync(paths.secretPath).includes(Buffer.from('static-token'))).toBe(false);
  });

  it('without its secret, IMAGING_PACS_SECRET_MISSING', async () => {
    const paths = folder();
    await expect(
      openPacsConnection({
        ...paths,
        config: { ...base, auth: { type: 'bearer' } },
        fetch: recordingFetch().fetch,
      }),
    ).rejects.toMatchObject({ code: 'IMAGING_PACS_SECRET_MISSING' });
  });

  it('client credentials: a token from the token URL, asked with an assertion signed by the workstation key', async () => {
    const paths = folder();
    const { thumbprint } = await createWorkstationKey(paths.keychain, paths.credentialsPath);
    const forms: URLSearchParams[] = [];
    const tokenFetch: FetchLike = async (_url, init) => {
      forms.push(new URLSearchParams(init.body));
      return answer(
        200,
        JSON.stringify({ access_token: 'issued-1', token_type: 'Bearer', expires_in: 300 }),
        'application/json',
      );
    };
    const { fetch, authorizations } = recordingFetch();
    const connection = await openPacsConnection({
      ...paths,
      config: {
        ...base,
        auth: {
          type: 'client-credentials',
          tokenUrl: 'https://idp.example/token',
          clientId: 'ws-1',
          scope: 'pacs.read',
        },
      },
      fetch,
      tokenFetch,
    });
    await connection.client.searchStudies({});
    await connection.client.searchStudies({ patientId: 'X' });
    await connection.close();
    expect(authorizations).toEqual(['Bearer issued-1', 'Bearer issued-1']);
    expect(forms).toHaveLength(1);
    expect(forms[0]?.get('grant_type')).toBe('client_credentials');
    expect(forms[0]?.get('scope')).toBe('pacs.read');
    const assertion = forms[0]?.get('client_assertion') as string;
    expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'ES384', kid: thumbprint });
    expect(decodeJwt(assertion)).toMatchObject({
      iss: 'ws-1',
      sub: 'ws-1',
      aud: 'https://idp.example/token',
    });
  });
});
