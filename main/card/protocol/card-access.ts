/**
 * EF.CardAccess (ICAO 9303-11 §9.2.1): a DER-encoded SecurityInfos, SET OF SecurityInfo, each
 * SEQUENCE { protocol OBJECT IDENTIFIER, requiredData ANY, optionalData ANY OPTIONAL }. For PACE
 * (§9.2.3) PACEInfo is SEQUENCE { protocol OID, version INTEGER (2), parameterId INTEGER OPTIONAL }.
 * Other SecurityInfos (PACEDomainParameterInfo, ChipAuthenticationInfo, …) are kept as OIDs only.
 */
import { TabibError } from '../../errors';
import { byteAt, concat } from './bytes';
import type { BlockCipher, KeyLength } from './crypto';
import { parseTlv, parseTlvList, tlv } from './tlv';

/** id-PACE = bsi-de protocols(2) smartcard(2) 4 = 0.4.0.127.0.7.2.2.4 (§9.2.3 / BSI TR-03110). */
export const ID_PACE = '0.4.0.127.0.7.2.2.4';

export interface PaceAlgorithm {
  /** The OID in dotted form. */
  oid: string;
  /** Its name in ICAO 9303-11 §9.2.3. */
  name: string;
  mapping: 'GM' | 'IM' | 'CAM';
  agreement: 'DH' | 'ECDH';
  cipher: BlockCipher;
  keyLength: KeyLength;
}

const suites: [suffix: string, cipher: BlockCipher, keyLength: KeyLength, name: string][] = [
  ['1', '3DES', 112, '3DES-CBC-CBC'],
  ['2', 'AES', 128, 'AES-CBC-CMAC-128'],
  ['3', 'AES', 192, 'AES-CBC-CMAC-192'],
  ['4', 'AES', 256, 'AES-CBC-CMAC-256'],
];

const mappings: [arc: string, mapping: PaceAlgorithm['mapping'], agreement: PaceAlgorithm['agreement']][] = [
  ['1', 'GM', 'DH'],
  ['2', 'GM', 'ECDH'],
  ['3', 'IM', 'DH'],
  ['4', 'IM', 'ECDH'],
  ['6', 'CAM', 'ECDH'],
];

/** Every PACE protocol OID of ICAO 9303-11 §9.2.3, by dotted OID. */
export const PACE_ALGORITHMS: ReadonlyMap<string, PaceAlgorithm> = new Map(
  mappings.flatMap(([arc, mapping, agreement]) =>
    suites
      .filter(([suffix]) => !(mapping === 'CAM' && suffix === '1'))
      .map(([suffix, cipher, keyLength, suite]): [string, PaceAlgorithm] => {
        const oid = `${ID_PACE}.${arc}.${suffix}`;
        return [
          oid,
          { oid, name: `id-PACE-${agreement}-${mapping}-${suite}`, mapping, agreement, cipher, keyLength },
        ];
      }),
  ),
);

export interface PaceInfo {
  /** The protocol OID, dotted. */
  oid: string;
  /** The OID's DER contents (without tag and length), as MSE:Set AT and the tokens carry it. */
  oidBytes: Uint8Array;
  version: number;
  /** The standardized domain parameter id, when given. */
  parameterId: number | null;
  /** The algorithm, when the OID is a PACE protocol this code knows. */
  algorithm: PaceAlgorithm | null;
}

export interface CardAccess {
  paceInfos: PaceInfo[];
  /** Every SecurityInfo's protocol OID, in order (for diagnostics). */
  protocols: string[];
}

function malformed(what: string): TabibError {
  return new TabibError('CARD_PROTOCOL_ERROR', `EF.CardAccess is malformed: ${what}.`);
}

/** Decodes DER OBJECT IDENTIFIER contents (X.690 §8.19) to dotted form. */
export function decodeOid(bytes: Uint8Array): string {
  if (bytes.length === 0) throw malformed('empty OID');
  const arcs: number[] = [];
  let value = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = byteAt(bytes, i);
    value = value * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(first, value - first * 40);
      } else arcs.push(value);
      value = 0;
    } else if (i === bytes.length - 1) throw malformed('truncated OID');
  }
  return arcs.join('.');
}

/** Encodes a dotted OID to DER contents. */
export function encodeOid(oid: string): Uint8Array {
  const arcs = oid.split('.').map(Number);
  if (arcs.length < 2 || arcs.some((a) => !Number.isInteger(a) || a < 0)) throw new Error(`bad OID ${oid}`);
  const [first = 0, second = 0, ...rest] = arcs;
  const values = [first * 40 + second, ...rest];
  const out: number[] = [];
  for (const v of values) {
    const chunk: number[] = [];
    let x = v;
    do {
      chunk.unshift(x & 0x7f);
      x = Math.floor(x / 128);
    } while (x > 0);
    out.push(...chunk.map((b, i) => (i < chunk.length - 1 ? b | 0x80 : b)));
  }
  return Uint8Array.from(out);
}

function derInteger(bytes: Uint8Array): number {
  if (bytes.length === 0 || bytes.length > 4 || (byteAt(bytes, 0) & 0x80) !== 0)
    throw malformed('unexpected INTEGER');
  let v = 0;
  for (const b of bytes) v = v * 256 + b;
  return v;
}

/** Parses EF.CardAccess. Throws CARD_PROTOCOL_ERROR if it is not a SET OF SEQUENCE. */
export function parseCardAccess(bytes: Uint8Array): CardAccess {
  const set = parseTlv(bytes, 0);
  if (set.tag !== 0x31) throw malformed('not a SET');
  const paceInfos: PaceInfo[] = [];
  const protocols: string[] = [];
  for (const info of parseTlvList(set.value)) {
    if (info.tag !== 0x30) throw malformed('SecurityInfo is not a SEQUENCE');
    const fields = parseTlvList(info.value);
    const oidTlv = fields[0];
    if (!oidTlv || oidTlv.tag !== 0x06) throw malformed('SecurityInfo without protocol OID');
    const oid = decodeOid(oidTlv.value);
    protocols.push(oid);
    // PACEInfo: a PACE protocol OID followed by INTEGER version (PACEDomainParameterInfo has
    // id-PACE-ECDH-GM etc. without a suite arc, followed by an AlgorithmIdentifier SEQUENCE).
    if (!oid.startsWith(ID_PACE + '.') || fields[1]?.tag !== 0x02) continue;
    const version = derInteger(fields[1].value);
    const parameterId = fields[2]?.tag === 0x02 ? derInteger(fields[2].value) : null;
    paceInfos.push({
      oid,
      oidBytes: oidTlv.value.slice(),
      version,
      parameterId,
      algorithm: PACE_ALGORITHMS.get(oid) ?? null,
    });
  }
  return { paceInfos, protocols };
}

/** DER of one PACEInfo, for personalising a test card. */
export function encodePaceInfo(oid: string, parameterId: number | null, version = 2): Uint8Array {
  const int = (v: number): Uint8Array => tlv(0x02, v < 0x80 ? Uint8Array.of(v) : Uint8Array.of(0, v));
  return tlv(
    0x30,
    tlv(0x06, encodeOid(oid)),
    int(version),
    parameterId === null ? new Uint8Array(0) : int(parameterId),
  );
}

/** DER of SecurityInfos holding the given SecurityInfo encodings. */
export function encodeSecurityInfos(...infos: Uint8Array[]): Uint8Array {
  return tlv(0x31, concat(...infos));
}
