/** The renderer's translations of one language as i18n.ts builds them: the base file and every feature's. */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { mergeLocaleTrees, type LocaleTree } from '../../renderer/src/i18n/locale-tree';

const locales = resolve(import.meta.dirname, '..', '..', 'renderer', 'src', 'i18n', 'locales');

export function readLocale(language: 'fr' | 'ar' | 'en'): LocaleTree {
  const read = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as LocaleTree;
  const features = readdirSync(join(locales, 'features')).sort();
  return mergeLocaleTrees(
    read(join(locales, `${language}.json`)),
    ...features.map((feature) => read(join(locales, 'features', feature, `${language}.json`))),
  );
}
