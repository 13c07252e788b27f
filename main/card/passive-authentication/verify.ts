/**
 * Passive authentication (ICAO 9303-11 §5.1, 9303-12): EF.SOD is signed by a document signer
 * (DS) whose certificate a trusted CSCA issued, and every data group read hashes to its value in
 * EF.SOD. The result says 'verified', 'not-verifiable' or 'failed' (card-identity.ts), and why.
 */
import type * as pkijs from 'pkijs';
import type { ErrorCode } from '../../contract/errors';
import type { PassiveAuthenticationStatus } from '../card-identity';
import { TabibError } from '../../errors';
import { parseSod, type Sod } from '../lds/sod';
import { dataGroupFile } from '../lds/files';
import { checkSigner } from './cms';
import {
  authorityKeyIdentifier,
  bytesEqual,
  nameToString,
  notAfter,
  notBefore,
  sameName,
  subjectKeyIdentifier,
  validAt,
  verifyIssuedBy,
} from './certificates';
import { HASH_LABELS, HASH_OIDS, digest } from './signature';
import type { TrustAnchor } from './trust-store';

/** Why, as a stable code (the `detail` says it in English). */
export type PassiveAuthenticationReason =
  | 'verified'
  | 'sod-malformed'
  | 'hash-algorithm-unsupported'
  | 'data-group-hash-mismatch'
  | 'data-group-not-in-sod'
  | 'content-type-mismatch'
  | 'message-digest-mismatch'
  | 'signature-invalid'
  | 'signature-algorithm-unsupported'
  | 'no-signer-certificate'
  | 'signer-not-valid-at-signing-time'
  | 'no-trust-anchor'
  | 'signer-not-issued-by-csca'
  | 'csca-not-valid-when-signer-issued';

export interface DataGroupHashCheck {
  dataGroup: number;
  /** 'DG1', 'DG2', … */
  name: string;
  /** The data group was read and its hash compared: true if equal, false if different or not in EF.SOD. */
  hashValid: boolean;
  /** EF.SOD lists a hash for it. */
  inSod: boolean;
}

export interface PassiveAuthenticationResult {
  status: PassiveAuthenticationStatus;
  reason: PassiveAuthenticationReason;
  /** Why, in English, for administrators. Never holds card data beyond certificate subjects. */
  detail: string;
  /**
   * For 'failed': 'CARD_DATA_TAMPERED' when a data group, the signed content, the signature or
   * the signer's certificate does not check; 'CARD_PROTOCOL_ERROR' for an unreadable EF.SOD; null
   * for a certificate used outside its validity (and for any other status).
   */
  code: Extract<ErrorCode, 'CARD_DATA_TAMPERED' | 'CARD_PROTOCOL_ERROR'> | null;
  /** Subjects of the document signer certificate and of the CSCA that issued it, where known. */
  documentSigner: string | null;
  csca: string | null;
  /** 'SHA-256', … (EF.SOD's data group hash algorithm). */
  hashAlgorithm: string | null;
  /** e.g. 'ECDSA with SHA-256'. */
  signatureAlgorithm: string | null;
  /** The signing time attribute (ISO 8601), where EF.SOD has one. */
  signingTime: string | null;
  /** Every data group read, in order, with its hash check. */
  dataGroups: DataGroupHashCheck[];
}

export interface PassiveAuthenticationInput {
  /** EF.SOD as read (tag 77 …). */
  sod: Uint8Array;
  /** The data groups read: number (1–16) → the file's bytes. */
  dataGroups: ReadonlyMap<number, Uint8Array>;
  /** The configured CSCAs (loadTrustList). Empty: nothing can be verified. */
  trustAnchors: readonly TrustAnchor[];
  /** When EF.SOD carries no signing time, the DS certificate must be valid at this time (default: now). */
  at?: Date;
}

type Known = Omit<PassiveAuthenticationResult, 'status' | 'reason' | 'detail' | 'code'>;

/**
 * The error code a failure carries: the data or its signature do not check (tampering), or EF.SOD
 * cannot be read. A certificate used outside its validity fails without either.
 */
