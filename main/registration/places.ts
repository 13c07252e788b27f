/**
 * The administrative divisions an address is chosen from (resources/countries/<country>-divisions.json):
 * Morocco's regions, provinces and communes, Algeria's wilayas and communes, Tunisia's
 * gouvernorats and délégations. Data from the disk, so validated once, here, when read.
 *
 * An address keeps the divisions' names (FHIR Address.state, .district, .city, in French, as the
 * record's addresses are written) and their codes as extensions on those elements, so the form
 * finds them again and another language can show them.
 */
import { join } from 'node:path';
import type { Address, Extension } from '@medplum/fhirtypes';
import { z } from 'zod';
import { countries, type Country } from '../contract/types';
import type { LocalisedName, PlacesView, PlaceView } from '../contract/registration-types';
import { TabibError } from '../errors';
import { readResourceJson } from '../record/identity/resource-file';

/** The Address element a level's name goes into. */
export const addressElements = ['state', 'district', 'city'] as const;
export type AddressElement = (typeof addressElements)[number];

/** Extension on Address.state / .district / .city: the division's code in the bundled list. */
export const DIVISION_CODE_URL = 'urn:tabib:fhir:extension:division-code';

const localised = z.object({ fr: z.string().min(1), ar: z.string().min(1), en: z.string().min(1) }).strict();

interface DivisionNode {
  code: string;
  fr: string;
  ar: string;
  kind?: string | undefined;
  children?: DivisionNode[] | undefined;
}

const division: z.ZodType<DivisionNode> = z.lazy(() =>
  z
    .object({
      code: z.string().regex(/^[A-Z]{2}-[A-Z0-9]{2,3}(\.[a-z0-9-]+)*$/),
      fr: z.string().min(1),
      ar: z.string().min(1),
      kind: z.string().optional(),
      children: z.array(division).optional(),
    })
    .strict(),
);

const divisionsFile = z
  .object({
    $comment: z.string().optional(),
    source: z.string().min(1),
    country: z.enum(countries),
    levels: z
      .array(
        z.object({ key: z.string().min(1), element: z.enum(addressElements), label: localised }).strict(),
      )
      .min(1)
      .max(3),
    divisions: z.array(division).min(1),
  })
  .strict();

type DivisionsFile = z.infer<typeof divisionsFile>;

export interface PlaceLevel {
  key: string;
  element: AddressElement;
  label: LocalisedName;
}

export interface Place {
  code: string;
  name: LocalisedName;
  children: Place[];
}

export interface CountryPlaces {
  country: Country;
  levels: PlaceLevel[];
  places: Place[];
  source: string;
  /** Every division by code. */
  byCode: Map<string, Place>;
  /** The division above each one (absent for the top level). */
  parentOf: Map<string, string>;
}

function toPlace(node: DivisionNode): Place {
  return {
    code: node.code,
    name: { fr: node.fr, ar: node.ar, en: node.fr },
    children: (node.children ?? []).map(toPlace),
  };
}

/** Checks what the schema cannot: unique codes, a list no deeper than its levels, codes under their parent's. */
function index(file: DivisionsFile, origin: string): CountryPlaces {
  const places = file.divisions.map(toPlace);
  const byCode = new Map<string, Place>();
  const parentOf = new Map<string, string>();
  const problems: string[] = [];
  const walk = (nodes: Place[], depth: number, parent: Place | null) => {
    for (const place of nodes) {
      if (byCode.has(place.code)) problems.push(`${place.code} appears twice`);
      if (depth >= file.levels.length) problems.push(`${place.code} is deeper than the levels`);
      if (depth === 0 && !place.code.startsWith(`${file.country}-`))
        problems.push(`${place.code} is not a ${file.country} code`);
      if (parent && place.code.includes('.') && !place.code.startsWith(`${parent.code}.`))
        problems.push(`${place.code} is not under ${parent.code}`);
      byCode.set(place.code, place);
      if (parent) parentOf.set(place.code, parent.code);
      walk(place.children, depth + 1, place);
    }
  };
  walk(places, 0, null);
  if (problems.length > 0)
    throw new TabibError('CONFIG_INVALID', `The divisions ${origin} are not valid`, {
      path: origin,
      problems,
    });
  return { country: file.country, levels: file.levels, places, source: file.source, byCode, parentOf };
}

const cache = new Map<string, CountryPlaces>();

