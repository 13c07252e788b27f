/** DG12, additional document details (ICAO 9303-10 §4.7.12). Every field is optional. */
import { decodeText, ldsDate } from './text';
import { findTlv, readFileTlv, readTlvList } from './tlv';

export interface Dg12 {
  /** 5F19. */
  issuingAuthority: string | null;
  /** 5F26, YYYY-MM-DD. */
  dateOfIssue: string | null;
  /** 5F1B. */
  endorsements: string | null;
  /** 5F55: YYYYMMDDhhmmss as stored. */
  personalisationTime: string | null;
  /** 5F56. */
  personalisationDeviceSerial: string | null;
}

export function parseDg12(bytes: Uint8Array): Dg12 {
  const children = readTlvList(readFileTlv(bytes, 0x6c, 'DG12').value);
  const text = (tag: number): string | null => {
    const tlv = findTlv(children, tag);
    const value = tlv ? decodeText(tlv.value).trim() : '';
    return value === '' ? null : value;
  };
  const issued = findTlv(children, 0x5f26);
  const personalised = findTlv(children, 0x5f55);
  return {
    issuingAuthority: text(0x5f19),
    dateOfIssue: issued ? ldsDate(issued.value) : null,
    endorsements: text(0x5f1b),
    personalisationTime: personalised
      ? personalised.value.length === 7
        ? Buffer.from(personalised.value).toString('hex')
        : decodeText(personalised.value)
      : null,
    personalisationDeviceSerial: text(0x5f56),
  };
}
