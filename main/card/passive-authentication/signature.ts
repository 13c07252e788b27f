/**
 * Signature verification for passive authentication: RSA PKCS#1 v1.5, RSASSA-PSS and ECDSA with
 * SHA-1/224/256/384/512, as CMS and X.509 name them. Node's crypto does RSA and the NIST curves,
 * in Node and in Electron (BoringSSL); Brainpool curves, common on eMRTD signers and missing from
 * BoringSSL (electron/electron#32535), go through @noble/curves. Anything else is 'unsupported',
 * which passive authentication reports as not verifiable rather than failed.
 */
import { createHash, createPublicKey, constants, verify, type KeyObject } from 'node:crypto';
import { brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 } from '@noble/curves/misc.js';
import * as pkijs from 'pkijs';

export type HashName = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export const HASH_OIDS: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

export const HASH_LABELS: Record<HashName, string> = {
  sha1: 'SHA-1',
  sha224: 'SHA-224',
  sha256: 'SHA-256',
  sha384: 'SHA-384',
  sha512: 'SHA-512',
};

const RSA_PKCS1: Record<string, HashName | null> = {
  '1.2.840.113549.1.1.1': null, // rsaEncryption: the hash is the signer's digest algorithm
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
};
const RSA_PSS = '1.2.840.113549.1.1.10';
const ECDSA: Record<string, HashName | null> = {
  '1.2.840.10045.2.1': null, // id-ecPublicKey used as a signature algorithm: the digest algorithm says the hash
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const BRAINPOOL = {
  '1.3.36.3.3.2.8.1.1.7': brainpoolP256r1,
  '1.3.36.3.3.2.8.1.1.11': brainpoolP384r1,
  '1.3.36.3.3.2.8.1.1.13': brainpoolP512r1,
} as const;

export function digest(hash: HashName, data: Uint8Array): Uint8Array {
  return createHash(hash).update(data).digest();
}

export interface SignatureCheck {
  /** The signature algorithm (CMS signatureAlgorithm or X.509 signatureAlgorithm). */
  algorithm: pkijs.AlgorithmIdentifier;
  /** For CMS: the signer's digestAlgorithm, used when `algorithm` names no hash. */
  digestAlgorithm?: pkijs.AlgorithmIdentifier;
  publicKey: pkijs.PublicKeyInfo;
  data: Uint8Array;
  signature: Uint8Array;
}

export type SignatureOutcome =
  { valid: boolean; algorithm: string } | { valid: null; algorithm: string; unsupported: string };

function hashOf(explicit: HashName | null, digestAlgorithm?: pkijs.AlgorithmIdentifier): HashName | null {
  if (explicit) return explicit;
  return digestAlgorithm ? (HASH_OIDS[digestAlgorithm.algorithmId] ?? null) : null;
}

function nodeKey(publicKey: pkijs.PublicKeyInfo): KeyObject {
  return createPublicKey({
    key: Buffer.from(publicKey.toSchema().toBER(false)),
    format: 'der',
    type: 'spki',
  });
}

function unsupported(algorithm: string, why: string): SignatureOutcome {
  return { valid: null, algorithm, unsupported: why };
}

/**
 * pkijs 3 builds its objects with its own copy of asn1js (3.x) while Tabib depends on asn1js 4:
 * objects from pkijs are read by their tag, never with instanceof.
 */
interface AsnLike {
  idBlock: { tagClass: number; tagNumber: number };
  valueBlock: { toString(): string };
}

function isUniversal(value: unknown, tagNumber: number): value is AsnLike {
  const block = (value as Partial<AsnLike> | undefined)?.idBlock;
  return block !== undefined && block.tagClass === 1 && block.tagNumber === tagNumber;
}

const SEQUENCE_TAG = 16;
const OID_TAG = 6;

function pssParameters(
  algorithm: pkijs.AlgorithmIdentifier,
): { hash: HashName; saltLength: number } | string {
  const params = new pkijs.RSASSAPSSParams(
    isUniversal(algorithm.algorithmParams, SEQUENCE_TAG) ? { schema: algorithm.algorithmParams } : {},
  );
  const hash = HASH_OIDS[params.hashAlgorithm.algorithmId];
  if (!hash) return `RSA-PSS with hash ${params.hashAlgorithm.algorithmId}`;
  const mgf = params.maskGenAlgorithm;
  if (mgf.algorithmId !== '1.2.840.113549.1.1.8') return `RSA-PSS with mask generation ${mgf.algorithmId}`;
  const mgfHash = isUniversal(mgf.algorithmParams, SEQUENCE_TAG)
    ? HASH_OIDS[new pkijs.AlgorithmIdentifier({ schema: mgf.algorithmParams }).algorithmId]
    : 'sha1';
  // Node's PSS uses the signature's hash for MGF1 too; ICAO 9303-12 profiles use the same hash for both.
  if (mgfHash !== hash) return 'RSA-PSS with an MGF1 hash different from the message hash';
  return { hash, saltLength: params.saltLength };
}

/** Verifies one signature. `valid: null` = an algorithm or key this build cannot check. */
export function verifySignature(check: SignatureCheck): SignatureOutcome {
  const oid = check.algorithm.algorithmId;
  try {
    if (oid in RSA_PKCS1) {
      const hash = hashOf(RSA_PKCS1[oid] ?? null, check.digestAlgorithm);
      if (!hash) return unsupported(oid, 'no hash algorithm');
      const valid = verify(
        hash,
        check.data,
        { key: nodeKey(check.publicKey), padding: constants.RSA_PKCS1_PADDING },
        check.signature,
      );
      return { valid, algorithm: `RSA PKCS#1 v1.5 with ${HASH_LABELS[hash]}` };
    }
    if (oid === RSA_PSS) {
      const params = pssParameters(check.algorithm);
      if (typeof params === 'string') return unsupported(oid, params);
      const valid = verify(
        params.hash,
        check.data,
        {
          key: nodeKey(check.publicKey),
          padding: constants.RSA_PKCS1_PSS_PADDING,
          saltLength: params.saltLength,
        },
        check.signature,
      );
      return { valid, algorithm: `RSA-PSS with ${HASH_LABELS[params.hash]}` };
    }
    if (oid in ECDSA) {
      const hash = hashOf(ECDSA[oid] ?? null, check.digestAlgorithm);
      if (!hash) return unsupported(oid, 'no hash algorithm');
      const keyParams = check.publicKey.algorithm.algorithmParams;
      const curveOid = isUniversal(keyParams, OID_TAG) ? keyParams.valueBlock.toString() : null;
      const brainpool = curveOid ? BRAINPOOL[curveOid as keyof typeof BRAINPOOL] : undefined;
      const label = `ECDSA with ${HASH_LABELS[hash]}`;
      if (brainpool) {
        const point = check.publicKey.subjectPublicKey.valueBlock.valueHexView;
        const valid = brainpool.verify(check.signature, digest(hash, check.data), point, {
          prehash: false,
          format: 'der',
          lowS: false,
        });
        return { valid, algorithm: `${label} on brainpool` };
      }
      if (!curveOid) return unsupported(oid, 'an EC key with explicit domain parameters');
      const valid = verify(
        hash,
        check.data,
        { key: nodeKey(check.publicKey), dsaEncoding: 'der' },
        check.signature,
      );
      return { valid, algorithm: label };
    }
    return unsupported(oid, `signature algorithm ${oid}`);
  } catch (error) {
    // A key Node cannot load (an unknown curve) is unsupported; a malformed signature is invalid.
    if (error instanceof Error && /unsupported|not supported|unknown|curve/i.test(error.message))
      return unsupported(oid, error.message);
    return { valid: false, algorithm: oid };
  }
}
