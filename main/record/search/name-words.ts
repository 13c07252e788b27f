/**
 * Splits a name as typed or registered into the words that are indexed and searched: one script
 * per word, normalised (folded Latin, normalised Arabic), with particles attached to the word they
 * introduce — "Ben Ali", "Benali", "بن علي" are one word, "benali" / "بنعلي"; "Abd el Kader",
 * "Abdelkader", "عبد القادر" likewise; "Nour Eddine" and "نور الدين" too (the second word attaches
 * to the first). Registers and people write these parts apart or together at will, so the index
 * keeps the joined word and also the word after the particle, or without its article.
 */
import { ARABIC_ARTICLE, ARABIC_MARKS, isArabicLetter, normaliseArabicWord } from './arabic-name';
import { foldLatin, WORD_BOUNDARY } from './latin-name';

export type NameScript = 'latin' | 'arabic' | 'other';

export interface NamePart {
  /** The part as indexed. */
  text: string;
  /** What its skeleton is computed from (particles in their canonical form). */
  skeletonText: string;
  /** The part is the word without its article: "idrissi" of "El Idrissi", "ادريسي" of "الإدريسي". */
  article: boolean;
}

export interface NameWord extends NamePart {
  script: NameScript;
  /** Smaller words indexed for this one: the word after a particle, or without its article. */
  parts: NamePart[];
}

interface Token {
  script: NameScript;
  text: string;
}

/** Apostrophes and the modifier letters used for ayn and hamza ('Sa'id', ʿAli): removed, they join. */
const APOSTROPHES = /['`´‘’‛′ʻʼʾʿˈ]/g;
/** Format characters (zero-width joiners and marks, bidi marks): removed. */
const FORMAT_CHARACTERS = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF\u061C]/g;
const LETTERS = /[\p{L}\p{M}]+/gu;
const OTHER_LETTERS = /[^\p{L}\p{N}]/gu;

