/**
 * EF.SOD (ICAO 9303-10 §4.6.2, 9303-12 §4.6.2): tag 77 around a CMS SignedData (RFC 5652) whose
 * content is the LDSSecurityObject — the hash algorithm and the hash of every data group.
 * Parsing only; passive-authentication/ checks the signature and the hashes.
 */
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { TabibError } from '../../errors';
import { readFileTlv } from './tlv';
import { concat } from '../protocol/bytes';

/** id-icao-mrtd-security-ldsSecurityObject. */
export const LDS_SECURITY_OBJECT_OID = '2.23.136.1.1.1';
const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';

export interface Sod {
  signedData: pkijs.SignedData;
  /** The encapsulated content's type (LDS_SECURITY_OBJECT_OID) and bytes (what the signature covers). */
  contentType: string;
  content: Uint8Array;
  /** LDSSecurityObject version: 0 (LDS 1.6) or 1 (LDS 1.7, with ldsVersionInfo). */
  version: number;
  hashAlgorithmOid: string;
  /** Data group number → hash of the whole file as stored on the chip. */
  dataGroupHashes: Map<number, Uint8Array>;
  ldsVersion: string | null;
  unicodeVersion: string | null;
}

function protocolError(message: string): TabibError {
  return new TabibError('CARD_PROTOCOL_ERROR', `EF.SOD: ${message}`);
}

function parseBer(bytes: Uint8Array, what: string): asn1js.AsnType {
  const parsed = asn1js.fromBER(bytes);
  if (parsed.offset === -1) throw protocolError(`${what} is not valid BER (${parsed.result.error})`);
  return parsed.result;
}

/**
 * An OCTET STRING as either copy of asn1js gives it: pkijs 3 carries its own asn1js 3 while
 * Tabib depends on asn1js 4, so objects from pkijs are read by shape, never with instanceof.
 */
interface OctetStringLike {
  idBlock: { isConstructed: boolean };
  valueBlock: { valueHexView: Uint8Array; value: unknown[] };
}

/** The bytes of an OCTET STRING, primitive or constructed (BER allows both in eContent). */
export function octets(value: OctetStringLike): Uint8Array {
  if (!value.idBlock.isConstructed) return value.valueBlock.valueHexView;
  return concat(...value.valueBlock.value.map((part) => octets(part as OctetStringLike)));
}

/** A CMS ContentInfo holding SignedData (EF.SOD's content, an ICAO master list). */
export function parseSignedData(der: Uint8Array, what: string): pkijs.SignedData {
  try {
    const contentInfo = pkijs.ContentInfo.fromBER(new Uint8Array(der));
    if (contentInfo.contentType !== SIGNED_DATA_OID) throw protocolError(`${what} is not CMS SignedData`);
    return new pkijs.SignedData({ schema: contentInfo.content });
  } catch (error) {
    if (error instanceof TabibError) throw error;
    throw protocolError(
      `${what} is not a CMS SignedData: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

function parseLdsSecurityObject(content: Uint8Array): Omit<Sod, 'signedData' | 'contentType' | 'content'> {
  const root = parseBer(content, 'the LDSSecurityObject');
  if (!(root instanceof asn1js.Sequence)) throw protocolError('the LDSSecurityObject is not a SEQUENCE');
  const [version, algorithm, hashes, versionInfo] = root.valueBlock.value;
  if (
    !(version instanceof asn1js.Integer) ||
    !(algorithm instanceof asn1js.Sequence) ||
    !(hashes instanceof asn1js.Sequence)
  )
    throw protocolError('the LDSSecurityObject does not have the ICAO 9303-10 structure');
  const hashAlgorithmOid = new pkijs.AlgorithmIdentifier({ schema: algorithm }).algorithmId;
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of hashes.valueBlock.value) {
    const [number, hash] = entry instanceof asn1js.Sequence ? entry.valueBlock.value : [];
    if (!(number instanceof asn1js.Integer) || !(hash instanceof asn1js.OctetString))
      throw protocolError('a DataGroupHash is malformed');
    const dataGroup = number.valueBlock.valueDec;
    if (dataGroup < 1 || dataGroup > 16 || dataGroupHashes.has(dataGroup))
      throw protocolError(`DataGroupHash for data group ${dataGroup}`);
    dataGroupHashes.set(dataGroup, octets(hash));
  }
  let ldsVersion: string | null = null;
  let unicodeVersion: string | null = null;
  if (versionInfo instanceof asn1js.Sequence) {
    const [lds, unicode] = versionInfo.valueBlock.value;
    if (lds instanceof asn1js.PrintableString) ldsVersion = lds.valueBlock.value;
    if (unicode instanceof asn1js.PrintableString) unicodeVersion = unicode.valueBlock.value;
  }
  return {
    version: version.valueBlock.valueDec,
    hashAlgorithmOid,
    dataGroupHashes,
    ldsVersion,
    unicodeVersion,
  };
}

/** Parses EF.SOD as read from the chip. CARD_PROTOCOL_ERROR when any layer is malformed. */
export function parseSod(bytes: Uint8Array): Sod {
  const signedData = parseSignedData(readFileTlv(bytes, 0x77, 'EF.SOD').value, 'EF.SOD');
  const encapsulated = signedData.encapContentInfo;
  if (!encapsulated.eContent) throw protocolError('the SignedData has no encapsulated content');
  if (encapsulated.eContentType !== LDS_SECURITY_OBJECT_OID)
    throw protocolError(`the content type is ${encapsulated.eContentType}, not the LDS security object`);
  const content = octets(encapsulated.eContent);
  if (signedData.signerInfos.length !== 1)
    throw protocolError(`${signedData.signerInfos.length} signers, expected one`);
  return { signedData, contentType: encapsulated.eContentType, content, ...parseLdsSecurityObject(content) };
}
