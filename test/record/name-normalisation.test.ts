/**
 * Name normalisation: one spelling per name in each script, and a consonant skeleton shared by a
 * name's Latin transliterations and its Arabic spelling (main/record/search).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arabicSkeleton, normaliseArabicWord } from '../../main/record/search/arabic-name';
import { foldLatin, latinSkeleton } from '../../main/record/search/latin-name';
import {
  loadNameDictionary,
  NameDictionary,
  nameDictionarySchema,
} from '../../main/record/search/name-dictionary';
import { createSearchRules } from '../../main/record/search/search-rules-for-country';
import { NameMatcher, skeletonOf } from '../../main/record/search/name-matcher';
import { nameWords, splitNameTokens } from '../../main/record/search/name-words';
import { resourcesDir } from './record-fixture';

/** The normalised words of a name, as indexed. */
const words = (name: string) => nameWords(name).map((word) => word.text);
/** The complete skeleton of a one-word name, whatever its script. */
const skeleton = (name: string) => {
  const [word] = nameWords(name);
  return word ? skeletonOf(word.script, word.skeletonText, true) : '';
};

describe('Arabic normalisation', () => {
  it('strips tashkeel: harakat, tanwin, shadda, sukun, superscript alef', () => {
    expect(words('مُحَمَّد')).toEqual(['محمد']);
    expect(words('سَعِيدٌ')).toEqual(['سعيد']);
    expect(words('عبدُ الرَّحْمٰن')).toEqual(['عبدالرحمن']);
    expect(words('هٰذا')).toEqual(['هذا']);
  });

  it('removes tatweel', () => {
    expect(words('محـــمد')).toEqual(['محمد']);
  });

  it('unifies alef forms أ إ آ ٱ into ا', () => {
    expect(words('أحمد')).toEqual(words('احمد'));
    expect(words('إبراهيم')).toEqual(words('ابراهيم'));
    expect(words('آمنة')).toEqual(words('امنة'));
    expect(words('ٱلله')).toEqual(words('الله'));
  });

  it('reduces hamza on its carriers: ؤ → و, ئ → ي', () => {
    expect(words('فؤاد')).toEqual(words('فواد'));
    expect(words('عائشة')).toEqual(words('عايشة'));
  });

  it('writes ta marbuta as ha and alef maqsura as ya', () => {
    expect(words('فاطمة')).toEqual(words('فاطمه'));
    expect(words('مصطفى')).toEqual(words('مصطفي'));
  });

  it('replaces Persian and Urdu look-alikes: ک → ك, ی → ي', () => {
    expect(words('کريم')).toEqual(words('كريم'));
    expect(words('علی')).toEqual(words('علي'));
  });

  it('folds Arabic presentation forms and drops zero-width and bidi marks', () => {
    expect(words('ﻣﺤﻤﺪ')).toEqual(['محمد']);
    expect(words('\u200fمحمد\u200c')).toEqual(['محمد']);
  });

  it('keeps a standalone hamza: it is a letter (the skeleton absorbs it)', () => {
    expect(normaliseArabicWord('اسماء')).toBe('اسماء');
    expect(arabicSkeleton('اسماء', true)).toBe(arabicSkeleton('اسما', true));
  });
});

