/** X.509 helpers for passive authentication: names, key identifiers, validity, signatures. */
import * as pkijs from 'pkijs';
import { verifySignature, type SignatureOutcome } from './signature';

const NAME_LABELS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** 'C=MA, O=DGSN, CN=CSCA Maroc' (RFC 4514 order reversed to the familiar reading order). */
export function nameToString(name: pkijs.RelativeDistinguishedNames): string {
  return name.typesAndValues
    .map((entry) => {
      const value = (entry.value as { valueBlock: { value: unknown } }).valueBlock.value;
      return `${NAME_LABELS[entry.type] ?? entry.type}=${typeof value === 'string' ? value : '?'}`;
    })
    .join(', ');
}

/** Compares names by their DER encoding (RFC 5280 §7.1's binary comparison, which ICAO 9303-12 requires of CSCAs). */
export function sameName(a: pkijs.RelativeDistinguishedNames, b: pkijs.RelativeDistinguishedNames): boolean {
  return Buffer.from(a.toSchema().toBER(false)).equals(Buffer.from(b.toSchema().toBER(false)));
}

function extension(certificate: pkijs.Certificate, oid: string): pkijs.Extension | undefined {
  return certificate.extensions?.find((entry) => entry.extnID === oid);
}

export function subjectKeyIdentifier(certificate: pkijs.Certificate): Uint8Array | null {
  const parsed = extension(certificate, '2.5.29.14')?.parsedValue as
    { valueBlock?: { valueHexView: Uint8Array } } | undefined;
  return parsed?.valueBlock?.valueHexView ?? null;
}

export function authorityKeyIdentifier(certificate: pkijs.Certificate): Uint8Array | null {
  const parsed = extension(certificate, '2.5.29.35')?.parsedValue as pkijs.AuthorityKeyIdentifier | undefined;
  return parsed?.keyIdentifier?.valueBlock.valueHexView ?? null;
}

/** basicConstraints cA, or null when the extension is absent. */
export function isCertificateAuthority(certificate: pkijs.Certificate): boolean | null {
  const parsed = extension(certificate, '2.5.29.19')?.parsedValue as pkijs.BasicConstraints | undefined;
  return parsed ? parsed.cA : null;
}

export function notBefore(certificate: pkijs.Certificate): Date {
  return certificate.notBefore.value;
}

export function notAfter(certificate: pkijs.Certificate): Date {
  return certificate.notAfter.value;
}

export function validAt(certificate: pkijs.Certificate, at: Date): boolean {
  return notBefore(certificate) <= at && at <= notAfter(certificate);
}

/** Whether `issuer`'s key signed `certificate`. */
export function verifyIssuedBy(certificate: pkijs.Certificate, issuer: pkijs.Certificate): SignatureOutcome {
  return verifySignature({
    algorithm: certificate.signatureAlgorithm,
    publicKey: issuer.subjectPublicKeyInfo,
    data: new Uint8Array(certificate.encodeTBS().toBER(false)),
    signature: certificate.signatureValue.valueBlock.valueHexView,
  });
}

export function certificateDer(certificate: pkijs.Certificate): Uint8Array {
  return new Uint8Array(certificate.toSchema(true).toBER(false));
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

/** The certificate among `certificates` that a CMS signer identifier names. */
export function findSignerCertificate(
  signerInfo: pkijs.SignerInfo,
  certificates: pkijs.Certificate[],
): pkijs.Certificate | undefined {
  const sid = signerInfo.sid as pkijs.IssuerAndSerialNumber | { valueBlock: { valueHexView: Uint8Array } };
  if (sid instanceof pkijs.IssuerAndSerialNumber)
    return certificates.find(
      (certificate) =>
        sameName(certificate.issuer, sid.issuer) &&
        bytesEqual(
          certificate.serialNumber.valueBlock.valueHexView,
          sid.serialNumber.valueBlock.valueHexView,
        ),
    );
  // [0] SubjectKeyIdentifier.
  const keyId = (
    sid as {
      valueBlock?: { valueHexView?: Uint8Array; value?: { valueBlock: { valueHexView: Uint8Array } }[] };
    }
  ).valueBlock;
  const wanted = keyId?.value?.[0]?.valueBlock.valueHexView ?? keyId?.valueHexView;
  if (!wanted) return undefined;
  return certificates.find((certificate) => {
    const ski = subjectKeyIdentifier(certificate);
    return ski !== null && bytesEqual(ski, wanted);
  });
}

export { bytesEqual };
