/**
 * The clinical model (clinical-model.ts) joined to the shipped terminology, once per terminology
 * and country: codes resolved to their labels, prescriptions to their medicines, tables ready to
 * draw from. Building it proves that every code the model uses exists in resources/terminology.
 */
import type { Country } from '../../contract/types';
import {
  acuteEpisodes,
  allergies,
  allergySubstitutes,
  analgesicSubstitute,
  chronicConditions,
  routineReasons,
  type AcuteModel,
  type AllergyModel,
  type ChronicModel,
  type PrescriptionSpec,
  type Sex,
} from './clinical-model';
import { countryPeople, type CountryPeople } from './demographics';
import { LabProfile } from './physiology';
import { SeededRandom, WeightedTable } from './seeded-random';
import type {
  Icd10Code,
  LabTest,
  Medication,
  MedicationPresentation,
  ScheduledDose,
  Terminology,
  Vaccine,
} from './terminology';

export interface ResolvedPrescription {
  spec: PrescriptionSpec;
  medication: Medication;
  presentation: MedicationPresentation;
}

/** ICD-10 codes with their relative weights. */
export type CodeTable = WeightedTable<[Icd10Code, number]>;

export interface ResolvedChronic {
  model: ChronicModel;
  codes: CodeTable;
  adult: ResolvedPrescription[][];
  child: ResolvedPrescription[][];
  labs: LabTest[];
}

export interface Catalogue {
  people: CountryPeople;
  schedule: ScheduledDose[];
  sinceMs: ReadonlyMap<string, number>;
  vaccines: ReadonlyMap<string, Vaccine>;
  chronic: ResolvedChronic[];
  /** Acute episodes by age group, then sex. */
  acute: Record<Sex, WeightedTable<AcuteModel>>[];
  acutePrescriptions: Map<PrescriptionSpec[], ResolvedPrescription[]>;
  routine: { adult: CodeTable; child: CodeTable };
  allergies: { child: WeightedTable<AllergyModel>; adult: WeightedTable<AllergyModel> };
  substitutes: {
    adult: ResolvedPrescription;
    child: ResolvedPrescription;
    analgesicAdult: ResolvedPrescription;
    analgesicChild: ResolvedPrescription;
  };
  icd10: (code: string) => Icd10Code;
  lab: (code: string) => LabTest;
  checkUpLabs: LabTest[];
}

const catalogues = new WeakMap<Terminology, Map<Country, Catalogue>>();