const FAILURE_CODES: Partial<Record<PassiveAuthenticationReason, PassiveAuthenticationResult['code']>> = {
  'sod-malformed': 'CARD_PROTOCOL_ERROR',
  'data-group-hash-mismatch': 'CARD_DATA_TAMPERED',
  'data-group-not-in-sod': 'CARD_DATA_TAMPERED',
  'content-type-mismatch': 'CARD_DATA_TAMPERED',
  'message-digest-mismatch': 'CARD_DATA_TAMPERED',
  'signature-invalid': 'CARD_DATA_TAMPERED',
  'signer-not-issued-by-csca': 'CARD_DATA_TAMPERED',
};

function result(
  base: Known,
  status: PassiveAuthenticationStatus,
  reason: PassiveAuthenticationReason,
  detail: string,
): PassiveAuthenticationResult {
  const code = status !== 'failed' ? null : (FAILURE_CODES[reason] ?? null);
  return { status, reason, detail, code, ...base };
}

function compareHashes(sod: Sod, dataGroups: ReadonlyMap<number, Uint8Array>): DataGroupHashCheck[] | null {
  const hash = HASH_OIDS[sod.hashAlgorithmOid];
  if (!hash) return null;
  return [...dataGroups.entries()]
    .sort(([a], [b]) => a - b)
    .map(([dataGroup, bytes]) => {
      const expected = sod.dataGroupHashes.get(dataGroup);
      return {
        dataGroup,
        name: dataGroupFile(dataGroup).name,
        inSod: expected !== undefined,
        hashValid: expected !== undefined && bytesEqual(expected, digest(hash, bytes)),
      };
    });
}

/** CSCAs that may have issued `signer`: same name as its issuer and, where both say, the same key identifier. */
function candidateIssuers(
  signer: pkijs.Certificate,
  anchors: readonly TrustAnchor[],
): { named: TrustAnchor[]; keyMatch: TrustAnchor[] } {
  const named = anchors.filter((entry) => sameName(entry.certificate.subject, signer.issuer));
  const aki = authorityKeyIdentifier(signer);
  if (!aki) return { named, keyMatch: named };
  const keyMatch = named.filter((entry) => {
    const ski = subjectKeyIdentifier(entry.certificate);
    return ski === null || bytesEqual(ski, aki);
  });
  return { named, keyMatch };
}

