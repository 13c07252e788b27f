/**
 * National identifiers and passport numbers: how each is checked, the one form it is indexed and
 * looked up in, and valid synthetic ones for demonstrations and benchmarks.
 *
 * A card's document number is not the national identifier (it changes on renewal); only the
 * national identifier and the passport number are checked here (architecture.md, Identity).
 */
import type { Identifier } from '@medplum/fhirtypes';
import type { Country } from '../../contract/types';
import dzProfile from '../../../resources/countries/DZ.json';
import maProfile from '../../../resources/countries/MA.json';
import tnProfile from '../../../resources/countries/TN.json';
import {
  nationalSystems,
  parseCountryProfile,
  passportSystems,
  type CountryProfile,
  type NationalIdFormat,
} from './country-profile';

/** Stable reasons (the renderer localises `identifier.problem.<code>`). */
export type IdentifierProblem =
  'empty' | 'ma-cin-format' | 'dz-nin-format' | 'tn-cin-format' | 'passport-format';

const ARABIC_INDIC_DIGITS = /[\u0660-\u0669\u06F0-\u06F9]/g;

/**
 * The form an identifier is indexed and compared in, whatever its system: compatibility-normalised
 * (full-width letters and digits become ASCII), Arabic-Indic digits as ASCII digits, upper case,
 * without spaces, dashes, dots, slashes or MRZ fillers ('<'). "be 123456", "BE-123456" and
 * "BE123456" are the same CIN; so are a NIN typed in groups and the NIN in one block.
 */
export function identifierKey(value: string): string {
  return value
    .normalize('NFKC')
    .replace(ARABIC_INDIC_DIGITS, (digit) => String((digit.codePointAt(0) as number) & 0xf))
    .toUpperCase()
    .replace(/[\s\-./_<\u200B-\u200F\u2060\uFEFF]/g, '');
}

/**
 * Morocco, CIN (law 35-06 and law 04-20 on the CNIE): one or two letters (the issuing office's
 * series) followed by the serial number, as printed on the card: "BE123456", "A12345". The serial
 * length varies with the series and age of the card; no minimum is published, so 1–6 digits.
 */
const MA_CIN = /^[A-Z]{1,2}\d{1,6}$/;

/**
 * Algeria, NIN (executive decree 10-210 of 16 September 2010): 18 digits — 2 (sex, kind of
 * birth record, born in Algeria or abroad, naturalisation), 3 (last three digits of the year of
 * registration), 4 (commune or country of birth), 5 (birth record number), 2 (register series),
 * 2 (check key). The decree names the check key but does not publish how it is computed, and no
 * official description of it could be found; third-party "Luhn" or "mod 97" guesses disagree.
 * So the structure is checked (18 digits) and the key is not: inventing an algorithm would refuse
 * real patients. Replace this comment and add the check when the ministry publishes it.
 */
const DZ_NIN = /^\d{18}$/;

/** Tunisia, CIN: 8 digits, leading zeros significant ("08123456"). */
const TN_CIN = /^\d{8}$/;

/**
 * Passport document number, ICAO 9303-4 §4.2.2 (TD3 line 2, positions 1–9): up to nine
 * characters A–Z and 0–9, padded with '<' in the MRZ (the fillers are not part of the number).
 */
const PASSPORT_NUMBER = /^[A-Z0-9]{1,9}$/;

const nationalFormats: Record<NationalIdFormat, { pattern: RegExp; problem: IdentifierProblem }> = {
  'ma-cin': { pattern: MA_CIN, problem: 'ma-cin-format' },
  'dz-nin': { pattern: DZ_NIN, problem: 'dz-nin-format' },
  'tn-cin': { pattern: TN_CIN, problem: 'tn-cin-format' },
};

export function nationalIdProblem(format: NationalIdFormat, value: string): IdentifierProblem | null {
  const key = identifierKey(value);
  if (key === '') return 'empty';
  const rule = nationalFormats[format];
  return rule.pattern.test(key) ? null : rule.problem;
}

export function passportNumberProblem(value: string): IdentifierProblem | null {
  const key = identifierKey(value);
  if (key === '') return 'empty';
  return PASSPORT_NUMBER.test(key) ? null : 'passport-format';
}

/**
 * Checks an identifier against the profile. Values are judged in their normalised form, so an
 * identifier received with spaces or in lower case is accepted (and found: the index normalises
 * too); the UI stores `identifierKey(value)`. Systems the profile does not rule (a foreign
 * passport, an insurance number) are not judged here: null.
 */
export function identifierProblem(
  profile: CountryProfile,
  system: string,
  value: string,
): IdentifierProblem | null {
  if (nationalSystems(profile).includes(system))
    return nationalIdProblem(profile.nationalIdentifier.format, value);
  if (passportSystems(profile).includes(system)) return passportNumberProblem(value);
  return null;
}

export function isNationalSystem(profile: CountryProfile, system: string): boolean {
  return nationalSystems(profile).includes(system);
}

/** The profiles shipped with Tabib, for callers that have no resources folder (the demo data). */
const bundledProfiles: Record<Country, CountryProfile> = {
  MA: parseCountryProfile(maProfile, 'resources/countries/MA.json', 'MA'),
  DZ: parseCountryProfile(dzProfile, 'resources/countries/DZ.json', 'DZ'),
  TN: parseCountryProfile(tnProfile, 'resources/countries/TN.json', 'TN'),
};

