/**
 * The medicines a doctor can prescribe: resources/terminology/medications.json (INN, ATC code,
 * forms and strengths; brand-neutral) with the names of their ATC groups
 * (resources/terminology/atc-groups.json), indexed once in memory per resources folder. Search
 * is by INN (French or English, any accent or case), by ATC code or its prefix, or by class
 * (the group's name or a synonym clinicians type: "statine", "IEC", "AINS", "pénicilline").
 *
 * The ATC hierarchy (WHO Collaborating Centre, "Guidelines for ATC classification and DDD
 * assignment", §I) is what the warnings reason with: level 3 (4 characters, e.g. J01C
 * penicillins) is the pharmacological subgroup, level 4 (5 characters, e.g. C10AA statins) the
 * chemical subgroup, level 5 (7 characters) the substance.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { AtcGroupLabel, DrugHit, DrugName } from '../contract/medication-types';
import { TabibError } from '../errors';
import { loadTerminology, type Medication, type MedicationPresentation } from '../record/demo/terminology';
import { searchText, searchWords } from './search-words';

const text = z.string().trim().min(1);
const atcGroupsFile = z.object({
  source: text,
  system: z.literal('http://www.whocc.no/atc'),
  groups: z.array(
    z.object({
      code: z.string().regex(/^[A-Z]\d{2}([A-Z]{1,2})?$/),
      en: text,
      fr: text,
      ar: text.regex(/[\u0600-\u06FF]/, 'expected Arabic script'),
      synonyms: z.array(text).optional(),
    }),
  ),
});

export type AtcGroup = z.infer<typeof atcGroupsFile>['groups'][number];

export const ATC_SYSTEM = 'http://www.whocc.no/atc';

/** ATC level of a code: 1 (A), 2 (A10), 3 (A10B), 4 (A10BA), 5 (A10BA02). */
export function atcLevel(code: string): number {
  return code.length <= 1 ? 1 : code.length <= 3 ? 2 : code.length === 4 ? 3 : code.length === 5 ? 4 : 5;
}

export const ATC_CODE = /^[A-Z](\d{2}([A-Z]([A-Z](\d{2})?)?)?)?$/;

/**
 * Residual groups ("Other antiepileptics", "Other antihistamines"): the ATC index puts there what
 * has no chemical subgroup of its own, so two members are not the same kind of drug.
 */
export function isResidualGroup(code: string): boolean {
  return code.length === 5 && code.endsWith('X');
}

/** One active substance of a medicine, as the INN names it (combinations have several). */
export interface Substance {
  /** Folded, for comparison ("acide acetylsalicylique"). */
  key: string;
  /** As written in the INN ("acide acétylsalicylique"). */
  name: string;
}

interface IndexedMedication {
  medication: Medication;
  substances: Substance[];
  /** Words of the French INN and the English name. */
  innWords: string[];
  innText: string;
  /** Words of the names and synonyms of its groups (levels 2 to 4). */
  classWords: Set<string>;
  /** Synonyms as whole folded phrases ("ara ii", "iec"). */
  classPhrases: Set<string>;
  /** Words of its forms and strengths ("comprime", "500", "mg"): "amoxicilline 500" narrows the list. */
  presentationWords: Set<string>;
}

/** "amoxicilline + acide clavulanique" → amoxicilline, acide clavulanique; "(gel buccal)" dropped. */
function substancesOf(inn: string): Substance[] {
  return inn
    .replace(/\([^)]*\)/g, ' ')
    .split('+')
    .map((part) => part.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .map((name) => ({ name, key: searchText(name) }));
}

export class DrugCatalogue {
  private readonly byAtc = new Map<string, IndexedMedication>();
  private readonly groups = new Map<string, AtcGroup>();

  constructor(medications: readonly Medication[], groups: readonly AtcGroup[]) {
    for (const group of groups) this.groups.set(group.code, group);
    for (const medication of medications) {
      const classWords = new Set<string>();
      const classPhrases = new Set<string>();
      for (const group of this.groupsOf(medication.atc)) {
        for (const label of [group.fr, group.en, group.ar])
          for (const word of searchWords(label)) classWords.add(word);
        for (const synonym of group.synonyms ?? []) {
          classPhrases.add(searchText(synonym));
          for (const word of searchWords(synonym)) classWords.add(word);
        }
      }
      this.byAtc.set(medication.atc, {
        medication,
        substances: substancesOf(medication.inn),
        innWords: [...searchWords(medication.inn), ...searchWords(medication.en)],
        innText: `${searchText(medication.inn)} ${searchText(medication.en)}`,
        classWords,
        classPhrases,
        presentationWords: new Set(
          medication.presentations.flatMap((presentation) =>
            searchWords(`${presentation.form} ${presentation.strength}`),
          ),
        ),
      });
    }
  }

  medication(atc: string): Medication | undefined {
    return this.byAtc.get(atc)?.medication;
  }

  /** The medicine with that code, or DRUG_UNKNOWN. */
  require(atc: string): Medication {
    const medication = this.medication(atc);
    if (!medication)
      throw new TabibError('DRUG_UNKNOWN', `No medicine with ATC code ${atc} in the catalogue`, { atc });
    return medication;
  }

  /** One of the medicine's presentations, or DRUG_UNKNOWN. */
  presentation(atc: string, form: string, strength: string): MedicationPresentation {
    const presentation = this.require(atc).presentations.find(
      (candidate) => candidate.form === form && candidate.strength === strength,
    );
    if (!presentation)
      throw new TabibError('DRUG_UNKNOWN', `${atc} has no presentation ${form} ${strength}`, {
        atc,
        form,
        strength,
      });
    return presentation;
  }

