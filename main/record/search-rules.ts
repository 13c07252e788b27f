/**
 * What the patient index and search need from the country profile and the name rules
 * (main/record/identity, main/record/search), gathered behind one small interface.
 */
export interface QueryAlternative {
  term: string;
  prefix: boolean;
  weight: number;
  /** The script the word was typed in; with crossScriptWeight, lets the ranking tell a match in the other script. */
  script?: 'latin' | 'arabic';
  /** The weight when the term is found only in the patient's name in the other script (transliteration). */
  crossScriptWeight?: number;
}

export interface SearchRules {
  /** The FTS terms to index for a patient's names (any script). */
  nameTerms(names: string[]): string[];
  /** One entry per typed name part; each lists the terms that would match it. */
  queryTokens(query: string): QueryAlternative[][];
  /**
   * Every way the query can be read, the preferred first (= queryTokens): a particle typed apart
   * may introduce the next word ("abd el kader") or be the start of a name ("abd bou…" while
   * Abdelillah Bouazza is being typed). A patient matching any reading is a candidate; a later
   * reading's score is scaled down to the first reading's number of parts. Optional.
   */
  queryReadings?(query: string): QueryAlternative[][][];
  /** The form an identifier value is indexed and looked up in. */
  identifierKey(value: string): string;
  /** Canonical digits of a phone number (E.164 without '+'), or null if it is not one. */
  phoneKey(raw: string): string | null;
  isNationalSystem(system: string): boolean;
  /** The profile's current national identifier system (what a typed national ID is looked up under remotely). Optional. */
  readonly nationalSystem?: string;
  /**
   * Changes whenever nameTerms would give other terms for the same names (new rules, a changed
   * name dictionary): a record whose name index was built under another version should rebuild
   * it. Optional.
   */
  readonly version?: string;
  /** null when valid, or when the system is not one the profile rules; else the reason. */
  identifierProblem(system: string, value: string): string | null;
}
