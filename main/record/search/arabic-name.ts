/**
 * Arabic-script names: the one spelling a name is indexed and searched in, and its consonant
 * skeleton (the key it shares with its Latin transliterations, see name-skeleton.ts).
 *
 * The rules are those of Arabic information retrieval (the "light" normalisation of Larkey,
 * Ballesteros & Connell, 2002, also Lucene's ArabicNormalizer), with what Maghreb registers add.
 */

/**
 * Marks removed: Quranic annotation signs and honorifics (U+0610–061A), tashkeel — tanwin,
 * fatha, damma, kasra, shadda, sukun — and the other combining marks up to U+065F, the
 * superscript (dagger) alef U+0670, Quranic marks U+06D6–06ED, extended-Arabic marks
 * U+08D3–08FF; and tatweel (kashida, U+0640), which only stretches a line.
 */
export const ARABIC_MARKS =
  /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06DC\u06DF-\u06E8\u06EA-\u06ED\u08D3-\u08E1\u08E3-\u08FF\u0640]/g;

/** Letters written for the same letter of a name: one form each (values are single letters). */
const LETTER_FORMS: Record<string, string> = {
  // Alef with hamza above/below, with madda, wasla, wavy hamza: alef.
  '\u0623': '\u0627',
  '\u0625': '\u0627',
  '\u0622': '\u0627',
  '\u0671': '\u0627',
  '\u0672': '\u0627',
  '\u0673': '\u0627',
  '\u0675': '\u0627',
  // Hamza on its carriers: the carrier (ؤ→و, ئ→ي).
  '\u0624': '\u0648',
  '\u0676': '\u0648',
  '\u0626': '\u064A',
  '\u0678': '\u064A',
  // Ta marbuta → ha; alef maqsura → ya (both are written for each other, especially at word end).
  '\u0629': '\u0647',
  '\u06C3': '\u0647',
  '\u0649': '\u064A',
  // Persian and Urdu look-alikes that keyboards produce: keheh, swash kaf → kaf; farsi yeh,
  // yeh barree → ya; heh goal, heh doachashmee, ae → ha.
  '\u06A9': '\u0643',
  '\u06AA': '\u0643',
  '\u06CC': '\u064A',
  '\u06D2': '\u064A',
  '\u06C1': '\u0647',
  '\u06BE': '\u0647',
  '\u06D5': '\u0647',
  '\u06C0': '\u0647',
};

/** Is `char` an Arabic letter (the Arabic, Supplement and Extended-A blocks, after NFKC)? */
export function isArabicLetter(char: string): boolean {
  const code = char.charCodeAt(0);
  return (
    (code >= 0x0620 && code <= 0x064a) ||
    (code >= 0x066e && code <= 0x06d3) ||
    code === 0x06d5 ||
    (code >= 0x06ee && code <= 0x06ff) ||
    (code >= 0x0750 && code <= 0x077f) ||
    (code >= 0x08a0 && code <= 0x08c9)
  );
}

/**
 * The normalised spelling of one Arabic word (no marks left: the caller removed ARABIC_MARKS):
 * alef forms unified, hamza carriers reduced, ta marbuta as ha, alef maqsura as ya, Persian
 * look-alikes as Arabic letters. A standalone hamza (ء) is kept: it is a letter, and whether
 * it is written is a variant the skeleton absorbs.
 */
export function normaliseArabicWord(word: string): string {
  let out = '';
  for (const char of word) out += LETTER_FORMS[char] ?? char;
  return out;
}

/** The Arabic definite article as it is attached in writing. */
export const ARABIC_ARTICLE = '\u0627\u0644';

/**
 * Consonant classes shared with Latin transliteration (name-skeleton.ts). A letter absent
 * from this table is a vowel carrier or a guttural that Maghreb French transliteration writes as
 * a vowel: alef, ayn, hamza — and waw and ya except at the start of a word.
 */
const CONSONANT: Record<string, string> = {
  '\u0628': 'b', // ب
  '\u067E': 'b', // پ
  '\u062A': 't', // ت
  '\u062B': 't', // ث — written "th" or "t" (Othmane, Otmane)
  '\u0637': 't', // ط
  '\u062C': 'j', // ج — "dj" in Algeria, "j" in Morocco
  '\u0698': 'j', // ژ
  '\u062D': 'h', // ح
  '\u0647': 'h', // ه (word-final: see below)
  '\u062E': 'x', // خ — "kh"
  '\u062F': 'd', // د
  '\u0630': 'd', // ذ — "dh" or "d"
  '\u0636': 'd', // ض — "dh" (Ridha) or "d" (Reda)
  '\u0638': 'd', // ظ — "dh" (Hafidh) or "d" (Hafid)
  '\u0631': 'r', // ر
  '\u0632': 'z', // ز
  '\u0633': 's', // س
  '\u0635': 's', // ص
  '\u0634': 'c', // ش — "ch" (French) or "sh"
  '\u0686': 'c', // چ
  '\u063A': 'g', // غ — "gh"
  '\u0641': 'f', // ف
  '\u06A4': 'f', // ڤ
  '\u0642': 'k', // ق — "k", "q", or "g" in Maghreb speech (Belkacem, Belgacem)
  '\u0643': 'k', // ك
  '\u06A8': 'k', // ڨ — Tunisian and Algerian "g"
  '\u06AD': 'k', // ڭ — Moroccan "g"
  '\u06AF': 'k', // گ
  '\u0644': 'l', // ل
  '\u0645': 'm', // م
  '\u0646': 'n', // ن
};
const WAW = '\u0648';
const YA = '\u064A';
/** Word-final letters read as a vowel: alef, alef maqsura (now ya), ta marbuta and ha (now ha), waw, ya, ayn, hamza. */
const FINAL_VOWEL = new Set(['\u0627', '\u064A', '\u0647', '\u0648', '\u0639', '\u0621']);

/**
 * The skeleton of a normalised Arabic word: consonant classes in order, doubled ones once;
 * 'a' first when the word starts with a vowel carrier (alef, ayn, hamza), 'v' last when it ends
 * with a vowel (so Karim كريم and Karima كريمة differ), 't' after a final alef + ta marbuta. With
 * `complete` false (type-ahead) the word may be cut anywhere, so no final mark is given.
 */
export function arabicSkeleton(word: string, complete: boolean): string {
  let out = '';
  let last = '';
  const length = word.length;
  for (let index = 0; index < length; index++) {
    const char = word[index] as string;
    let code = CONSONANT[char];
    if (index === 0) {
      if (char === WAW) code = 'w';
      else if (char === YA) code = 'y';
      else if (code === undefined) {
        out = 'a';
        last = 'a';
        continue;
      }
    }
    if (code === undefined || code === last) continue;
    if (code === 'h' && index === length - 1 && complete) break; // final ha / ta marbuta: a vowel
    out += code;
    last = code;
  }
  if (complete && length > 1 && FINAL_VOWEL.has(word[length - 1] as string)) {
    // ـاة (now ـاه) is read -at, and written so: Najat نجاة, Hayat حياة (Najet, Hayet in Tunisia).
    out += word.endsWith('\u0627\u0647') ? 't' : 'v';
  }
  return out;
}
