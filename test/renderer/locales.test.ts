/**
 * Every visible string is translated: the French, Arabic and English resources hold the same
 * keys, none empty, and every key the renderer's code names literally exists. Arabic texts use
 * Latin digits (the ar-MA / ar-DZ / ar-TN convention), never Arabic-Indic ones.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readLocale } from '../support/locales';

const renderer = resolve(import.meta.dirname, '..', '..', 'renderer', 'src');
const languages = ['fr', 'ar', 'en'] as const;
type Tree = { [key: string]: string | Tree };

const locales = Object.fromEntries(languages.map((language) => [language, readLocale(language)])) as Record<
  (typeof languages)[number],
  Tree
>;

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') entries.set(path, value);
    else for (const [inner, text] of flatten(value, path)) entries.set(inner, text);
  }
  return entries;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const flat = Object.fromEntries(
  languages.map((language) => [language, flatten(locales[language])]),
) as Record<(typeof languages)[number], Map<string, string>>;

/** i18next plural forms (CLDR categories): Arabic has six, French and English two. */
const PLURAL = /_(zero|one|two|few|many|other)$/;
const stems = (language: (typeof languages)[number]) =>
  new Set([...flat[language].keys()].map((key) => key.replace(PLURAL, '')));

describe('the interface’s translations', () => {
  it('have the same keys in French, Arabic and English (plural forms per language)', () => {
    const french = stems('fr');
    for (const language of ['ar', 'en'] as const) {
      const keys = stems(language);
      expect(
        [...french].filter((key) => !keys.has(key)),
        `missing in ${language}`,
      ).toEqual([]);
      expect(
        [...keys].filter((key) => !french.has(key)),
        `only in ${language}`,
      ).toEqual([]);
    }
    // Every plural has its `other` form, the one i18next falls back to.
    for (const language of languages)
      for (const key of flat[language].keys())
        if (PLURAL.test(key))
          expect(flat[language].has(key.replace(PLURAL, '_other')), `${language}: ${key}`).toBe(true);
  });

  it('have no empty text, and keep the same placeholders in every language', () => {
    for (const language of languages)
      for (const [key, text] of flat[language]) expect(text.trim(), `${language}: ${key}`).not.toBe('');
    const placeholders = (text: string) =>
      [...text.matchAll(/\{\{\s*(\w+)/g)].map((match) => match[1]).sort();
    for (const [key, text] of flat.fr) {
      // Plural forms may leave the number out ("un patient", "مريض واحد").
      if (PLURAL.test(key)) continue;
      for (const language of ['ar', 'en'] as const) {
        const other = flat[language].get(key);
        if (other !== undefined)
          expect(placeholders(other), `${language}: ${key}`).toEqual(placeholders(text));
      }
    }
  });

  it('write numbers with Latin digits in Arabic', () => {
    for (const [key, text] of flat.ar) expect(text, key).not.toMatch(/[\u0660-\u0669\u06F0-\u06F9]/);
  });

  it('cover every key the renderer names literally', () => {
    const used = new Set<string>();
    for (const file of sources(renderer)) {
      const code = readFileSync(file, 'utf8');
      for (const match of code.matchAll(/\bt\(\s*'([a-zA-Z0-9_.-]+)'/g)) used.add(match[1] as string);
      for (const match of code.matchAll(/i18nKey="([a-zA-Z0-9_.-]+)"/g)) used.add(match[1] as string);
    }
    expect(used.size).toBeGreaterThan(50);
    // A key may be a leaf or, with i18next plurals, the stem of `_one`/`_other` leaves.
    const exists = (key: string) =>
      flat.fr.has(key) || [...flat.fr.keys()].some((known) => known.startsWith(`${key}_`));
    expect([...used].filter((key) => !exists(key)).sort()).toEqual([]);
  });
});
