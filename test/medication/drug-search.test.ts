/**
 * Finding a medicine to prescribe (terminology.searchDrugs over resources/terminology/
 * medications.json): by INN however it is typed — French accents or none, any case —, by ATC code
 * or its prefix, or by class as clinicians name it. Expected lists are read from the catalogue
 * file itself.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DrugHit } from '../../main/contract/medication-types';
import { drugCatalogue } from '../../main/medication/drug-catalogue';
import { repository } from '../support/test-workstation';
import { medicationWorkstation, type MedicationWorkstation } from './medication-workstation';

const catalogue = (
  JSON.parse(readFileSync(join(repository, 'resources', 'terminology', 'medications.json'), 'utf8')) as {
    medications: { atc: string; inn: string }[];
  }
).medications;
const codesUnder = (prefix: string) =>
  catalogue
    .filter((medication) => medication.atc.startsWith(prefix))
    .map((medication) => medication.atc)
    .sort();

let station: MedicationWorkstation;
beforeAll(async () => {
  station = await medicationWorkstation();
});
afterAll(() => station.close());

const search = (query: string, limit?: number) =>
  station.call<DrugHit[]>('terminology.searchDrugs', limit === undefined ? { query } : { query, limit });

describe('drug search', () => {
  it('finds a medicine by its INN with or without French accents, in any case', async () => {
    for (const [typed, atc] of [
      ['amoxicilline', 'J01CA04'],
      ['AMOXICILLINE', 'J01CA04'],
      ['ésoméprazole', 'A02BC05'],
      ['esomeprazole', 'A02BC05'],
      ['EsOmÉpRaZoLe', 'A02BC05'],
      ['levothyroxine', 'H03AA01'],
      ['lévothyroxine', 'H03AA01'],
      ['cefalexine', 'J01DB01'],
      ['paracétamol', 'N02BE01'],
      // Decomposed accents (e + U+0301), as some keyboards and pastes produce them.
      ['parace\u0301tamol', 'N02BE01'],
      // The English INN too.
      ['omeprazole', 'A02BC01'],
      ['acetylsalicylic acid', 'N02BA01'],
    ] as const) {
      const hits = await search(typed);
      expect(hits[0]?.atc, typed).toBe(atc);
    }
  });

  it('matches the beginning of a name, and the medicine whose name starts so comes first', async () => {
    const hits = await search('amox');
    expect(hits.map((hit) => hit.atc)).toEqual(['J01CA04', 'J01CR02']);
    expect(hits[0]).toMatchObject({ inn: 'amoxicilline', matchedOn: 'inn' });
    // Each with its forms and strengths, to fill the prescription line.
    const amoxicillin = catalogue.find((medication) => medication.atc === 'J01CA04') as unknown as {
      presentations: unknown[];
    };
    expect(hits[0]?.presentations).toEqual(amoxicillin.presentations);
    // A strength narrows the list.
    expect((await search('amoxicilline 250')).map((hit) => hit.atc)).toEqual(['J01CA04']);
  });

  it('finds by ATC code or prefix', async () => {
    expect((await search('J01CA04'))[0]).toMatchObject({ atc: 'J01CA04', matchedOn: 'atc' });
    expect((await search('c10aa')).map((hit) => hit.atc).sort()).toEqual(codesUnder('C10AA'));
    expect((await search('J01C', 100)).map((hit) => hit.atc).sort()).toEqual(codesUnder('J01C'));
  });

  it('finds by class, as clinicians name it, in French, English or Arabic', async () => {
    const classes: [string, string][] = [
      ['statine', 'C10AA'],
      ['statines', 'C10AA'],
      ['pénicillines', 'J01C'],
      ['penicilline', 'J01C'],
      ['IPP', 'A02BC'],
      ['ARA II', 'C09C'],
      ['sartans', 'C09C'],
      ['benzodiazépine', 'N05BA'],
      ['proton pump inhibitors', 'A02BC'],
      ['البنسلينات', 'J01C'],
    ];
    for (const [typed, prefix] of classes) {
      const found = (await search(typed, 100)).map((hit) => hit.atc);
      expect(found, typed).toEqual(expect.arrayContaining(codesUnder(prefix)));
    }
    // Where the class is all there is to match, exactly the class.
    for (const [typed, prefix] of [
      ['statine', 'C10AA'],
      ['IPP', 'A02BC'],
      ['ARA II', 'C09C'],
      ['proton pump inhibitors', 'A02BC'],
    ] as const)
      expect((await search(typed, 100)).map((hit) => hit.atc).sort(), typed).toEqual(codesUnder(prefix));
    const statins = await search('statine');
    expect(statins[0]?.groups.map((group) => group.code)).toEqual(['C10', 'C10A', 'C10AA']);
    expect(statins[0]?.groups[2]?.ar).toMatch(/[\u0600-\u06FF]/);
    // No ACE inhibitor has "IEC" in its name: found by its class.
    const aceInhibitors = await search('IEC', 100);
    expect(aceInhibitors.map((hit) => hit.atc)).toEqual(expect.arrayContaining(codesUnder('C09AA')));
    expect(aceInhibitors.every((hit) => hit.matchedOn === 'class' && hit.atc.startsWith('C09'))).toBe(true);
  });

  it('finds nothing for an empty query or a word no medicine has, and keeps to the limit', async () => {
    expect(await search('')).toEqual([]);
    expect(await search('   ')).toEqual([]);
    expect(await search('zzzzqx')).toEqual([]);
    expect(await search('comprimé', 5)).toHaveLength(0);
    expect(await search('a', 3)).toHaveLength(3);
  });

  it('refuses a query longer than the contract allows', async () => {
    await expect(search('x'.repeat(201))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('the catalogue as a whole', () => {
  it('finds every medicine by its INN typed without accents in capitals, or with each letter’s case at random', () => {
    const index = drugCatalogue(join(repository, 'resources'));
    const stripped = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '');
    for (const medication of catalogue) {
      const hits = index.search(stripped(medication.inn).toUpperCase(), 100).map((hit) => hit.atc);
      expect(hits, medication.inn).toContain(medication.atc);
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...catalogue),
        fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
        fc.boolean(),
        (medication, upper, accents) => {
          const typed = [...(accents ? medication.inn : stripped(medication.inn))]
            .map((char, position) =>
              upper[position % upper.length] ? char.toUpperCase() : char.toLowerCase(),
            )
            .join('');
          return index
            .search(typed, 100)
            .map((hit) => hit.atc)
            .includes(medication.atc);
        },
      ),
      { seed: 5, numRuns: 300 },
    );
  });
});
