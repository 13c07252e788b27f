/**
 * Vital signs as FHIR R4 Observations (observation-vitalsigns profile: category vital-signs, LOINC
 * codes, UCUM units), the shape the demonstration record already holds (demo/patient-story.ts):
 * blood pressure as the 85354-9 panel with systolic 8480-6 and diastolic 8462-4 components,
 * heart rate 8867-4, temperature 8310-5, weight 29463-7, height 8302-2, BMI 39156-5, SpO2
 * 59408-5 with 2708-6, capillary glucose 41653-7 (2339-0 read too). Pure: building and reading.
 */
import type {
  CodeableConcept,
  Coding,
  Observation,
  Practitioner,
  Quantity,
  Reference,
} from '@medplum/fhirtypes';
import {
  vitalRanges,
  type VitalField,
  type VitalFlag,
  type VitalKind,
  type VitalReading,
  type VitalsInput,
} from '../contract/chart-types';

const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
export const VITAL_SIGNS_CATEGORY: CodeableConcept = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/observation-category',
      code: 'vital-signs',
      display: 'Vital Signs',
    },
  ],
};

interface Definition {
  codings: Coding[];
  text: string;
  unit: string;
  ucum: string;
}

const loinc = (code: string, display: string): Coding => ({ system: LOINC, code, display });

/** What each kind is coded as when written (text in French, as the record's other resources). */
const definitions: Record<Exclude<VitalKind, 'bloodPressure'>, Definition> = {
  heartRate: {
    codings: [loinc('8867-4', 'Heart rate')],
    text: 'Fréquence cardiaque',
    unit: '/min',
    ucum: '/min',
  },
  temperature: {
    codings: [loinc('8310-5', 'Body temperature')],
    text: 'Température',
    unit: '°C',
    ucum: 'Cel',
  },
  weight: { codings: [loinc('29463-7', 'Body weight')], text: 'Poids', unit: 'kg', ucum: 'kg' },
  height: { codings: [loinc('8302-2', 'Body height')], text: 'Taille', unit: 'cm', ucum: 'cm' },
  bmi: {
    codings: [loinc('39156-5', 'Body mass index (BMI) [Ratio]')],
    text: 'Indice de masse corporelle',
    unit: 'kg/m²',
    ucum: 'kg/m2',
  },
  // The vital-signs profile asks for 2708-6 beside the pulse-oximetry code.
  spo2: {
    codings: [
      loinc('59408-5', 'Oxygen saturation in Arterial blood by Pulse oximetry'),
      loinc('2708-6', 'Oxygen saturation in Arterial blood'),
    ],
    text: 'Saturation en oxygène (SpO2)',
    unit: '%',
    ucum: '%',
  },
  glucose: {
    codings: [loinc('41653-7', 'Glucose [Mass/volume] in Capillary blood by Glucometer')],
    text: 'Glycémie capillaire',
    unit: 'g/L',
    ucum: 'g/L',
  },
};

const BLOOD_PRESSURE = loinc('85354-9', 'Blood pressure panel with all children optional');
const SYSTOLIC = loinc('8480-6', 'Systolic blood pressure');
const DIASTOLIC = loinc('8462-4', 'Diastolic blood pressure');

/** LOINC code → kind, for reading what the record holds (glucose in blood 2339-0 too). */
const kindByCode = new Map<string, VitalKind>([
  ['85354-9', 'bloodPressure'],
  ['55284-4', 'bloodPressure'],
  ['8867-4', 'heartRate'],
  ['8310-5', 'temperature'],
  ['29463-7', 'weight'],
  ['8302-2', 'height'],
  ['39156-5', 'bmi'],
  ['59408-5', 'spo2'],
  ['2708-6', 'spo2'],
  ['41653-7', 'glucose'],
  ['2339-0', 'glucose'],
]);

/** The LOINC codes that identify vital-sign Observations (for queries). */
export const vitalLoincCodes = [...kindByCode.keys()];

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function quantity(value: number, unit: string, ucum: string): Quantity {
  return { value, unit, system: UCUM, code: ucum };
}

