/**
 * The dictionary of common Maghreb names (resources/search/names.json): the spellings, in both
 * scripts, of one name. It tells variants of one name apart from different names that sound
 * alike: Fatima and Fatma are one name (فاطمة), Fatiha another (فتيحة); Said (سعيد) and Saad
 * (سعد) have the same consonants but are not the same name.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { TabibError } from '../../errors';
import { readResourceJson } from '../identity/resource-file';
import { nameWords, type NameScript } from './name-words';

const entrySchema = z
  .object({
    latin: z.array(z.string().min(1)).min(1),
    arabic: z.array(z.string().min(1)),
    note: z.string().optional(),
  })
  .strict();

/** Two names written as one word ("Fatimazahra" for Fatima Zahra): indexed and searched as both words too. */
const compoundSchema = z
  .object({ latin: z.array(z.string().min(1)).min(1), words: z.string().min(1) })
  .strict();

export const nameDictionarySchema = z
  .object({
    $comment: z.string().optional(),
    source: z.string().min(1),
    given: z.array(entrySchema),
    family: z.array(entrySchema),
    compounds: z.array(compoundSchema).default([]),
  })
  .strict();

export type NameDictionaryFile = z.infer<typeof nameDictionarySchema>;

/**
 * Latin spellings compared without doubled letters (Mohammed/Mohamed, Youssef/Yousef): the
 * dictionary then lists the spellings that differ otherwise.
 */
export function looseLatin(text: string): string {
  return text.replace(/(.)\1+/g, '$1');
}

export class NameDictionary {
  private readonly latin = new Map<string, string[]>();
  private readonly arabic = new Map<string, string[]>();
  private readonly compounds = new Map<string, string[]>();
  readonly size: number;
  /** Identifies the dictionary's content (search-rules-for-country.ts: SearchRules.version). */
  readonly fingerprint: string;

  constructor(file: NameDictionaryFile, origin: string) {
    this.fingerprint = createHash('sha256').update(JSON.stringify(file)).digest('hex').slice(0, 16);
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const entry of [...file.given, ...file.family]) {
      const first = nameWords(entry.latin[0] as string);
      const id = first.length === 1 && first[0]?.script === 'latin' ? first[0].text : null;
      if (!id || ids.has(id)) {
        problems.push(`${entry.latin[0]}: ${id ? 'listed twice' : 'not one Latin word'}`);
        continue;
      }
      ids.add(id);
      const add = (script: NameScript, form: string) => {
        const words = nameWords(form);
        const word = words[0];
        if (words.length !== 1 || !word || word.script !== script) {
          problems.push(`${form}: not one ${script} word`);
          return;
        }
        const map = script === 'latin' ? this.latin : this.arabic;
        const key = script === 'latin' ? looseLatin(word.text) : word.text;
        const known = map.get(key);
        if (!known) map.set(key, [id]);
        else if (!known.includes(id)) known.push(id); // one spelling of two names (Hamid: حميد, حامد)
      };
      for (const form of entry.latin) add('latin', form);
      for (const form of entry.arabic) add('arabic', form);
    }
    for (const compound of file.compounds) {
      const words = nameWords(compound.words, false).map((word) => word.text);
      for (const form of compound.latin) {
        const joined = nameWords(form);
        if (joined.length !== 1 || joined[0]?.script !== 'latin' || words.length < 2) {
          problems.push(`${form}: not one Latin word for ${compound.words}`);
          continue;
        }
        this.compounds.set(looseLatin(joined[0].text), words);
      }
    }
    if (problems.length > 0) {
      throw new TabibError('CONFIG_INVALID', `The name dictionary ${origin} has invalid entries`, {
        path: origin,
        problems,
      });
    }
    this.size = ids.size;
  }

  /** The words a one-word compound stands for ("fatimzahra" → fatima, zahra), or undefined. */
  wordsOf(script: NameScript, text: string): readonly string[] | undefined {
    return script === 'latin' ? this.compounds.get(looseLatin(text)) : undefined;
  }

  /** The names this word is a spelling of (several for an ambiguous spelling), or undefined if unknown. */
  idsOf(script: NameScript, text: string): readonly string[] | undefined {
    if (script === 'latin') return this.latin.get(looseLatin(text));
    if (script === 'arabic') return this.arabic.get(text);
    return undefined;
  }
}

const cache = new Map<string, NameDictionary>();

export function loadNameDictionary(resourcesDir: string): NameDictionary {
  const path = join(resourcesDir, 'search', 'names.json');
  let dictionary = cache.get(path);
  if (!dictionary) {
    dictionary = new NameDictionary(readResourceJson(nameDictionarySchema, path, 'name dictionary'), path);
    cache.set(path, dictionary);
  }
  return dictionary;
}
