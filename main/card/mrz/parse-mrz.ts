/**
 * MRZ parsing (ICAO 9303-4 TD3, 9303-5 TD1, 9303-6 TD2) on top of the `mrz` library, which splits
 * the fields and checks the check digits. Tabib adds: the input clean-up (normalise.ts), the TD1/TD2
 * long-document-number rule for the optional data, state codes it does not know (the ICAO
 * specimens' 'UTO', new codes), and one error: MRZ_INVALID naming the fields that failed — never
 * their values (no card data in logs).
 */
import { parse } from 'mrz';
import type { Details } from 'mrz';
import { TabibError } from '../../errors';
import { normaliseMrz, type MrzFormat } from './normalise';

export interface ParsedMrz {
  format: MrzFormat;
  /** The cleaned lines. */
  lines: string[];
  /** Two characters as printed: 'I<', 'ID', 'P<', 'PM'. */
  documentCode: string;
  /** ICAO 9303-3 code, fillers removed: 'MAR', 'DZA', 'TUN', 'D' (Germany), 'UTO' (specimens). */
  issuingState: string;
  nationality: string;
  /** The whole document number, also when longer than nine characters (TD1/TD2 optional-data rule). */
  documentNumber: string;
  documentNumberCheckDigit: string;
  /** YYMMDD as printed ('<' where a part is unknown). */
  birthDate: string;
  birthDateCheckDigit: string;
  expiryDate: string;
  expiryDateCheckDigit: string;
  sex: 'male' | 'female' | 'unknown';
  familyName: string;
  givenNames: string;
  /** The name field ran to the end of its line: the name may be truncated (ICAO 9303-3 §4.6). */
  nameTruncated: boolean;
  /**
   * Optional data, with fillers: TD1 line 1 (positions 16–30, after the rest of a long document
   * number), TD2 line 2, TD3 the personal number field (line 2, positions 29–42).
   */
  optionalData1: string;
  /** TD1 line 2 optional data (positions 19–29); null for TD2 and TD3. */
  optionalData2: string | null;
}

/** One field that failed, for MRZ_INVALID's details: where it is, not what it holds. */
export interface MrzFieldProblem {
  field: string;
  /** 1-based line and character position in the MRZ. */
  line: number;
  position: number;
  reason: 'check-digit' | 'format';
}

const ignoredFields = new Set(['issuingState', 'nationality']);

function problemsOf(details: Details[]): MrzFieldProblem[] {
  const problems: MrzFieldProblem[] = [];
  for (const detail of details) {
    if (detail.valid || detail.field === null) continue;
    // The library knows a fixed list of states; the code's shape is checked below instead.
    if (ignoredFields.has(detail.field) && /state code/i.test(detail.error ?? '')) continue;
    problems.push({
      field: detail.field,
      line: detail.line + 1,
      position: detail.start + 1,
      reason: /check digit/i.test(detail.error ?? '') ? 'check-digit' : 'format',
    });
  }
  return problems;
}

function stripFillers(value: string): string {
  return value.replace(/<+$/, '').replace(/^<+/, '');
}

/** A name field: primary identifier before '<<', secondary after, '<' between words. */
function splitName(field: string): { family: string; given: string } {
  const trimmed = field.replace(/<+$/, '');
  const separator = trimmed.indexOf('<<');
  const words = (value: string): string => value.split('<').filter(Boolean).join(' ');
  if (separator < 0) return { family: words(trimmed), given: '' };
  return { family: words(trimmed.slice(0, separator)), given: words(trimmed.slice(separator + 2)) };
}

function sexOf(character: string): ParsedMrz['sex'] {
  return character === 'M' ? 'male' : character === 'F' ? 'female' : 'unknown';
}

/**
 * ICAO 9303-5 §4.2.4 note j (and 9303-6 likewise): a document number longer than nine
 * characters puts its first nine in the number field, '<' in the check-digit position, and the
 * rest followed by the check digit at the start of the optional data, then a filler.
 */
function longDocumentNumber(
  principal: string,
  checkPosition: string,
  optional: string,
): { number: string; check: string; rest: string } | null {
  if (checkPosition !== '<') return null;
  const match = /^([A-Z0-9]*?)([0-9])(<|$)/.exec(optional);
  if (!match || stripFillers(principal).length !== 9) return null;
  return {
    number: principal + (match[1] as string),
    check: match[2] as string,
    rest: optional.slice((match[0] as string).length),
  };
}

/**
 * Parses an MRZ (see normaliseMrz for what is accepted). Every check digit is enforced, the
 * composite one included: MRZ_INVALID with details `{ fields: MrzFieldProblem[] }` names each
 * field that failed.
 */
