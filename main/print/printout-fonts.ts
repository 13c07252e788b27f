/**
 * The printouts' typefaces, embedded in the document: Noto Sans (Latin script, Latin digits) and
 * Noto Sans Arabic, regular and bold, from the @fontsource packages the renderer uses too. Each
 * WOFF2 file goes into an @font-face rule as a base64 data: URL, with the unicode-range the
 * package declares for it, so the PDF looks the same on every workstation and offline: the
 * renderer never falls back to whatever fonts the machine has (pitfalls.md, "Fonts").
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { TabibError } from '../errors';

/** Resolves the font packages' files (in the app, inside its ASAR archive: readable from the worker). */
const packageFiles = createRequire(import.meta.url);

interface FontPackage {
  name: string;
  /** The package's subsets a printout needs. */
  subsets: string[];
}

/** Latin covers French and English; latin-ext the rarer letters of transcribed names. */
const packages: FontPackage[] = [
  { name: '@fontsource/noto-sans', subsets: ['latin', 'latin-ext'] },
  { name: '@fontsource/noto-sans-arabic', subsets: ['arabic'] },
];
const weights = [400, 700] as const;

export const PRINT_FONT_STACK = "'Noto Sans', 'Noto Sans Arabic', sans-serif";

/** One @font-face of the package's stylesheet, its WOFF2 inlined. */
function inlineFace(packageName: string, block: string, subsets: string[], weight: number): string | null {
  const file = /url\(\.\/files\/([a-z0-9-]+)\.woff2\)/.exec(block)?.[1];
  if (!file || !subsets.some((subset) => file.endsWith(`-${subset}-${weight}-normal`))) return null;
  const family = /font-family:\s*([^;]+);/.exec(block)?.[1]?.trim();
  const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1]?.trim();
  if (!family || !range) return null;
  const woff2 = readFileSync(packageFiles.resolve(`${packageName}/files/${file}.woff2`)).toString('base64');
  return [
    '@font-face {',
    `  font-family: ${family};`,
    '  font-style: normal;',
    // A printout waits for its fonts: never paint a fallback face into the PDF.
    '  font-display: block;',
    `  font-weight: ${weight};`,
    `  src: url(data:font/woff2;base64,${woff2}) format('woff2');`,
    `  unicode-range: ${range};`,
    '}',
  ].join('\n');
}

let cached: string | null = null;

/** The @font-face rules (about 330 kB of CSS), read once per process. */
export function printFontFaces(): string {
  if (cached) return cached;
  const faces: string[] = [];
  for (const fontPackage of packages) {
    for (const weight of weights) {
      const stylesheet = readFileSync(packageFiles.resolve(`${fontPackage.name}/${weight}.css`), 'utf8');
      const found = stylesheet
        .split('@font-face')
        .map((block) => inlineFace(fontPackage.name, block, fontPackage.subsets, weight))
        .filter((face): face is string => face !== null);
      if (found.length !== fontPackage.subsets.length)
        throw new TabibError(
          'PRINT_FAILED',
          `${fontPackage.name} ${weight}: expected the subsets ${fontPackage.subsets.join(', ')}`,
        );
      faces.push(...found);
    }
  }
  cached = faces.join('\n');
  return cached;
}
