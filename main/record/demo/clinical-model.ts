/**
 * What a Maghreb primary-care record plausibly holds, as tables: chronic conditions with their
 * prevalence by age and sex, treatments (INN, strength, dosage as written in French), the lab
 * tests that follow them; acute episodes by age group; allergies. Prevalences are rounded orders
 * of magnitude in the spirit of the WHO STEPS surveys of Morocco, Algeria and Tunisia (about one
 * adult in three hypertensive past 50, one in ten diabetic), not figures to quote.
 *
 * Every code here must exist in resources/terminology (checked when the catalogue is built).
 */
export type Sex = 'male' | 'female';

export interface PaediatricDose {
  /** mg per kg for one intake. */
  mgPerKg: number;
  /** mg in one mL of the presentation. */
  mgPerMl: number;
  maxMl: number;
}

export interface PrescriptionSpec {
  atc: string;
  strength: string;
  /** Units per intake: comprimé, gélule, bouffée, mL… (paediatric liquids compute it from the weight). */
  dose: number;
  unit: string;
  /** Intakes per period (default: per day). */
  frequency: number;
  period?: number;
  periodUnit?: 'd' | 'wk';
  /** The instruction as the doctor writes it; `{dose}` is replaced by the computed volume. */
  text: string;
  /** A course's length; a chronic treatment has none and is renewed. */
  days?: number;
  asNeeded?: boolean;
  paediatric?: PaediatricDose;
}

function rx(
  atc: string,
  strength: string,
  text: string,
  dose: number,
  unit: string,
  frequency: number,
  extra: Partial<PrescriptionSpec> = {},
): PrescriptionSpec {
  return { atc, strength, text, dose, unit, frequency, ...extra };
}

// --- Prescriptions used in several places.
const paracetamol1g = rx(
  'N02BE01',
  '1 g',
  '1 comprimé 3 fois par jour si douleur ou fièvre, pendant 5 jours',
  1,
  'comprimé',
  3,
  {
    days: 5,
    asNeeded: true,
  },
);
const paracetamolSyrup = rx(
  'N02BE01',
  '120 mg/5 mL',
  '{dose} mL (15 mg/kg) toutes les 6 heures si fièvre ou douleur, pendant 3 jours',
  5,
  'mL',
  4,
  { days: 3, asNeeded: true, paediatric: { mgPerKg: 15, mgPerMl: 24, maxMl: 20 } },
);
const amoxicillinAdult = rx('J01CA04', '1 g', '1 comprimé matin et soir pendant 6 jours', 1, 'comprimé', 2, {
  days: 6,
});
const amoxicillinChild = rx(
  'J01CA04',
  '250 mg/5 mL',
  '{dose} mL matin et soir (50 mg/kg/jour) pendant 6 jours',
  5,
  'mL',
  2,
  { days: 6, paediatric: { mgPerKg: 25, mgPerMl: 50, maxMl: 20 } },
);
const amoxicillinChildOtitis = rx(
  'J01CA04',
  '500 mg/5 mL',
  '{dose} mL 3 fois par jour (80 mg/kg/jour) pendant 8 jours',
  5,
  'mL',
  3,
  { days: 8, paediatric: { mgPerKg: 27, mgPerMl: 100, maxMl: 10 } },
);
const amoxClavAdult = rx(
  'J01CR02',
  '1 g/125 mg',
  '1 comprimé matin et soir pendant 8 jours',
  1,
  'comprimé',
  2,
  { days: 8 },
);
const ibuprofen400 = rx(
  'M01AE01',
  '400 mg',
  '1 comprimé 3 fois par jour au milieu des repas, pendant 5 jours',
  1,
  'comprimé',
  3,
  {
    days: 5,
  },
);
const salbutamol = rx(
  'R03AC02',
  '100 µg/dose',
  '2 bouffées en cas de gêne respiratoire, jusqu’à 4 fois par jour',
  2,
  'bouffée',
  4,
  {
    asNeeded: true,
  },
);

/** Replacements when the patient is allergic to what the table proposes. */
export const allergySubstitutes: Record<'adult' | 'child', PrescriptionSpec> = {
  adult: rx('J01FA10', '500 mg', '1 comprimé par jour pendant 3 jours', 1, 'comprimé', 1, { days: 3 }),
  child: rx('J01FA10', '200 mg/5 mL', '{dose} mL une fois par jour (20 mg/kg) pendant 3 jours', 5, 'mL', 1, {
    days: 3,
    paediatric: { mgPerKg: 20, mgPerMl: 40, maxMl: 12.5 },
  }),
};
export const analgesicSubstitute = { adult: paracetamol1g, child: paracetamolSyrup };

export type ChronicKey =
  | 'hypertension'
  | 'diabetes2'
  | 'diabetes1'
  | 'dyslipidaemia'
  | 'obesity'
  | 'asthma'
  | 'rhinitis'
  | 'hypothyroidism'
  | 'copd'
  | 'reflux'
  | 'gonarthrosis'
  | 'ischaemicHeart'
  | 'atrialFibrillation'
  | 'heartFailure'
  | 'kidney'
  | 'prostate'
  | 'depression'
  | 'anxiety'
  | 'epilepsy'
  | 'migraine'
  | 'ironAnaemia'
  | 'osteoporosis'
  | 'gout'
  | 'rheumaticHeart'
  | 'hepatitisB'
  | 'atopicDermatitis'
  | 'psoriasis'
  | 'schizophrenia'
  | 'glaucoma'
  | 'varicoseVeins'
  | 'thyroidNodule';