export function parseMrz(input: string | readonly string[]): ParsedMrz {
  const { format, lines } = normaliseMrz(input);
  let result: ReturnType<typeof parse>;
  try {
    result = parse(lines, { autocorrect: false });
  } catch (error) {
    throw new TabibError(
      'MRZ_INVALID',
      `The MRZ cannot be parsed: ${error instanceof Error ? error.message : String(error)}`,
      {
        field: 'layout',
      },
    );
  }
  // The library also knows national layouts of the same size (the French identity card is 2 × 36).
  if (result.format !== format)
    throw new TabibError('MRZ_INVALID', `The MRZ is a ${result.format} zone, not an ICAO ${format}`, {
      field: 'layout',
      format: result.format,
    });
  const problems = problemsOf(result.details);
  const [line1, line2, line3] = lines as [string, string, string | undefined];

  const issuingState = line1.slice(2, 5);
  const nationality = format === 'TD1' ? line2.slice(15, 18) : line2.slice(10, 13);
  for (const [field, value, line, position] of [
    ['issuingState', issuingState, 1, 3],
    ['nationality', nationality, 2, format === 'TD1' ? 16 : 11],
  ] as const)
    if (!/^[A-Z]{1,3}<{0,2}$/.test(value) && !problems.some((problem) => problem.field === field))
      problems.push({ field, line, position, reason: 'format' });
  if (problems.length > 0)
    throw new TabibError(
      'MRZ_INVALID',
      `The MRZ does not check: ${problems.map((problem) => problem.field).join(', ')}`,
      { format, fields: problems },
    );

  let documentNumber: string;
  let documentNumberCheckDigit: string;
  let optionalData1: string;
  let optionalData2: string | null = null;
  let nameField: string;
  let birth: string;
  let expiry: string;
  let sex: string;
  if (format === 'TD1') {
    const principal = line1.slice(5, 14);
    const optional = line1.slice(15, 30);
    const long = longDocumentNumber(principal, line1.charAt(14), optional);
    documentNumber = stripFillers(long ? long.number : principal);
    documentNumberCheckDigit = long ? long.check : line1.charAt(14);
    optionalData1 = long ? long.rest : optional;
    optionalData2 = line2.slice(18, 29);
    birth = line2.slice(0, 7);
    sex = line2.charAt(7);
    expiry = line2.slice(8, 15);
    nameField = line3 as string;
  } else {
    const principal = line2.slice(0, 9);
    const optional = format === 'TD2' ? line2.slice(28, 35) : line2.slice(28, 42);
    const long = format === 'TD2' ? longDocumentNumber(principal, line2.charAt(9), optional) : null;
    documentNumber = stripFillers(long ? long.number : principal);
    documentNumberCheckDigit = long ? long.check : line2.charAt(9);
    optionalData1 = long ? long.rest : optional;
    birth = line2.slice(13, 20);
    sex = line2.charAt(20);
    expiry = line2.slice(21, 28);
    nameField = line1.slice(5);
  }
  const name = splitName(nameField);
  return {
    format,
    lines,
    documentCode: line1.slice(0, 2),
    issuingState: stripFillers(issuingState),
    nationality: stripFillers(nationality),
    documentNumber,
    documentNumberCheckDigit,
    birthDate: birth.slice(0, 6),
    birthDateCheckDigit: birth.charAt(6),
    expiryDate: expiry.slice(0, 6),
    expiryDateCheckDigit: expiry.charAt(6),
    sex: sexOf(sex),
    familyName: name.family,
    givenNames: name.given,
    nameTruncated: !nameField.endsWith('<'),
    optionalData1,
    optionalData2,
  };
}

/** ICAO 9303-3 §4.9: weights 7, 3, 1; '<' = 0, A = 10 … Z = 35. */
export function mrzCheckDigit(value: string): string {
  let sum = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    let digit: number;
    if (code >= 48 && code <= 57) digit = code - 48;
    else if (code >= 65 && code <= 90) digit = code - 55;
    else if (code === 60) digit = 0;
    else throw new RangeError(`'${value.charAt(index)}' is not an MRZ character`);
    sum += digit * ([7, 3, 1][index % 3] as number);
  }
  return String(sum % 10);
}

/**
 * A YYMMDD MRZ date as YYYY-MM-DD (YYYY-MM or YYYY where the day or month is unknown, '<<'), or null.
 * `kind` picks the century: a birth date is never in the future; an expiry date is at most 50
 * years ahead of `today`.
 */
export function mrzDateToIso(value: string, kind: 'birth' | 'expiry', today = new Date()): string | null {
  const match = /^(\d\d)(\d\d|<<)(\d\d|<<)$/.exec(value);
  if (!match) return null;
  const yy = Number(match[1]);
  const thisYear = today.getUTCFullYear();
  let year = 2000 + yy;
  if (kind === 'birth' && year > thisYear) year -= 100;
  if (kind === 'expiry' && year > thisYear + 50) year -= 100;
  const month = match[2] as string;
  const day = match[3] as string;
  if (month === '<<') return String(year);
  if (Number(month) < 1 || Number(month) > 12) return null;
  if (day === '<<') return `${year}-${month}`;
  const date = new Date(Date.UTC(year, Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return null;
  return `${year}-${month}-${day}`;
}