export interface VitalObservationContext {
  patientId: string;
  encounterId: string | null;
  effective: string;
  performer: Reference | null;
}

function observation(
  context: VitalObservationContext,
  code: CodeableConcept,
  value: Pick<Observation, 'valueQuantity' | 'component' | 'derivedFrom'>,
): Observation {
  return {
    resourceType: 'Observation',
    status: 'final',
    category: [structuredClone(VITAL_SIGNS_CATEGORY)],
    code,
    subject: { reference: `Patient/${context.patientId}` },
    ...(context.encounterId ? { encounter: { reference: `Encounter/${context.encounterId}` } } : {}),
    effectiveDateTime: context.effective,
    ...(context.performer ? { performer: [context.performer as Reference<Practitioner>] } : {}),
    ...value,
  };
}

/** One Observation per kind typed (blood pressure as one panel), rounded to each kind's decimals. */
export function vitalObservations(input: VitalsInput, context: VitalObservationContext): Observation[] {
  const made: Observation[] = [];
  const bp = vitalRanges.systolic;
  if (input.systolic !== undefined && input.diastolic !== undefined)
    made.push(
      observation(
        context,
        { coding: [BLOOD_PRESSURE], text: 'Tension artérielle' },
        {
          component: [
            {
              code: { coding: [SYSTOLIC], text: 'PA systolique' },
              valueQuantity: quantity(round(input.systolic, bp.decimals), 'mmHg', 'mm[Hg]'),
            },
            {
              code: { coding: [DIASTOLIC], text: 'PA diastolique' },
              valueQuantity: quantity(round(input.diastolic, bp.decimals), 'mmHg', 'mm[Hg]'),
            },
          ],
        },
      ),
    );
  const single: [VitalField & keyof typeof definitions, number | undefined][] = [
    ['heartRate', input.heartRate],
    ['temperature', input.temperature],
    ['spo2', input.spo2],
    ['weight', input.weight],
    ['height', input.height],
    ['glucose', input.glucose],
  ];
  for (const [kind, value] of single) {
    if (value === undefined) continue;
    made.push(singleObservation(kind, round(value, vitalRanges[kind].decimals), context));
  }
  return made;
}

function singleObservation(
  kind: keyof typeof definitions,
  value: number,
  context: VitalObservationContext,
  derivedFrom?: Observation['derivedFrom'],
): Observation {
  const definition = definitions[kind];
  return observation(
    context,
    { coding: definition.codings.map((coding) => ({ ...coding })), text: definition.text },
    {
      valueQuantity: quantity(value, definition.unit, definition.ucum),
      ...(derivedFrom ? { derivedFrom } : {}),
    },
  );
}

/** BMI = weight (kg) / height (m)², to one decimal (WHO). */
export function bodyMassIndex(weightKg: number, heightCm: number): number {
  return round(weightKg / (heightCm / 100) ** 2, 1);
}

/** The BMI Observation computed from a weight and a height, naming both as what it derives from. */
export function bmiObservation(
  weight: { value: number; observationId: string },
  height: { value: number; observationId: string },
  context: VitalObservationContext,
): Observation {
  const derivedFrom: Observation['derivedFrom'] = [
    { reference: `Observation/${weight.observationId}` },
    { reference: `Observation/${height.observationId}` },
  ];
  return singleObservation('bmi', bodyMassIndex(weight.value, height.value), context, derivedFrom);
}

export function vitalKindOf(observation: Observation): VitalKind | null {
  for (const coding of observation.code?.coding ?? []) {
    if (coding.system !== LOINC || !coding.code) continue;
    const kind = kindByCode.get(coding.code);
    if (kind) return kind;
  }
  return null;
}

function componentValue(observation: Observation, code: string): number | undefined {
  const component = observation.component?.find((candidate) =>
    candidate.code.coding?.some((coding) => coding.system === LOINC && coding.code === code),
  );
  return component?.valueQuantity?.value;
}

