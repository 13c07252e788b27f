/**
 * The search rules of one country: its profile's identifiers and phone numbering, and the name
 * rules (shared by the Maghreb countries: the same scripts, transliterations and names).
 */
import type { Country } from '../../contract/types';
import { loadCountryProfile } from '../identity/country-profile';
import { identifierKey, identifierProblem, isNationalSystem } from '../identity/national-id';
import { phoneKey } from '../identity/phone-number';
import type { SearchRules } from '../search-rules';
import { loadNameDictionary } from './name-dictionary';
import { NameMatcher } from './name-matcher';

/** Raise when a change to the name rules (normalisation, skeletons, particles) changes index terms. */
const NAME_RULES_REVISION = 1;

export function createSearchRules(resourcesDir: string, country: Country): SearchRules {
  const profile = loadCountryProfile(resourcesDir, country);
  const dictionary = loadNameDictionary(resourcesDir);
  const matcher = new NameMatcher(dictionary);
  return {
    version: `${NAME_RULES_REVISION}:${dictionary.fingerprint}`,
    nameTerms: (names) => matcher.indexTerms(names),
    queryTokens: (query) => matcher.queryAlternatives(query),
    queryReadings: (query) => matcher.queryReadings(query),
    identifierKey,
    phoneKey: (raw) => phoneKey(profile.phone, raw),
    isNationalSystem: (system) => isNationalSystem(profile, system),
    nationalSystem: profile.nationalIdentifier.system,
    identifierProblem: (system, value) => identifierProblem(profile, system, value),
  };
}
