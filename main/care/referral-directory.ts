/**
 * Where a patient can be referred: the clinical specialties (resources/terminology/specialties.json,
 * SNOMED CT) and the referral facilities of the workstation's country
 * (resources/countries/<country>-referral-facilities.json). Files from disk, so validated once with
 * zod when first read (a broken file is CONFIG_INVALID naming the file), then cached per folder.
 */
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  referralFacilityKinds,
  type ReferralFacilities,
  type ReferralFacilityOption,
  type SpecialtyOption,
} from '../contract/care-types';
import type { Country } from '../contract/types';
import { readResourceJson } from '../record/identity/resource-file';

export const SNOMED = 'http://snomed.info/sct';

const ARABIC_SCRIPT = /[\u0600-\u06FF]/;
const text = z.string().trim().min(1);
const arabicText = text.regex(ARABIC_SCRIPT, 'expected Arabic script');
const latinText = text.refine((value) => !ARABIC_SCRIPT.test(value), 'expected Latin script');

function unique<T>(key: (item: T) => string, what: string) {
  return (items: T[], context: z.RefinementCtx): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      if (seen.has(key(item)))
        context.addIssue({ code: 'custom', message: `duplicate ${what} ${key(item)}`, path: [index] });
      seen.add(key(item));
    });
  };
}

const specialtyKey = z.string().regex(/^[a-z][a-z-]{1,40}$/);

const specialtiesFile = z.object({
  source: text,
  system: z.literal(SNOMED),
  specialties: z
    .array(
      z
        .object({
          key: specialtyKey,
          // SNOMED CT identifiers: 6 to 18 digits (SNOMED CT Technical Implementation Guide §6.1).
          code: z.string().regex(/^\d{6,18}$/),
          en: latinText,
          fr: latinText,
          ar: arabicText,
          synonyms: z.array(text).default([]),
        })
        .strict(),
    )
    .min(1)
    .superRefine(unique((entry) => entry.key, 'specialty'))
    .superRefine(unique((entry) => entry.code, 'SNOMED CT code')),
});

const bilingual = z.object({ fr: latinText, ar: arabicText }).strict();

function facilitiesFile(country: Country, knownSpecialties: Set<string>) {
  return z.object({
    $comment: z.string().optional(),
    source: text,
    country: z.literal(country),
    system: z.string().regex(/^urn:[a-z0-9:-]+$/),
    facilities: z
      .array(
        z
          .object({
            code: z.string().regex(new RegExp(`^${country}-[A-Z0-9-]{2,60}$`)),
            kind: z.enum(referralFacilityKinds),
            name: bilingual,
            city: bilingual,
            specialties: z
              .array(specialtyKey.refine((key) => knownSpecialties.has(key), 'unknown specialty'))
              .default([]),
          })
          .strict(),
      )
      .min(1)
      .superRefine(unique((entry) => entry.code, 'facility code')),
  });
}

export interface ReferralDirectory {
  specialties: SpecialtyOption[];
  specialtyByKey: Map<string, SpecialtyOption>;
  specialtyByCode: Map<string, SpecialtyOption>;
  facilities(country: Country): ReferralFacilities & { byCode: Map<string, ReferralFacilityOption> };
}

const directories = new Map<string, ReferralDirectory>();

export function loadReferralDirectory(resourcesDir: string): ReferralDirectory {
  const folder = resolve(resourcesDir);
  const cached = directories.get(folder);
  if (cached) return cached;
  const file = readResourceJson(
    specialtiesFile,
    join(folder, 'terminology', 'specialties.json'),
    'specialty list',
  );
  const specialties = file.specialties.map((entry): SpecialtyOption => ({
    key: entry.key,
    system: file.system,
    code: entry.code,
    labels: { fr: entry.fr, ar: entry.ar, en: entry.en },
    synonyms: entry.synonyms,
  }));
  const keys = new Set(specialties.map((specialty) => specialty.key));
  const facilityLists = new Map<Country, ReturnType<ReferralDirectory['facilities']>>();
  const directory: ReferralDirectory = {
    specialties,
    specialtyByKey: new Map(specialties.map((specialty) => [specialty.key, specialty])),
    specialtyByCode: new Map(specialties.map((specialty) => [specialty.code, specialty])),
    facilities(country) {
      let list = facilityLists.get(country);
      if (!list) {
        const parsed = readResourceJson(
          facilitiesFile(country, keys),
          join(folder, 'countries', `${country}-referral-facilities.json`),
          'referral facility list',
        );
        const facilities = parsed.facilities.map((entry): ReferralFacilityOption => ({
          ...entry,
          system: parsed.system,
        }));
        list = {
          source: parsed.source,
          facilities,
          byCode: new Map(facilities.map((facility) => [facility.code, facility])),
        };
        facilityLists.set(country, list);
      }
      return list;
    },
  };
  directories.set(folder, directory);
  return directory;
}