export interface ChronicModel {
  key: ChronicKey;
  /** ICD-10 codes with relative weights (e.g. most diabetes is coded without complication). */
  codes: [code: string, weight: number][];
  /** The probability that a person of this age and sex has it, given what was drawn before. */
  prevalence(age: number, sex: Sex, has: (key: ChronicKey) => boolean): number;
  /** Alternatives, each a set of prescriptions given together. Empty: follow-up without drugs. */
  adult: PrescriptionSpec[][];
  child?: PrescriptionSpec[][];
  /** LOINC codes of the tests that follow the condition, most telling first. */
  labs: string[];
  /** The label the appointment and the follow-up encounter carry. */
  followUp: string;
}

/** Probability from age steps: the last step whose age is ≤ the patient's. */
function steps(table: [age: number, probability: number][]): (age: number) => number {
  return (age) => {
    let probability = 0;
    for (const [from, p] of table) if (age >= from) probability = p;
    return probability;
  };
}

const hypertensionByAge = steps([
  [18, 0.03],
  [30, 0.08],
  [40, 0.18],
  [50, 0.32],
  [60, 0.47],
  [70, 0.57],
]);
const diabetesByAge = steps([
  [25, 0.02],
  [35, 0.06],
  [45, 0.13],
  [55, 0.19],
  [65, 0.23],
]);
const lipidsByAge = steps([
  [30, 0.03],
  [40, 0.08],
  [50, 0.14],
  [60, 0.18],
]);

