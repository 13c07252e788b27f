/**
 * The country profile: which identifiers a country's patients carry and how its phone numbers
 * are written. Data, not code (resources/countries/<country>.json), so a deployment can change a
 * system URI when the national record service publishes its own NamingSystem, without a release.
 * Validated once, here, when it is read (it comes from the disk, outside the program).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { countries, type Country } from '../../contract/types';
import { TabibError } from '../../errors';
import { parseResourceJson, readResourceJson } from './resource-file';

const localised = z.object({ fr: z.string().min(1), ar: z.string().min(1), en: z.string().min(1) }).strict();

/** An absolute URI, as FHIR R4 requires of Identifier.system (datatypes.html#Identifier). */
const systemUri = z
  .string()
  .regex(/^(urn:[a-z0-9][a-z0-9-]{0,31}:\S+|https?:\/\/\S+)$/i, 'an absolute URI (urn:… or http(s)://…)');

/** The formats national-id.ts knows how to check; one per kind of number, not per country. */
export const nationalIdFormats = ['ma-cin', 'dz-nin', 'tn-cin'] as const;
export type NationalIdFormat = (typeof nationalIdFormats)[number];

const identifierSystem = z
  .object({
    system: systemUri,
    /** Systems this profile used before; identifiers recorded under them still validate and are found. */
    formerSystems: z.array(systemUri).default([]),
    /** HL7 v2 table 0203 code for Identifier.type (NI national identifier, PPN passport). */
    typeCode: z.enum(['NI', 'PPN']),
    /** Short name shown next to the value ("CIN", "NIN"). */
    display: localised,
    /** What the number is, for a form label or a tooltip. */
    label: localised,
  })
  .strict();

/** Where a card shows a number (for the card reader issue); `confirmed: false` means "expected, check on a specimen". */
const cardLocation = z
  .object({
    where: z.enum([
      'printed-front',
      'printed-back',
      'mrz-document-number',
      'mrz-optional-data-line-1',
      'mrz-optional-data-line-2',
      'chip-dg1',
      'chip-dg11-personal-number',
    ]),
    confirmed: z.boolean(),
  })
  .strict();

const card = z
  .object({
    document: z.string().min(1),
    /** The ICAO 9303 layout, or null for a card without a machine readable zone. */
    layout: z.enum(['ICAO 9303 TD1', 'ICAO 9303 TD3']).nullable(),
    /** The document number identifies the card and changes on renewal: never use it as the patient's identifier. */
    documentNumber: z.array(cardLocation),
    nationalIdentifier: z.array(cardLocation),
    note: z.string(),
  })
  .strict();

export const countryProfileSchema = z
  .object({
    $comment: z.string().optional(),
    country: z.enum(countries),
    name: localised,
    nationalIdentifier: identifierSystem
      .extend({ format: z.enum(nationalIdFormats), example: z.string() })
      .strict(),
    passport: identifierSystem,
    phone: z
      .object({
        /** ITU-T E.164 country code, digits only. */
        countryCode: z.string().regex(/^[1-9]\d{0,2}$/),
        /** The national (trunk) prefix dialled before a national number, or null where there is none (Tunisia). */
        trunkPrefix: z.string().regex(/^\d$/).nullable(),
        /** Lengths of the national significant number (E.164 without the country code). */
        nationalNumberLengths: z.array(z.number().int().min(4).max(14)).min(1),
      })
      .strict(),
    cards: z.array(card),
  })
  .strict();

export type CountryProfile = z.infer<typeof countryProfileSchema>;
export type PhonePlan = CountryProfile['phone'];

/** Parses a profile (from a file or the bundled copy); throws CONFIG_INVALID naming what is wrong. */
export function parseCountryProfile(json: unknown, origin: string, expected?: Country): CountryProfile {
  const profile = parseResourceJson(countryProfileSchema, json, origin, 'country profile');
  if (expected && profile.country !== expected) {
    throw new TabibError(
      'CONFIG_INVALID',
      `The country profile ${origin} is for ${profile.country}, not ${expected}`,
      {
        path: origin,
      },
    );
  }
  return profile;
}

const cache = new Map<string, CountryProfile>();

/** Reads resources/countries/<country>.json once per process (a record is opened many times). */
export function loadCountryProfile(resourcesDir: string, country: Country): CountryProfile {
  const path = join(resourcesDir, 'countries', `${country}.json`);
  let profile = cache.get(path);
  if (!profile) {
    profile = parseCountryProfile(
      readResourceJson(countryProfileSchema, path, 'country profile'),
      path,
      country,
    );
    cache.set(path, profile);
  }
  return profile;
}

/** The systems under which this profile's national identifier may be recorded (current first). */
export function nationalSystems(profile: CountryProfile): string[] {
  return [profile.nationalIdentifier.system, ...profile.nationalIdentifier.formerSystems];
}

export function passportSystems(profile: CountryProfile): string[] {
  return [profile.passport.system, ...profile.passport.formerSystems];
}
