/**
 * Who the synthetic patients are: age and sex as in each country's population pyramid, names in
 * Latin and Arabic script from resources/demo/names.json, a mobile number in the national
 * numbering plan, a home address from resources/demo/places.json.
 */
import type { Address, ContactPoint, HumanName } from '@medplum/fhirtypes';
import type { Country } from '../../contract/types';
import type { Sex } from './clinical-model';
import { humanNames } from './practitioners';
import { WeightedTable, type SeededRandom } from './seeded-random';
import type { DemoName, DemoPlace, Terminology } from './terminology';

/**
 * Share of the population in each five-year age band (0–4 … 90–94, then 95), rounded from the
 * shape of the national pyramids around 2024 (UN World Population Prospects): Algeria younger,
 * Tunisia older, Morocco between. Relative weights, not exact figures.
 */
const ageBands: Record<Country, number[]> = {
  MA: [8.3, 8.5, 8.4, 7.8, 7.5, 7.6, 7.8, 7.4, 7.0, 6.4, 5.8, 5.4, 4.8, 3.9, 2.8, 1.8, 1.1, 0.6, 0.25, 0.1],
  DZ: [
    10.5, 10.0, 8.8, 7.4, 7.0, 7.6, 8.2, 7.9, 6.8, 5.8, 5.0, 4.3, 3.6, 2.8, 2.0, 1.3, 0.8, 0.4, 0.15, 0.05,
  ],
  TN: [7.5, 8.2, 7.9, 6.9, 6.6, 6.8, 7.6, 8.0, 7.6, 7.0, 6.5, 6.0, 5.5, 4.6, 3.3, 2.2, 1.4, 0.8, 0.35, 0.1],
};

/** Mobile prefixes after the country code, by national numbering plan (ANRT, ARPCE, INT). */
const mobile: Record<Country, { code: string; prefixes: string[]; digits: number }> = {
  MA: { code: '212', prefixes: ['6', '7'], digits: 8 },
  DZ: { code: '213', prefixes: ['5', '6', '7'], digits: 8 },
  TN: { code: '216', prefixes: ['2', '5', '9'], digits: 7 },
};

/** The language a patient prefers (BCP 47): Darija or Tunisian/Algerian Arabic, Tamazight, Kabyle, French. */
const languages: Record<Country, [code: string, weight: number][]> = {
  MA: [
    ['ar', 72],
    ['zgh', 22],
    ['fr', 6],
  ],
  DZ: [
    ['ar', 72],
    ['kab', 20],
    ['fr', 8],
  ],
  TN: [
    ['ar', 94],
    ['fr', 6],
  ],
};

export interface CountryPeople {
  bands: WeightedTable<number>;
  male: WeightedTable<DemoName>;
  female: WeightedTable<DemoName>;
  family: WeightedTable<DemoName>;
  places: WeightedTable<DemoPlace>;
  streets: string[];
  quarters: string[];
  lines: string[];
  languages: WeightedTable<[code: string, weight: number]>;
}

export function countryPeople(terminology: Terminology, country: Country): CountryPeople {
  const names = terminology.demo.names.countries[country];
  const places = terminology.demo.places.countries[country];
  const byWeight = (name: DemoName) => name.weight ?? 1;
  const bands = ageBands[country];
  return {
    bands: new WeightedTable(
      bands.map((_, index) => index),
      (index) => bands[index] as number,
    ),
    male: new WeightedTable(names.male, byWeight),
    female: new WeightedTable(names.female, byWeight),
    family: new WeightedTable(names.family, byWeight),
    places: new WeightedTable(places.places, (place) => place.weight),
    streets: places.streets,
    quarters: places.quarters,
    lines: places.lines,
    languages: new WeightedTable(languages[country], ([, weight]) => weight),
  };
}

/** Age in whole years, 0–95: uniform within the drawn five-year band. */
export function drawAge(random: SeededRandom, people: CountryPeople): number {
  const band = people.bands.draw(random);
  return band === 19 ? 95 : band * 5 + random.int(0, 4);
}

export function drawNames(random: SeededRandom, people: CountryPeople, sex: Sex): HumanName[] {
  const given = (sex === 'male' ? people.male : people.female).draw(random);
  const family = people.family.draw(random);
  return humanNames([given.latin, family.latin], [given.ar, family.ar]);
}

export function drawPhone(random: SeededRandom, country: Country): ContactPoint {
  const plan = mobile[country];
  let subscriber = random.pick(plan.prefixes);
  for (let digit = 0; digit < plan.digits; digit++) subscriber += String(random.int(0, 9));
  // E.164 (ITU-T E.164), the form the search's phone key expects and a reader can dial.
  return { system: 'phone', value: `+${plan.code}${subscriber}`, use: 'mobile' };
}

export function drawAddress(random: SeededRandom, people: CountryPeople, country: Country): Address {
  const place = people.places.draw(random);
  const line = random
    .pick(people.lines)
    .replace('{n}', String(random.int(1, 180)))
    .replace('{k}', String(random.int(1, 40)))
    .replace('{street}', random.pick(people.streets))
    .replace('{quarter}', random.pick(people.quarters));
  return {
    use: 'home',
    type: 'physical',
    line: [line],
    city: place.city,
    ...(place.district ? { district: place.district } : {}),
    state: place.state,
    country,
  };
}