/** Most names in a register are plain ASCII letters: no Unicode normalisation needed. */
const PLAIN_ASCII = /^[A-Za-z\s'-]*$/;

/** Words of one script each, normalised, in the order written. Never throws. */
export function splitNameTokens(raw: string): Token[] {
  if (PLAIN_ASCII.test(raw)) {
    const words = raw
      .replace(/'/g, '')
      .toLowerCase()
      .split(/[\s-]+/);
    return words.filter(Boolean).map((text): Token => ({ script: 'latin', text }));
  }
  const text = raw
    .normalize('NFKC')
    .replace(ARABIC_MARKS, '')
    .replace(FORMAT_CHARACTERS, '')
    .replace(APOSTROPHES, '');
  const tokens: Token[] = [];
  for (const match of text.matchAll(LETTERS)) {
    const word = match[0];
    let start = 0;
    let arabic = isArabicLetter(word[0] as string);
    for (let index = 1; index <= word.length; index++) {
      const here = index < word.length ? isArabicLetter(word[index] as string) : !arabic;
      if (here === arabic) continue;
      const run = word.slice(start, index);
      if (arabic) {
        tokens.push({ script: 'arabic', text: normaliseArabicWord(run) });
      } else {
        const folded = foldLatin(run);
        if (/^[a-z]+$/.test(folded)) tokens.push({ script: 'latin', text: folded });
        else {
          const other = folded.replace(OTHER_LETTERS, '');
          if (other) tokens.push({ script: 'other', text: other });
        }
      }
      start = index;
      arabic = here;
    }
  }
  return tokens;
}

/** A particle: the canonical text it contributes to the skeleton, and whether it is the article. */
interface Particle {
  canonical: string;
  article: boolean;
}

const particle = (canonical: string, article = false): Particle => ({ canonical, article });

/** Words that introduce the next one: son of (ben, bin, ibn; ould), Amazigh "sons of" (aït),
 * father of (abou, bou), servant of (abd), and the article in its spellings (el, al, and
 * assimilated before a sun letter: ech, ed, er, es, et, ez, en; ud as in "ud-din"). */
const LATIN_PARTICLES = new Map<string, Particle>([
  ['ben', particle('ben')],
  ['bin', particle('ben')],
  ['ibn', particle('ben')],
  ['ebn', particle('ben')],
  ['ould', particle('weld')],
  ['ait', particle('ait')],
  ['ayt', particle('ait')],
  ['abou', particle('bou')],
  ['abu', particle('bou')],
  ['bou', particle('bou')],
  ['abd', particle('abd')],
  ['abdel', particle('abdel')],
  ['abdal', particle('abdel')],
  ['abdul', particle('abdel')],
  ['abdoul', particle('abdel')],
  ['el', particle('el', true)],
  ['al', particle('el', true)],
  ['ul', particle('el', true)],
  ['ud', particle('el', true)],
  ['ech', particle('el', true)],
  ['ed', particle('el', true)],
  ['er', particle('el', true)],
  ['es', particle('el', true)],
  ['et', particle('el', true)],
  ['ez', particle('el', true)],
  ['en', particle('el', true)],
]);

const ARABIC_PARTICLES = new Map<string, Particle>([
  ['بن', particle('بن')],
  ['ابن', particle('بن')],
  ['ولد', particle('ولد')],
  ['ايت', particle('ايت')],
  ['ابو', particle('بو')],
  ['بو', particle('بو')],
  ['عبد', particle('عبد')],
  [ARABIC_ARTICLE, particle(ARABIC_ARTICLE, true)],
]);

const wordSet = (list: string) => new Set(list.split(' '));

/** Words that complete the previous one: "-eddine" (of the religion), "-allah" (of God). */
const LATIN_SUFFIXES = wordSet(
  'eddine eddin edine ddine dine din eldine eldin aldin aldine uddin oudine iddine addin addine ' +
    'allah ellah illah oullah ullah elallah',
);
const ARABIC_SUFFIXES = new Set(['الدين', 'الله']);

/**
 * Honorifics written before a name — Moulay, Sidi, Si, Lalla, Cheikh — are part of some
 * registered names and absent from others: a query may drop them (name-matcher.ts).
 */
const LATIN_HONORIFICS = wordSet('moulay moulaye mulay sidi si lalla lala cheikh chikh');
const ARABIC_HONORIFICS = new Set(['مولاي', 'سيدي', 'سي', 'لاله', 'لالا', 'شيخ', 'الشيخ']);

export function isHonorific(word: NameWord): boolean {
  if (word.script === 'latin') return LATIN_HONORIFICS.has(word.text);
  return word.script === 'arabic' && ARABIC_HONORIFICS.has(word.text);
}

function particleOf(token: Token): Particle | undefined {
  if (token.script === 'latin') return LATIN_PARTICLES.get(token.text);
  if (token.script === 'arabic') return ARABIC_PARTICLES.get(token.text);
  return undefined;
}

function isSuffix(script: NameScript, text: string): boolean {
  return script === 'latin' ? LATIN_SUFFIXES.has(text) : script === 'arabic' && ARABIC_SUFFIXES.has(text);
}

/** The article written attached to a single word: "Elidrissi", "Ettazi", "الإدريسي". */
function attachedArticlePart(script: NameScript, text: string): NamePart | null {
  if (script === 'arabic') {
    if (text.startsWith(ARABIC_ARTICLE) && text.length >= 5) {
      const rest = text.slice(2);
      return { text: rest, skeletonText: rest, article: true };
    }
    return null;
  }
  if (script !== 'latin') return null;
  let match = /^(?:el|al)([a-z]+)$/.exec(text);
  // "Elkhatib", "Elidrissi"; not "Elias", "Alami", "Alaoui" (too short to be article + name).
  if (match) {
    const rest = match[1] as string;
    if (rest.length >= 5 || (rest.length >= 4 && !'aeiouy'.includes(rest[0] as string)))
      return { text: rest, skeletonText: rest, article: true };
    return null;
  }
  // Moroccan and Algerian registers contract the article before a vowel: Laabidi (العبيدي),
  // Lamrani (العمراني), Larbi (العربي). Also Lahlou (لحلو), which is not one: the extra part only
  // adds a term, it takes none away.
  match = /^l([aeiou][a-z]{3,})$/.exec(text);
  if (match) return { text: match[1] as string, skeletonText: match[1] as string, article: true };
  match = /^e([tdrzsnl])\1([a-z]{3,})$/.exec(text) ?? /^ech(ch)?([a-z]{3,})$/.exec(text);
  if (match) {
    const rest = (text.startsWith('ech') ? 'ch' : (match[1] as string)) + (match[2] as string);
    return { text: rest, skeletonText: rest, article: true };
  }
  return null;
}

function single(token: Token): NameWord {
  const part = attachedArticlePart(token.script, token.text);
  return {
    script: token.script,
    text: token.text,
    skeletonText: token.text,
    article: false,
    parts: part ? [part] : [],
  };
}

/**
 * The words of a name, particles attached: "Abd el Kader ben Youssef" → abdelkader (part kader),
 * benyoussef (part youssef). A particle alone or last stays a word of its own, as do all
 * particles with `attachParticles` false (the other reading of a query being typed).
 */
export function joinNameWords(tokens: Token[], attachParticles = true): NameWord[] {
  const words: NameWord[] = [];
  let index = 0;
  while (index < tokens.length) {
    const token = tokens[index] as Token;
    let end = index;
    while (
      attachParticles &&
      end < tokens.length - 1 &&
      particleOf(tokens[end] as Token) &&
      (tokens[end + 1] as Token).script === token.script
    )
      end++;
    if (end === index) {
      words.push(single(token));
      index++;
      continue;
    }
    let text = '';
    let skeletonText = '';
    let article = true;
    // The compound without its article(s): "Ben el Hadj" / "Benhadj", "آيت الطالب" / "Ait Taleb".
    let bare = '';
    let bareSkeleton = '';
    // Latin skeletons see where a particle ends: "Ait Hammou" is t-h, not the digraph th.
    const boundary = token.script === 'latin' ? WORD_BOUNDARY : '';
    for (let at = index; at < end; at++) {
      const found = particleOf(tokens[at] as Token) as Particle;
      text += (tokens[at] as Token).text;
      skeletonText += found.canonical + boundary;
      article &&= found.article;
      if (!found.article) {
        bare += (tokens[at] as Token).text;
        bareSkeleton += found.canonical + boundary;
      }
    }
    const head = tokens[end] as Token;
    const headWord = single(head);
    const headBare = headWord.parts[0]?.text ?? head.text;
    const bareParts =
      !article && bare + headBare !== text + head.text
        ? [{ text: bare + headBare, skeletonText: bareSkeleton + headBare, article: true }]
        : [];
    words.push({
      script: token.script,
      text: text + head.text,
      skeletonText: skeletonText + head.text,
      article: false,
      // The head's own article part counts as "the same word without its article" only after articles.
      parts: [
        { text: head.text, skeletonText: head.text, article },
        ...headWord.parts.map((part) => ({ ...part, article: article && part.article })),
        ...bareParts,
      ],
    });
    index = end + 1;
  }
  // "Nour Eddine", "Nour el Dine", "نور الدين", "Abd Allah": the suffix word completes the previous one.
  const joined: NameWord[] = [];
  for (const word of words) {
    const previous = joined[joined.length - 1];
    if (previous && previous.script === word.script && isSuffix(word.script, word.text)) {
      joined[joined.length - 1] = {
        script: previous.script,
        text: previous.text + word.text,
        skeletonText: previous.skeletonText + word.skeletonText,
        article: false,
        parts:
          previous.parts.length > 0
            ? previous.parts
            : [{ text: previous.text, skeletonText: previous.skeletonText, article: false }],
      };
    } else joined.push(word);
  }
  return joined;
}

export function nameWords(raw: string, attachParticles = true): NameWord[] {
  return joinNameWords(splitNameTokens(raw), attachParticles);
}
