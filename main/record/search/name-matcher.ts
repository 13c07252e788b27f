/**
 * Name terms for the patient index and their counterparts for a typed query.
 *
 * Each word of a name is indexed as up to three terms (namespaced by a leading digit, which no
 * name word contains, so they never collide with a spelling):
 *   - its spelling, normalised (mohamed, محمد): an exact match, same script;
 *   - `2<id>` for each dictionary name it is a spelling of (2mohamed, from Mohammed or محمد):
 *     a variant, in either script;
 *   - its consonant skeleton, `1<skeleton>` for a dictionary word and `0<skeleton>` otherwise
 *     (1mhmd): a variant or transliteration the dictionary does not know.
 * A typed word that the dictionary knows looks for its names and for unknown words with its
 * skeleton, not for other known names with the same skeleton — so Said (سعيد) does not find Saad
 * (سعد), nor Fatima find Fatiha. A typed word the dictionary does not know looks for every word
 * with its skeleton. Prefix alternatives serve type-ahead.
 *
 * The query side is a handful of alternatives per typed word (about ten), never an expansion over
 * the vocabulary: FTS5 does the rest with its prefix indexes. A query may be read in up to three
 * ways (queryReadings): as typed, with particles apart (a cut-short "Abd" is not the particle),
 * and without honorifics, one-word compounds split (Moulay, Lalla; Fatimzahra → Fatima Zahra).
 */
import type { QueryAlternative } from '../search-rules';
import { arabicSkeleton } from './arabic-name';
import { latinSkeleton } from './latin-name';
import type { NameDictionary } from './name-dictionary';
import {
  isHonorific,
  joinNameWords,
  nameWords,
  splitNameTokens,
  type NamePart,
  type NameScript,
  type NameWord,
} from './name-words';

/** Ranking: exact spelling > variant (same script) > other script > prefix (patient-search.ts sums them per typed word). */
export const NAME_WEIGHTS = {
  exact: 100,
  dictionary: 80,
  skeleton: 70,
  dictionaryOtherScript: 60,
  skeletonOtherScript: 50,
  prefix: 20,
  prefixSkeleton: 15,
  prefixSkeletonOtherScript: 10,
} as const;

/** A typed word without the article that the registered name has (or the reverse) is a variant. */
const WITHOUT_ARTICLE = 0.9;

const UNKNOWN_SKELETON = '0';
const KNOWN_SKELETON = '1';
const DICTIONARY = '2';

export function skeletonOf(script: NameScript, text: string, complete: boolean): string {
  if (script === 'latin') return latinSkeleton(text, complete);
  if (script === 'arabic') return arabicSkeleton(text, complete);
  return '';
}

/** Words memoised (a few hundred names make most of a register): enough for a clinic's vocabulary. */
const WORD_MEMO_LIMIT = 50_000;

export class NameMatcher {
  private readonly wordTerms = new Map<string, string[]>();

  constructor(private readonly dictionary: NameDictionary) {}

  /** The FTS terms for a patient's names (every script), without duplicates. */
  indexTerms(names: string[]): string[] {
    const terms = new Set<string>();
    for (const name of names) {
      for (const word of nameWords(name)) {
        this.addTerms(terms, word.script, word);
        for (const part of word.parts) this.addTerms(terms, word.script, part);
        for (const text of this.dictionary.wordsOf(word.script, word.text) ?? [])
          this.addTerms(terms, word.script, { text, skeletonText: text, article: false });
      }
    }
    return [...terms];
  }

  private addTerms(terms: Set<string>, script: NameScript, word: NamePart): void {
    const key = `${script}\u0000${word.text}\u0000${word.skeletonText}`;
    let found = this.wordTerms.get(key);
    if (!found) {
      found = this.termsOfWord(script, word);
      if (this.wordTerms.size >= WORD_MEMO_LIMIT) this.wordTerms.clear();
      this.wordTerms.set(key, found);
    }
    for (const term of found) terms.add(term);
  }

  private termsOfWord(script: NameScript, word: NamePart): string[] {
    const terms = [word.text];
    if (script === 'other' || word.text.length < 2) return terms;
    const ids = this.dictionary.idsOf(script, word.text);
    const skeleton = skeletonOf(script, word.skeletonText, true);
    if (ids) {
      for (const id of ids) terms.push(DICTIONARY + id);
      if (skeleton) terms.push(KNOWN_SKELETON + skeleton);
    } else if (skeleton) terms.push(UNKNOWN_SKELETON + skeleton);
    return terms;
  }

