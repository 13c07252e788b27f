/**
 * The order in which a name query's candidates are gathered (patient-search.ts, candidateTiers):
 * exact spellings, then whole-word variants, then the prefixes of the word being typed only, and
 * last — only to fill a short list — prefixes of every word.
 */
import { describe, expect, it } from 'vitest';
import { candidateTiers, ftsQuery, parsePatientQuery } from '../../main/record/patient-search';
import { createSearchRules } from '../../main/record/search/search-rules-for-country';
import { resourcesDir } from './record-fixture';

const rules = createSearchRules(resourcesDir, 'MA');
const prefixed = (tier: { alternatives: { prefix: boolean }[][] }) =>
  tier.alternatives.map((alternatives) => alternatives.some((alternative) => alternative.prefix));

describe('name query tiers', () => {
  it('expands only the word being typed as a prefix before it expands the others', () => {
    const tiers = candidateTiers(rules.queryTokens('mohamed benal'), true);
    expect(tiers.map((tier) => tier.fill)).toEqual([false, false, false, true]);
    expect(tiers.map(prefixed)).toEqual([
      [false, false],
      [false, false],
      [false, true],
      [true, true],
    ]);
    expect(ftsQuery(tiers[2]?.alternatives ?? [])).toContain('"benal"*');
    expect(ftsQuery(tiers[2]?.alternatives ?? [])).not.toContain('"mohamed"*');
  });

  it('has no typing tier when the query ends with a space or a birth year', () => {
    for (const query of ['mohamed benali ', 'mohamed benali 1985']) {
      const parsed = parsePatientQuery(query);
      expect(parsed.typing, query).toBe(false);
      const tiers = candidateTiers(rules.queryTokens(parsed.nameParts.join(' ')), parsed.typing);
      expect(
        tiers.map((tier) => tier.fill),
        query,
      ).toEqual([false, false, true]);
    }
    expect(parsePatientQuery('mohamed benal').typing).toBe(true);
  });

  it('runs a one-word query’s prefixes as its own tier, not as a fill', () => {
    const tiers = candidateTiers(rules.queryTokens('bena'), true);
    expect(tiers.at(-1)?.fill).toBe(false);
    expect(prefixed(tiers.at(-1) as (typeof tiers)[number])).toEqual([true]);
  });
});