/** Joins the model to the terminology; throws on a code the shipped files do not define. */
function buildCatalogue(terminology: Terminology, country: Country): Catalogue {
  const missing: string[] = [];
  const icd10 = (code: string): Icd10Code => {
    const entry = terminology.icd10ByCode.get(code);
    if (!entry) missing.push(`ICD-10 ${code}`);
    return entry ?? { code, en: code, fr: code, ar: code };
  };
  const lab = (code: string): LabTest => {
    const entry = terminology.labTestByCode.get(code);
    if (!entry) missing.push(`LOINC ${code}`);
    return entry ?? { code, en: code, fr: code, ar: code, unit: '1', decimals: 0, reference: [{ low: 0 }] };
  };
  const resolve = (spec: PrescriptionSpec): ResolvedPrescription => {
    const medication = terminology.medicationByAtc.get(spec.atc);
    const presentation = medication?.presentations.find((candidate) => candidate.strength === spec.strength);
    if (!medication || !presentation) missing.push(`medication ${spec.atc} ${spec.strength}`);
    return {
      spec,
      medication: medication ?? { atc: spec.atc, inn: spec.atc, en: spec.atc, presentations: [] },
      presentation: presentation ?? { form: '', strength: spec.strength, route: 'oral' },
    };
  };
  const resolveAll = (sets: PrescriptionSpec[][]) => sets.map((set) => set.map(resolve));

  const codeTable = (list: [string, number][]): CodeTable =>
    new WeightedTable(
      list.map(([code, weight]): [Icd10Code, number] => [icd10(code), weight]),
      ([, weight]) => weight,
    );

  const chronic = chronicConditions.map((model) => ({
    model,
    codes: codeTable(model.codes),
    adult: resolveAll(model.adult),
    child: resolveAll(model.child ?? model.adult),
    labs: model.labs.map(lab),
  }));
  const acutePrescriptions = new Map<PrescriptionSpec[], ResolvedPrescription[]>();
  for (const episode of acuteEpisodes) {
    icd10(episode.code);
    for (const set of [...episode.adult, ...episode.child]) acutePrescriptions.set(set, set.map(resolve));
  }
  const acuteTable = (group: number, sex: Sex) =>
    new WeightedTable(
      acuteEpisodes.filter((episode) => !episode.sex || episode.sex === sex),
      (episode) => episode.weights[group] ?? 0,
    );
  for (const allergy of allergies) allergy.reactions.forEach(icd10);
  for (const code of Object.values(vaccineReason)) icd10(code);

  const vaccines = terminology.vaccineById;
  const schedule = [...terminology.vaccines.schedules[country]].sort((a, b) => a.ageMonths - b.ageMonths);
  const sinceMs = new Map<string, number>();
  for (const entry of schedule)
    if (entry.since) sinceMs.set(entry.since, Date.parse(`${entry.since}T00:00:00Z`));

  // Every lab the model orders needs a value model too: draw each once to prove it.
  const probe = new LabProfile(
    new SeededRandom(0, 0),
    50,
    'male',
    new Set(chronicConditions.map((model) => model.key)),
  );
  const checkUpLabs = ['1558-6', '2093-3'].map(lab);
  for (const test of [...chronic.flatMap((entry) => entry.labs), ...checkUpLabs]) probe.value(test.code);

  const catalogue: Catalogue = {
    people: countryPeople(terminology, country),
    schedule,
    sinceMs,
    vaccines,
    chronic,
    acute: [0, 1, 2, 3].map((group) => ({
      male: acuteTable(group, 'male'),
      female: acuteTable(group, 'female'),
    })),
    acutePrescriptions,
    routine: { adult: codeTable(routineReasons.adult), child: codeTable(routineReasons.child) },
    allergies: {
      child: new WeightedTable(allergies, (allergy) => allergy.weights[0]),
      adult: new WeightedTable(allergies, (allergy) => allergy.weights[1]),
    },
    substitutes: {
      adult: resolve(allergySubstitutes.adult),
      child: resolve(allergySubstitutes.child),
      analgesicAdult: resolve(analgesicSubstitute.adult),
      analgesicChild: resolve(analgesicSubstitute.child),
    },
    icd10,
    lab,
    checkUpLabs,
  };
  for (const entry of schedule) if (!vaccines.has(entry.vaccine)) missing.push(`vaccine ${entry.vaccine}`);
  if (missing.length > 0)
    throw new Error(
      `The demonstration model uses codes the terminology does not define: ${[...new Set(missing)].join(', ')}`,
    );
  return catalogue;
}

export function catalogueFor(terminology: Terminology, country: Country): Catalogue {
  let byCountry = catalogues.get(terminology);
  if (!byCountry) catalogues.set(terminology, (byCountry = new Map()));
  let catalogue = byCountry.get(country);
  if (!catalogue) byCountry.set(country, (catalogue = buildCatalogue(terminology, country)));
  return catalogue;
}

/** Why a child comes to a vaccination session: ICD-10 chapter XXI, by the session's main vaccine. */
export const vaccineReason: Record<string, string> = {
  BCG: 'Z23.2',
  HepB: 'Z24.6',
  bOPV: 'Z24.0',
  IPV: 'Z24.0',
  DTwP: 'Z27.1',
  MMR: 'Z27.4',
  default: 'Z27.8',
};
