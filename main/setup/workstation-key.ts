/**
 * The workstation's own signing key for OAuth 2.0 client credentials with a signed JWT assertion
 * (RFC 7523, as in SMART Backend Services). ES384, generated here: the private key never leaves
 * the machine and is stored only wrapped by the OS keychain; the administrator registers the
 * public JWK (and its RFC 7638 thumbprint) with the national identity provider.
 */
import { createHash, createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Keychain } from '../../native/keychain/keychain';
import { TabibError } from '../errors';
import { writeFileAtomic } from '../storage/atomic-file';

export interface WorkstationPublicKey {
  jwk: Record<string, string>;
  thumbprint: string;
}

export function jwkThumbprint(jwk: Record<string, string>): string {
  // RFC 7638 §3.2: the required members of an EC key, in lexicographic order, no whitespace.
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

export async function createWorkstationKey(
  keychain: Keychain,
  credentialsPath: string,
): Promise<WorkstationPublicKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const exported = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const thumbprint = jwkThumbprint(exported);
  const jwk = {
    kty: 'EC',
    crv: 'P-384',
    x: exported.x as string,
    y: exported.y as string,
    alg: 'ES384',
    use: 'sig',
    kid: thumbprint,
  };
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  writeFileAtomic(credentialsPath, await keychain.wrap(der), 0o600);
  return { jwk, thumbprint };
}

export async function loadWorkstationKey(keychain: Keychain, credentialsPath: string): Promise<KeyObject> {
  let wrapped: Buffer;
  try {
    wrapped = readFileSync(credentialsPath);
  } catch {
    throw new TabibError('KEYCHAIN_UNAVAILABLE', `The workstation key ${credentialsPath} is missing`);
  }
  const der = Buffer.from(await keychain.unwrap(wrapped));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