/** Order matters: later conditions may depend on earlier ones (kidney disease on diabetes). */
export const chronicConditions: ChronicModel[] = [
  {
    key: 'hypertension',
    codes: [
      ['I10', 20],
      ['I11.9', 1],
    ],
    prevalence: (age) => hypertensionByAge(age),
    adult: [
      [rx('C08CA01', '5 mg', '1 gélule le matin', 1, 'gélule', 1)],
      [rx('C08CA01', '5 mg', '1 gélule le matin', 1, 'gélule', 1)],
      [rx('C08CA01', '10 mg', '1 gélule le matin', 1, 'gélule', 1)],
      [rx('C09AA05', '5 mg', '1 comprimé le matin', 1, 'comprimé', 1)],
      [rx('C09AA04', '5 mg', '1 comprimé le matin avant le petit-déjeuner', 1, 'comprimé', 1)],
      [rx('C09CA01', '50 mg', '1 comprimé le matin', 1, 'comprimé', 1)],
      [rx('C09BB04', '5 mg/5 mg', '1 comprimé le matin', 1, 'comprimé', 1)],
      [rx('C09DA01', '50 mg/12,5 mg', '1 comprimé le matin', 1, 'comprimé', 1)],
      [rx('C03BA11', '1,5 mg', '1 comprimé le matin', 1, 'comprimé', 1)],
    ],
    labs: ['2160-0', '2823-3'],
    followUp: 'Suivi de l’hypertension artérielle',
  },
  {
    key: 'diabetes2',
    codes: [
      ['E11.9', 14],
      ['E11.2', 1],
      ['E11.4', 1],
      ['E11.3', 1],
    ],
    prevalence: (age, _sex, has) => diabetesByAge(age) * (has('hypertension') ? 1.6 : 1),
    adult: [
      [rx('A10BA02', '850 mg', '1 comprimé matin et soir au milieu du repas', 1, 'comprimé', 2)],
      [rx('A10BA02', '1000 mg', '1 comprimé matin et soir au milieu du repas', 1, 'comprimé', 2)],
      [
        rx('A10BA02', '850 mg', '1 comprimé matin et soir au milieu du repas', 1, 'comprimé', 2),
        rx('A10BB09', '60 mg', '1 comprimé le matin au petit-déjeuner', 1, 'comprimé', 1),
      ],
      [
        rx('A10BA02', '1000 mg', '1 comprimé matin et soir au milieu du repas', 1, 'comprimé', 2),
        rx('A10BB12', '2 mg', '1 comprimé le matin au petit-déjeuner', 1, 'comprimé', 1),
      ],
      [
        rx('A10BA02', '1000 mg', '1 comprimé matin et soir au milieu du repas', 1, 'comprimé', 2),
        rx('A10BH01', '100 mg', '1 comprimé par jour', 1, 'comprimé', 1),
      ],
      [
        rx('A10BA02', '850 mg', '1 comprimé matin et soir au milieu du repas', 1, 'comprimé', 2),
        rx(
          'A10AE04',
          '100 U/mL',
          '16 unités le soir au coucher, à adapter selon la glycémie à jeun',
          16,
          'U',
          1,
        ),
      ],
    ],
    labs: ['4548-4', '1558-6', '2160-0', '9318-7'],
    followUp: 'Suivi du diabète',
  },
  {
    key: 'diabetes1',
    codes: [['E10.9', 1]],
    prevalence: steps([
      [3, 0.002],
      [10, 0.004],
      [40, 0.002],
    ]),
    adult: [
      [
        rx('A10AE04', '100 U/mL', '20 unités le soir', 20, 'U', 1),
        rx('A10AB01', '100 UI/mL', '6 unités avant chaque repas, selon la glycémie', 6, 'UI', 3),
      ],
    ],
    child: [
      [
        rx('A10AE04', '100 U/mL', '10 unités le soir', 10, 'U', 1),
        rx('A10AB01', '100 UI/mL', '3 unités avant chaque repas, selon la glycémie', 3, 'UI', 3),
      ],
    ],
    labs: ['4548-4', '1558-6'],
    followUp: 'Suivi du diabète',
  },
  {
    key: 'dyslipidaemia',
    codes: [
      ['E78.5', 4],
      ['E78.0', 2],
      ['E78.2', 2],
    ],
    prevalence: (age, _sex, has) => lipidsByAge(age) * (has('diabetes2') ? 2.5 : 1),
    adult: [
      [rx('C10AA05', '20 mg', '1 comprimé le soir', 1, 'comprimé', 1)],
      [rx('C10AA05', '10 mg', '1 comprimé le soir', 1, 'comprimé', 1)],
      [rx('C10AA07', '10 mg', '1 comprimé le soir', 1, 'comprimé', 1)],
      [rx('C10AA01', '20 mg', '1 comprimé le soir', 1, 'comprimé', 1)],
    ],
    labs: ['13457-7', '2093-3', '2571-8'],
    followUp: 'Suivi de la dyslipidémie',
  },
  {
    key: 'obesity',
    codes: [
      ['E66.9', 3],
      ['E66.0', 1],
    ],
    prevalence: (age, sex) => (age < 6 ? 0 : age < 18 ? 0.03 : sex === 'female' ? 0.2 : 0.1),
    adult: [[]],
    labs: ['1558-6'],
    followUp: 'Suivi nutritionnel',
  },
  {
    key: 'asthma',
    codes: [
      ['J45.9', 3],
      ['J45.0', 2],
    ],
    prevalence: steps([
      [3, 0.07],
      [18, 0.045],
    ]),
    adult: [
      [salbutamol],
      [salbutamol, rx('R03AK07', '4,5 µg/160 µg', '1 inhalation matin et soir', 1, 'inhalation', 2)],
      [
        salbutamol,
        rx('R03BA01', '250 µg/dose', '1 bouffée matin et soir, rincer la bouche après', 1, 'bouffée', 2),
      ],
    ],
    child: [
      [salbutamol],
      [
        salbutamol,
        rx(
          'R03BA02',
          '200 µg/dose',
          '1 inhalation matin et soir avec chambre d’inhalation',
          1,
          'inhalation',
          2,
        ),
      ],
      [salbutamol, rx('R03DC03', '5 mg', '1 comprimé à croquer le soir', 1, 'comprimé', 1)],
    ],
    labs: [],
    followUp: 'Suivi de l’asthme',
  },
  {
    key: 'rhinitis',
    codes: [
      ['J30.4', 2],
      ['J30.1', 1],
    ],
    prevalence: steps([[5, 0.06]]),
    adult: [
      [rx('R06AX27', '5 mg', '1 comprimé par jour pendant la saison pollinique', 1, 'comprimé', 1)],
      [rx('R06AE07', '10 mg', '1 comprimé le soir', 1, 'comprimé', 1)],
      [rx('R01AD09', '50 µg/dose', '2 pulvérisations dans chaque narine le matin', 2, 'pulvérisation', 1)],
    ],
    child: [[rx('R06AX27', '0,5 mg/mL', '5 mL une fois par jour', 5, 'mL', 1)]],
    labs: [],
    followUp: 'Suivi de la rhinite allergique',
  },
  {
    key: 'hypothyroidism',
    codes: [
      ['E03.9', 3],
      ['E06.3', 1],
    ],
    prevalence: (age, sex) => (sex === 'female' ? (age >= 25 ? 0.05 : 0) : age >= 40 ? 0.01 : 0),
    adult: [
      [rx('H03AA01', '50 µg', '1 comprimé le matin à jeun', 1, 'comprimé', 1)],
      [rx('H03AA01', '75 µg', '1 comprimé le matin à jeun', 1, 'comprimé', 1)],
      [rx('H03AA01', '100 µg', '1 comprimé le matin à jeun', 1, 'comprimé', 1)],
    ],
    labs: ['3016-3'],
    followUp: 'Suivi de l’hypothyroïdie',
  },
  {
    key: 'copd',
    codes: [['J44.9', 1]],
    prevalence: (age, sex) => (sex === 'male' ? (age >= 45 ? 0.06 : 0) : age >= 50 ? 0.015 : 0),
    adult: [
      [rx('R03BB04', '18 µg', 'inhaler le contenu d’1 gélule chaque matin', 1, 'gélule', 1), salbutamol],
    ],
    labs: [],
    followUp: 'Suivi de la BPCO',
  },
  {
    key: 'reflux',
    codes: [
      ['K21.9', 3],
      ['K21.0', 1],
    ],
    prevalence: steps([[18, 0.05]]),
    adult: [
      [rx('A02BC01', '20 mg', '1 gélule le matin à jeun', 1, 'gélule', 1)],
      [rx('A02BC05', '20 mg', '1 comprimé le matin à jeun', 1, 'comprimé', 1)],
      [rx('A02BC02', '40 mg', '1 comprimé le matin à jeun', 1, 'comprimé', 1)],
    ],
    labs: [],
    followUp: 'Suivi du reflux gastro-œsophagien',
  },
  {
    key: 'gonarthrosis',
    codes: [
      ['M17.9', 3],
      ['M16.9', 1],
    ],
    prevalence: (age, sex) => (age >= 65 ? 0.22 : age >= 50 ? 0.1 : 0) * (sex === 'female' ? 1.3 : 0.8),
    adult: [
      [
        rx('N02BE01', '1 g', '1 comprimé jusqu’à 3 fois par jour si douleur', 1, 'comprimé', 3, {
          asNeeded: true,
        }),
        rx('M02AA15', '1 %', 'appliquer sur le genou 2 à 3 fois par jour', 1, 'application', 3),
      ],
    ],
    labs: [],
    followUp: 'Suivi de l’arthrose',
  },
  {
    key: 'ischaemicHeart',
    codes: [
      ['I25.9', 3],
      ['I25.2', 1],
      ['I20.9', 1],
    ],
    prevalence: (age, sex, has) =>
      (age >= 65 ? 0.07 : age >= 50 ? 0.03 : 0) *
      (sex === 'male' ? 1.5 : 0.7) *
      (has('hypertension') ? 1.5 : 1),
    adult: [
      [
        rx('B01AC06', '100 mg', '1 comprimé par jour au déjeuner', 1, 'comprimé', 1),
        rx('C07AB07', '5 mg', '1 comprimé le matin', 1, 'comprimé', 1),
        rx('C10AA05', '40 mg', '1 comprimé le soir', 1, 'comprimé', 1),
      ],
    ],
    labs: ['13457-7', '2160-0'],
    followUp: 'Suivi de la cardiopathie ischémique',
  },
  {
    key: 'atrialFibrillation',
    codes: [['I48.9', 1]],
    prevalence: steps([
      [65, 0.04],
      [75, 0.08],
    ]),
    adult: [
      [
        rx('B01AA07', '4 mg', '¾ de comprimé le soir, dose à adapter selon l’INR', 0.75, 'comprimé', 1),
        rx('C07AB07', '5 mg', '1 comprimé le matin', 1, 'comprimé', 1),
      ],
      [
        rx('B01AF01', '20 mg', '1 comprimé le soir au dîner', 1, 'comprimé', 1),
        rx('C07AB07', '5 mg', '1 comprimé le matin', 1, 'comprimé', 1),
      ],
    ],
    labs: ['6301-6', '2160-0'],
    followUp: 'Suivi de la fibrillation auriculaire',
  },
  {
    key: 'heartFailure',
    codes: [
      ['I50.9', 2],
      ['I50.0', 1],
    ],
    prevalence: steps([
      [60, 0.015],
      [70, 0.04],
    ]),
    adult: [
      [
        rx('C03CA01', '40 mg', '1 comprimé le matin', 1, 'comprimé', 1),
        rx('C09AA05', '2,5 mg', '1 comprimé le matin', 1, 'comprimé', 1),
        rx('C07AB07', '2,5 mg', '1 comprimé le matin', 1, 'comprimé', 1),
      ],
    ],
    labs: ['2160-0', '2823-3', '2951-2'],
    followUp: 'Suivi de l’insuffisance cardiaque',
  },
  {
    key: 'kidney',
    codes: [
      ['N18.3', 4],
      ['N18.9', 1],
      ['N18.4', 1],
    ],
    prevalence: (age, _sex, has) =>
      (age >= 70 ? 0.06 : age >= 55 ? 0.03 : 0) * (has('diabetes2') || has('hypertension') ? 2 : 1),
    adult: [[]],
    labs: ['2160-0', '62238-1', '2823-3'],
    followUp: 'Suivi de la maladie rénale chronique',
  },
  {
    key: 'prostate',
    codes: [['N40', 1]],
    prevalence: (age, sex) => (sex === 'male' ? (age >= 65 ? 0.25 : age >= 50 ? 0.1 : 0) : 0),
    adult: [
      [rx('G04CA02', '0,4 mg', '1 gélule le soir après le dîner', 1, 'gélule', 1)],
      [rx('G04CA01', '10 mg', '1 comprimé le soir après le dîner', 1, 'comprimé', 1)],
    ],
    labs: ['2857-1'],
    followUp: 'Suivi de l’hypertrophie de la prostate',
  },
  {
    key: 'depression',
    codes: [
      ['F32.9', 2],
      ['F32.1', 1],
      ['F33.9', 1],
    ],
    prevalence: (age, sex) => (age >= 18 ? (sex === 'female' ? 0.04 : 0.02) : 0),
    adult: [
      [rx('N06AB06', '50 mg', '1 gélule le matin', 1, 'gélule', 1)],
      [rx('N06AB10', '10 mg', '1 comprimé le matin', 1, 'comprimé', 1)],
      [rx('N06AB03', '20 mg', '1 gélule le matin', 1, 'gélule', 1)],
    ],
    labs: [],
    followUp: 'Suivi de l’épisode dépressif',
  },
  {
    key: 'anxiety',
    codes: [
      ['F41.1', 2],
      ['F41.2', 1],
    ],
    prevalence: (age, sex) => (age >= 18 ? (sex === 'female' ? 0.04 : 0.02) : 0),
    adult: [
      [rx('N06AB10', '10 mg', '1 comprimé le matin', 1, 'comprimé', 1)],
      [rx('N05BB01', '25 mg', '1 comprimé le soir si anxiété', 1, 'comprimé', 1, { asNeeded: true })],
    ],
    labs: [],
    followUp: 'Suivi du trouble anxieux',
  },
  {
    key: 'epilepsy',
    codes: [['G40.9', 1]],
    prevalence: steps([[2, 0.006]]),
    adult: [
      [rx('N03AG01', '500 mg', '1 comprimé matin et soir', 1, 'comprimé', 2)],
      [rx('N03AF01', '200 mg', '1 comprimé matin et soir', 1, 'comprimé', 2)],
      [rx('N03AX14', '500 mg', '1 comprimé matin et soir', 1, 'comprimé', 2)],
    ],
    child: [
      [
        rx('N03AG01', '200 mg/mL', '{dose} mL matin et soir (15 mg/kg par prise)', 1, 'mL', 2, {
          paediatric: { mgPerKg: 15, mgPerMl: 200, maxMl: 5 },
        }),
      ],
    ],
    labs: [],
    followUp: 'Suivi de l’épilepsie',
  },
  {
    key: 'migraine',
    codes: [
      ['G43.0', 2],
      ['G43.9', 1],
    ],
    prevalence: (age, sex) => (age >= 12 && age <= 60 ? (sex === 'female' ? 0.06 : 0.02) : 0),
    adult: [
      [
        rx(
          'M01AE01',
          '400 mg',
          '1 comprimé dès le début de la crise, à renouveler après 6 heures si besoin',
          1,
          'comprimé',
          2,
          { asNeeded: true },
        ),
      ],
      [
        rx('N02CC01', '50 mg', '1 comprimé dès le début de la crise, 2 par jour au plus', 1, 'comprimé', 2, {
          asNeeded: true,
        }),
      ],
    ],
    labs: [],
    followUp: 'Suivi de la migraine',
  },
  {
    key: 'ironAnaemia',
    codes: [['D50.9', 1]],
    prevalence: (age, sex) =>
      age >= 1 && age <= 5 ? 0.06 : sex === 'female' && age >= 15 && age <= 49 ? 0.08 : 0,
    adult: [
      [
        rx('B03AD02', '66 mg/0,4 mg', '1 comprimé par jour à jeun pendant 3 mois', 1, 'comprimé', 1, {
          days: 90,
        }),
      ],
      [
        rx('B03AA07', '80 mg de fer', '1 comprimé par jour avant le repas pendant 3 mois', 1, 'comprimé', 1, {
          days: 90,
        }),
      ],
    ],
    child: [
      [
        rx(
          'B03AB05',
          '50 mg/5 mL',
          '{dose} mL une fois par jour (3 mg/kg de fer) pendant 3 mois',
          5,
          'mL',
          1,
          {
            days: 90,
            paediatric: { mgPerKg: 3, mgPerMl: 10, maxMl: 10 },
          },
        ),
      ],
    ],
    labs: ['718-7', '2276-4'],
    followUp: 'Suivi de l’anémie ferriprive',
  },
  {
    key: 'osteoporosis',
    codes: [['M81.9', 1]],
    prevalence: (age, sex) =>
      sex === 'female' ? (age >= 70 ? 0.14 : age >= 60 ? 0.07 : 0) : age >= 75 ? 0.03 : 0,
    adult: [
      [
        rx(
          'M05BA04',
          '70 mg',
          '1 comprimé une fois par semaine, le matin à jeun avec un grand verre d’eau',
          1,
          'comprimé',
          1,
          {
            periodUnit: 'wk',
          },
        ),
        rx('A12AX', '1000 mg/880 UI', '1 comprimé à croquer par jour', 1, 'comprimé', 1),
      ],
    ],
    labs: ['62292-8', '17861-6'],
    followUp: 'Suivi de l’ostéoporose',
  },
  {
    key: 'gout',
    codes: [
      ['M10.9', 2],
      ['E79.0', 1],
    ],
    prevalence: (age, sex) => (sex === 'male' && age >= 40 ? 0.025 : 0),
    adult: [
      [rx('M04AA01', '100 mg', '1 comprimé par jour après le repas', 1, 'comprimé', 1)],
      [rx('M04AA01', '300 mg', '1 comprimé par jour après le repas', 1, 'comprimé', 1)],
    ],
    labs: ['3084-1'],
    followUp: 'Suivi de la goutte',
  },
  {
    key: 'rheumaticHeart',
    codes: [['I09.9', 1]],
    prevalence: steps([[8, 0.003]]),
    adult: [
      [
        rx(
          'J01CE08',
          '1,2 MUI',
          '1 injection intramusculaire toutes les 3 semaines (prophylaxie)',
          1,
          'injection',
          1,
          {
            period: 3,
            periodUnit: 'wk',
          },
        ),
      ],
    ],
    labs: [],
    followUp: 'Suivi de la cardiopathie rhumatismale',
  },
  {
    key: 'hepatitisB',
    codes: [['B18.1', 1]],
    prevalence: steps([[18, 0.012]]),
    adult: [[]],
    labs: ['1742-6'],
    followUp: 'Suivi de l’hépatite B chronique',
  },
  {
    key: 'atopicDermatitis',
    codes: [['L20.9', 1]],
    prevalence: (age) => (age <= 10 ? 0.06 : age <= 30 ? 0.015 : 0),
    adult: [
      [
        rx(
          'D07AA02',
          '1 %',
          'appliquer une fine couche sur les plaques une fois par jour pendant 7 jours',
          1,
          'application',
          1,
          { days: 7 },
        ),
      ],
    ],
    labs: [],
    followUp: 'Suivi de la dermatite atopique',
  },
  {
    key: 'psoriasis',
    codes: [['L40.0', 1]],
    prevalence: steps([[15, 0.01]]),
    adult: [
      [
        rx('D07AC01', '0,05 %', 'appliquer sur les plaques le soir pendant 3 semaines', 1, 'application', 1, {
          days: 21,
        }),
      ],
    ],
    labs: [],
    followUp: 'Suivi du psoriasis',
  },
  {
    key: 'schizophrenia',
    codes: [['F20.9', 1]],
    prevalence: steps([[18, 0.004]]),
    adult: [
      [rx('N05AX08', '2 mg', '1 comprimé le soir', 1, 'comprimé', 1)],
      [rx('N05AH03', '10 mg', '1 comprimé le soir', 1, 'comprimé', 1)],
    ],
    labs: ['1558-6'],
    followUp: 'Suivi psychiatrique (renouvellement)',
  },
  {
    key: 'glaucoma',
    codes: [['H40.9', 1]],
    prevalence: steps([
      [50, 0.01],
      [65, 0.03],
    ]),
    adult: [
      [rx('S01ED01', '0,5 %', '1 goutte dans chaque œil matin et soir', 1, 'goutte', 2)],
      [rx('S01EE01', '0,005 %', '1 goutte dans chaque œil le soir', 1, 'goutte', 1)],
    ],
    labs: [],
    followUp: 'Suivi du glaucome',
  },
  {
    key: 'varicoseVeins',
    codes: [['I83.9', 1]],
    prevalence: (age, sex) => (age >= 35 ? (sex === 'female' ? 0.05 : 0.015) : 0),
    adult: [[rx('C05CA03', '500 mg', '1 comprimé au déjeuner et 1 au dîner', 1, 'comprimé', 2)]],
    labs: [],
    followUp: 'Suivi de l’insuffisance veineuse',
  },
  {
    key: 'thyroidNodule',
    codes: [['E04.1', 1]],
    prevalence: (age, sex) => (age >= 30 ? (sex === 'female' ? 0.02 : 0.005) : 0),
    adult: [[]],
    labs: ['3016-3'],
    followUp: 'Surveillance du nodule thyroïdien',
  },
];

