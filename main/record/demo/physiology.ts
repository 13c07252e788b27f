/**
 * Plausible measurements for one synthetic body: growth (WHO child growth references, medians
 * rounded; Maghreb adults a little shorter), blood pressure, heart rate, temperature, SpO2 and
 * glucose by age and condition, and lab results consistent with the conditions drawn. Each value
 * stays inside human physiology; abnormal ones are what the conditions would produce.
 */
import type { ChronicKey, Sex } from './clinical-model';
import type { SeededRandom } from './seeded-random';

/** [age in years, median height boys, girls] in cm. */
const heightMedian: [number, number, number][] = [
  [0, 49.9, 49.1],
  [0.25, 61.4, 59.8],
  [0.5, 67.6, 65.7],
  [1, 75.7, 74.0],
  [1.5, 82.3, 80.7],
  [2, 87.1, 85.7],
  [3, 96.1, 95.1],
  [4, 103.3, 102.7],
  [5, 110.0, 109.4],
  [6, 116.0, 115.1],
  [8, 127.3, 126.6],
  [10, 137.8, 138.6],
  [12, 149.1, 151.2],
  [14, 163.2, 159.8],
  [16, 172.9, 162.5],
  [18, 174.5, 162.8],
];

/** [age in years, median BMI] (both sexes; the differences are small next to the spread). */
const bmiMedian: [number, number][] = [
  [0, 13.4],
  [0.25, 16.3],
  [0.5, 17.2],
  [1, 16.9],
  [2, 16.0],
  [4, 15.4],
  [6, 15.3],
  [8, 15.7],
  [10, 16.5],
  [12, 17.7],
  [14, 19.0],
  [16, 20.3],
  [18, 21.5],
];

function interpolate(table: readonly (readonly number[])[], age: number, column: number): number {
  const first = table[0] as readonly number[];
  if (age <= (first[0] as number)) return first[column] as number;
  for (let index = 1; index < table.length; index++) {
    const upper = table[index] as readonly number[];
    const upperAge = upper[0] as number;
    if (age <= upperAge) {
      const lower = table[index - 1] as readonly number[];
      const lowerAge = lower[0] as number;
      const share = (age - lowerAge) / (upperAge - lowerAge);
      return (lower[column] as number) + share * ((upper[column] as number) - (lower[column] as number));
    }
  }
  return (table[table.length - 1] as readonly number[])[column] as number;
}

/** What stays the same about a person across visits: where they sit on the growth curves. */
export interface Body {
  sex: Sex;
  /** Height z-score (SD ≈ 4 % of the median). */
  heightZ: number;
  /** Adult BMI, or the child's factor on the median BMI curve. */
  adultBmi: number;
  childBmiFactor: number;
  /** The person's usual blood pressure offsets, in mmHg. */
  systolicOffset: number;
  diastolicOffset: number;
}

export function drawBody(random: SeededRandom, sex: Sex, conditions: ReadonlySet<ChronicKey>): Body {
  const obese = conditions.has('obesity');
  const adultBmi = obese
    ? random.normalWithin(33, 2.5, 30, 45)
    : random.normalWithin(sex === 'female' ? 25.8 : 25, 3, 17.5, 29.9);
  return {
    sex,
    heightZ: random.normalWithin(0, 1, -2.5, 2.5),
    adultBmi,
    childBmiFactor: obese ? random.uniform(1.25, 1.45) : random.normalWithin(1, 0.07, 0.82, 1.2),
    systolicOffset: random.normal(0, 7),
    diastolicOffset: random.normal(0, 5),
  };
}

export function heightAt(body: Body, age: number): number {
  const median = interpolate(heightMedian, age, body.sex === 'male' ? 1 : 2) * (age >= 18 ? 0.985 : 1);
  // Older adults lose a little height (vertebral settling), about 1 cm per decade after 60.
  const settling = age > 60 ? (age - 60) * 0.1 : 0;
  return median * (1 + 0.04 * body.heightZ) - settling;
}

export function bmiAt(body: Body, age: number): number {
  if (age >= 18) return body.adultBmi + (age < 50 ? (age - 18) * 0.04 : 1.3);
  const child = interpolate(bmiMedian, age, 1) * body.childBmiFactor;
  // Through adolescence the child's curve joins the adult's.
  if (age < 14) return child;
  const share = (age - 14) / 4;
  return child * (1 - share) + body.adultBmi * share;
}

export function weightAt(body: Body, age: number): number {
  const metres = heightAt(body, age) / 100;
  return bmiAt(body, age) * metres * metres;
}

