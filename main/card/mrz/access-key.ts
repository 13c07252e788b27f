/**
 * The passwords that open the chip (ICAO 9303-11 §4.2 BAC and §4.4 PACE): the MRZ information
 * (document number, birth date, expiry date, each with its check digit) or the six-digit CAN
 * printed on the card. Here they are taken from a parsed MRZ or checked as typed; the protocol
 * module (main/card/protocol/mrz-password.ts) builds the MRZ information and derives the keys.
 */
import { TabibError } from '../../errors';
import type { ParsedMrz } from './parse-mrz';

/**
 * What BAC and PACE-with-MRZ need from the MRZ; the same shape as main/card/protocol's
 * MrzPassword, whose mrzInformation() turns it into the string the keys are derived from.
 */
export interface MrzAccessKey {
  kind: 'mrz';
  /** The whole document number (more than nine characters on some TD1 cards), no fillers. */
  documentNumber: string;
  /** YYMMDD. */
  birthDate: string;
  /** YYMMDD. */
  expiryDate: string;
}

export function accessKeyFromMrz(mrz: ParsedMrz): MrzAccessKey {
  return {
    kind: 'mrz',
    documentNumber: mrz.documentNumber,
    birthDate: mrz.birthDate,
    expiryDate: mrz.expiryDate,
  };
}

/**
 * Checks typed-in access fields (a person reading them off the card, no scanner) and returns them
 * cleaned: MRZ_INVALID with details.field 'documentNumber' | 'birthDate' | 'expiryDate'.
 */
export function accessKeyFromFields(fields: Omit<MrzAccessKey, 'kind'>): MrzAccessKey {
  const documentNumber = fields.documentNumber.normalize('NFKC').toUpperCase().replace(/[\s<]/g, '');
  if (!/^[A-Z0-9]{1,22}$/.test(documentNumber))
    throw new TabibError('MRZ_INVALID', 'The document number must be letters and digits', {
      field: 'documentNumber',
    });
  const date = (value: string, field: 'birthDate' | 'expiryDate'): string => {
    const cleaned = value.replace(/\s/g, '');
    const match = /^(\d\d)(\d\d)(\d\d)$/.exec(cleaned);
    const month = Number(match?.[2]);
    const day = Number(match?.[3]);
    // '00' stands for an unknown month or day in some birth dates (ICAO 9303-3 §4.5).
    if (!match || month > 12 || day > 31)
      throw new TabibError('MRZ_INVALID', `The ${field} must be YYMMDD`, { field });
    return cleaned;
  };
  return {
    kind: 'mrz',
    documentNumber,
    birthDate: date(fields.birthDate, 'birthDate'),
    expiryDate: date(fields.expiryDate, 'expiryDate'),
  };
}

const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/**
 * The Card Access Number (ICAO 9303-11 §4.4.1: six digits printed on the card). Spaces and
 * Arabic-Indic digits are accepted as typed; anything else but six digits is CAN_INVALID.
 */
export function parseCan(input: string): string {
  const can = input
    .normalize('NFKC')
    .replace(ARABIC_INDIC_DIGITS, (digit) => String((digit.codePointAt(0) as number) & 0xf))
    .replace(/[\s-]/g, '');
  if (!/^\d{6}$/.test(can)) throw new TabibError('CAN_INVALID', 'The card access number must be six digits');
  return can;
}
