/**
 * Phone numbers as one key: the E.164 number without '+' (ITU-T E.164 §6), so that a number
 * recorded as "0612345678" is found when typed "+212 6 12 34 56 78" or "00212612345678".
 * The country profile says how national numbers are written (trunk prefix, lengths).
 */
import type { PhonePlan } from './country-profile';

/** ITU-T E.164 §6.2.1: at most 15 digits including the country code. */
const E164_MAX_DIGITS = 15;
/** The shortest international number worth looking up (a country code and a short subscriber number). */
const E164_MIN_DIGITS = 8;

function international(plan: PhonePlan, digits: string): string | null {
  // "+212 (0)6…" and "+2120612…": the trunk prefix wrongly kept after the country code.
  if (plan.trunkPrefix && digits.startsWith(plan.countryCode + plan.trunkPrefix)) {
    const national = digits.slice(plan.countryCode.length + plan.trunkPrefix.length);
    if (plan.nationalNumberLengths.includes(national.length)) return plan.countryCode + national;
  }
  return digits.length >= E164_MIN_DIGITS && digits.length <= E164_MAX_DIGITS ? digits : null;
}

/**
 * The canonical digits of a phone number, or null when `raw` is not one (letters, too short or
 * too long). Accepts the national form (with the trunk prefix where the country has one), the
 * international form with '+' or the '00' international prefix, and the international digits
 * typed without either. A foreign number keeps its own country code.
 */
export function phoneKey(plan: PhonePlan, raw: string): string | null {
  const text = raw
    .normalize('NFKC')
    .replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (digit) => String((digit.codePointAt(0) as number) & 0xf));
  if (!/^\s*\+?[\d\s().\-/]+$/.test(text)) return null;
  const plus = text.trim().startsWith('+');
  const digits = text.replace(/\(0\)/g, '').replace(/\D/g, '');
  if (digits.length === 0) return null;
  if (plus) return international(plan, digits);
  if (digits.startsWith('00')) return international(plan, digits.slice(2));
  if (plan.trunkPrefix && digits.startsWith(plan.trunkPrefix)) {
    const national = digits.slice(plan.trunkPrefix.length);
    return plan.nationalNumberLengths.includes(national.length) ? plan.countryCode + national : null;
  }
  if (digits.startsWith(plan.countryCode)) {
    const national = digits.slice(plan.countryCode.length);
    if (plan.nationalNumberLengths.includes(national.length)) return digits;
  }
  // A national significant number typed without its trunk prefix (or in a country without one).
  return plan.nationalNumberLengths.includes(digits.length) ? plan.countryCode + digits : null;
}