/** Age groups of the acute-episode weights: infant (< 2), child (2–14), adult (15–64), elderly (65+). */
export type AgeGroup = 0 | 1 | 2 | 3;

export function ageGroup(age: number): AgeGroup {
  return age < 2 ? 0 : age < 15 ? 1 : age < 65 ? 2 : 3;
}

export interface AcuteModel {
  code: string;
  weights: [infant: number, child: number, adult: number, elderly: number];
  sex?: Sex;
  /** Probability of a measured fever. */
  fever: number;
  /** Respiratory: the nurse measures SpO2. */
  respiratory?: boolean;
  adult: PrescriptionSpec[][];
  child: PrescriptionSpec[][];
}

const paracetamolOnly = { adult: [[paracetamol1g]], child: [[paracetamolSyrup]] };

/** The same prescriptions whatever the age (eye drops, skin care). */
function forAllAges(...set: PrescriptionSpec[]): Pick<AcuteModel, 'adult' | 'child'> {
  return { adult: [set], child: [set] };
}

export const acuteEpisodes: AcuteModel[] = [
  { code: 'J06.9', weights: [10, 14, 6, 3], fever: 0.5, respiratory: true, ...paracetamolOnly },
  { code: 'J00', weights: [6, 8, 5, 2], fever: 0.3, ...paracetamolOnly },
  {
    code: 'J02.9',
    weights: [1, 6, 5, 2],
    fever: 0.5,
    adult: [[paracetamol1g], [paracetamol1g, ibuprofen400]],
    child: [[paracetamolSyrup]],
  },
  {
    code: 'J03.9',
    weights: [1, 7, 3, 1],
    fever: 0.8,
    adult: [[amoxicillinAdult, paracetamol1g]],
    child: [[amoxicillinChild, paracetamolSyrup]],
  },
  {
    code: 'H66.9',
    weights: [4, 6, 1, 0.3],
    fever: 0.6,
    adult: [[amoxClavAdult, paracetamol1g]],
    child: [[amoxicillinChildOtitis, paracetamolSyrup]],
  },
  {
    code: 'J20.9',
    weights: [2, 3, 4, 4],
    fever: 0.4,
    respiratory: true,
    adult: [
      [
        paracetamol1g,
        rx('R05CB03', '5 %', '1 cuillère à soupe (15 mL) 3 fois par jour pendant 5 jours', 15, 'mL', 3, {
          days: 5,
        }),
      ],
    ],
    child: [[paracetamolSyrup]],
  },
  {
    code: 'J21.9',
    weights: [6, 0.3, 0, 0],
    fever: 0.4,
    respiratory: true,
    adult: [[]],
    child: [[paracetamolSyrup]],
  },
  {
    code: 'J18.9',
    weights: [1, 1, 1, 2.5],
    fever: 0.9,
    respiratory: true,
    adult: [
      [
        rx('J01CA04', '1 g', '1 comprimé 3 fois par jour pendant 7 jours', 1, 'comprimé', 3, { days: 7 }),
        paracetamol1g,
      ],
    ],
    child: [[amoxicillinChildOtitis, paracetamolSyrup]],
  },
  { code: 'J11.1', weights: [1, 3, 3, 3], fever: 0.9, respiratory: true, ...paracetamolOnly },
  { code: 'U07.1', weights: [0.2, 0.4, 1.5, 2], fever: 0.7, respiratory: true, ...paracetamolOnly },
  {
    code: 'J01.9',
    weights: [0, 1, 3, 1],
    fever: 0.3,
    adult: [[amoxClavAdult]],
    child: [[amoxicillinChild]],
  },
  {
    code: 'A09.0',
    weights: [6, 5, 3, 2],
    fever: 0.4,
    adult: [
      [
        rx('A07XA04', '100 mg', '1 gélule 3 fois par jour pendant 3 jours', 1, 'gélule', 3, { days: 3 }),
        rx('A07CA', '20,5 g/L', '1 sachet dans 1 litre d’eau, à boire par petites gorgées', 1, 'sachet', 1, {
          days: 3,
        }),
      ],
    ],
    child: [
      [
        rx(
          'A07CA',
          '20,5 g/L',
          '1 sachet dans 1 litre d’eau, à boire par petites gorgées après chaque selle',
          1,
          'sachet',
          1,
          { days: 3 },
        ),
      ],
      [
        rx(
          'A07CA',
          '20,5 g/L',
          '1 sachet dans 1 litre d’eau, à boire par petites gorgées après chaque selle',
          1,
          'sachet',
          1,
          { days: 3 },
        ),
        rx('A07XA04', '30 mg', '1 sachet 3 fois par jour pendant 3 jours', 1, 'sachet', 3, { days: 3 }),
      ],
    ],
  },
  {
    code: 'N30.0',
    weights: [0, 0.3, 4, 2],
    sex: 'female',
    fever: 0,
    adult: [
      [rx('J01XX01', '3 g', '1 sachet en prise unique, le soir au coucher', 1, 'sachet', 1, { days: 1 })],
    ],
    child: [
      [
        rx('J01DD08', '100 mg/5 mL', '{dose} mL matin et soir (4 mg/kg) pendant 5 jours', 5, 'mL', 2, {
          days: 5,
          paediatric: { mgPerKg: 4, mgPerMl: 20, maxMl: 10 },
        }),
      ],
    ],
  },
  {
    code: 'N39.0',
    weights: [0.5, 1, 1.5, 3],
    fever: 0.3,
    adult: [
      [rx('J01MA02', '500 mg', '1 comprimé matin et soir pendant 7 jours', 1, 'comprimé', 2, { days: 7 })],
    ],
    child: [
      [
        rx('J01DD08', '100 mg/5 mL', '{dose} mL matin et soir (4 mg/kg) pendant 10 jours', 5, 'mL', 2, {
          days: 10,
          paediatric: { mgPerKg: 4, mgPerMl: 20, maxMl: 10 },
        }),
      ],
    ],
  },
  {
    code: 'M54.5',
    weights: [0, 0.2, 6, 4],
    fever: 0,
    adult: [
      [
        ibuprofen400,
        rx('M03BX05', '4 mg', '1 comprimé matin et soir pendant 5 jours', 1, 'comprimé', 2, { days: 5 }),
      ],
      [
        paracetamol1g,
        rx('M01AB05', '50 mg', '1 comprimé matin et soir au repas pendant 5 jours', 1, 'comprimé', 2, {
          days: 5,
        }),
      ],
    ],
    child: [[paracetamolSyrup]],
  },
  {
    code: 'M54.2',
    weights: [0, 0.1, 2, 1],
    fever: 0,
    adult: [
      [
        paracetamol1g,
        rx('M03BX05', '4 mg', '1 comprimé matin et soir pendant 5 jours', 1, 'comprimé', 2, { days: 5 }),
      ],
    ],
    child: [[paracetamolSyrup]],
  },
  { code: 'R51', weights: [0, 1, 2, 1], fever: 0, ...paracetamolOnly },
  {
    code: 'H10.9',
    weights: [2, 3, 2, 1],
    fever: 0,
    ...forAllAges(
      rx('S01AA12', '0,3 %', '1 goutte dans chaque œil 4 fois par jour pendant 7 jours', 1, 'goutte', 4, {
        days: 7,
      }),
    ),
  },
  {
    code: 'L30.9',
    weights: [1, 2, 2, 1],
    fever: 0,
    adult: [
      [
        rx('D07AC01', '0,1 %', 'appliquer une fois par jour pendant 7 jours', 1, 'application', 1, {
          days: 7,
        }),
      ],
    ],
    child: [
      [
        rx(
          'D07AA02',
          '1 %',
          'appliquer une fine couche une fois par jour pendant 5 jours',
          1,
          'application',
          1,
          { days: 5 },
        ),
      ],
    ],
  },
  {
    code: 'B86',
    weights: [0.5, 2, 1, 0.5],
    fever: 0,
    adult: [
      [
        rx(
          'P03AX01',
          '10 %',
          'badigeonner tout le corps le soir, rincer après 24 heures ; à refaire après 8 jours',
          1,
          'application',
          1,
          { days: 8 },
        ),
      ],
    ],
    child: [
      [
        rx(
          'P03AC04',
          '5 %',
          'appliquer sur tout le corps, rincer après 8 heures ; à refaire après 7 jours',
          1,
          'application',
          1,
          { days: 7 },
        ),
      ],
    ],
  },
  {
    code: 'L01.0',
    weights: [1, 3, 0.3, 0.1],
    fever: 0,
    ...forAllAges(
      rx('D06AX01', '2 %', 'appliquer 2 fois par jour pendant 7 jours', 1, 'application', 2, { days: 7 }),
    ),
  },
  {
    code: 'B35.4',
    weights: [0.2, 1.5, 1, 0.5],
    fever: 0,
    adult: [
      [
        rx('D01AE15', '1 %', 'appliquer une fois par jour pendant 2 semaines', 1, 'application', 1, {
          days: 14,
        }),
      ],
    ],
    child: [
      [
        rx('D01AC01', '1 %', 'appliquer 2 fois par jour pendant 3 semaines', 1, 'application', 2, {
          days: 21,
        }),
      ],
    ],
  },
  {
    code: 'K29.7',
    weights: [0, 0.2, 3, 2],
    fever: 0,
    adult: [
      [rx('A02BC01', '20 mg', '1 gélule le matin à jeun pendant 4 semaines', 1, 'gélule', 1, { days: 28 })],
    ],
    child: [[]],
  },
  {
    code: 'R10.4',
    weights: [0.5, 2, 2, 1],
    fever: 0,
    adult: [
      [
        rx('A03AX12', '80 mg', '2 comprimés en cas de douleur, jusqu’à 3 fois par jour', 2, 'comprimé', 3, {
          days: 3,
          asNeeded: true,
        }),
      ],
    ],
    child: [[paracetamolSyrup]],
  },
  {
    code: 'K59.0',
    weights: [1, 2, 1, 2],
    fever: 0,
    adult: [[rx('A06AD15', '10 g', '1 sachet le matin pendant 2 semaines', 1, 'sachet', 1, { days: 14 })]],
    child: [[rx('A06AD11', '10 g/15 mL', '5 mL matin et soir pendant 2 semaines', 5, 'mL', 2, { days: 14 })]],
  },
  {
    code: 'S93.4',
    weights: [0, 1, 1.5, 0.3],
    fever: 0,
    adult: [
      [
        ibuprofen400,
        rx(
          'M02AA15',
          '1 %',
          'appliquer sur la cheville 3 fois par jour pendant 7 jours',
          1,
          'application',
          3,
          { days: 7 },
        ),
      ],
    ],
    child: [[paracetamolSyrup]],
  },
  {
    code: 'T14.1',
    weights: [0.2, 1, 1, 0.5],
    fever: 0,
    ...forAllAges(
      rx('D08AG02', '10 %', 'désinfecter la plaie 2 fois par jour pendant 5 jours', 1, 'application', 2, {
        days: 5,
      }),
    ),
  },
  {
    code: 'B80',
    weights: [0, 1.5, 0.2, 0],
    fever: 0,
    adult: [
      [
        rx('P02CA03', '400 mg', '1 comprimé en prise unique, à renouveler après 15 jours', 1, 'comprimé', 1, {
          days: 15,
        }),
      ],
    ],
    child: [
      [
        rx('P02CA03', '400 mg/10 mL', '10 mL en prise unique, à renouveler après 15 jours', 10, 'mL', 1, {
          days: 15,
        }),
      ],
    ],
  },
  { code: 'T63.2', weights: [0, 0.3, 0.3, 0.1], fever: 0, ...paracetamolOnly },
  { code: 'R50.9', weights: [3, 2, 0.5, 0.5], fever: 1, ...paracetamolOnly },
  {
    code: 'B01.9',
    weights: [0.5, 2, 0.2, 0],
    fever: 0.6,
    adult: [[paracetamol1g]],
    child: [
      [
        paracetamolSyrup,
        rx('R06AB02', '2 mg/5 mL', '2,5 mL matin et soir pendant 5 jours si démangeaisons', 2.5, 'mL', 2, {
          days: 5,
          asNeeded: true,
        }),
      ],
    ],
  },
  {
    code: 'L50.9',
    weights: [0.3, 1, 1.5, 0.5],
    fever: 0,
    adult: [[rx('R06AX27', '5 mg', '1 comprimé par jour pendant 7 jours', 1, 'comprimé', 1, { days: 7 })]],
    child: [
      [rx('R06AX27', '0,5 mg/mL', '2,5 mL une fois par jour pendant 7 jours', 2.5, 'mL', 1, { days: 7 })],
    ],
  },
  { code: 'H61.2', weights: [0, 0.5, 1, 1.5], fever: 0, adult: [[]], child: [[]] },
  { code: 'K02.9', weights: [0, 1, 1, 0.5], fever: 0, ...paracetamolOnly },
  {
    code: 'N76.0',
    weights: [0, 0, 1.5, 0.5],
    sex: 'female',
    fever: 0,
    adult: [
      [rx('G01AF01', '500 mg', '1 ovule le soir au coucher pendant 7 jours', 1, 'ovule', 1, { days: 7 })],
    ],
    child: [[]],
  },
  {
    code: 'B37.3',
    weights: [0, 0, 1.5, 0.3],
    sex: 'female',
    fever: 0,
    adult: [
      [rx('G01AF02', '500 mg', '1 comprimé vaginal en prise unique le soir', 1, 'comprimé', 1, { days: 1 })],
    ],
    child: [[]],
  },
];