describe('Latin normalisation', () => {
  it('lower-cases and folds accents: é→e, ï→i, ç→c, and letters NFD leaves whole', () => {
    expect(foldLatin('Aïcha')).toBe('aicha');
    expect(foldLatin('Chérif')).toBe('cherif');
    expect(foldLatin('Françoise')).toBe('francoise');
    expect(foldLatin('Ḥassan')).toBe('hassan');
    expect(foldLatin('Œuvre')).toBe('oeuvre');
    expect(foldLatin('Ɛmer')).toBe('emer');
  });

  it('drops apostrophes (they mark an ayn or a hamza) and splits at hyphens and spaces', () => {
    expect(words("Sa'id")).toEqual(['said']);
    expect(words('M’hamed')).toEqual(['mhamed']);
    expect(words('ʿAli')).toEqual(['ali']);
    expect(words('Fatima-Zahra')).toEqual(['fatima', 'zahra']);
  });

  it('attaches particles to the word they introduce, however written', () => {
    expect(words('Ben Ali')).toEqual(['benali']);
    expect(words('Ben-Ali')).toEqual(['benali']);
    expect(words('Abd el Kader')).toEqual(['abdelkader']);
    expect(words('El-Idrissi')).toEqual(['elidrissi']);
    expect(words('Aït Ouahmane')).toEqual(['aitouahmane']);
    expect(words('Ould Abbes')).toEqual(['ouldabbes']);
    expect(words('Nour Eddine')).toEqual(['noureddine']);
    expect(words('بن علي')).toEqual(['بنعلي']);
    expect(words('نور الدين')).toEqual(['نورالدين']);
  });

  it('keeps the word after a particle, and the word without its article, as parts', () => {
    const parts = (name: string) => nameWords(name).flatMap((word) => word.parts.map((part) => part.text));
    expect(parts('Ben Ali')).toEqual(['ali']);
    expect(parts('El Idrissi')).toEqual(['idrissi']);
    expect(parts('Elidrissi')).toEqual(['idrissi']);
    expect(parts('Ettazi')).toEqual(['tazi']);
    expect(parts('الإدريسي')).toEqual(['ادريسي']);
    // The article contracted before a vowel (Laabidi = العبيدي), and dropped inside a compound
    // where the other script writes it (Benchikh = بن الشيخ, Ait Taleb = آيت الطالب).
    expect(parts('Laabidi')).toEqual(['aabidi']);
    expect(parts('بن الشيخ')).toContain('بنشيخ');
    expect(parts('Ben el Hadj')).toContain('benhadj');
    // Too short to be article + name.
    expect(parts('Elias')).toEqual([]);
    expect(parts('Alami')).toEqual([]);
  });

  it('leaves a particle alone or last as a word of its own (type-ahead "mohamed ben")', () => {
    expect(words('Mohamed Ben')).toEqual(['mohamed', 'ben']);
    expect(words('بن')).toEqual(['بن']);
  });

  it('tells scripts apart, even inside one written word', () => {
    expect(splitNameTokens('Mohamedمحمد')).toEqual([
      { script: 'latin', text: 'mohamed' },
      { script: 'arabic', text: 'محمد' },
    ]);
    // Other scripts are indexed as written, lower case, marks removed (й → и) on both sides alike.
    expect(splitNameTokens('Дмитрий')).toEqual([{ script: 'other', text: 'дмитрии' }]);
  });
});

