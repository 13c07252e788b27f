/**
 * The terminology the chart codes with, indexed once in memory: ICD-10 (resources/terminology/
 * icd10.json, labels in fr, ar, en) for problems and diagnoses, and the allergen catalogue
 * (allergens.ts) for allergies. Searchable by code or by any word of a label in any of the three
 * languages, without regard to case, accents or Arabic letter variants (search-words.ts); the
 * Arabic article is optional ("سكري" finds "السكري").
 */
import type { CodeableConcept } from '@medplum/fhirtypes';
import type { AllergenHit, Icd10Hit } from '../contract/chart-types';
import type { ChartConcept, Language } from '../contract/types';
import { loadTerminology, type Terminology } from '../record/demo/terminology';
import { ARABIC_ARTICLE } from '../record/search/arabic-name';
import { searchWords } from '../medication/search-words';
import { ALLERGEN_SYSTEM, allergenCatalogue, ATC_SYSTEM } from './allergens';

export const ICD10_SYSTEM = 'http://hl7.org/fhir/sid/icd-10';
const CVX_SYSTEM = 'http://hl7.org/fhir/sid/cvx';

interface Indexed<T> {
  hit: T;
  /** Folded words of every label, each once. */
  words: string[];
  /** Folded words per language, for ranking in the interface's language. */
  byLanguage: Partial<Record<Language, string[]>>;
  /** The code folded: lower case, no dot (E11.9 → e119). */
  codeKey: string;
}

/** The folded words of a label, and the Arabic ones again without their article. */
function labelWords(text: string): string[] {
  const words = searchWords(text);
  const extra = words
    .filter((word) => word.startsWith(ARABIC_ARTICLE) && word.length > ARABIC_ARTICLE.length + 1)
    .map((word) => word.slice(ARABIC_ARTICLE.length));
  return [...words, ...extra];
}

function codeKey(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

function indexed<T>(hit: T, code: string, labels: Partial<Record<Language, string>>): Indexed<T> {
  const byLanguage: Partial<Record<Language, string[]>> = {};
  for (const [language, label] of Object.entries(labels) as [Language, string][])
    byLanguage[language] = labelWords(label);
  return { hit, words: [...new Set(Object.values(byLanguage).flat())], byLanguage, codeKey: codeKey(code) };
}

/** The query's tokens: a code typed with its dot (E11.9) stays one token. */
function queryTokens(query: string): string[] {
  const joined = query.replace(/\b([A-Za-z]\d{1,2})\.(\d)/g, '$1$2');
  return labelWords(joined).filter((word, index, all) => all.indexOf(word) === index);
}

/**
 * Every token must match the code (as a prefix) or the start of a word of a label. Ranked: the
 * code exactly, then the code's prefix, then whole words over prefixes, labels in the interface's
 * language first, shorter labels first.
 */
function search<T>(
  entries: readonly Indexed<T>[],
  query: string,
  limit: number,
  language: Language,
  label: (hit: T) => string,
): T[] {
  const tokens = queryTokens(query);
  if (tokens.length === 0) return [];
  const scored: { entry: Indexed<T>; score: number }[] = [];
  for (const entry of entries) {
    let score = 0;
    let matched = true;
    for (const token of tokens) {
      if (entry.codeKey === token) score += 1000;
      else if (entry.codeKey.startsWith(token) && /\d/.test(token)) score += 500;
      else {
        const own = entry.byLanguage[language] ?? [];
        if (own.includes(token)) score += 30;
        else if (own.some((word) => word.startsWith(token))) score += 20;
        else if (entry.words.includes(token)) score += 12;
        else if (entry.words.some((word) => word.startsWith(token))) score += 8;
        else {
          matched = false;
          break;
        }
      }
    }
    if (!matched) continue;
    const first = entry.byLanguage[language]?.[0];
    if (first && tokens[0] && first.startsWith(tokens[0])) score += 5;
    scored.push({ entry, score });
  }
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      label(a.entry.hit).length - label(b.entry.hit).length ||
      a.entry.codeKey.localeCompare(b.entry.codeKey),
  );
  return scored.slice(0, limit).map(({ entry }) => entry.hit);
}

export class ChartTerminology {
  private readonly icd10: Indexed<Icd10Hit>[];
  private readonly icd10ByCode: Map<string, Icd10Hit>;
  private readonly allergens: Indexed<AllergenHit>[];
  private readonly allergenByKey: Map<string, AllergenHit>;
  private readonly allergenByText: Map<string, AllergenHit>;
  private readonly vaccineByCvx: Map<string, { fr: string; ar: string; en: string }>;