/** Why a person without an acute complaint comes: check-up, child visit, certificate. */
export const routineReasons = {
  adult: [
    ['Z00.0', 3],
    ['Z02.7', 2],
    ['Z76.0', 1],
  ] as [string, number][],
  child: [
    ['Z00.1', 4],
    ['Z02.7', 1],
  ] as [string, number][],
};

export interface AllergyModel {
  text: string;
  category: 'medication' | 'food' | 'environment';
  /** ATC code of the substance or its class (medication allergies). */
  atc?: string;
  atcDisplay?: string;
  criticality: 'low' | 'high';
  /** Reactions, as ICD-10 codes. */
  reactions: string[];
  /** Prescriptions whose ATC code starts with this are avoided. */
  avoids?: string;
  weights: [child: number, adult: number];
}

export const allergies: AllergyModel[] = [
  {
    text: 'Pénicillines',
    category: 'medication',
    atc: 'J01C',
    atcDisplay: 'Beta-lactam antibacterials, penicillins',
    criticality: 'high',
    reactions: ['L50.9', 'T78.3'],
    avoids: 'J01C',
    weights: [3, 5],
  },
  {
    text: 'Amoxicilline',
    category: 'medication',
    atc: 'J01CA04',
    atcDisplay: 'amoxicillin',
    criticality: 'low',
    reactions: ['R21'],
    avoids: 'J01C',
    weights: [2, 2],
  },
  {
    text: 'Acide acétylsalicylique (aspirine)',
    category: 'medication',
    atc: 'N02BA01',
    atcDisplay: 'acetylsalicylic acid',
    criticality: 'high',
    reactions: ['T78.3', 'R06.0'],
    avoids: 'N02BA',
    weights: [0, 1],
  },
  {
    text: 'Anti-inflammatoires non stéroïdiens',
    category: 'medication',
    atc: 'M01A',
    atcDisplay: 'Antiinflammatory and antirheumatic products, non-steroids',
    criticality: 'low',
    reactions: ['L50.9'],
    avoids: 'M01A',
    weights: [0.5, 1.5],
  },
  {
    text: 'Sulfaméthoxazole + triméthoprime',
    category: 'medication',
    atc: 'J01EE01',
    atcDisplay: 'sulfamethoxazole and trimethoprim',
    criticality: 'low',
    reactions: ['R21'],
    avoids: 'J01EE',
    weights: [0.5, 1],
  },
  {
    text: 'Arachide',
    category: 'food',
    criticality: 'high',
    reactions: ['L50.0', 'T78.3'],
    weights: [1.5, 0.5],
  },
  { text: 'Œuf', category: 'food', criticality: 'low', reactions: ['R21'], weights: [1.5, 0.2] },
  {
    text: 'Protéines du lait de vache',
    category: 'food',
    criticality: 'low',
    reactions: ['R11', 'R21'],
    weights: [1.5, 0],
  },
  {
    text: 'Pollen d’olivier',
    category: 'environment',
    criticality: 'low',
    reactions: ['J30.1'],
    weights: [1, 2],
  },
  {
    text: 'Acariens',
    category: 'environment',
    criticality: 'low',
    reactions: ['J30.4', 'R05'],
    weights: [1.5, 1.5],
  },
  {
    text: 'Venin d’hyménoptères (abeille, guêpe)',
    category: 'environment',
    criticality: 'high',
    reactions: ['T78.3'],
    weights: [0.2, 0.5],
  },
];
