/**
 * The CSCA trust list: the country signing CA certificates a workstation trusts, from a folder
 * (resources/card/csca/, see resources/card/README.md). Certificates one by one (PEM, one or
 * several per file, or DER) and ICAO CSCA master lists (.ml, ICAO 9303-12 §8.2).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { parseSignedData, octets } from '../lds/sod';
import { checkSigner } from './cms';
import {
  certificateDer,
  isCertificateAuthority,
  nameToString,
  sameName,
  verifyIssuedBy,
} from './certificates';

export interface TrustAnchor {
  certificate: pkijs.Certificate;
  subject: string;
  /** The file it came from (and, for a master list, which entry). */
  source: string;
}

export interface TrustList {
  anchors: TrustAnchor[];
  /** Files that could not be used, and why (shown by `tabib doctor` and the CLI). */
  problems: { file: string; reason: string }[];
}

/** id-icao-cscaMasterList. */
export const CSCA_MASTER_LIST_OID = '2.23.136.1.1.2';

const CERTIFICATE_EXTENSIONS = new Set(['.pem', '.crt', '.cer', '.der']);

function parseCertificate(der: Uint8Array): pkijs.Certificate {
  return pkijs.Certificate.fromBER(new Uint8Array(der));
}

function anchor(certificate: pkijs.Certificate, source: string): TrustAnchor {
  return { certificate, subject: nameToString(certificate.subject), source };
}

/** The certificates of a PEM text (any number of CERTIFICATE blocks) or of one DER certificate. */
export function certificatesFromFile(bytes: Uint8Array): pkijs.Certificate[] {
  const text = Buffer.from(bytes).toString('latin1');
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    const blocks = [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)];
    return blocks.map((block) =>
      parseCertificate(Buffer.from((block[1] as string).replace(/\s+/g, ''), 'base64')),
    );
  }
  return [parseCertificate(bytes)];
}

/**
 * The CSCA certificates of an ICAO master list. The list's own signature is checked (its signer
 * must sign it and be issued by a CSCA in the list, as ICAO 9303-12 §8.2 has it), so a damaged or
 * altered file is refused; but who issued the list is the administrator's judgement: a master list
 * put in the folder is trusted like the certificates in it.
 */
export function certificatesFromMasterList(bytes: Uint8Array): pkijs.Certificate[] {
  const signedData = parseSignedData(bytes, 'the master list');
  const encapsulated = signedData.encapContentInfo;
  if (encapsulated.eContentType !== CSCA_MASTER_LIST_OID || !encapsulated.eContent)
    throw new Error('not an ICAO CSCA master list');
  const content = octets(encapsulated.eContent);
  const parsed = asn1js.fromBER(content);
  const root = parsed.result;
  if (parsed.offset === -1 || !(root instanceof asn1js.Sequence))
    throw new Error('the CscaMasterList is malformed');
  const set = root.valueBlock.value[1];
  if (!(set instanceof asn1js.Set)) throw new Error('the CscaMasterList has no certificate list');
  const certificates = set.valueBlock.value.map((entry) =>
    parseCertificate(new Uint8Array(entry.toBER(false))),
  );
  const check = checkSigner(signedData, CSCA_MASTER_LIST_OID, content);
  if (!check.signer) throw new Error('the master list signer certificate is missing');
  if (check.signature?.valid !== true || !check.digestMatches || !check.contentTypeMatches)
    throw new Error('the master list signature does not verify');
  const signer = check.signer;
  const issuedByListed = certificates.some(
    (csca) => sameName(csca.subject, signer.issuer) && verifyIssuedBy(signer, csca).valid === true,
  );
  if (!issuedByListed) throw new Error('the master list signer was not issued by a CSCA in the list');
  return certificates;
}

/** Reads every usable CSCA in `folder`. A missing folder is an empty trust list, not an error. */
export function loadTrustList(folder: string): TrustList {
  const list: TrustList = { anchors: [], problems: [] };
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return list;
  }
  const seen = new Set<string>();
  for (const name of names) {
    const path = join(folder, name);
    const extension = extname(name).toLowerCase();
    if (name.startsWith('.') || extension === '.md' || !statSync(path).isFile()) continue;
    try {
      const bytes = readFileSync(path);
      let certificates: pkijs.Certificate[];
      if (extension === '.ml') certificates = certificatesFromMasterList(bytes);
      else if (CERTIFICATE_EXTENSIONS.has(extension)) certificates = certificatesFromFile(bytes);
      else {
        list.problems.push({ file: name, reason: 'not a .pem, .crt, .cer, .der or .ml file' });
        continue;
      }
      certificates.forEach((certificate, index) => {
        if (isCertificateAuthority(certificate) === false) {
          list.problems.push({ file: name, reason: `entry ${index + 1} is not a CA certificate` });
          return;
        }
        const key = Buffer.from(certificateDer(certificate)).toString('base64');
        if (seen.has(key)) return;
        seen.add(key);
        list.anchors.push(anchor(certificate, certificates.length > 1 ? `${name}#${index + 1}` : name));
      });
    } catch (error) {
      list.problems.push({ file: name, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  return list;
}

/** Trust anchors from certificates already in memory (tests, the CLI's --csca option). */
export function trustAnchorsFrom(files: { name: string; bytes: Uint8Array }[]): TrustAnchor[] {
  return files.flatMap((file) =>
    certificatesFromFile(file.bytes).map((certificate, index, all) =>
      anchor(certificate, all.length > 1 ? `${file.name}#${index + 1}` : file.name),
    ),
  );
}
