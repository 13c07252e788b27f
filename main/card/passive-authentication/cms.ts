/**
 * Checks a CMS SignerInfo (RFC 5652 §5.4, §5.6) over encapsulated content: the signed attributes'
 * content type and message digest, then the signature over the signed attributes (or over the
 * content when there are none).
 */
import * as pkijs from 'pkijs';
import { findSignerCertificate } from './certificates';
import { HASH_OIDS, digest, verifySignature, type SignatureOutcome } from './signature';

const CONTENT_TYPE = '1.2.840.113549.1.9.3';
const MESSAGE_DIGEST = '1.2.840.113549.1.9.4';
const SIGNING_TIME = '1.2.840.113549.1.9.5';

export interface SignerCheck {
  signer: pkijs.Certificate | null;
  /** null: no signer certificate, or an algorithm this build cannot check. */
  signature: SignatureOutcome | null;
  /** The message digest attribute equals the content's hash (true when there are no signed attributes). */
  digestMatches: boolean;
  /** The content type attribute equals eContentType (true when there are no signed attributes). */
  contentTypeMatches: boolean;
  /** Digest algorithm is one Tabib knows. */
  digestSupported: boolean;
  signingTime: Date | null;
}

interface AttributeValue {
  idBlock: { tagNumber: number };
  valueBlock: { valueHexView: Uint8Array; toString(): string };
  toDate?: () => Date;
}

export function checkSigner(
  signedData: pkijs.SignedData,
  contentType: string,
  content: Uint8Array,
  extraCertificates: pkijs.Certificate[] = [],
): SignerCheck {
  const signerInfo = signedData.signerInfos[0] as pkijs.SignerInfo;
  const certificates = [
    ...(signedData.certificates ?? []).filter((entry) => entry instanceof pkijs.Certificate),
    ...extraCertificates,
  ];
  const signer = findSignerCertificate(signerInfo, certificates) ?? null;
  const hash = HASH_OIDS[signerInfo.digestAlgorithm.algorithmId];
  let digestMatches = true;
  let contentTypeMatches = true;
  let signingTime: Date | null = null;
  let signed = content;
  if (signerInfo.signedAttrs) {
    const attribute = (oid: string): AttributeValue | undefined =>
      signerInfo.signedAttrs?.attributes.find((entry) => entry.type === oid)?.values[0] as
        AttributeValue | undefined;
    const type = attribute(CONTENT_TYPE);
    contentTypeMatches = type !== undefined && type.valueBlock.toString() === contentType;
    const messageDigest = attribute(MESSAGE_DIGEST);
    digestMatches =
      hash !== undefined &&
      messageDigest !== undefined &&
      Buffer.from(messageDigest.valueBlock.valueHexView).equals(Buffer.from(digest(hash, content)));
    const time = attribute(SIGNING_TIME);
    signingTime = time?.toDate ? time.toDate() : null;
    signed = new Uint8Array(signerInfo.signedAttrs.encodedValue);
  }
  const signature = signer
    ? verifySignature({
        algorithm: signerInfo.signatureAlgorithm,
        digestAlgorithm: signerInfo.digestAlgorithm,
        publicKey: signer.subjectPublicKeyInfo,
        data: signed,
        signature: signerInfo.signature.valueBlock.valueHexView,
      })
    : null;
  return {
    signer,
    signature,
    digestMatches,
    contentTypeMatches,
    digestSupported: hash !== undefined,
    signingTime,
  };
}
