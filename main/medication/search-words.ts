/**
 * The words a medicine, a class or a query is matched by: Latin text lower-cased without accents
 * (é→e, ï→i, œ→oe), Arabic text without tashkeel and with its letter variants unified, split on
 * anything that is not a letter or a digit. A French plural -s (or -x) is dropped from words of
 * five letters or more, so that "pénicillines" finds "pénicilline" and the reverse.
 */
import { ARABIC_MARKS, normaliseArabicWord } from '../record/search/arabic-name';
import { foldLatin } from '../record/search/latin-name';

/** Marks belong to their word (an accent, a shadda); foldWord removes them. */
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
const ARABIC = /[\u0600-\u06FF]/;

function foldWord(word: string): string {
  if (ARABIC.test(word)) return normaliseArabicWord(word.replace(ARABIC_MARKS, ''));
  const folded = foldLatin(word);
  return folded.length >= 5 && /[sx]$/.test(folded) ? folded.slice(0, -1) : folded;
}

/** The folded words of a text, in order. */
export function searchWords(text: string): string[] {
  return [...text.matchAll(WORD)].map((match) => foldWord(match[0])).filter(Boolean);
}

/** The folded text as one string (words joined by a space), for substring matches. */
export function searchText(text: string): string {
  return searchWords(text).join(' ');
}
