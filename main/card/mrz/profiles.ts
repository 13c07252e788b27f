/**
 * Where a document carries its holder's national identifier, per issuing country and layout,
 * and how it is kept apart from the document number (architecture.md, Identity: the document
 * number changes when the card is renewed; the national identifier does not).
 *
 * The places come from the country profile (resources/countries/<country>.json, `cards[]`, a
 * deployment's configuration) when it describes a card of that layout, else from the defaults
 * below. What is public, and what is not (searched November 2026):
 * - Morocco, CNIE 2020 (TD1): the card number is at the top of the back and in the MRZ document
 *   number field; the CIN (letters + digits) is printed on the front, and third-party KYC
 *   documentation lists a "personal number" distinct from the card number. The DGSN publishes no
 *   MRZ or chip specification: the CIN in TD1 line 1 optional data and in DG11 tag 5F10 is NOT
 *   confirmed on a specimen (MA.json marks both `confirmed: false`).
 * - Algeria, biometric card (TD1, since 2016): the 18-digit NIN (decree 10-210) is printed on the
 *   front. It cannot fit whole in one TD1 optional data field (15 + 11 characters), so it is
 *   either in DG11 5F10 or split over both optional data fields; neither is confirmed. DZ.json
 *   lists DG11; 'mrz-optional-data-joined' (line 1 then line 2) is offered for when a specimen
 *   shows the split.
 * - Tunisia: no chip identity card was described publicly when this was written; the passport
 *   (TD3) personal number field and DG11 5F10 are the standard places for a national number, not
 *   confirmed for Tunisian passports.
 * Whatever the source, a candidate is accepted only if it passes the country's national-id format
 * (main/record/identity/national-id.ts) and differs from the document number.
 */
import type { DocumentKind } from '../card-identity';
import type { Country } from '../../contract/types';
import type { CountryProfile } from '../../record/identity/country-profile';
import { bundledCountryProfile, identifierKey, nationalIdProblem } from '../../record/identity/national-id';
import type { MrzFormat } from './normalise';
import type { ParsedMrz } from './parse-mrz';

export type NationalIdSource =
  /** TD1 line 1 positions 16–30 (after a long document number's rest); TD2's optional data. */
  | 'mrz-optional-data-line-1'
  /** TD1 line 2 positions 19–29; TD3's personal number field (line 2, positions 29–42). */
  | 'mrz-optional-data-line-2'
  /** TD1: line 1's optional data followed by line 2's, for a number longer than either field. */
  | 'mrz-optional-data-joined'
  /** DG11 (additional personal details), tag 5F10 personal number. */
  | 'chip-dg11-personal-number';

export interface DocumentProfile {
  /** The Tabib country whose national identifier this document carries; null for other states. */
  country: Country | null;
  kind: DocumentKind;
  format: MrzFormat;
  /** Tried in order; the first value that validates wins. */
  nationalIdSources: NationalIdSource[];
  /** Where the sources came from, for the CLI and the logs. */
  origin: 'country-profile' | 'default' | 'caller';
}

/** ICAO 9303-3 three-letter codes of the Tabib countries. */
export const ISSUING_STATES: Record<string, Country> = { MAR: 'MA', DZA: 'DZ', TUN: 'TN' };

/** Used when the country profile describes no card of the layout. Not confirmed on specimens. */
export const DEFAULT_NATIONAL_ID_SOURCES: Record<Country, Record<MrzFormat, NationalIdSource[]>> = {
  MA: {
    TD1: ['mrz-optional-data-line-1', 'chip-dg11-personal-number'],
    TD2: ['chip-dg11-personal-number', 'mrz-optional-data-line-1'],
    TD3: ['chip-dg11-personal-number', 'mrz-optional-data-line-2'],
  },
  DZ: {
    TD1: ['chip-dg11-personal-number', 'mrz-optional-data-joined'],
    TD2: ['chip-dg11-personal-number'],
    TD3: ['chip-dg11-personal-number', 'mrz-optional-data-line-2'],
  },
  TN: {
    TD1: ['chip-dg11-personal-number', 'mrz-optional-data-line-1'],
    TD2: ['chip-dg11-personal-number', 'mrz-optional-data-line-1'],
    TD3: ['chip-dg11-personal-number', 'mrz-optional-data-line-2'],
  },
};