/** Glucose as g/L whatever the unit it came in (mg/dL, mmol/L: 1 mmol/L = 0.18016 g/L). */
function glucoseGramsPerLitre(quantity: Quantity): number | undefined {
  const value = quantity.value;
  if (value === undefined) return undefined;
  const unit = (quantity.code ?? quantity.unit ?? '').toLowerCase();
  if (unit === 'mg/dl') return round(value / 100, 2);
  if (unit === 'mmol/l') return round(value * 0.18016, 2);
  return value;
}

function referenceId(reference: Reference | undefined, type: string): string | null {
  const match = new RegExp(`^${type}/([A-Za-z0-9\\-.]{1,64})$`).exec(reference?.reference ?? '');
  return match ? (match[1] as string) : null;
}

/** An Observation as a reading (null: not a vital sign, or no value), flagged for an adult or a child. */
export function vitalReading(observation: Observation, adult: boolean | null): VitalReading | null {
  if (observation.status === 'entered-in-error' || observation.status === 'cancelled') return null;
  const kind = vitalKindOf(observation);
  const date = observation.effectiveDateTime ?? observation.effectivePeriod?.start ?? observation.issued;
  if (!kind || !observation.id || !date) return null;
  const encounterId = referenceId(observation.encounter, 'Encounter');
  if (kind === 'bloodPressure') {
    const systolic = componentValue(observation, '8480-6');
    const diastolic = componentValue(observation, '8462-4');
    if (systolic === undefined || diastolic === undefined) return null;
    return {
      observationId: observation.id,
      kind,
      value: systolic,
      diastolic,
      unit: 'mmHg',
      date,
      encounterId,
      flag: vitalFlag(kind, systolic, diastolic, adult),
    };
  }
  const quantity = observation.valueQuantity;
  if (!quantity || quantity.value === undefined) return null;
  const value = kind === 'glucose' ? glucoseGramsPerLitre(quantity) : quantity.value;
  if (value === undefined) return null;
  const unit = kind === 'glucose' ? 'g/L' : kind === 'bmi' ? 'kg/m²' : definitions[kind].unit;
  return {
    observationId: observation.id,
    kind,
    value,
    unit,
    date,
    encounterId,
    flag: vitalFlag(kind, value, undefined, adult),
  };
}

/**
 * Outside the usual values. Thresholds: blood pressure ESC/ESH 2018 (≥ 140/90 high, ≥ 180/110
 * severe), hypotension < 90 systolic; heart rate 50–100 at rest; fever ≥ 38 °C; SpO2 < 94 %
 * (critical < 90 %, BTS 2017); capillary glucose ADA (hypoglycaemia < 0.70 g/L, level 2 < 0.54;
 * random ≥ 2.00 g/L high); BMI WHO (< 18.5, ≥ 30). Blood pressure, heart rate and BMI use adult
 * norms: for a child (or an unknown age) they are not flagged.
 */
export function vitalFlag(
  kind: VitalKind,
  value: number,
  diastolic: number | undefined,
  adult: boolean | null,
): VitalFlag | null {
  switch (kind) {
    case 'bloodPressure': {
      if (!adult) return null;
      const dia = diastolic ?? 0;
      if (value >= 180 || dia >= 110) return 'criticalHigh';
      if (value >= 140 || dia >= 90) return 'high';
      if (value < 70) return 'criticalLow';
      if (value < 90) return 'low';
      return null;
    }
    case 'heartRate':
      if (!adult) return null;
      if (value > 150) return 'criticalHigh';
      if (value > 100) return 'high';
      if (value < 40) return 'criticalLow';
      if (value < 50) return 'low';
      return null;
    case 'temperature':
      if (value >= 40) return 'criticalHigh';
      if (value >= 38) return 'high';
      if (value < 32) return 'criticalLow';
      if (value < 35) return 'low';
      return null;
    case 'spo2':
      if (value < 90) return 'criticalLow';
      if (value < 94) return 'low';
      return null;
    case 'glucose':
      if (value < 0.54) return 'criticalLow';
      if (value < 0.7) return 'low';
      if (value >= 3) return 'criticalHigh';
      if (value >= 2) return 'high';
      return null;
    case 'bmi':
      if (!adult) return null;
      if (value >= 30) return 'high';
      if (value < 18.5) return 'low';
      return null;
    default:
      return null;
  }
}
