/**
 * The translations of one language: the base file (locales/<lang>.json) deep-merged with each
 * feature's own file (locales/features/<feature>/<lang>.json), so features add their strings,
 * and their error messages under `errors`, without sharing one file. A key defined twice is an
 * error (test/renderer/locales.test.ts), never a silent override.
 */
export type LocaleTree = { [key: string]: string | LocaleTree };

export function mergeLocaleTrees(base: LocaleTree, ...features: LocaleTree[]): LocaleTree {
  const merged: LocaleTree = structuredClone(base);
  const merge = (target: LocaleTree, source: LocaleTree, path: string) => {
    for (const [key, value] of Object.entries(source)) {
      const at = path ? `${path}.${key}` : key;
      const existing = target[key];
      if (existing === undefined) target[key] = structuredClone(value);
      else if (typeof existing === 'object' && typeof value === 'object') merge(existing, value, at);
      else throw new Error(`translation key ${at} is defined twice`);
    }
  };
  for (const feature of features) merge(merged, feature, '');
  return merged;
}
