/**
 * Signed documents of the update system (the release manifest and the key list), in the shape
 * The Update Framework uses (TUF specification §4.2, "signed" and "signatures"): the data, and
 * Ed25519 signatures (RFC 8032) over its canonical JSON (canonical-json.ts).
 *
 * Ed25519 through node:crypto: the same code runs under Node (CLI, tests) and in Electron's
 * services worker. Public keys travel as their raw 32 bytes in base64 (RFC 8032 §5.1.5).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { canonicalBytes } from './canonical-json';

const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const keyIdPattern = /^[0-9a-f]{16}$/;

export const signatureSchema = z
  .object({
    keyId: z.string().regex(keyIdPattern),
    signature: z.string().regex(base64).max(200),
  })
  .strict();

/** What arrives from the server, before anything is trusted: only the outer shape is checked. */
export const signedEnvelopeSchema = z
  .object({
    signed: z.record(z.string(), z.unknown()),
    signatures: z.array(signatureSchema).max(16),
  })
  .strict();

export type Signature = z.infer<typeof signatureSchema>;
export interface SignedEnvelope<T = Record<string, unknown>> {
  signed: T;
  signatures: Signature[];
}

export interface PublicKeyEntry {
  keyId: string;
  /** Raw Ed25519 public key, 32 bytes, base64. */
  publicKey: string;
}

/** A short, stable name for a key: the first 8 bytes of SHA-256 over its raw 32 bytes, in hex. */
export function keyIdOf(rawPublicKey: Uint8Array): string {
  return createHash('sha256').update(rawPublicKey).digest('hex').slice(0, 16);
}

export function publicKeyObject(entry: PublicKeyEntry): KeyObject {
  const raw = Buffer.from(entry.publicKey, 'base64');
  if (raw.length !== 32) throw new TypeError(`Ed25519 public key ${entry.keyId} is not 32 bytes`);
  return createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
    format: 'jwk',
  });
}

export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || !jwk.x) throw new TypeError('not an Ed25519 key');
  return Buffer.from(jwk.x, 'base64url');
}

export interface SigningKey {
  keyId: string;
  privateKey: KeyObject;
}

export function generateSigningKey(): {
  signingKey: SigningKey;
  publicEntry: PublicKeyEntry;
  privatePem: string;
} {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  const keyId = keyIdOf(raw);
  return {
    signingKey: { keyId, privateKey },
    publicEntry: { keyId, publicKey: raw.toString('base64') },
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** A PKCS#8 PEM private key, as `tabib release keygen` writes it. */
export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new TypeError('not an Ed25519 private key');
  return { keyId: keyIdOf(rawPublicKey(createPublicKey(privateKey))), privateKey };
}

export function signDocument<T extends Record<string, unknown>>(
  signed: T,
  keys: SigningKey[],
): SignedEnvelope<T> {
  const message = canonicalBytes(signed);
  return {
    signed,
    signatures: keys.map((key) => ({
      keyId: key.keyId,
      signature: sign(null, message, key.privateKey).toString('base64'),
    })),
  };
}

export type SignatureCheck =
  | { valid: true; keyIds: string[] }
  | { valid: false; reason: 'UNKNOWN_SIGNING_KEY' | 'SIGNATURE_INVALID'; keyIds: string[] };

/**
 * Threshold 1: at least one signature by a trusted key, and it verifies. A signature naming a
 * trusted key but not made by it is SIGNATURE_INVALID (the document or signature was altered);
 * signatures only by keys we do not know are UNKNOWN_SIGNING_KEY (a wrong or stolen-but-unlisted key).
 */
export function checkSignatures(
  envelope: SignedEnvelope<unknown>,
  trusted: readonly PublicKeyEntry[],
): SignatureCheck {
  const byId = new Map(trusted.map((entry) => [entry.keyId, entry]));
  const known = envelope.signatures.filter((item) => byId.has(item.keyId));
  if (known.length === 0) {
    return {
      valid: false,
      reason: 'UNKNOWN_SIGNING_KEY',
      keyIds: envelope.signatures.map((item) => item.keyId),
    };
  }
  let message: Buffer;
  try {
    message = canonicalBytes(envelope.signed);
  } catch {
    // A float or another value canonical JSON refuses: no signer of ours produced it.
    return { valid: false, reason: 'SIGNATURE_INVALID', keyIds: known.map((item) => item.keyId) };
  }
  const valid = known.filter((item) => {
    const entry = byId.get(item.keyId) as PublicKeyEntry;
    try {
      return verify(null, message, publicKeyObject(entry), Buffer.from(item.signature, 'base64'));
    } catch {
      return false;
    }
  });
  return valid.length > 0
    ? { valid: true, keyIds: valid.map((item) => item.keyId) }
    : { valid: false, reason: 'SIGNATURE_INVALID', keyIds: known.map((item) => item.keyId) };
}

/** Parses a document's bytes into an envelope, or null when it is not one (checked before any trust). */
export function parseEnvelope(bytes: Uint8Array): SignedEnvelope | null {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return null;
  }
  const parsed = signedEnvelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}