describe('one skeleton for a name in Latin and Arabic script', () => {
  const same: [string, string[]][] = [
    ['محمد', ['Mohamed', 'Mohammed', 'Muhammad', 'Mohammad', 'Mouhamed']],
    ['يوسف', ['Youssef', 'Yusuf', 'Youcef', 'Yousef']],
    ['عبد القادر', ['Abdelkader', 'Abd el Kader', 'Abdulkadir', 'Abdelqader']],
    ['مصطفى', ['Mustapha', 'Mustafa', 'Mostafa', 'Moustapha']],
    ['خديجة', ['Khadija', 'Khadidja', 'Khedidja']],
    ['عائشة', ['Aicha', 'Aïcha', 'Aisha']],
    ['حسين', ['Hocine', 'Houcine', 'Hussein']],
    ['بلقاسم', ['Belkacem', 'Belgacem', 'Belkassem']],
    ['الجيلالي', ['Eljilali']],
    ['جيلالي', ['Djilali', 'Jilali', 'Gilali']],
    ['شرايبي', ['Chraibi', 'Shraibi']],
    ['غزلان', ['Ghizlane']],
    ['وفاء', ['Ouafae', 'Wafaa', 'Wafae']],
    ['أسامة', ['Oussama', 'Ousama']],
    ['عبد الرحمن', ['Abderrahmane', 'Abdelrahman', 'Abdul Rahman']],
    ['عبد الصمد', ['Abdessamad', 'Abdelsamad']],
    ['نور الدين', ['Noureddine', 'Nour Eddine', 'Nourdine', 'Nour el Dine']],
    ['زين الدين', ['Zinedine', 'Zineddine']],
    ['التازي', ['Ettazi', 'El Tazi']],
    ['الناصري', ['Ennaciri', 'El Naciri']],
    ['بن علي', ['Benali', 'Ben Ali', 'Bin Ali', 'Ibn Ali']],
    ['آيت واحمان', ['Aït Ouahmane', 'Ait Ouahmane', 'Ayt Ouahmane']],
    ['ولد عباس', ['Ould Abbes']],
    ['عبد الله', ['Abdallah', 'Abdellah', 'Abdullah', 'Abd Allah']],
    ['فاطمة', ['Fatima', 'Fatma', 'Fatimah']],
    ['نجاة', ['Najat', 'Najet']],
    ['حياة', ['Hayat', 'Hayet']],
    ['آيت حمو', ['Ait Hammou', 'Aït Hammou']],
  ];
  for (const [arabic, latin] of same) {
    it(`${arabic} ↔ ${latin.join(', ')}`, () => {
      for (const spelling of latin) expect(skeleton(spelling), spelling).toBe(skeleton(arabic));
    });
  }

  it('keeps different names apart (Mohamed/Mehdi, Fatima/Fatiha, Karim/Karima), not spellings of one (Hassan/Hassane)', () => {
    expect(skeleton('Mohamed')).not.toBe(skeleton('Mehdi'));
    expect(skeleton('Fatima')).not.toBe(skeleton('Fatiha'));
    expect(skeleton('Karim')).not.toBe(skeleton('Karima'));
    expect(skeleton('كريم')).not.toBe(skeleton('كريمة'));
    expect(skeleton('Hassan')).toBe(skeleton('Hassane'));
  });

  it('maps digraphs to one consonant: ch/sh, kh, gh, dj, th, ph; soft c and g; ou before a vowel', () => {
    expect(latinSkeleton('chakib', true)).toBe(latinSkeleton('shakib', true));
    expect(latinSkeleton('khalid', true)).toBe('xld');
    expect(latinSkeleton('ghali', true)).toBe('glv');
    expect(latinSkeleton('djamel', true)).toBe(latinSkeleton('jamel', true));
    expect(latinSkeleton('othmane', true)).toBe(latinSkeleton('otmane', true));
    expect(latinSkeleton('mustapha', true)).toBe(latinSkeleton('mustafa', true));
    expect(latinSkeleton('youcef', true)).toBe(latinSkeleton('youssef', true));
    expect(latinSkeleton('oualid', true)).toBe(latinSkeleton('walid', true));
  });

  it('does not guess the end of a word being typed: no final vowel, no half digraph', () => {
    expect(latinSkeleton('fati', false)).toBe('ft');
    expect(latinSkeleton('khad', false)).toBe('x');
    expect(latinSkeleton('youc', false)).toBe('y');
    expect(arabicSkeleton('فاطم', false)).toBe('ftm');
  });
});

describe('the name dictionary', () => {
  const dictionary = loadNameDictionary(resourcesDir);

  it('loads a few hundred names, each with Latin and Arabic spellings', () => {
    expect(dictionary.size).toBeGreaterThanOrEqual(300);
    expect(dictionary.idsOf('latin', 'mohammed')).toEqual(['mohamed']);
    expect(dictionary.idsOf('arabic', normaliseArabicWord('محمد'))).toEqual(['mohamed']);
    expect(dictionary.idsOf('latin', 'fatiha')).not.toEqual(dictionary.idsOf('latin', 'fatima'));
  });

  it('gives the search rules a version that changes with the dictionary (the name index must then be rebuilt)', () => {
    const file = nameDictionarySchema.parse(
      JSON.parse(readFileSync(join(resourcesDir, 'search', 'names.json'), 'utf8')),
    );
    const smaller = new NameDictionary({ ...file, family: file.family.slice(1) }, 'test');
    expect(new NameDictionary(file, 'test').fingerprint).toBe(dictionary.fingerprint);
    expect(smaller.fingerprint).not.toBe(dictionary.fingerprint);
    expect(createSearchRules(resourcesDir, 'MA').version).toContain(dictionary.fingerprint);
  });

  it('lets one spelling stand for two names where usage does (Hamid: حميد and حامد)', () => {
    expect(dictionary.idsOf('latin', 'hamid')).toEqual(expect.arrayContaining(['hamid', 'hamed']));
  });
});