export function bloodPressure(
  random: SeededRandom,
  body: Body,
  age: number,
  conditions: ReadonlySet<ChronicKey>,
): { systolic: number; diastolic: number } {
  let systolic: number;
  let diastolic: number;
  if (age < 15) {
    systolic = random.normalWithin(98 + 1.3 * (age - 3), 7, 80, 125);
    diastolic = random.normalWithin(58 + 0.8 * (age - 3), 5, 45, 80);
  } else if (conditions.has('hypertension')) {
    // Treated hypertension: about half at target (< 140/90) on a given day.
    systolic = random.normalWithin(141, 12, 115, 185) + body.systolicOffset * 0.5;
    diastolic = random.normalWithin(86, 7, 65, 110) + body.diastolicOffset * 0.5;
  } else {
    systolic = random.normalWithin(111 + 0.35 * (age - 15), 8, 92, 139) + body.systolicOffset * 0.4;
    diastolic = random.normalWithin(70 + 0.15 * (age - 15), 6, 55, 89) + body.diastolicOffset * 0.4;
  }
  if (conditions.has('obesity')) systolic += 4;
  systolic = Math.round(Math.min(200, Math.max(75, systolic)));
  diastolic = Math.round(Math.min(120, Math.max(40, diastolic)));
  if (systolic - diastolic < 20) diastolic = systolic - 20;
  return { systolic, diastolic };
}

export function bodyTemperature(random: SeededRandom, fever: boolean, age: number): number {
  if (!fever) return random.normalWithin(36.8, 0.25, 36.1, 37.4);
  return random.uniform(38, age < 6 ? 40.2 : 39.8);
}

export function heartRate(
  random: SeededRandom,
  age: number,
  temperature: number,
  conditions: ReadonlySet<ChronicKey>,
): number {
  const resting = age < 1 ? 130 : age < 3 ? 115 : age < 6 ? 100 : age < 12 ? 88 : age < 18 ? 78 : 74;
  const spread = age < 3 ? 12 : 9;
  // About 10 beats per minute for each degree of fever; atrial fibrillation is faster and irregular.
  const fever = Math.max(0, temperature - 37.2) * 10;
  const base = conditions.has('atrialFibrillation')
    ? random.uniform(70, 115)
    : random.normal(resting, spread);
  return Math.round(Math.min(190, Math.max(48, base + fever)));
}

export function oxygenSaturation(
  random: SeededRandom,
  respiratoryEpisode: boolean,
  conditions: ReadonlySet<ChronicKey>,
): number {
  if (conditions.has('copd')) return Math.round(random.normalWithin(93, 1.5, 88, 96));
  if (respiratoryEpisode) return Math.round(random.normalWithin(95.5, 1.5, 90, 99));
  return Math.round(random.normalWithin(97.8, 0.8, 95, 100));
}

/** Capillary glucose at the visit, in g/L (Maghreb clinics report glycaemia in g/L). */
export function capillaryGlucose(random: SeededRandom, diabetic: boolean): number {
  return diabetic ? random.normalWithin(1.75, 0.45, 0.9, 3.6) : random.normalWithin(1.02, 0.13, 0.72, 1.4);
}

/**
 * eGFR by the CKD-EPI 2009 equation without the race coefficient (creatinine in mg/dL), as Maghreb
 * laboratories report it; the LOINC code of lab-tests.json (62238-1) names that formula.
 */
export function egfr(creatinineMgPerL: number, age: number, sex: Sex): number {
  const scr = creatinineMgPerL / 10;
  const kappa = sex === 'female' ? 0.7 : 0.9;
  const alpha = sex === 'female' ? -0.329 : -0.411;
  const value =
    141 *
    Math.min(scr / kappa, 1) ** alpha *
    Math.max(scr / kappa, 1) ** -1.209 *
    0.993 ** age *
    (sex === 'female' ? 1.018 : 1);
  return Math.round(value);
}

/** Lab values for a patient, drawn once per patient so related results agree (creatinine and eGFR). */
export class LabProfile {
  private readonly values = new Map<string, number>();

  constructor(
    private readonly random: SeededRandom,
    private readonly age: number,
    private readonly sex: Sex,
    private readonly conditions: ReadonlySet<ChronicKey>,
  ) {}

  value(code: string): number {
    const known = this.values.get(code);
    if (known !== undefined) return known;
    const value = this.draw(code);
    this.values.set(code, value);
    return value;
  }