/** Reads resources/countries/<country>-divisions.json once per process. */
export function loadCountryPlaces(resourcesDir: string, country: Country): CountryPlaces {
  const path = join(resourcesDir, 'countries', `${country}-divisions.json`);
  let places = cache.get(path);
  if (!places) {
    const file = readResourceJson(divisionsFile, path, 'divisions list');
    if (file.country !== country)
      throw new TabibError(
        'CONFIG_INVALID',
        `The divisions ${path} are for ${file.country}, not ${country}`,
        {
          path,
        },
      );
    places = index(file, path);
    cache.set(path, places);
  }
  return places;
}

export function placesView(places: CountryPlaces): PlacesView {
  const view = (place: Place): PlaceView => ({
    code: place.code,
    name: place.name,
    children: place.children.map(view),
  });
  return {
    country: places.country,
    levels: places.levels.map(({ key, label }) => ({ key, label })),
    places: places.places.map(view),
    source: places.source,
  };
}

/**
 * The index of the first code of `path` that is not a division under the one before it (the
 * first under the country), or -1 when the whole path is valid.
 */
export function invalidPathIndex(places: CountryPlaces, path: readonly string[]): number {
  let options = places.places;
  for (let index = 0; index < path.length; index++) {
    const place = options.find((candidate) => candidate.code === path[index]);
    if (!place) return index;
    options = place.children;
  }
  return -1;
}

/** The address element of each level, from the top. */
function elementOf(places: CountryPlaces, level: number): AddressElement | null {
  return places.levels[level]?.element ?? null;
}

function codeExtension(code: string): { extension: Extension[] } {
  return { extension: [{ url: DIVISION_CODE_URL, valueCode: code }] };
}

/**
 * The divisions of a valid path (and the typed locality) as FHIR Address elements: the French
 * name in the element, the code in an extension on it. The locality goes into the level below the
 * last one chosen, when there is one.
 */
export function addressDivisions(
  places: CountryPlaces,
  path: readonly string[],
  locality: string,
): Partial<Address> & Record<string, unknown> {
  const address: Record<string, unknown> = {};
  path.forEach((code, level) => {
    const place = places.byCode.get(code);
    const element = elementOf(places, level);
    if (!place || !element) return;
    address[element] = place.name.fr;
    address[`_${element}`] = codeExtension(code);
  });
  const localityElement = elementOf(places, path.length);
  if (locality && localityElement) address[localityElement] = locality;
  return address as Partial<Address> & Record<string, unknown>;
}

/** Lower case, no accents, no punctuation, no administrative prefix: "Préfecture de Casablanca" = "casablanca". */
function comparable(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(
      /^(prefecture|province|wilaya|gouvernorat|delegation|commune)\s+(de\s+la\s+|de\s+l['’]|d['’]|de\s+|du\s+)?/,
      '',
    )
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Reads back what addressDivisions wrote: the codes from the extensions, or, for an address
 * written elsewhere (another workstation, the national record), the divisions whose names match,
 * level by level. The first level that cannot be matched ends the path; a last level not in the
 * list comes back as the locality.
 */
export function divisionsOfAddress(
  places: CountryPlaces,
  address: Address,
): { path: string[]; locality: string } {
  const json = address as unknown as Record<string, unknown>;
  const path: string[] = [];
  let options = places.places;
  for (let level = 0; level < places.levels.length; level++) {
    const element = elementOf(places, level) as AddressElement;
    const value = typeof json[element] === 'string' ? (json[element] as string) : '';
    const extensions = (json[`_${element}`] as { extension?: Extension[] } | undefined)?.extension ?? [];
    const code = extensions.find((extension) => extension.url === DIVISION_CODE_URL)?.valueCode;
    const wanted = value ? comparable(value) : null;
    const place =
      options.find((candidate) => candidate.code === code) ??
      (wanted
        ? options.find((candidate) =>
            [candidate.name.fr, candidate.name.ar].some((name) => comparable(name) === wanted),
          )
        : undefined);
    if (!place) {
      // What the list does not hold stays as written: this level's name and those below it
      // become the typed locality (a commune not listed; a delegation spelt another way).
      const rest = places.levels
        .slice(level)
        .map((entry) => json[entry.element])
        .filter((name): name is string => typeof name === 'string' && name.trim() !== '');
      return { path, locality: rest.join(', ') };
    }
    path.push(place.code);
    options = place.children;
  }
  return { path, locality: '' };
}