  group(code: string): AtcGroup | undefined {
    return this.groups.get(code);
  }

  /** The named groups above a code, broadest first (levels 2 to 4). */
  groupsOf(code: string): AtcGroup[] {
    const found: AtcGroup[] = [];
    for (const length of [3, 4, 5]) {
      if (code.length < length) break;
      const group = this.groups.get(code.slice(0, length));
      if (group) found.push(group);
    }
    return found;
  }

  /** The substances of a medicine; of a group code, none. */
  substances(atc: string): Substance[] {
    return this.byAtc.get(atc)?.substances ?? [];
  }

  /** The folded words a medicine is known by: its substances and the names of its classes. */
  vocabulary(atc: string): { innWords: string[]; classWords: ReadonlySet<string> } {
    const indexed = this.byAtc.get(atc);
    return { innWords: indexed?.innWords ?? [], classWords: indexed?.classWords ?? new Set() };
  }

  name(atc: string): DrugName {
    const medication = this.medication(atc);
    return { atc, inn: medication?.inn ?? atc, en: medication?.en ?? atc };
  }

  groupLabel(code: string): AtcGroupLabel | null {
    const group = this.groups.get(code);
    return group ? { code, fr: group.fr, ar: group.ar, en: group.en } : null;
  }

  /**
   * Medicines matching every word of the query, best first: the INN starting with the query, then
   * a word of the INN, then the INN containing it, then the ATC code, then the class.
   */
  search(query: string, limit = 20): DrugHit[] {
    const raw = query.trim();
    if (!raw) return [];
    const code = raw.toUpperCase().replace(/\s+/g, '');
    const byCode = ATC_CODE.test(code);
    const words = searchWords(raw);
    const phrase = words.join(' ');
    if (words.length === 0 && !byCode) return [];
    const hits: { hit: DrugHit; score: number }[] = [];
    for (const indexed of this.byAtc.values()) {
      const { medication } = indexed;
      let score = 0;
      let matchedOn: DrugHit['matchedOn'] = 'inn';
      if (byCode && medication.atc.startsWith(code)) {
        score = 50 + code.length;
        matchedOn = 'atc';
      } else if (words.length > 0) {
        let total = 0;
        let viaClass = false;
        for (const word of words) {
          const inInn = indexed.innWords.some((candidate) => candidate.startsWith(word));
          if (inInn) {
            total += indexed.innWords[0]?.startsWith(word) ? 10 : 6;
            continue;
          }
          // Inside a name only from six letters on ("pénicilline" in phénoxyméthylpénicilline), so
          // that a beginning typed ("amox") does not find tamoxifène.
          if (word.length >= 6 && indexed.innText.includes(word)) {
            total += 4;
            continue;
          }
          const inClass =
            (word.length >= 3 && [...indexed.classWords].some((candidate) => candidate.startsWith(word))) ||
            indexed.classPhrases.has(word);
          if (inClass) {
            total += 2;
            viaClass = true;
            continue;
          }
          if (total > 0 && [...indexed.presentationWords].some((candidate) => candidate.startsWith(word))) {
            total += 1;
            continue;
          }
          total = 0;
          break;
        }
        if (total === 0 && indexed.classPhrases.has(phrase)) {
          total = 2 * words.length;
          viaClass = true;
        }
        if (total > 0) {
          score = total + (searchText(medication.inn) === phrase ? 20 : 0);
          matchedOn = viaClass ? 'class' : 'inn';
        }
      }
      if (score > 0) hits.push({ hit: this.hit(medication, matchedOn), score });
    }
    hits.sort((a, b) => b.score - a.score || a.hit.inn.localeCompare(b.hit.inn, 'fr'));
    return hits.slice(0, limit).map(({ hit }) => hit);
  }

  private hit(medication: Medication, matchedOn: DrugHit['matchedOn']): DrugHit {
    return {
      atc: medication.atc,
      inn: medication.inn,
      en: medication.en,
      presentations: medication.presentations.map((presentation) => ({ ...presentation })),
      groups: this.groupsOf(medication.atc).map((group) => ({
        code: group.code,
        fr: group.fr,
        ar: group.ar,
        en: group.en,
      })),
      matchedOn,
    };
  }
}

function readAtcGroups(resourcesDir: string): AtcGroup[] {
  const path = join(resourcesDir, 'terminology', 'atc-groups.json');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TabibError('INTERNAL', `Cannot read terminology/atc-groups.json: ${(error as Error).message}`);
  }
  const parsed = atcGroupsFile.safeParse(json);
  if (!parsed.success)
    throw new TabibError(
      'INTERNAL',
      `Invalid terminology/atc-groups.json: ${parsed.error.issues
        .slice(0, 5)
        .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
        .join('; ')}`,
    );
  return parsed.data.groups;
}

const catalogues = new Map<string, DrugCatalogue>();

/** The catalogue of a resources folder, read, validated and indexed once. */
export function drugCatalogue(resourcesDir: string): DrugCatalogue {
  const key = resolve(resourcesDir);
  let catalogue = catalogues.get(key);
  if (!catalogue) {
    catalogue = new DrugCatalogue(loadTerminology(key).medications.medications, readAtcGroups(key));
    catalogues.set(key, catalogue);
  }
  return catalogue;
}