describe('index terms and query alternatives', () => {
  const matcher = new NameMatcher(loadNameDictionary(resourcesDir));

  it('indexes single FTS tokens: letters and digits only', () => {
    const terms = matcher.indexTerms(['Mohamed Ben-Ali', 'محمد بن علي', "Aït O'uahmane", 'Дмитрий']);
    for (const term of terms) expect(term).toMatch(/^[\p{L}\p{N}]+$/u);
  });

  it('lets a name written without an article in Latin find its Arabic spelling with one, and back', () => {
    const finds = (query: string, registered: string) => {
      const terms = new Set(matcher.indexTerms([registered]));
      return matcher
        .queryReadings(query)
        .some((reading) =>
          reading.every((alternatives) => alternatives.some((alt) => !alt.prefix && terms.has(alt.term))),
        );
    };
    for (const [latin, arabic] of [
      ['Ait Taleb', 'آيت الطالب'],
      ['Benchikh', 'بن الشيخ'],
      ['Laabidi', 'العبيدي'],
      ['Lamrani', 'العمراني'],
    ] as const) {
      expect(finds(latin, arabic), `${latin} → ${arabic}`).toBe(true);
      expect(finds(arabic, latin), `${arabic} → ${latin}`).toBe(true);
    }
  });

  it('indexes both scripts of one name under the same dictionary and skeleton terms', () => {
    const latin = matcher.indexTerms(['Mohamed Benali']);
    const arabic = matcher.indexTerms(['محمد بن علي']);
    const shared = latin.filter((term) => arabic.includes(term));
    expect(shared).toEqual(expect.arrayContaining(['2mohamed', '2benali']));
  });

  it('gives each typed word a handful of alternatives, never an expansion over the vocabulary', () => {
    for (const query of ['mohamed', 'moh', 'محمد بن علي', 'abd el kader', 'el idrissi', 'zzzz']) {
      for (const alternatives of matcher.queryAlternatives(query))
        expect(alternatives.length).toBeLessThanOrEqual(12);
    }
  });
});

describe('properties', () => {
  const nameLike = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(...'ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآؤئةى ًٌٍَُِّْـ'.split('')),
      maxLength: 30,
    }),
    fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzéèïçÂ-' ".split('')), maxLength: 30 }),
  );

  it('never throws on arbitrary Unicode, and every term is one FTS token', () => {
    const matcher = new NameMatcher(loadNameDictionary(resourcesDir));
    fc.assert(
      fc.property(fc.array(nameLike, { maxLength: 3 }), (names) => {
        for (const term of matcher.indexTerms(names)) expect(term).toMatch(/^[\p{L}\p{N}]+$/u);
        for (const alternatives of matcher.queryAlternatives(names.join(' ')))
          for (const alternative of alternatives) expect(alternative.term).toMatch(/^[\p{L}\p{N}]+$/u);
      }),
      { numRuns: 500 },
    );
  });

  it('is idempotent: normalising normalised words changes nothing', () => {
    fc.assert(
      fc.property(nameLike, (name) => {
        const once = words(name);
        expect(words(once.join(' ')).join('')).toBe(once.join(''));
        for (const word of nameWords(name)) {
          if (word.script === 'latin') expect(foldLatin(word.text)).toBe(word.text);
          if (word.script === 'arabic') expect(normaliseArabicWord(word.text)).toBe(word.text);
        }
      }),
      { numRuns: 500 },
    );
  });
});
