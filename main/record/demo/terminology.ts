/**
 * The terminology subsets Tabib ships (resources/terminology: ICD-10 with French, Arabic and
 * English labels, INN medicines with ATC codes, vaccines with the national schedules, LOINC lab
 * tests) and the demonstration vocabulary (resources/demo: names, places).
 *
 * The files come from disk, an edge: they are validated once, with zod, when first loaded, and
 * cached per resources folder. The demonstration generator receives everything it draws from
 * here; the doctor's workspace will reuse the terminology part (and may ignore `demo`).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { Country } from '../../contract/types';
import { TabibError } from '../../errors';

const ARABIC_SCRIPT = /[\u0600-\u06FF]/;
const text = z.string().trim().min(1);
const arabicText = text.regex(ARABIC_SCRIPT, 'expected Arabic script');
const latinText = text.refine((value) => !ARABIC_SCRIPT.test(value), 'expected Latin script');
const isoDate = z.iso.date();

/** Rejects a list in which two entries share a key (a duplicated code is a silent ambiguity). */
function uniqueBy<T>(key: (item: T) => string, what: string) {
  return (items: T[], context: z.RefinementCtx): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const value = key(item);
      if (seen.has(value))
        context.addIssue({ code: 'custom', message: `duplicate ${what} ${value}`, path: [index] });
      seen.add(value);
    });
  };
}

function perCountry<T extends z.ZodType>(schema: T) {
  return z.object({ MA: schema, DZ: schema, TN: schema });
}

// --- ICD-10 (WHO 2019): a code is a letter, two digits, optionally a dot and one digit.
const icd10Code = z.object({
  code: z.string().regex(/^[A-Z]\d{2}(\.\d)?$/),
  en: latinText,
  fr: latinText,
  ar: arabicText,
});
const icd10File = z.object({
  source: text,
  system: z.literal('http://hl7.org/fhir/sid/icd-10'),
  version: text,
  codes: z
    .array(icd10Code)
    .min(1)
    .superRefine(uniqueBy((entry) => entry.code, 'ICD-10 code')),
});

// --- Medicines: ATC level 4 (A07CA) or 5 (A10BA02).
const atcCode = z.string().regex(/^[A-Z]\d{2}[A-Z]{2}(\d{2})?$/);
export const medicationRoutes = [
  'oral',
  'buccal',
  'sublingual',
  'rectal',
  'cutaneous',
  'transdermal',
  'nasal',
  'inhalation',
  'ophthalmic',
  'auricular',
  'vaginal',
  'intrauterine',
  'intradermal',
  'subcutaneous',
  'intramuscular',
  'intravenous',
] as const;
const route = z.enum(medicationRoutes);
const presentation = z.object({ form: text, strength: text, route });
const medication = z.object({
  atc: atcCode,
  inn: latinText,
  en: latinText,
  presentations: z.array(presentation).min(1),
});
const medicationsFile = z.object({
  source: text,
  system: z.literal('http://www.whocc.no/atc'),
  medications: z
    .array(medication)
    .min(1)
    .superRefine(uniqueBy((entry) => entry.atc, 'ATC code')),
});

// --- Vaccines and the national schedules.
const vaccine = z.object({
  id: text,
  cvx: z.string().regex(/^\d{1,3}$/),
  atc: z.string().regex(/^J07[A-Z]{2}(\d{2})?$/),
  fr: latinText,
  ar: arabicText,
  en: latinText,
  route,
});
const scheduledDose = z.object({
  vaccine: text,
  /** Doses of one series protect against the same diseases, whatever the product (Penta then DTC). */
  series: text,
  dose: z.int().min(1),
  /** The recommended age in completed months: no dose is given before it. */
  ageMonths: z.int().min(0).max(240),
  sex: z.enum(['male', 'female']).optional(),
  /** The date the programme introduced this dose; children who reached the age earlier never had it. */
  since: isoDate.optional(),
  note: text.optional(),
});
const schedule = z
  .array(scheduledDose)
  .min(1)
  .superRefine(uniqueBy((entry) => `${entry.series} dose ${entry.dose}`, 'schedule entry'))
  .superRefine((doses, context) => {
    // Within a series, a later dose is never due earlier than the one before it.
    const last = new Map<string, ScheduledDose>();
    for (const [index, entry] of doses.entries()) {
      const previous = last.get(entry.series);
      if (previous && (entry.dose <= previous.dose || entry.ageMonths < previous.ageMonths))
        context.addIssue({ code: 'custom', message: `${entry.series} doses out of order`, path: [index] });
      last.set(entry.series, entry);
    }
  });
const vaccinesFile = z
  .object({
    source: text,
    cvxSystem: z.literal('http://hl7.org/fhir/sid/cvx'),
    atcSystem: z.literal('http://www.whocc.no/atc'),
    vaccines: z
      .array(vaccine)
      .min(1)
      .superRefine(uniqueBy((entry) => entry.id, 'vaccine')),
    schedules: perCountry(schedule),
  })
  .superRefine((file, context) => {
    const known = new Set(file.vaccines.map((entry) => entry.id));
    for (const country of ['MA', 'DZ', 'TN'] as const) {
      file.schedules[country].forEach((entry, index) => {
        if (!known.has(entry.vaccine))
          context.addIssue({
            code: 'custom',
            message: `unknown vaccine ${entry.vaccine}`,
            path: ['schedules', country, index, 'vaccine'],
          });
      });
    }
  });

