/**
 * Searching ICD-10 and the allergen catalogue (main/chart/chart-terminology.ts) as a doctor types:
 * by code or by words of the label in French, Arabic or English, whatever the case, accents or
 * Arabic letter variants. Expectations come from resources/terminology/icd10.json as read here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ChartTerminology } from '../../main/chart/chart-terminology';
import { repository } from '../support/test-workstation';

const terminology = ChartTerminology.load(join(repository, 'resources'));
const icd10 = JSON.parse(readFileSync(join(repository, 'resources/terminology/icd10.json'), 'utf8')) as {
  codes: { code: string; fr: string; ar: string; en: string }[];
};
const codes = (query: string, language: 'fr' | 'ar' | 'en' = 'fr', limit = 20) =>
  terminology.searchIcd10(query, limit, language).map((hit) => hit.code);

describe('ICD-10 search', () => {
  it('finds a code typed whole, without its dot, or as a prefix, whatever the case', () => {
    expect(codes('I10')[0]).toBe('I10');
    expect(codes('e11.9')[0]).toBe('E11.9');
    expect(codes('E119')[0]).toBe('E11.9');
    const prefix = codes('e11');
    expect(prefix.length).toBeGreaterThan(1);
    expect(prefix.every((code) => code.startsWith('E11'))).toBe(true);
  });

  it('finds French labels without accents or case, and with them', () => {
    for (const query of ['diabete', 'DIABÈTE', 'Diabète sucré']) expect(codes(query)).toContain('E11.9');
    expect(codes('oedeme quincke')).toContain('T78.3');
    expect(codes('œdème')).toContain('T78.3');
    expect(codes('pneumopathie')[0]).toBe('J18.9');
    // Every word must match the start of a word of the label.
    expect(codes('diabete grossesse')).toEqual(['O24.4']);
  });

  it('finds Arabic labels with or without the article, tashkeel or hamza variants', () => {
    expect(codes('السكري', 'ar')).toContain('E11.9');
    expect(codes('سكري', 'ar')).toContain('E11.9');
    expect(codes('الرَّبْو', 'ar')).toContain('J45.9');
    expect(codes('ارتفاع ضغط الدم', 'ar').slice(0, 3)).toContain('I10');
    expect(codes('ارتفاع ضغط الدم الأساسي', 'ar')[0]).toBe('I10');
    // أ and ا are one letter to the search.
    expect(codes('الانسولين', 'ar')).toEqual(codes('الأنسولين', 'ar'));
  });

  it('finds English labels, and labels in the interface’s language first', () => {
    expect(codes('hypertension', 'en')[0]).toBe('I10');
    expect(codes('Pneumonia', 'en')[0]).toBe('J18.9');
    const hits = terminology.searchIcd10('asthme', 5, 'ar');
    expect(hits[0]).toMatchObject({
      code: 'J45.9',
      labels: { ar: 'الربو، غير محدد', fr: 'Asthme, sans précision' },
    });
  });

  it('finds every code of the terminology by its code and by its French label', () => {
    for (const entry of icd10.codes) {
      expect(codes(entry.code)[0]).toBe(entry.code);
      expect(codes(entry.fr, 'fr', 50)).toContain(entry.code);
      expect(codes(entry.ar, 'ar', 50)).toContain(entry.code);
      expect(codes(entry.en, 'en', 50)).toContain(entry.code);
    }
  });

  it('answers nothing to nothing, and respects the limit', () => {
    expect(codes('')).toEqual([]);
    expect(codes('  ,; ')).toEqual([]);
    expect(codes('zzzzqqq')).toEqual([]);
    expect(terminology.searchIcd10('a', 3, 'fr')).toHaveLength(3);
  });
});

describe('allergen search', () => {
  const allergens = (query: string, language: 'fr' | 'ar' | 'en' = 'fr') =>
    terminology.searchAllergens(query, 10, language).map((hit) => `${hit.kind}:${hit.code}`);

  it('finds medicines by INN and ATC code, their classes, and foods or the environment in any language', () => {
    expect(allergens('amoxicilline')).toContain('medication:J01CA04');
    expect(allergens('J01CA04')[0]).toBe('medication:J01CA04');
    expect(allergens('penicillines')[0]).toBe('drugClass:J01C');
    expect(allergens('AINS anti-inflammatoires')).toContain('drugClass:M01A');
    expect(allergens('arachide')[0]).toBe('food:peanut');
    expect(allergens('الفول السوداني', 'ar')[0]).toBe('food:peanut');
    expect(allergens('dust mites', 'en')[0]).toBe('environment:house-dust-mite');
  });

  it('gives the labels of a text-only substance the national record holds (the demonstration’s "Arachide")', () => {
    expect(terminology.label({ text: 'Arachide' }).labels.ar).toBe('الفول السوداني');
    expect(terminology.label({ text: 'Quelque chose d’autre' }).labels).toEqual({});
    expect(
      terminology.label({
        coding: [{ system: 'http://www.whocc.no/atc', code: 'J01C' }],
        text: 'Pénicillines',
      }).labels.ar,
    ).toBe('البنسلينات');
  });
});
