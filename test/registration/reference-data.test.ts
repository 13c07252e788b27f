/**
 * The bundled lists registration chooses from: each country's administrative divisions and
 * health insurance plans (resources/countries/<country>-divisions.json, -coverages.json), as the
 * contract gives them, and the loaders' refusal of a broken file.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoveragePlansView, PlacesView, PlaceView } from '../../main/contract/registration-types';
import type { Country } from '../../main/contract/types';
import { loadCountryCoverages } from '../../main/registration/coverage-plans';
import { addressDivisions, divisionsOfAddress, loadCountryPlaces } from '../../main/registration/places';
import { repository } from '../support/test-workstation';
import { registrationWorkstation, type Station } from './registration-fixture';

let station: Station | null = null;
afterEach(async () => {
  await station?.close();
  station = null;
});

const resources = join(repository, 'resources');

function walk(places: PlaceView[], depth = 0, out: { place: PlaceView; depth: number }[] = []) {
  for (const place of places) {
    out.push({ place, depth });
    walk(place.children, depth + 1, out);
  }
  return out;
}

const ARABIC = /^[\p{Script=Arabic} ()-]+$/u;

describe('the administrative divisions', () => {
  const expected: Record<Country, { top: number; second: number; levels: string[] }> = {
    // 12 regions and 75 provinces and prefectures (2015); 58 wilayas (2019); 24 gouvernorats and their délégations (2014).
    MA: { top: 12, second: 75, levels: ['region', 'province', 'commune'] },
    DZ: { top: 58, second: 0, levels: ['wilaya', 'commune'] },
    TN: { top: 24, second: 265, levels: ['gouvernorat', 'delegation', 'locality'] },
  };

  for (const country of ['MA', 'DZ', 'TN'] as const) {
    it(`lists ${country}'s divisions with French and Arabic names`, async () => {
      station = await registrationWorkstation(country, { seedPatients: 1 });
      const view = await station.call<PlacesView>('reference.places', {});
      const { top, second, levels } = expected[country];
      expect(view.country).toBe(country);
      expect(view.levels.map((level) => level.key)).toEqual(levels);
      expect(view.source).toMatch(/Tabib/);
      const all = walk(view.places);
      expect(all.filter((entry) => entry.depth === 0)).toHaveLength(top);
      if (second) expect(all.filter((entry) => entry.depth === 1)).toHaveLength(second);
      for (const { place } of all) {
        expect(place.name.fr.trim(), place.code).toBe(place.name.fr);
        expect(place.name.ar, place.code).toMatch(ARABIC);
        expect(place.name.en, place.code).toBe(place.name.fr);
      }
      // Every level but the last one typed has its lists somewhere.
      expect(Math.max(...all.map((entry) => entry.depth))).toBe(levels.length - (country === 'TN' ? 2 : 1));
    });
  }

  it('numbers the Algerian wilayas as the official list does', () => {
    const places = loadCountryPlaces(resources, 'DZ');
    expect(places.places.map((place) => place.code)).toEqual(
      Array.from({ length: 58 }, (_, index) => `DZ-${String(index + 1).padStart(2, '0')}`),
    );
    expect(places.byCode.get('DZ-16')?.name).toMatchObject({ fr: 'Alger', ar: 'الجزائر' });
    expect(places.byCode.get('DZ-16')?.children).toHaveLength(57);
  });

  it('writes an address with the codes and reads it back, and matches names written elsewhere', () => {
    const places = loadCountryPlaces(resources, 'MA');
    const written = addressDivisions(places, ['MA-07', 'MA-MAR'], 'Tamansourt');
    expect(written).toEqual({
      state: 'Marrakech-Safi',
      _state: { extension: [{ url: 'urn:tabib:fhir:extension:division-code', valueCode: 'MA-07' }] },
      district: 'Marrakech',
      _district: { extension: [{ url: 'urn:tabib:fhir:extension:division-code', valueCode: 'MA-MAR' }] },
      city: 'Tamansourt',
    });
    expect(divisionsOfAddress(places, written)).toEqual({
      path: ['MA-07', 'MA-MAR'],
      locality: 'Tamansourt',
    });
    expect(
      divisionsOfAddress(places, {
        state: 'Casablanca-Settat',
        district: 'Province d’El Jadida',
        city: 'azemmour',
      }),
    ).toEqual({ path: ['MA-06', 'MA-JDI', 'MA-JDI.azemmour'], locality: '' });
    // A province the list spells otherwise: kept as typed, not lost.
    expect(
      divisionsOfAddress(places, { state: 'Casablanca-Settat', district: 'Anfa', city: 'Casablanca' }),
    ).toEqual({ path: ['MA-06'], locality: 'Anfa, Casablanca' });
  });
});

describe('the insurance plans', () => {
  const expected: Record<Country, string[]> = {
    MA: ['MA-AMO-CNSS', 'MA-AMO-CNOPS', 'MA-AMO-TADAMON', 'MA-AMO-TNS', 'MA-AMO-ACHAMIL', 'MA-PRIVATE'],
    DZ: ['DZ-CNAS', 'DZ-CNAS-DEMUNIS', 'DZ-CASNOS', 'DZ-MILITARY', 'DZ-PRIVATE'],
    TN: ['TN-CNAM-PUBLIC', 'TN-CNAM-PRIVATE', 'TN-CNAM-REFUND', 'TN-AMG1', 'TN-AMG2', 'TN-PRIVATE'],
  };
  for (const country of ['MA', 'DZ', 'TN'] as const) {
    it(`lists ${country}'s plans with their payors in three languages`, async () => {
      station = await registrationWorkstation(country, { seedPatients: 1 });
      const view = await station.call<CoveragePlansView>('reference.coverages', {});
      expect(view.plans.map((plan) => plan.code)).toEqual(expected[country]);
      for (const plan of view.plans) {
        for (const name of [plan.name, plan.payor.name])
          for (const language of ['fr', 'ar', 'en'] as const)
            expect(name[language].length).toBeGreaterThan(2);
        expect(plan.insurerNamed).toBe(plan.kind === 'private');
      }
    });
  }
});

describe('a broken list', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  const broken = (file: string, change: (json: Record<string, unknown>) => void) => {
    dir = mkdtempSync(join(tmpdir(), 'tabib-lists-'));
    cpSync(join(resources, 'countries'), join(dir, 'countries'), { recursive: true });
    const path = join(dir, 'countries', file);
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    change(json);
    writeFileSync(path, JSON.stringify(json));
    return dir;
  };

  it('is CONFIG_INVALID, naming what is wrong', () => {
    const duplicated = broken('TN-divisions.json', (json) => {
      const divisions = json.divisions as unknown[];
      divisions.push(divisions[0]);
    });
    expect(() => loadCountryPlaces(duplicated, 'TN')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: expect.objectContaining({ problems: expect.arrayContaining(['TN-11 appears twice']) }),
      }),
    );
    const misplaced = broken('DZ-divisions.json', (json) => {
      json.country = 'MA';
    });
    expect(() => loadCountryPlaces(misplaced, 'DZ')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    const orphan = broken('MA-coverages.json', (json) => {
      (json.plans as { payor: string }[])[0]!.payor = 'NOBODY';
    });
    expect(() => loadCountryCoverages(orphan, 'MA')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        details: expect.objectContaining({ problems: ['MA-AMO-CNSS: no payor NOBODY'] }),
      }),
    );
    const unreadable = broken('TN-coverages.json', (json) => {
      delete json.plans;
    });
    expect(() => loadCountryCoverages(unreadable, 'TN')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