  private draw(code: string): number {
    const { random, sex, conditions } = this;
    const has = (key: ChronicKey) => conditions.has(key);
    const male = sex === 'male';
    switch (code) {
      case '4548-4': // HbA1c, %
        return has('diabetes2') || has('diabetes1')
          ? random.normalWithin(7.6, 1.2, 5.9, 13)
          : random.normalWithin(5.3, 0.3, 4.3, 6.2);
      case '1558-6': {
        // Fasting glucose, g/L. A diabetic's follows the HbA1c (ADAG: mean glucose in mg/dL ≈
        // 28.7 × HbA1c − 46.7), fasting values sitting a little below the day's mean.
        if (!has('diabetes2') && !has('diabetes1')) return random.normalWithin(0.9, 0.09, 0.68, 1.2);
        const mean = (28.7 * this.value('4548-4') - 46.7) / 100;
        return Math.min(3.5, Math.max(0.8, mean * random.normal(0.9, 0.08)));
      }
      case '2160-0': // creatinine, mg/L
        if (has('kidney')) return random.normalWithin(male ? 22 : 17, 4, 14, 40);
        return random.normalWithin(male ? 9.5 : 7.3, 1.4, 5, 13.5);
      case '62238-1':
        return egfr(this.value('2160-0'), this.age, sex);
      case '2823-3': // potassium, mmol/L
        return random.normalWithin(has('kidney') ? 4.9 : 4.2, 0.35, 3.2, 5.9);
      case '2951-2': // sodium, mmol/L
        return Math.round(random.normalWithin(139, 2.5, 130, 147));
      case '2093-3': // total cholesterol, g/L
        return has('dyslipidaemia')
          ? random.normalWithin(2.15, 0.3, 1.5, 3.2)
          : random.normalWithin(1.75, 0.22, 1.2, 2.4);
      case '13457-7': // LDL, g/L
        return has('dyslipidaemia') || has('ischaemicHeart')
          ? random.normalWithin(1.45, 0.35, 0.6, 2.6)
          : random.normalWithin(1.1, 0.22, 0.6, 1.8);
      case '2571-8': // triglycerides, g/L
        return random.normalWithin(has('dyslipidaemia') || has('diabetes2') ? 1.8 : 1.1, 0.45, 0.4, 4.5);
      case '9318-7': // urine albumin/creatinine, mg/g
        return Math.round(
          has('diabetes2') ? random.normalWithin(30, 25, 3, 250) : random.normalWithin(10, 5, 2, 29),
        );
      case '718-7': // haemoglobin, g/dL
        if (has('ironAnaemia')) return random.normalWithin(this.age < 6 ? 9.8 : 10.2, 0.9, 7.5, 11.8);
        return random.normalWithin(male ? 14.8 : 13.2, 0.9, male ? 12.5 : 11.3, male ? 17.5 : 16);
      case '2276-4': // ferritin, ng/mL
        return Math.round(
          has('ironAnaemia')
            ? random.normalWithin(8, 3, 2, 14)
            : random.normalWithin(male ? 120 : 55, 40, 16, 350),
        );
      case '3016-3': // TSH, mIU/L
        return has('hypothyroidism')
          ? random.normalWithin(3.4, 2, 0.3, 12)
          : random.normalWithin(1.9, 0.8, 0.45, 4.5);
      case '6301-6': // INR (on a vitamin K antagonist the target is 2–3)
        return has('atrialFibrillation')
          ? random.normalWithin(2.5, 0.55, 1.4, 4.2)
          : random.normalWithin(1, 0.08, 0.85, 1.2);
      case '1742-6': // ALT, U/L
        return Math.round(
          has('hepatitisB') ? random.normalWithin(45, 20, 12, 140) : random.normalWithin(22, 8, 7, 45),
        );
      case '3084-1': // uric acid, mg/L
        return Math.round(
          has('gout') ? random.normalWithin(78, 10, 55, 105) : random.normalWithin(male ? 55 : 42, 8, 25, 75),
        );
      case '2857-1': // PSA, ng/mL
        return has('prostate')
          ? random.normalWithin(2.8, 1.4, 0.5, 9)
          : random.normalWithin(1.1, 0.5, 0.2, 3.5);
      case '62292-8': // 25-OH vitamin D, ng/mL: deficiency is common in Maghreb women
        return Math.round(random.normalWithin(male ? 24 : 17, 7, 5, 55));
      case '17861-6': // calcium, mg/L
        return Math.round(random.normalWithin(95, 4, 84, 106));
      default:
        throw new RangeError(`no value model for LOINC ${code}`);
    }
  }
}
