/**
 * Passwords that open an eMRTD chip (ICAO 9303-11 §4.3.2, §9.7.2 and §4.4.1): the MRZ
 * information (document number, date of birth, date of expiry, each with its check digit) or the
 * card access number (CAN) printed on the card.
 */
import { parseCan } from '../mrz/access-key';
import { mrzCheckDigit } from '../mrz/parse-mrz';
import { TabibError } from '../../errors';
import { sha1 } from './crypto';

export interface MrzPassword {
  kind: 'mrz';
  /** As printed in the MRZ, fillers '<' allowed; may exceed 9 characters (TD1 long numbers). */
  documentNumber: string;
  /** YYMMDD. */
  birthDate: string;
  /** YYMMDD. */
  expiryDate: string;
}

export interface CanPassword {
  kind: 'can';
  /** The 6-digit card access number. */
  can: string;
}

export type AccessPassword = MrzPassword | CanPassword;

function date(value: string, name: string): string {
  if (!/^\d{6}$/.test(value)) throw new TabibError('MRZ_INVALID', `The ${name} must be six digits (YYMMDD).`);
  const month = Number(value.slice(2, 4));
  const day = Number(value.slice(4, 6));
  // Unknown parts may be '00' in some documents' birth dates (ICAO 9303-3 §4.5), hence 0..12/0..31.
  if (month > 12 || day > 31) throw new TabibError('MRZ_INVALID', `The ${name} is not a date (YYMMDD).`);
  return value;
}

/**
 * The MRZ information of ICAO 9303-11 §9.7.2: document number ‖ check digit ‖ date of birth ‖
 * check digit ‖ date of expiry ‖ check digit. A number shorter than 9 characters is padded with
 * '<'. A number longer than 9 characters (TD1, ICAO 9303-5 §4.2.2 note j: the MRZ holds its
 * first 9 characters, a '<' in the check digit position and the rest in the optional data) is
 * used in full, with the check digit computed over the full number.
 */
export function mrzInformation(password: MrzPassword): string {
  const number = password.documentNumber.toUpperCase().replace(/\s+/g, '').replace(/<+$/, '');
  if (number.length === 0 || !/^[0-9A-Z<]+$/.test(number)) {
    throw new TabibError('MRZ_INVALID', 'The document number must be letters, digits and fillers (<).');
  }
  if (number.length > 22) throw new TabibError('MRZ_INVALID', 'The document number is too long.');
  const padded = number.padEnd(9, '<');
  const birth = date(password.birthDate, 'date of birth');
  const expiry = date(password.expiryDate, 'date of expiry');
  return padded + mrzCheckDigit(padded) + birth + mrzCheckDigit(birth) + expiry + mrzCheckDigit(expiry);
}

/** BAC's K_seed (ICAO 9303-11 §4.3.2 / Appendix D.2): the first 16 bytes of SHA-1(MRZ information). */
export function bacKeySeed(password: MrzPassword): Uint8Array {
  return sha1(new TextEncoder().encode(mrzInformation(password))).slice(0, 16);
}

/**
 * PACE's password key input K (ICAO 9303-11 §4.4.1 / §9.7.3): SHA-1 of the MRZ information for
 * the MRZ, the CAN's characters (ISO 8859-1) for a CAN. K_π = KDF_π(K) follows in pace.ts.
 */
export function pacePasswordBytes(password: AccessPassword): Uint8Array {
  if (password.kind === 'mrz') return sha1(new TextEncoder().encode(mrzInformation(password)));
  return new TextEncoder().encode(parseCan(password.can));
}

/** The PACE password reference of MSE:Set AT (ICAO 9303-11 §4.4.4.1): 01 MRZ, 02 CAN. */
export function pacePasswordReference(password: AccessPassword): number {
  return password.kind === 'mrz' ? 0x01 : 0x02;
}