  constructor(readonly terminology: Terminology) {
    this.icd10 = terminology.icd10.codes.map((entry) =>
      indexed<Icd10Hit>(
        { code: entry.code, labels: { fr: entry.fr, ar: entry.ar, en: entry.en } },
        entry.code,
        {
          fr: entry.fr,
          ar: entry.ar,
          en: entry.en,
        },
      ),
    );
    this.icd10ByCode = new Map(this.icd10.map((entry) => [entry.hit.code, entry.hit]));
    const catalogue = allergenCatalogue(terminology.medications.medications);
    this.allergens = catalogue.map((hit) => indexed(hit, hit.code, hit.labels));
    this.allergenByKey = new Map(catalogue.map((hit) => [`${hit.system}|${hit.code}`, hit]));
    // A substance recorded as text only (e.g. "Arachide" in the national record) still shows in
    // the interface's language when its text is exactly one of the listed labels.
    this.vaccineByCvx = new Map(
      terminology.vaccines.vaccines.map((vaccine) => [
        vaccine.cvx,
        { fr: vaccine.fr, ar: vaccine.ar, en: vaccine.en },
      ]),
    );
    this.allergenByText = new Map();
    for (const hit of catalogue) {
      if (hit.kind === 'medication') continue;
      for (const label of Object.values(hit.labels))
        this.allergenByText.set(searchWords(label).join(' '), hit);
    }
  }

  static load(resourcesDir: string): ChartTerminology {
    const terminology = loadTerminology(resourcesDir);
    let cached = instances.get(terminology);
    if (!cached) {
      cached = new ChartTerminology(terminology);
      instances.set(terminology, cached);
    }
    return cached;
  }

  searchIcd10(query: string, limit: number, language: Language = 'fr'): Icd10Hit[] {
    return search(this.icd10, query, limit, language, (hit) => hit.labels[language]);
  }

  searchAllergens(query: string, limit: number, language: Language = 'fr'): AllergenHit[] {
    return search(this.allergens, query, limit, language, (hit) => hit.labels[language] ?? hit.labels.fr);
  }

  icd10Code(code: string): Icd10Hit | null {
    return this.icd10ByCode.get(code) ?? null;
  }

  allergen(system: string, code: string): AllergenHit | null {
    return this.allergenByKey.get(`${system}|${code}`) ?? null;
  }

  /** A coded concept as the chart shows it: its recorded text, and its labels where the terminology knows the code. */
  label(concept: CodeableConcept | undefined): ChartConcept {
    const { text, code, labels } = this.concept(concept);
    return { text, code, labels };
  }

  /** As `label`, with the code's system. */
  concept(concept: CodeableConcept | undefined): ChartConcept & { system: string | null } {
    const codings = concept?.coding ?? [];
    for (const coding of codings) {
      if (!coding.system || !coding.code) continue;
      const labels =
        coding.system === ICD10_SYSTEM
          ? this.icd10ByCode.get(coding.code)?.labels
          : coding.system === ATC_SYSTEM || coding.system === ALLERGEN_SYSTEM
            ? this.allergenByKey.get(`${coding.system}|${coding.code}`)?.labels
            : coding.system === CVX_SYSTEM
              ? this.vaccineByCvx.get(coding.code)
              : undefined;
      if (labels)
        return {
          text: concept?.text ?? coding.display ?? labels.fr ?? coding.code,
          code: coding.code,
          system: coding.system,
          labels,
        };
    }
    const coding = codings.find((candidate) => candidate.code);
    const text =
      concept?.text ?? codings.find((candidate) => candidate.display)?.display ?? coding?.code ?? '';
    const byText = !coding && text ? this.allergenByText.get(searchWords(text).join(' ')) : undefined;
    return {
      text,
      code: coding?.code ?? null,
      system: coding?.system ?? null,
      labels: byText?.labels ?? {},
    };
  }
}

const instances = new WeakMap<Terminology, ChartTerminology>();

/** An ICD-10 concept as the record writes it: WHO's English title as display, the French label as text (demo/fhir-coding.ts). */
export function icd10CodeableConcept(hit: Icd10Hit): CodeableConcept {
  return { coding: [{ system: ICD10_SYSTEM, code: hit.code, display: hit.labels.en }], text: hit.labels.fr };
}