  /** One list of alternatives per typed word (particles attached as in the index). */
  queryAlternatives(query: string): QueryAlternative[][] {
    return nameWords(query).map((word) => this.alternativesFor(word));
  }

  /**
   * The query read with particles attached, and — when it has some — with them apart: while
   * "Abdelillah Bouazza" is typed, "abd bou" is two cut-short words, not the name "Abd Bou…".
   */
  queryReadings(query: string): QueryAlternative[][][] {
    const tokens = splitNameTokens(query);
    const attached = joinNameWords(tokens);
    const readings = [attached.map((word) => this.alternativesFor(word))];
    const apart = joinNameWords(tokens, false);
    if (apart.length !== attached.length) readings.push(apart.map((word) => this.alternativesFor(word)));
    // Without the honorifics the registered name may lack (Moulay, Lalla), and with one-word
    // compounds as their words (Fatimzahra → Fatima Zahra).
    const plain = attached
      .filter((word) => !isHonorific(word))
      .flatMap((word) => {
        const words = this.dictionary.wordsOf(word.script, word.text);
        return words ? words.map((text) => ({ ...word, text, skeletonText: text, parts: [] })) : [word];
      });
    if (
      plain.length > 0 &&
      (plain.length !== attached.length || plain.some((word, index) => word !== attached[index]))
    )
      readings.push(plain.map((word) => this.alternativesFor(word)));
    return readings;
  }

  private alternativesFor(word: NameWord): QueryAlternative[] {
    const found = new Map<string, QueryAlternative>();
    const script = word.script === 'other' ? undefined : word.script;
    const add = (term: string, prefix: boolean, weight: number, crossScriptWeight: number) => {
      const key = `${prefix ? '*' : ' '}${term}`;
      const known = found.get(key);
      if (known && known.weight >= weight) return;
      found.set(key, { term, prefix, weight, ...(script ? { script, crossScriptWeight } : {}) });
    };

    add(word.text, false, NAME_WEIGHTS.exact, 0);
    const known = this.addVariants(add, word, 1);
    for (const part of word.parts) {
      if (!part.article) continue;
      add(part.text, false, NAME_WEIGHTS.exact * WITHOUT_ARTICLE, 0);
      this.addVariants(add, { ...part, script: word.script, parts: [] }, WITHOUT_ARTICLE);
    }

    add(word.text, true, NAME_WEIGHTS.prefix, 0);
    // A word the dictionary knows is complete; one it does not know may be cut short.
    if (!known && script) {
      const skeleton = skeletonOf(script, word.skeletonText, false);
      if (skeleton.length >= 2) {
        const { prefixSkeleton, prefixSkeletonOtherScript } = NAME_WEIGHTS;
        add(UNKNOWN_SKELETON + skeleton, true, prefixSkeleton, prefixSkeletonOtherScript);
        add(KNOWN_SKELETON + skeleton, true, prefixSkeleton, prefixSkeletonOtherScript);
      }
    }
    return [...found.values()];
  }

  /** Dictionary and skeleton alternatives; true when the dictionary knows the word. */
  private addVariants(
    add: (term: string, prefix: boolean, weight: number, crossScriptWeight: number) => void,
    word: NameWord,
    factor: number,
  ): boolean {
    if (word.script === 'other' || word.text.length < 2) return false;
    const ids = this.dictionary.idsOf(word.script, word.text);
    const skeleton = skeletonOf(word.script, word.skeletonText, true);
    const { dictionary, dictionaryOtherScript, skeleton: same, skeletonOtherScript: other } = NAME_WEIGHTS;
    if (ids)
      for (const id of ids) add(DICTIONARY + id, false, dictionary * factor, dictionaryOtherScript * factor);
    if (skeleton) {
      add(UNKNOWN_SKELETON + skeleton, false, same * factor, other * factor);
      if (!ids) add(KNOWN_SKELETON + skeleton, false, same * factor, other * factor);
    }
    return ids !== undefined;
  }
}
