/** DG11, additional personal details (ICAO 9303-10 §4.7.11). Every field is optional. */
import { decodeText, fieldsToText, ldsDate, splitLdsName } from './text';
import { findTlv, readFileTlv, readTlvList, type Tlv } from './tlv';

export interface LdsName {
  /** As stored, e.g. 'BENNANI<<FATIMA<ZAHRA' or 'بناني<<فاطمة<الزهراء'. */
  raw: string;
  family: string;
  given: string;
  script: 'arabic' | 'latin' | 'other';
}

export interface Dg11 {
  /** 5F0E: the holder's full name, in the issuing state's characters. */
  fullName: LdsName | null;
  /** 5F0F (in template A0, or loose on older chips): other names, e.g. the name in a second script. */
  otherNames: LdsName[];
  /** 5F10. */
  personalNumber: string | null;
  /** 5F2B, as YYYY-MM-DD (YYYY-MM, YYYY where partly unknown). */
  fullDateOfBirth: string | null;
  /** 5F11, parts joined with ', '. */
  placeOfBirth: string | null;
  /** 5F42, parts joined with ', '. */
  address: string | null;
  /** 5F12. */
  telephone: string | null;
  /** 5F13. */
  profession: string | null;
  /** 5F14. */
  title: string | null;
  /** 5F15. */
  personalSummary: string | null;
  /** 5F17: other valid travel document numbers. */
  otherTravelDocuments: string[];
  /** 5F18. */
  custodyInformation: string | null;
}

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const LATIN = /[A-Za-z\u00C0-\u024F]/;

export function scriptOf(text: string): LdsName['script'] {
  if (ARABIC.test(text)) return 'arabic';
  if (LATIN.test(text)) return 'latin';
  return 'other';
}

function name(tlv: Tlv): LdsName {
  const raw = decodeText(tlv.value);
  const { family, given } = splitLdsName(raw);
  return { raw, family, given, script: scriptOf(raw) };
}

export function parseDg11(bytes: Uint8Array): Dg11 {
  const children = readTlvList(readFileTlv(bytes, 0x6b, 'DG11').value);
  const text = (tag: number): string | null => {
    const tlv = findTlv(children, tag);
    const value = tlv ? decodeText(tlv.value).trim() : '';
    return value === '' ? null : value;
  };
  const otherNames: LdsName[] = [];
  for (const child of children) {
    if (child.tag === 0x5f0f) otherNames.push(name(child));
    if (child.tag === 0xa0)
      for (const inner of readTlvList(child.value)) if (inner.tag === 0x5f0f) otherNames.push(name(inner));
  }
  const fullName = findTlv(children, 0x5f0e);
  const birth = findTlv(children, 0x5f2b);
  const place = text(0x5f11);
  const address = text(0x5f42);
  const personal = text(0x5f10);
  return {
    fullName: fullName ? name(fullName) : null,
    otherNames,
    personalNumber: personal ? personal.replace(/<+$/, '') : null,
    fullDateOfBirth: birth ? ldsDate(birth.value) : null,
    placeOfBirth: place ? fieldsToText(place) : null,
    address: address ? fieldsToText(address) : null,
    telephone: text(0x5f12),
    profession: text(0x5f13),
    title: text(0x5f14),
    personalSummary: text(0x5f15),
    otherTravelDocuments: children
      .filter((child) => child.tag === 0x5f17)
      .map((child) => decodeText(child.value).trim()),
    custodyInformation: text(0x5f18),
  };
}