export function bundledCountryProfile(country: Country): CountryProfile {
  return bundledProfiles[country];
}

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

/** A uniform integer in [0, n) from a [0, 1) source (robust to a source that returns 1). */
function below(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(random() * n));
}

function digits(random: () => number, count: number): string {
  let out = '';
  for (let index = 0; index < count; index++) out += String(below(random, 10));
  return out;
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * A Moroccan series: one or two letters, any of the 702 (synthetic: not the real offices' list).
 * The whole space (702 × 10⁶) keeps chance collisions rare, not absent: ~700 pairs among a
 * million draws, so a caller that needs unique numbers must check and draw again.
 */
function maSeries(random: () => number): string {
  return seriesAt(below(random, LETTERS.length * (LETTERS.length + 1)));
}

function syntheticValue(format: NationalIdFormat, random: () => number): string {
  switch (format) {
    case 'ma-cin':
      return `${maSeries(random)}${digits(random, 6)}`;
    case 'dz-nin': {
      // The decree's layout, with plausible fields; the last two digits stand for the unpublished key.
      const header = `1${below(random, 2)}`;
      const year = String(1940 + below(random, 85)).slice(-3);
      const wilaya = String(1 + below(random, 58)).padStart(2, '0');
      const commune = String(1 + below(random, 60)).padStart(2, '0');
      const series = String(below(random, 20)).padStart(2, '0');
      return `${header}${year}${wilaya}${commune}${digits(random, 5)}${series}${digits(random, 2)}`;
    }
    case 'tn-cin':
      return digits(random, 8);
  }
}

/** An affine permutation of [0, size): a scrambled, collision-free image of a serial number. */
function permute(serial: number, size: bigint): bigint {
  // 2654435761 (Knuth's multiplicative hash) is prime and divides none of the space sizes below.
  return (BigInt(serial) * 2654435761n + 1013904223n) % size;
}

const MA_SPACE = BigInt(LETTERS.length * (LETTERS.length + 1)) * 1_000_000n;

function seriesAt(index: number): string {
  if (index < LETTERS.length) return LETTERS[index] as string;
  const pair = index - LETTERS.length;
  return `${LETTERS[Math.floor(pair / LETTERS.length)] as string}${LETTERS[pair % LETTERS.length] as string}`;
}

/**
 * The value of synthetic patient number `serial`: valid for the profile and distinct for distinct
 * serials (random draws alone collide: ~700 Moroccan pairs in a million), so a synthetic record
 * never holds two people with one national identifier. `random` fills the fields that do not
 * carry the serial (the Algerian NIN's birth year, wilaya, commune).
 */
function uniqueSyntheticValue(format: NationalIdFormat, serial: number, random: () => number): string {
  switch (format) {
    case 'ma-cin': {
      const value = permute(serial, MA_SPACE);
      return `${seriesAt(Number(value / 1_000_000n))}${String(value % 1_000_000n).padStart(6, '0')}`;
    }
    case 'dz-nin': {
      const value = String(permute(serial, 10_000_000n)).padStart(7, '0');
      const header = `1${below(random, 2)}`;
      const year = String(1940 + below(random, 85)).slice(-3);
      const wilaya = String(1 + below(random, 58)).padStart(2, '0');
      const commune = String(1 + below(random, 60)).padStart(2, '0');
      return `${header}${year}${wilaya}${commune}${value.slice(0, 5)}${String(below(random, 20)).padStart(2, '0')}${value.slice(5)}`;
    }
    case 'tn-cin':
      return String(permute(serial, 100_000_000n)).padStart(8, '0');
  }
}

function nationalIdentifier(profile: CountryProfile, value: string): Identifier {
  const national = profile.nationalIdentifier;
  return {
    use: 'official',
    type: {
      coding: [
        { system: V2_0203, code: national.typeCode, display: 'National unique individual identifier' },
      ],
      text: national.display.fr,
    },
    system: national.system,
    value,
  };
}

/**
 * The national identifier of synthetic patient number `serial` (the demonstration and the
 * benchmarks): valid, and never the same for two serials below ten million.
 */
export function uniqueSyntheticNationalId(
  country: Country,
  serial: number,
  random: () => number,
  profile: CountryProfile = bundledCountryProfile(country),
): Identifier {
  if (!Number.isSafeInteger(serial) || serial < 0 || serial >= 10_000_000)
    throw new RangeError(`serial ${serial} is outside [0, 10,000,000)`);
  return nationalIdentifier(profile, uniqueSyntheticValue(profile.nationalIdentifier.format, serial, random));
}

/**
 * A valid national identifier for a synthetic patient of `country`, as a FHIR Identifier
 * (system from the country profile, type NI from HL7 v2 table 0203). Deterministic for a
 * deterministic `random`. `profile` defaults to the profile shipped with Tabib.
 */
export function generateNationalId(
  country: Country,
  random: () => number,
  profile: CountryProfile = bundledCountryProfile(country),
): Identifier {
  return nationalIdentifier(profile, syntheticValue(profile.nationalIdentifier.format, random));
}
