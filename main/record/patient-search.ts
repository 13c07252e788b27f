/**
 * The search a doctor runs a hundred times a day: a national identifier, a name in any order and
 * either script (variants and transliterations included), a birth date or year, a phone number —
 * or several of these at once ("benali 1985"). Exact identifier and phone matches rank first;
 * name matches are ranked by how closely each typed part matched (same spelling, variant or
 * other script, prefix).
 */
import type { Kysely } from 'kysely';
import type {
  PatientMatchKind,
  PatientSearchHit,
  PatientSearchResult,
  PatientSummary,
} from '../contract/types';
import type { PatientSearchTable, RecordDatabase } from './database/schema';
import type { SyncQueries } from './database/sync-queries';
import { birthDateQueryTerm } from './patient-index';
import type { QueryAlternative, SearchRules } from './search-rules';

/**
 * How many name matches are ranked; beyond, the user is asked to refine. Twice the longest list
 * asked for (the search screen's 50): on a million patients each candidate is a read of the
 * patient table that is seldom in the cache, and 200 of them were half of a search's time.
 */
export const RANKED_CANDIDATES = 100;

type PatientRow = Omit<PatientSearchTable, 'rowid'> & { rowid: number };

export interface ParsedPatientQuery {
  nameParts: string[];
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`: a prefix of birthDate. */
  birthDate: string | null;
  identifierCandidates: string[];
  phoneCandidates: string[];
  /**
   * The query ends with a name part, not followed by a space: that word is being typed and may be
   * cut short (its prefixes are searched before any other word's).
   */
  typing: boolean;
}

const pad = (value: string) => value.padStart(2, '0');

function asBirthDate(token: string): string | null {
  let match = /^(\d{4})$/.exec(token);
  if (match) {
    const year = Number(match[1]);
    return year >= 1900 && year <= 2100 ? (match[1] as string) : null;
  }
  match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(token);
  if (match) return token;
  // French and Maghreb order: day/month/year.
  match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(token);
  if (match) {
    const [, day, month, year] = match as unknown as [string, string, string, string];
    if (Number(month) >= 1 && Number(month) <= 12 && Number(day) >= 1 && Number(day) <= 31)
      return `${year}-${pad(month)}-${pad(day)}`;
  }
  match = /^(\d{1,2})[/.-](\d{4})$/.exec(token);
  if (match && Number(match[1]) >= 1 && Number(match[1]) <= 12)
    return `${match[2]}-${pad(match[1] as string)}`;
  return null;
}

/** Arabic-Indic digits (typed on an Arabic keyboard) as ASCII digits, so dates, IDs and phones parse. */
function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9]/g, (digit) =>
    String((digit.codePointAt(0) as number) & 0xf),
  );
}

export function parsePatientQuery(query: string): ParsedPatientQuery {
  const tokens = asciiDigits(query.normalize('NFC')).trim().split(/\s+/).filter(Boolean);
  const parsed: ParsedPatientQuery = {
    nameParts: [],
    birthDate: null,
    identifierCandidates: [],
    phoneCandidates: [],
    typing: false,
  };
  for (const token of tokens) {
    parsed.typing = false;
    const date = asBirthDate(token);
    if (date && !parsed.birthDate) {
      parsed.birthDate = date;
      continue;
    }
    if (/\d/.test(token)) {
      parsed.identifierCandidates.push(token);
      continue;
    }
    parsed.nameParts.push(token);
    parsed.typing = true;
  }
  if (/\s$/.test(query)) parsed.typing = false;
  // "BE 123456", "06 12 34 56 78": an identifier or a phone typed with spaces.
  const compact = tokens.join('');
  if (/\d/.test(compact) && tokens.length > 1) parsed.identifierCandidates.push(compact);
  for (const candidate of [...parsed.identifierCandidates]) {
    if (/^\+?[\d\s().-]{8,}$/.test(candidate)) parsed.phoneCandidates.push(candidate);
  }
  // Two letters and digits typed apart ("BE" "123456") must not also be searched as a name.
  if (
    parsed.identifierCandidates.length > 0 &&
    parsed.nameParts.every((part) => /^[A-Za-z]{1,2}$/.test(part))
  )
    parsed.nameParts = [];
  return parsed;
}

function ftsString(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/** One round of candidates: what each typed part may match. */
export interface CandidateTier {
  alternatives: QueryAlternative[][];
  /**
   * Only run while fewer candidates than the hits asked for were found: the tier that expands
   * every typed word as a prefix, words already complete included. Its extra patients rank below
   * (a prefix weighs least), and on a large record it is the costly one: FTS5 merges every
   * term under a prefix longer than its prefix indexes into one list, and `mohamed*` is tens of
   * thousands of patients.
   */
  fill: boolean;
}

/**
 * The candidate tiers of a name query, most precise first: each typed part by its best
 * alternatives only (the exact spelling), then by all its whole-word alternatives (variants,
 * other script), then with the prefixes of the word being typed (`typing`: the query ends with
 * a name part, the last one), then with prefixes for every part (a fill tier). Candidates are
 * taken tier by tier, so with a million patients the patients whose names match exactly are
 * never crowded out of the ranked candidates by the many who merely share a skeleton or a prefix.
 */
export function candidateTiers(tokens: QueryAlternative[][], typing = true): CandidateTier[] {
  const parts = tokens.filter((alternatives) => alternatives.length > 0);
  if (parts.length === 0) return [];
  const best = parts.map((alternatives) => {
    const top = Math.max(...alternatives.map((alternative) => alternative.weight));
    return alternatives.filter((alternative) => alternative.weight === top);
  });
  const whole = parts.map((alternatives) => {
    const words = alternatives.filter((alternative) => !alternative.prefix);
    return words.length > 0 ? words : alternatives;
  });
  const last = parts.length - 1;
  const typed = typing
    ? whole.map((alternatives, index) => (index === last ? parts[last] : alternatives))
    : whole;
  const tiers: CandidateTier[] = [];
  for (const [alternatives, fill] of [
    [best, false],
    [whole, false],
    [typed, false],
    [parts, true],
  ] as const) {
    const previous = tiers[tiers.length - 1]?.alternatives;
    if (!previous || previous.some((group, index) => group.length !== alternatives[index]?.length))
      tiers.push({ alternatives: alternatives as QueryAlternative[][], fill });
  }
  return tiers;
}

/** FTS5 query: every typed part must match one of its alternatives. */
export function ftsQuery(tokens: QueryAlternative[][]): string | null {
  const groups = tokens
    .filter((alternatives) => alternatives.length > 0)
    .map(
      (alternatives) =>
        `(${alternatives.map((alt) => `${ftsString(alt.term)}${alt.prefix ? '*' : ''}`).join(' OR ')})`,
    );
  return groups.length > 0 ? groups.join(' AND ') : null;
}

interface NameTermSet {
  terms: string[];
  set: Set<string>;
}

/** Ties in score sort by name; one collator (String.localeCompare builds one per call). */
const collator = new Intl.Collator();

/** Name texts whose terms are kept between searches (a few MB); the cache restarts when full. */
const NAME_TERMS_MEMO_LIMIT = 50_000;

export class PatientSearch {
  /** The terms of a displayed name, by its text: ranking the same Alaouis again costs no re-indexing. */
  private readonly nameTermsMemo = new Map<string, NameTermSet>();

  constructor(
    private readonly kysely: Kysely<RecordDatabase>,
    private readonly queries: SyncQueries,
    private readonly rules: SearchRules,
  ) {}

  /** Forgets the names kept between searches (a sign-out: no patient's name stays in memory). */
  forgetCache(): void {
    this.nameTermsMemo.clear();
  }

  private summary(row: PatientRow): PatientSummary {
    const name = (given: string | null, family: string | null) =>
      given !== null || family !== null ? { given: given ?? '', family: family ?? '' } : null;
    return {
      id: row.patient_id,
      latin: name(row.given_latin, row.family_latin),
      arabic: name(row.given_arabic, row.family_arabic),
      identifier:
        row.identifier_system && row.identifier_value
          ? { system: row.identifier_system, value: row.identifier_value }
          : null,
      birthDate: row.birth_date,
      gender: row.gender as PatientSummary['gender'],
      phone: row.phone,
    };
  }

  private rowsByPatientIds(ids: string[]): PatientRow[] {
    if (ids.length === 0) return [];
    return this.queries.all(
      this.kysely.selectFrom('patient_search').selectAll().where('patient_id', 'in', ids),
    ) as PatientRow[];
  }

  private byIdentifier(candidates: string[]): string[] {
    const keys = [
      ...new Set(candidates.map((candidate) => this.rules.identifierKey(candidate)).filter(Boolean)),
    ];
    if (keys.length === 0) return [];
    return this.queries
      .all(this.kysely.selectFrom('patient_identifier').select('patient_id').where('value', 'in', keys))
      .map((row) => row.patient_id);
  }

  private byPhone(candidates: string[]): string[] {
    const keys = [
      ...new Set(
        candidates.map((candidate) => this.rules.phoneKey(candidate)).filter((key): key is string => !!key),
      ),
    ];
    if (keys.length === 0) return [];
    return this.queries
      .all(this.kysely.selectFrom('patient_phone').select('patient_id').where('digits', 'in', keys))
      .map((row) => row.patient_id);
  }

  /**
   * Candidates tier by tier (candidateTiers), every reading of the query at once (FTS5 OR). The
   * fill tier runs only while fewer than `wanted` candidates were found.
   */
  private byName(
    readings: QueryAlternative[][][],
    birthDate: string | null,
    typing: boolean,
    wanted: number,
  ): { rows: PatientRow[]; truncated: boolean } {
    // Rowids only, tier by tier: a patient found again by a later tier is not read again.
    const sqlText = 'select rowid from patient_name_fts where patient_name_fts match ? limit ?';
    // The birth date is a term of the same index (patient-index.ts): one intersection in FTS.
    const birthTerm = birthDate ? ` AND "${birthDateQueryTerm(birthDate)}"` : '';
    const tiersByReading = readings
      .map((tokens) => candidateTiers(tokens, typing))
      .filter((tiers) => tiers.length > 0);
    const depth = Math.max(0, ...tiersByReading.map((tiers) => tiers.length));
    const found = new Set<number>();
    const ran = tiersByReading.map(() => -1);
    for (let level = 0; level < depth; level++) {
      const matches: string[] = [];
      tiersByReading.forEach((tiers, reading) => {
        const index = Math.min(level, tiers.length - 1);
        const tier = tiers[index] as CandidateTier;
        // A reading with fewer tiers has already run its last one.
        if (index === ran[reading] || (tier.fill && found.size >= wanted)) return;
        ran[reading] = index;
        const match = ftsQuery(tier.alternatives);
        if (match) matches.push(match);
      });
      if (matches.length === 0) continue;
      const names = matches.length === 1 ? matches[0] : matches.map((match) => `(${match})`).join(' OR ');
      const parameters: unknown[] = [birthTerm ? `(${names})${birthTerm}` : names, RANKED_CANDIDATES + 1];
      for (const rowid of this.queries
        .statement(sqlText)
        .pluck()
        .all(...parameters) as number[])
        found.add(rowid);
      if (found.size > RANKED_CANDIDATES) break;
    }
    // Only the candidates that are ranked are read (each one a page of the table, often not in
    // the cache on a large record), in the table's order; one more says the list is truncated.
    const byRowid = this.queries.statement('select * from patient_search where rowid = ?');
    const ranked = [...found].slice(0, RANKED_CANDIDATES).sort((a, b) => a - b);
    const rows: PatientRow[] = [];
    for (const rowid of ranked) {
      const row = byRowid.get(rowid) as PatientRow | undefined;
      if (row) rows.push(row);
    }
    return { rows, truncated: found.size > RANKED_CANDIDATES };
  }

  /** A range on the birth-date index (a LIKE would scan every patient: SQLite's LIKE is case-insensitive, the index is not). */
  private byBirthDate(birthDate: string): PatientRow[] {
    return this.queries
      .statement(
        `select * from patient_search where birth_date >= ? and birth_date < ?
         order by family_latin, given_latin limit ?`,
      )
      .all(birthDate, `${birthDate}\uffff`, RANKED_CANDIDATES + 1) as PatientRow[];
  }

  private termsOf(given: string | null, family: string | null): NameTermSet {
    const text = [given, family].filter(Boolean).join(' ');
    let found = this.nameTermsMemo.get(text);
    if (!found) {
      const terms = text ? this.rules.nameTerms([text]) : [];
      found = { terms, set: new Set(terms) };
      if (this.nameTermsMemo.size >= NAME_TERMS_MEMO_LIMIT) this.nameTermsMemo.clear();
      this.nameTermsMemo.set(text, found);
    }
    return found;
  }

  /**
   * How well a patient's names answer the typed parts: the best alternative per part, summed.
   * A term found only in the name written in the other script than the typed part counts with
   * the alternative's crossScriptWeight (a transliteration ranks below a variant of the same script).
   * With several readings, the best one counts, scaled down to the first reading's number of parts.
   */
  private nameScore(row: PatientRow, readings: QueryAlternative[][][]): number {
    const latin = this.termsOf(row.given_latin, row.family_latin);
    const arabic = this.termsOf(row.given_arabic, row.family_arabic);
    const hit = (names: NameTermSet, alternative: QueryAlternative) =>
      alternative.prefix
        ? names.terms.some((term) => term.startsWith(alternative.term))
        : names.set.has(alternative.term);
    const parts = readings[0]?.length ?? 0;
    let best = 0;
    for (const tokens of readings) {
      let score = 0;
      for (const alternatives of tokens) {
        let part = 0;
        for (const alternative of alternatives) {
          const other = alternative.crossScriptWeight ?? alternative.weight;
          const inLatin = hit(latin, alternative)
            ? alternative.script === 'arabic'
              ? other
              : alternative.weight
            : 0;
          const inArabic = hit(arabic, alternative)
            ? alternative.script === 'latin'
              ? other
              : alternative.weight
            : 0;
          part = Math.max(part, inLatin, inArabic);
        }
        score += part;
      }
      // A reading with more parts must not outrank the first for having more to sum; one with fewer is not scaled up.
      best = Math.max(best, tokens.length > 0 ? score * Math.min(1, parts / tokens.length) : 0);
    }
    return best;
  }

  private readings(text: string): QueryAlternative[][][] {
    const readings = this.rules.queryReadings?.(text) ?? [this.rules.queryTokens(text)];
    return readings.filter((tokens) => tokens.length > 0);
  }

  /** The first candidate that is a valid national identifier for the profile, as it is indexed. */
  private nationalIdentifier(candidates: string[]): PatientSearchResult['nationalIdentifier'] {
    const system = this.rules.nationalSystem;
    if (!system) return null;
    for (const candidate of candidates) {
      const value = this.rules.identifierKey(candidate);
      if (value && this.rules.identifierProblem(system, value) === null) return { system, value };
    }
    return null;
  }

  search(query: string, limit = 50): PatientSearchResult {
    const parsed = parsePatientQuery(query);
    const hits = new Map<string, PatientSearchHit>();
    const add = (row: PatientRow, kind: PatientMatchKind, score: number) => {
      const hit = hits.get(row.patient_id);
      if (hit) {
        if (!hit.matchedOn.includes(kind)) hit.matchedOn.push(kind);
        hit.score += score;
      } else hits.set(row.patient_id, { ...this.summary(row), score, matchedOn: [kind] });
    };

    for (const row of this.rowsByPatientIds(this.byIdentifier(parsed.identifierCandidates)))
      add(row, 'identifier', 1000);
    for (const row of this.rowsByPatientIds(this.byPhone(parsed.phoneCandidates))) add(row, 'phone', 500);

    let truncated = false;
    const readings = parsed.nameParts.length > 0 ? this.readings(parsed.nameParts.join(' ')) : [];
    if (readings.length > 0) {
      const found = this.byName(readings, parsed.birthDate, parsed.typing, limit);
      truncated = found.truncated;
      for (const row of found.rows) {
        add(row, 'name', this.nameScore(row, readings));
        if (parsed.birthDate) add(row, 'birthDate', 1);
      }
    } else if (parsed.birthDate && hits.size === 0) {
      const rows = this.byBirthDate(parsed.birthDate);
      truncated = rows.length > RANKED_CANDIDATES;
      for (const row of rows.slice(0, RANKED_CANDIDATES)) add(row, 'birthDate', 1);
    }

    const sorted = [...hits.values()].sort(
      (a, b) =>
        b.score - a.score ||
        collator.compare(
          a.latin?.family ?? a.arabic?.family ?? '',
          b.latin?.family ?? b.arabic?.family ?? '',
        ) ||
        collator.compare(a.latin?.given ?? '', b.latin?.given ?? '') ||
        a.id.localeCompare(b.id),
    );
    return {
      hits: sorted.slice(0, limit),
      truncated: truncated || sorted.length > limit,
      nationalIdentifier: this.nationalIdentifier(parsed.identifierCandidates),
    };
  }
}
