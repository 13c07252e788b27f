/**
 * Latin-script names as the Maghreb writes them: French transliterations of Arabic and Amazigh
 * names (Mohamed, Youssef, Khadidja, Aït Ouahmane), with accents, apostrophes and particles.
 */

/** Letters that do not decompose to an ASCII letter plus marks (Unicode NFD leaves them whole). */
const LATIN_LETTERS: Record<string, string> = {
  ß: 'ss',
  æ: 'ae',
  œ: 'oe',
  ø: 'o',
  đ: 'd',
  ð: 'd',
  ł: 'l',
  ı: 'i',
  þ: 'th',
  ŋ: 'n',
  ĳ: 'ij',
  // Kabyle and Tuareg Latin orthography (ɛ ayn, ɣ ghayn, č, ǧ fold by NFD).
  ɛ: 'e',
  ɣ: 'gh',
  ə: 'e',
  ʃ: 'ch',
  ɔ: 'o',
};

const COMBINING_MARK = /\p{M}/u;

/**
 * Lower case without accents: é→e, ï→i, ç→c, Ḥ→h (Unicode NFD, then marks removed), and the
 * letters above. May keep letters of other scripts; the caller checks for a–z.
 */
export function foldLatin(text: string): string {
  const lower = text.toLowerCase();
  if (/^[a-z]*$/.test(lower)) return lower;
  let out = '';
  for (const char of lower.normalize('NFD')) {
    if (COMBINING_MARK.test(char)) continue;
    out += LATIN_LETTERS[char] ?? char;
  }
  return out;
}

/** Marks where a particle ends inside a joined word's skeleton text (no digraph across it). */
export const WORD_BOUNDARY = '-';

const VOWEL = new Set(['a', 'e', 'i', 'o', 'u', 'y']);
const SOFTENING = new Set(['e', 'i', 'y']);
const isVowel = (char: string | undefined) => char !== undefined && VOWEL.has(char);

/**
 * Spellings of the article inside a word, rewritten to "el" so that the skeleton keeps its 'l' as
 * the Arabic does (ال is written even where it is not pronounced): a sun letter doubles after the
 * article in French transliteration — Ettazi (التازي), Essaadi, Ennaciri, Echchaoui;
 * Abderrahmane, Abdessamad (عبد الرحمن, عبد الصمد); Noureddine, Zinedine (نور الدين, زين الدين).
 */
const ARTICLE_REWRITES: [RegExp, string][] = [
  [/^e([tdrzsnl])\1(?=[a-z]{3})/, 'el$1'],
  [/^ech(?:ch)?(?=[a-z]{3})/, 'elch'],
  [/^abd[eu]ch(?:ch)?/, 'abdelch'],
  [/^abd[eu]([tdrzsnl])\1?/, 'abdel$1'],
  [/^([a-z]{3,}?)(?:e|i|ou|u|a)?(?:ddine?|dine)$/, '$1eldin'],
];

const rewriteArticles = (segment: string) =>
  ARTICLE_REWRITES.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), segment);

/**
 * The skeleton of a folded Latin word (a–z, with WORD_BOUNDARY after particles), in the same
 * classes as arabicSkeleton: the consonants of Maghreb French transliteration mapped to the
 * Arabic letter they write — ch/sh→c (ش), kh→x (خ), gh→g (غ), dj/j and soft g→j (ج),
 * q/k/hard c/hard g→k (ق, ك), soft c→s, th→t, dh→d, ph/v→f, p→b — vowels dropped, doubled
 * consonants once; 'a' for an initial vowel, 'v' for a final one (a silent final e is not one).
 * Initial "ou" before a vowel is w (Ouafae وفاء), and y, w count only at the start, as the
 * Arabic و ي do.
 */
export function latinSkeleton(word: string, complete: boolean): string {
  let text = word.includes(WORD_BOUNDARY)
    ? word.split(WORD_BOUNDARY).map(rewriteArticles).join(WORD_BOUNDARY)
    : rewriteArticles(word);
  // Type-ahead: a last letter that may start a digraph (c→ch, d→dj, g→gh, k→kh, p→ph) is not yet known.
  if (!complete && text.length > 1 && 'cdgkp'.includes(text[text.length - 1] as string))
    text = text.slice(0, -1);

  let out = '';
  let last = '';
  const length = text.length;
  const emit = (code: string) => {
    if (code !== last) out += code;
    last = code;
  };
  let index = 0;
  while (index < length) {
    const char = text[index] as string;
    if (char === WORD_BOUNDARY) {
      index++;
      continue;
    }
    const next = text[index + 1];
    const after = text[index + 2];
    let step = 1;
    if (index === 0 && char === 'o' && next === 'u' && isVowel(after)) {
      emit('w');
      index = 2;
      continue;
    }
    if (index === 0 && (char === 'w' || (char === 'y' && isVowel(next)))) {
      emit(char);
      index = 1;
      continue;
    }
    if (isVowel(char) || char === 'w') {
      if (index === 0) {
        out = 'a';
        last = 'a';
      }
      index++;
      continue;
    }
    switch (char) {
      case 'c':
        if (next === 'h') {
          emit('c');
          step = text.startsWith('ch', index + 2) ? 4 : 2;
        } else if (next === 'k') {
          emit('k');
          step = 2;
        } else emit(next !== undefined && SOFTENING.has(next) ? 's' : 'k');
        break;
      case 's':
        if (next === 'h') {
          emit('c');
          step = 2;
        } else if (next === 'c' && after === 'h') {
          emit('c');
          step = 3;
        } else emit('s');
        break;
      case 'k':
        if (next === 'h') {
          emit('x');
          step = 2;
        } else emit('k');
        break;
      case 'g':
        if (next === 'h') {
          emit('g');
          step = 2;
        } else if (next === 'u' && after !== undefined && SOFTENING.has(after)) {
          emit('k');
          step = 2;
        } else emit(next !== undefined && SOFTENING.has(next) ? 'j' : 'k');
        break;
      case 'd':
        if (next === 'j') {
          emit('j');
          step = 2;
        } else {
          emit('d');
          if (next === 'h') step = 2;
        }
        break;
      case 't':
        emit('t');
        if (next === 'h') step = 2;
        break;
      case 'p':
        if (next === 'h') {
          emit('f');
          step = 2;
        } else emit('b');
        break;
      case 'q':
        emit('k');
        if (next === 'u' && isVowel(after)) step = 2;
        break;
      case 'x':
        emit('k');
        emit('s');
        break;
      case 'v':
        emit('f');
        break;
      case 'h':
        // "ah" at the end is the ta marbuta or the final ha heard as a vowel (Fatimah, Abdallah).
        if (index === length - 1 && complete && isVowel(text[index - 1])) break;
        emit('h');
        break;
      default:
        emit(char);
    }
    index += step;
  }
  if (complete && length > 1 && endsWithVowel(text)) out += 'v';
  return out;
}

function endsWithVowel(text: string): boolean {
  const last = text[text.length - 1] as string;
  const before = text[text.length - 2];
  if (last === 'h') return isVowel(before);
  if (last === 'e') return isVowel(before); // Safae, Rabie; the e of Amine, Yassine is silent
  return isVowel(last) || last === 'w';
}