export function documentKind(documentCode: string): DocumentKind {
  const first = documentCode.charAt(0);
  if (first === 'P') return 'passport';
  if (first === 'I' || first === 'A' || first === 'C') return 'id-card';
  return 'other';
}

const profileLocations: Partial<Record<string, NationalIdSource>> = {
  'mrz-optional-data-line-1': 'mrz-optional-data-line-1',
  'mrz-optional-data-line-2': 'mrz-optional-data-line-2',
  'chip-dg11-personal-number': 'chip-dg11-personal-number',
};

export interface DocumentProfileOptions {
  /** The deployment's country profile for the issuing country (else the one shipped with Tabib). */
  countryProfile?: CountryProfile;
  /** Overrides every other source of configuration. */
  sources?: NationalIdSource[];
}

/** The profile of the document whose MRZ is `mrz`. */
export function documentProfileFor(
  mrz: Pick<ParsedMrz, 'format' | 'documentCode' | 'issuingState'>,
  options: DocumentProfileOptions = {},
): DocumentProfile {
  const country = ISSUING_STATES[mrz.issuingState] ?? null;
  const kind = documentKind(mrz.documentCode);
  const base = { country, kind, format: mrz.format };
  if (options.sources) return { ...base, nationalIdSources: [...options.sources], origin: 'caller' };
  if (!country) return { ...base, nationalIdSources: [], origin: 'default' };
  const profile = options.countryProfile ?? bundledCountryProfile(country);
  // A passport is described by `passport` in the profile, not by `cards`; `cards` lists identity cards.
  const layout = `ICAO 9303 ${mrz.format}`;
  const card = kind === 'id-card' ? profile.cards.find((entry) => entry.layout === layout) : undefined;
  const fromProfile = (card?.nationalIdentifier ?? [])
    .map((location) => profileLocations[location.where])
    .filter((source): source is NationalIdSource => source !== undefined);
  if (fromProfile.length > 0) return { ...base, nationalIdSources: fromProfile, origin: 'country-profile' };
  return {
    ...base,
    nationalIdSources: [...DEFAULT_NATIONAL_ID_SOURCES[country][mrz.format]],
    origin: 'default',
  };
}

/** The first run of letters and digits in an optional data field ('<' ends it). */
function firstValue(field: string | null | undefined): string {
  if (!field) return '';
  return field.replace(/^<+/, '').split('<')[0] ?? '';
}

function candidate(
  source: NationalIdSource,
  mrz: ParsedMrz | null,
  dg11PersonalNumber: string | null | undefined,
): string {
  switch (source) {
    case 'chip-dg11-personal-number':
      return dg11PersonalNumber ?? '';
    case 'mrz-optional-data-line-1':
      return mrz && mrz.format !== 'TD3' ? firstValue(mrz.optionalData1) : '';
    case 'mrz-optional-data-line-2':
      if (!mrz) return '';
      return firstValue(mrz.format === 'TD3' ? mrz.optionalData1 : mrz.optionalData2);
    case 'mrz-optional-data-joined':
      if (!mrz || mrz.format !== 'TD1') return '';
      return firstValue(mrz.optionalData1.replace(/<+$/, '') + (mrz.optionalData2 ?? ''));
  }
}

export interface NationalIdFound {
  country: Country;
  /** In its indexed form (identifierKey): upper case, no spaces or fillers. */
  value: string;
  source: NationalIdSource;
}

/**
 * The holder's national identifier, from the sources of `profile` in order: the first candidate
 * that passes the country's format check and is not the document number. Null when the profile
 * has no country, or no source holds a valid one.
 */
export function extractNationalId(
  profile: DocumentProfile,
  data: { mrz: ParsedMrz | null; dg11PersonalNumber?: string | null },
  countryProfile?: CountryProfile,
): NationalIdFound | null {
  if (!profile.country) return null;
  const format = (countryProfile ?? bundledCountryProfile(profile.country)).nationalIdentifier.format;
  const documentNumber = data.mrz ? identifierKey(data.mrz.documentNumber) : null;
  for (const source of profile.nationalIdSources) {
    const value = identifierKey(candidate(source, data.mrz, data.dg11PersonalNumber));
    if (value === '' || value === documentNumber) continue;
    if (nationalIdProblem(format, value) === null) return { country: profile.country, value, source };
  }
  return null;
}