export function passiveAuthentication(input: PassiveAuthenticationInput): PassiveAuthenticationResult {
  const base: Known = {
    documentSigner: null,
    csca: null,
    hashAlgorithm: null,
    signatureAlgorithm: null,
    signingTime: null,
    dataGroups: [],
  };
  let sod: Sod;
  try {
    sod = parseSod(input.sod);
  } catch (error) {
    if (!(error instanceof TabibError)) throw error;
    return result(base, 'failed', 'sod-malformed', error.message);
  }

  // 1. The data groups against EF.SOD's hashes (meaningful only once the signature holds, but reported either way).
  const hashName = HASH_OIDS[sod.hashAlgorithmOid];
  base.hashAlgorithm = hashName ? HASH_LABELS[hashName] : sod.hashAlgorithmOid;
  const hashes = compareHashes(sod, input.dataGroups);
  if (!hashes)
    return result(
      base,
      'not-verifiable',
      'hash-algorithm-unsupported',
      `EF.SOD uses hash algorithm ${sod.hashAlgorithmOid}, which Tabib does not know`,
    );
  base.dataGroups = hashes;

  // 2. The signature over the LDS security object.
  const signer = checkSigner(sod.signedData, sod.contentType, sod.content);
  base.signingTime = signer.signingTime?.toISOString() ?? null;
  if (signer.signer) base.documentSigner = nameToString(signer.signer.subject);
  if (signer.signature) base.signatureAlgorithm = signer.signature.algorithm;
  if (!signer.contentTypeMatches)
    return result(
      base,
      'failed',
      'content-type-mismatch',
      'The signed content type attribute does not match the LDS security object',
    );
  if (!signer.digestSupported)
    return result(
      base,
      'not-verifiable',
      'hash-algorithm-unsupported',
      'The signer uses a digest algorithm Tabib does not know',
    );
  if (!signer.digestMatches)
    return result(
      base,
      'failed',
      'message-digest-mismatch',
      'The signed message digest does not match the LDS security object: EF.SOD was altered',
    );

  const tampered = hashes.filter((entry) => !entry.hashValid);
  const tamperedDetail = (): string =>
    tampered
      .map((entry) =>
        entry.inSod
          ? `${entry.name} does not match its hash in EF.SOD`
          : `${entry.name} has no hash in EF.SOD`,
      )
      .join('; ');
  const tamperedReason = (): PassiveAuthenticationReason =>
    tampered.some((entry) => entry.inSod) ? 'data-group-hash-mismatch' : 'data-group-not-in-sod';

  if (!signer.signer || !signer.signature) {
    if (tampered.length > 0) return result(base, 'failed', tamperedReason(), tamperedDetail());
    return result(
      base,
      'not-verifiable',
      'no-signer-certificate',
      'EF.SOD does not contain the document signer certificate',
    );
  }
  if (signer.signature.valid === null)
    return result(
      base,
      tampered.length > 0 ? 'failed' : 'not-verifiable',
      tampered.length > 0 ? tamperedReason() : 'signature-algorithm-unsupported',
      tampered.length > 0
        ? tamperedDetail()
        : `The signature cannot be checked here: ${'unsupported' in signer.signature ? signer.signature.unsupported : ''}`,
    );
  if (!signer.signature.valid)
    return result(
      base,
      'failed',
      'signature-invalid',
      'The EF.SOD signature does not verify with the document signer certificate',
    );
  if (tampered.length > 0) return result(base, 'failed', tamperedReason(), tamperedDetail());

  // 3. The document signer at signing time.
  const ds = signer.signer;
  const at = signer.signingTime ?? input.at ?? new Date();
  if (!validAt(ds, at))
    return result(
      base,
      'failed',
      'signer-not-valid-at-signing-time',
      `The document signer certificate is valid from ${notBefore(ds).toISOString()} to ${notAfter(ds).toISOString()}, not at ${at.toISOString()}`,
    );

  // 4. The chain to a configured CSCA.
  if (input.trustAnchors.length === 0)
    return result(
      base,
      'not-verifiable',
      'no-trust-anchor',
      'No CSCA certificate is configured (resources/card/csca/)',
    );
  const { named, keyMatch } = candidateIssuers(ds, input.trustAnchors);
  if (keyMatch.length === 0)
    return result(
      base,
      'not-verifiable',
      'no-trust-anchor',
      named.length > 0
        ? 'A CSCA with the issuer name is configured, but not the key that issued the document signer (a newer CSCA?)'
        : `No configured CSCA is named like the document signer's issuer (${nameToString(ds.issuer)})`,
    );
  let unsupportedIssuer: string | null = null;
  for (const candidate of keyMatch) {
    const outcome = verifyIssuedBy(ds, candidate.certificate);
    if (outcome.valid === null) {
      unsupportedIssuer = outcome.algorithm;
      continue;
    }
    if (!outcome.valid) continue;
    base.csca = candidate.subject;
    // Chain model (ICAO 9303-12 §7.1.1): the CSCA was valid when it issued the signer.
    if (!validAt(candidate.certificate, notBefore(ds)))
      return result(
        base,
        'failed',
        'csca-not-valid-when-signer-issued',
        'The CSCA was not valid when it issued the document signer certificate',
      );
    return result(
      base,
      'verified',
      'verified',
      `Signed by ${base.documentSigner ?? 'the document signer'}, issued by ${candidate.subject} (${candidate.source}); ${hashes.length} data group(s) match`,
    );
  }
  if (unsupportedIssuer)
    return result(
      base,
      'not-verifiable',
      'signature-algorithm-unsupported',
      `The CSCA's signature on the document signer cannot be checked here (${unsupportedIssuer})`,
    );
  return result(
    base,
    'failed',
    'signer-not-issued-by-csca',
    'The document signer certificate does not verify with the configured CSCA of that name',
  );
}