// --- Lab tests (LOINC), with reference ranges that may differ by sex.
const referenceRange = z
  .object({
    sex: z.enum(['male', 'female']).optional(),
    low: z.number().optional(),
    high: z.number().optional(),
  })
  .refine(
    (range) => range.low !== undefined || range.high !== undefined,
    'a range needs a low or a high bound',
  )
  .refine(
    (range) => range.low === undefined || range.high === undefined || range.low < range.high,
    'low ≥ high',
  );
const labTest = z.object({
  code: z.string().regex(/^\d{1,7}-\d$/),
  en: latinText,
  fr: latinText,
  ar: arabicText,
  /** UCUM code (http://unitsofmeasure.org). */
  unit: text,
  /** The unit as a person reads it, where the UCUM code is not (10*3/uL → 10³/µL). */
  unitDisplay: text.optional(),
  decimals: z.int().min(0).max(3),
  reference: z.array(referenceRange).min(1),
});
const labTestsFile = z.object({
  source: text,
  system: z.literal('http://loinc.org'),
  unitSystem: z.literal('http://unitsofmeasure.org'),
  tests: z
    .array(labTest)
    .min(1)
    .superRefine(uniqueBy((entry) => entry.code, 'LOINC code')),
});

// --- Demonstration vocabulary.
const name = z.object({ latin: latinText, ar: arabicText, weight: z.number().positive().optional() });
const namesFile = z.object({
  source: text,
  countries: perCountry(
    z.object({ male: z.array(name).min(10), female: z.array(name).min(10), family: z.array(name).min(10) }),
  ),
});
const place = z.object({
  state: latinText,
  district: latinText.optional(),
  city: latinText,
  weight: z.number().positive(),
});
const placesFile = z.object({
  source: text,
  countries: perCountry(
    z.object({
      places: z.array(place).min(1),
      streets: z.array(latinText).min(1),
      quarters: z.array(latinText).min(1),
      /** Address line patterns: {n} a house number, {k} a block or street number, {street}, {quarter}. */
      lines: z.array(text.regex(/\{n\}/)).min(1),
    }),
  ),
});

export type Icd10Code = z.infer<typeof icd10Code>;
export type Medication = z.infer<typeof medication>;
export type MedicationPresentation = z.infer<typeof presentation>;
export type Vaccine = z.infer<typeof vaccine>;
export type ScheduledDose = z.infer<typeof scheduledDose>;
export type LabTest = z.infer<typeof labTest>;
export type ReferenceRange = z.infer<typeof referenceRange>;
export type DemoName = z.infer<typeof name>;
export type DemoPlace = z.infer<typeof place>;
export type DemoNames = z.infer<typeof namesFile>['countries'][Country];
export type DemoPlaces = z.infer<typeof placesFile>['countries'][Country];

export interface Terminology {
  icd10: z.infer<typeof icd10File>;
  medications: z.infer<typeof medicationsFile>;
  vaccines: z.infer<typeof vaccinesFile>;
  labTests: z.infer<typeof labTestsFile>;
  icd10ByCode: ReadonlyMap<string, Icd10Code>;
  medicationByAtc: ReadonlyMap<string, Medication>;
  vaccineById: ReadonlyMap<string, Vaccine>;
  labTestByCode: ReadonlyMap<string, LabTest>;
  /** resources/demo: only the demonstration generator uses these. */
  demo: { names: z.infer<typeof namesFile>; places: z.infer<typeof placesFile> };
}

/** The files, relative to the resources folder, with the schema each must satisfy. */
export const terminologyFiles = {
  icd10: { path: 'terminology/icd10.json', schema: icd10File },
  medications: { path: 'terminology/medications.json', schema: medicationsFile },
  vaccines: { path: 'terminology/vaccines.json', schema: vaccinesFile },
  labTests: { path: 'terminology/lab-tests.json', schema: labTestsFile },
  names: { path: 'demo/names.json', schema: namesFile },
  places: { path: 'demo/places.json', schema: placesFile },
} as const;

function readValidated<T>(resourcesDir: string, file: { path: string; schema: z.ZodType<T> }): T {
  const path = join(resourcesDir, file.path);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new TabibError(
      'INTERNAL',
      `Cannot read terminology file ${file.path}: ${(error as Error).message}`,
      {
        file: file.path,
      },
    );
  }
  const parsed = file.schema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .slice(0, 10)
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new TabibError('INTERNAL', `Invalid terminology file ${file.path}: ${issues.join('; ')}`, {
      file: file.path,
      issues,
    });
  }
  return parsed.data;
}

const loaded = new Map<string, Terminology>();

/** Reads and validates the terminology and demonstration files under `resourcesDir`, once per folder. */
export function loadTerminology(resourcesDir: string): Terminology {
  const key = resolve(resourcesDir);
  const cached = loaded.get(key);
  if (cached) return cached;
  const icd10 = readValidated(key, terminologyFiles.icd10);
  const medications = readValidated(key, terminologyFiles.medications);
  const vaccines = readValidated(key, terminologyFiles.vaccines);
  const labTests = readValidated(key, terminologyFiles.labTests);
  const terminology: Terminology = {
    icd10,
    medications,
    vaccines,
    labTests,
    icd10ByCode: new Map(icd10.codes.map((entry) => [entry.code, entry])),
    medicationByAtc: new Map(medications.medications.map((entry) => [entry.atc, entry])),
    vaccineById: new Map(vaccines.vaccines.map((entry) => [entry.id, entry])),
    labTestByCode: new Map(labTests.tests.map((entry) => [entry.code, entry])),
    demo: {
      names: readValidated(key, terminologyFiles.names),
      places: readValidated(key, terminologyFiles.places),
    },
  };
  loaded.set(key, terminology);
  return terminology;
}
