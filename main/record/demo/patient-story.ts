/**
 * The FHIR resources of one synthetic patient's record, built as the national record service
 * would serve them: each with its id, meta (version 1, synced minutes to hours after the event),
 * references to the patient, the encounter, the staff and the facility.
 */
import type {
  AllergyIntolerance,
  Appointment,
  CodeableConcept,
  Condition,
  Encounter,
  Immunization,
  MedicationRequest,
  Observation,
  ObservationReferenceRange,
  Organization,
  Patient,
  Reference,
  Resource,
} from '@medplum/fhirtypes';
import type { Country } from '../../contract/types';
import { DAY, HOUR, MINUTE, clinicTime, dateOnly, instant, workingDay } from './calendar';
import type { Catalogue, ResolvedChronic, ResolvedPrescription } from './catalogue';
import type { AcuteModel, AllergyModel, ChronicKey, Sex } from './clinical-model';
import { routeText } from '../../medication/dosage-instruction';
import type { DemoIds } from './demo-ids';
import { SYSTEM, coded, icd10Concept, labConcept, quantity, round } from './fhir-coding';
import {
  LabProfile,
  bloodPressure,
  bodyTemperature,
  capillaryGlucose,
  heartRate,
  heightAt,
  oxygenSaturation,
  weightAt,
  type Body,
} from './physiology';
import { DEMO_ORGANIZATION_ID, demoFacilityName, type Staff, type StaffReference } from './practitioners';
import type { SeededRandom } from './seeded-random';
import type { Icd10Code, LabTest, ScheduledDose, Vaccine } from './terminology';

export interface ChronicCondition {
  resolved: ResolvedChronic;
  code: Icd10Code;
  onset: number;
  treatment: ResolvedPrescription[];
  condition?: Condition;
}

export type Visit =
  | { kind: 'acute'; at: number; episode: AcuteModel; code: Icd10Code }
  | { kind: 'routine'; at: number; code: Icd10Code }
  | { kind: 'followUp'; at: number; code: Icd10Code; label: string };

/** Builds one patient's resources; holds what every builder needs. */
export class PatientStory {
  readonly resources: Resource[] = [];
  readonly patientRef: Reference<Patient>;
  private readonly nowMs: number;
  private readonly organization: Reference<Organization>;

  constructor(
    readonly random: SeededRandom,
    readonly ids: DemoIds,
    readonly patientId: string,
    readonly catalogue: Catalogue,
    readonly country: Country,
    now: Date,
    readonly staff: Staff,
    readonly doctor: StaffReference,
  ) {
    this.nowMs = now.getTime();
    this.patientRef = { reference: `Patient/${patientId}` };
    this.organization = {
      reference: `Organization/${DEMO_ORGANIZATION_ID}`,
      display: demoFacilityName(country),
    };
  }

  get now(): number {
    return this.nowMs;
  }

  get facility(): Reference<Organization> {
    return { ...this.organization };
  }

  /** meta as the national record stamps it: version 1, synced minutes to hours after the event. */
  meta(eventMs: number): { versionId: string; lastUpdated: string } {
    const synced = Math.min(this.nowMs, eventMs + this.random.int(5, 240) * MINUTE);
    return { versionId: '1', lastUpdated: instant(synced) };
  }

  nurse(): StaffReference {
    return { ...this.random.pick(this.staff.nurses) };
  }

  /** The patient's own doctor most of the time, a colleague otherwise. */
  attending(): StaffReference {
    return { ...(this.random.chance(0.8) ? this.doctor : this.random.pick(this.staff.doctors)) };
  }

  add<T extends Resource>(resource: T): T {
    this.resources.push(resource);
    return resource;
  }

  encounter(visit: Visit, practitioner: StaffReference): Encounter {
    const end = visit.at + this.random.int(10, 25) * MINUTE;
    const typeText =
      visit.kind === 'followUp'
        ? visit.label
        : visit.kind === 'routine'
          ? 'Consultation de prévention'
          : 'Consultation de médecine générale';
    return this.add<Encounter>({
      resourceType: 'Encounter',
      id: this.ids.take(),
      meta: this.meta(end),
      status: 'finished',
      class: { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' },
      type: [{ text: typeText }],
      subject: { ...this.patientRef },
      participant: [
        {
          type: [coded(SYSTEM.participationType, 'PPRF', 'primary performer')],
          individual: practitioner,
        },
      ],
      period: { start: instant(visit.at), end: instant(end) },
      reasonCode: [icd10Concept(visit.code)],
      serviceProvider: this.facility,
    });
  }

  /** An observation of this patient at an encounter; `details` holds the value and what goes with it. */
  observation(
    category: CodeableConcept,
    code: CodeableConcept,
    encounter: Encounter,
    at: number,
    synced: number,
    details: Partial<Observation>,
  ): void {
    this.add<Observation>({
      resourceType: 'Observation',
      id: this.ids.take(),
      meta: this.meta(synced),
      status: 'final',
      category: [category],
      code,
      subject: { ...this.patientRef },
      encounter: { reference: `Encounter/${encounter.id}` },
      effectiveDateTime: instant(at),
      ...details,
    });
  }

  vital(
    encounter: Encounter,
    at: number,
    performer: StaffReference,
    code: CodeableConcept,
    value: Pick<Observation, 'valueQuantity' | 'component'>,
  ): void {
    this.observation(
      coded(SYSTEM.observationCategory, 'vital-signs', 'Vital Signs'),
      code,
      encounter,
      at,
      at,
      {
        performer: [performer],
        ...value,
      },
    );
  }

  condition(
    code: Icd10Code,
    options: {
      category: 'problem-list-item' | 'encounter-diagnosis';
      onset: number;
      recorded: number;
      abatement?: number;
      encounter?: Encounter;
      recorder: StaffReference;
    },
  ): Condition {
    const resolved = options.abatement !== undefined && options.abatement <= this.nowMs;
    return this.add<Condition>({
      resourceType: 'Condition',
      id: this.ids.take(),
      meta: this.meta(options.recorded),
      clinicalStatus: coded(SYSTEM.conditionClinical, resolved ? 'resolved' : 'active'),
      verificationStatus: coded(SYSTEM.conditionVerification, 'confirmed'),
      category: [coded(SYSTEM.conditionCategory, options.category)],
      code: icd10Concept(code),
      subject: { ...this.patientRef },
      ...(options.encounter ? { encounter: { reference: `Encounter/${options.encounter.id}` } } : {}),
      onsetDateTime:
        options.category === 'problem-list-item' ? dateOnly(options.onset) : instant(options.onset),
      ...(resolved && options.abatement !== undefined
        ? { abatementDateTime: dateOnly(options.abatement) }
        : {}),
      recordedDate: instant(options.recorded),
      recorder: options.recorder,
    });
  }

  prescription(
    resolved: ResolvedPrescription,
    encounter: Encounter,
    at: number,
    requester: StaffReference,
    reason: { condition?: Condition; code: Icd10Code },
    weightKg: number,
    chronic: boolean,
  ): void {
    const { spec, medication, presentation } = resolved;
    let dose = spec.dose;
    if (spec.paediatric) {
      const ml = (spec.paediatric.mgPerKg * weightKg) / spec.paediatric.mgPerMl;
      // To the half millilitre a dosing syringe shows, within the maximum for the presentation.
      dose = Math.min(spec.paediatric.maxMl, Math.max(0.5, Math.round(ml * 2) / 2));
    }
    const text = spec.text.replace('{dose}', String(dose).replace('.', ','));
    const ended = spec.days !== undefined && at + spec.days * DAY < this.nowMs;
    const inn = medication.inn.charAt(0).toUpperCase() + medication.inn.slice(1);
    this.add<MedicationRequest>({
      resourceType: 'MedicationRequest',
      id: this.ids.take(),
      meta: this.meta(at),
      status: chronic ? 'active' : ended ? 'completed' : 'active',
      intent: 'order',
      category: [coded(SYSTEM.medicationRequestCategory, 'community', 'Community')],
      medicationCodeableConcept: {
        coding: [{ system: SYSTEM.atc, code: medication.atc, display: medication.en }],
        text: `${inn} ${presentation.strength}, ${presentation.form}`,
      },
      subject: { ...this.patientRef },
      encounter: { reference: `Encounter/${encounter.id}` },
      authoredOn: instant(at),
      requester,
      ...(reason.condition
        ? { reasonReference: [{ reference: `Condition/${reason.condition.id}` }] }
        : { reasonCode: [icd10Concept(reason.code)] }),
      dosageInstruction: [
        {
          text,
          timing: {
            repeat: {
              frequency: spec.frequency,
              period: spec.period ?? 1,
              periodUnit: spec.periodUnit ?? 'd',
              ...(spec.days !== undefined ? { boundsDuration: quantity(spec.days, 'jours', 'd') } : {}),
            },
          },
          ...(spec.asNeeded ? { asNeededBoolean: true } : {}),
          route: { text: routeText[presentation.route] },
          doseAndRate: [{ doseQuantity: { value: dose, unit: spec.unit } }],
        },
      ],
      dispenseRequest: chronic
        ? { numberOfRepeatsAllowed: 2, expectedSupplyDuration: quantity(30, 'jours', 'd') }
        : { expectedSupplyDuration: quantity(spec.days ?? 7, 'jours', 'd') },
    });
  }

  labResult(
    test: LabTest,
    value: number,
    sex: Sex,
    encounter: Encounter,
    sampled: number,
    issued: number,
  ): void {
    const ranges = test.reference.filter((range) => range.sex === sex);
    const range = ranges[0] ?? test.reference.find((candidate) => candidate.sex === undefined);
    if (!range) return; // not a test for this sex (PSA for a woman): never ordered
    const rounded = round(value, test.decimals);
    const unit = test.unitDisplay ?? test.unit;
    const flag =
      range.low !== undefined && rounded < range.low
        ? 'L'
        : range.high !== undefined && rounded > range.high
          ? 'H'
          : null;
    const referenceRange: ObservationReferenceRange = {
      ...(range.low !== undefined ? { low: quantity(range.low, unit, test.unit) } : {}),
      ...(range.high !== undefined ? { high: quantity(range.high, unit, test.unit) } : {}),
    };
    this.observation(
      coded(SYSTEM.observationCategory, 'laboratory', 'Laboratory'),
      labConcept(test),
      encounter,
      sampled,
      issued,
      {
        issued: instant(issued),
        valueQuantity: quantity(rounded, unit, test.unit),
        ...(flag
          ? { interpretation: [coded(SYSTEM.interpretation, flag, flag === 'H' ? 'High' : 'Low')] }
          : {}),
        referenceRange: [referenceRange],
      },
    );
  }
}

function concept(system: string, code: string, display: string, text: string): CodeableConcept {
  return { coding: [{ system, code, display }], text };
}

const LOINC = SYSTEM.loinc;
const vitalCodes = {
  bloodPressure: () =>
    concept(LOINC, '85354-9', 'Blood pressure panel with all children optional', 'Tension artérielle'),
  systolic: () => concept(LOINC, '8480-6', 'Systolic blood pressure', 'PA systolique'),
  diastolic: () => concept(LOINC, '8462-4', 'Diastolic blood pressure', 'PA diastolique'),
  heartRate: () => concept(LOINC, '8867-4', 'Heart rate', 'Fréquence cardiaque'),
  temperature: () => concept(LOINC, '8310-5', 'Body temperature', 'Température'),
  weight: () => concept(LOINC, '29463-7', 'Body weight', 'Poids'),
  height: () => concept(LOINC, '8302-2', 'Body height', 'Taille'),
  bmi: () => concept(LOINC, '39156-5', 'Body mass index (BMI) [Ratio]', 'Indice de masse corporelle'),
  // The FHIR vital-signs profile asks for 2708-6 beside the pulse-oximetry code (FHIR R4 observation-vitalsigns).
  spo2: (): CodeableConcept => ({
    coding: [
      { system: LOINC, code: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry' },
      { system: LOINC, code: '2708-6', display: 'Oxygen saturation in Arterial blood' },
    ],
    text: 'Saturation en oxygène (SpO2)',
  }),
  // Point-of-care capillary glucose, taken at triage with the vital signs (not in FHIR's vital-signs profile).
  glucose: () =>
    concept(
      LOINC,
      '41653-7',
      'Glucose [Mass/volume] in Capillary blood by Glucometer',
      'Glycémie capillaire',
    ),
};

/** Age in years (fractional) between two instants. */
export function yearsBetween(from: number, to: number): number {
  return (to - from) / (365.25 * DAY);
}

/** The vital signs a nurse takes at this visit, by age and complaint. */
export function takeVitals(
  story: PatientStory,
  encounter: Encounter,
  visit: Visit,
  body: Body,
  age: number,
  conditions: ReadonlySet<ChronicKey>,
): number {
  const { random } = story;
  const at = visit.at - random.int(3, 15) * MINUTE;
  const nurse = story.nurse();
  const episode = visit.kind === 'acute' ? visit.episode : null;
  const fever = episode !== null && random.chance(episode.fever);
  const routine = visit.kind === 'routine';
  const child = age < 15;
  const weight = weightAt(body, age);
  const diabetic = conditions.has('diabetes2') || conditions.has('diabetes1');

  const measureBp = child ? age >= 6 && random.chance(0.1) : random.chance(0.85);
  if (measureBp) {
    const { systolic, diastolic } = bloodPressure(random, body, age, conditions);
    story.vital(encounter, at, nurse, vitalCodes.bloodPressure(), {
      component: [
        { code: vitalCodes.systolic(), valueQuantity: quantity(systolic, 'mmHg', 'mm[Hg]') },
        { code: vitalCodes.diastolic(), valueQuantity: quantity(diastolic, 'mmHg', 'mm[Hg]') },
      ],
    });
  }
  const measureWeight = age < 2 || random.chance(child ? 0.7 : 0.35);
  if (measureWeight)
    story.vital(encounter, at, nurse, vitalCodes.weight(), {
      valueQuantity: quantity(round(weight, age < 2 ? 2 : 1), 'kg', 'kg'),
    });
  const measureHeight = measureWeight && random.chance(age < 2 ? 0.7 : routine ? 0.6 : 0.12);
  if (measureHeight) {
    const height = heightAt(body, age);
    story.vital(encounter, at, nurse, vitalCodes.height(), {
      valueQuantity: quantity(round(height, 1), 'cm', 'cm'),
    });
    if (age >= 2) {
      const bmi = weight / (height / 100) ** 2;
      story.vital(encounter, at, nurse, vitalCodes.bmi(), {
        valueQuantity: quantity(round(bmi, 1), 'kg/m²', 'kg/m2'),
      });
    }
  }
  const temperature = bodyTemperature(random, fever, age);
  if (episode && (fever || random.chance(0.2)))
    story.vital(encounter, at, nurse, vitalCodes.temperature(), {
      valueQuantity: quantity(round(temperature, 1), '°C', 'Cel'),
    });
  if (random.chance(child ? (age < 2 ? 0.15 : 0.05) : 0.2))
    story.vital(encounter, at, nurse, vitalCodes.heartRate(), {
      valueQuantity: quantity(heartRate(random, age, fever ? temperature : 36.8, conditions), '/min', '/min'),
    });
  const respiratory = episode?.respiratory === true;
  if ((respiratory && random.chance(0.7)) || (conditions.has('copd') && random.chance(0.5)))
    story.vital(encounter, at, nurse, vitalCodes.spo2(), {
      valueQuantity: quantity(oxygenSaturation(random, respiratory, conditions), '%', '%'),
    });
  if (!child && (diabetic ? random.chance(0.7) : routine && age >= 40 && random.chance(0.4)))
    story.vital(encounter, at, nurse, vitalCodes.glucose(), {
      valueQuantity: quantity(round(capillaryGlucose(random, diabetic), 2), 'g/L', 'g/L'),
    });
  return weight;
}

/** The tests ordered at a visit, sampled on a following morning and reported a day or so later. */
export function orderLabs(
  story: PatientStory,
  encounter: Encounter,
  at: number,
  tests: LabTest[],
  age: number,
  sex: Sex,
  conditions: ReadonlySet<ChronicKey>,
): void {
  const { random } = story;
  // Blood taken fasting at the laboratory on a following working morning (07:00–09:30 local);
  // results that afternoon or the next day, never in the future.
  const morning = workingDay(at + random.int(1, 3) * DAY, story.country, 1);
  const sampled = morning + 6 * HOUR + random.int(0, 10) * 15 * MINUTE;
  const issued = Math.min(story.now - HOUR, sampled + random.int(5, 30) * HOUR);
  if (issued <= sampled) return;
  const profile = new LabProfile(random, age, sex, conditions);
  for (const test of tests) story.labResult(test, profile.value(test.code), sex, encounter, sampled, issued);
}

/** A known allergy, recorded when the patient was first seen, with the reaction it caused. */
export function addAllergy(
  story: PatientStory,
  allergy: AllergyModel,
  recorded: number,
  birth: number,
): void {
  const { random, catalogue } = story;
  const onset = Math.max(birth + 30 * DAY, recorded - random.int(30, 3000) * DAY);
  const code: CodeableConcept = allergy.atc
    ? {
        coding: [{ system: SYSTEM.atc, code: allergy.atc, display: allergy.atcDisplay ?? allergy.text }],
        text: allergy.text,
      }
    : { text: allergy.text };
  story.add<AllergyIntolerance>({
    resourceType: 'AllergyIntolerance',
    id: story.ids.take(),
    meta: story.meta(recorded),
    clinicalStatus: coded(SYSTEM.allergyClinical, 'active'),
    verificationStatus: coded(SYSTEM.allergyVerification, random.chance(0.8) ? 'confirmed' : 'unconfirmed'),
    type: 'allergy',
    category: [allergy.category],
    criticality: allergy.criticality,
    code,
    patient: { ...story.patientRef },
    onsetDateTime: dateOnly(onset),
    recordedDate: instant(recorded),
    recorder: { ...story.doctor },
    reaction: [
      {
        manifestation: [icd10Concept(catalogue.icd10(random.pick(allergy.reactions)))],
        severity: allergy.criticality === 'high' ? 'severe' : 'mild',
      },
    ],
  });
}

/** One dose of the national schedule, given by the nurse or the midwife. */
export function addImmunization(story: PatientStory, entry: ScheduledDose, at: number): void {
  const { random } = story;
  const vaccine = story.catalogue.vaccines.get(entry.vaccine) as Vaccine;
  const nurse = story.nurse();
  story.add<Immunization>({
    resourceType: 'Immunization',
    id: story.ids.take(),
    meta: story.meta(at),
    status: 'completed',
    vaccineCode: {
      coding: [
        { system: SYSTEM.cvx, code: vaccine.cvx, display: vaccine.en },
        { system: SYSTEM.atc, code: vaccine.atc },
      ],
      text: vaccine.fr,
    },
    patient: { ...story.patientRef },
    occurrenceDateTime: instant(at),
    recorded: instant(at),
    primarySource: true,
    lotNumber: `${vaccine.id.slice(0, 2).toUpperCase()}${new Date(at).getUTCFullYear() % 100}${random.int(1000, 9999)}`,
    route: { text: routeText[vaccine.route] },
    performer: [{ actor: nurse }],
    protocolApplied: [{ series: entry.series, doseNumberPositiveInt: entry.dose }],
  });
}

/** A future consultation or vaccination session, on a working day, in a free slot after now. */
export function addAppointment(
  story: PatientStory,
  when: number,
  reason: Icd10Code,
  description: string,
  type: 'FOLLOWUP' | 'ROUTINE' | 'CHECKUP',
  withNurse = false,
): void {
  const { random } = story;
  let start = clinicTime(workingDay(when, story.country, 1), random);
  // A slot earlier today than now is gone: the next working day.
  while (start <= story.now) start = clinicTime(workingDay(start + DAY, story.country, 1), random);
  const minutes = type === 'ROUTINE' ? 15 : 20;
  const created = Math.max(story.now - random.int(1, 60) * DAY, start - 180 * DAY);
  story.add<Appointment>({
    resourceType: 'Appointment',
    id: story.ids.take(),
    meta: { versionId: '1', lastUpdated: instant(Math.min(story.now, created + random.int(1, 30) * MINUTE)) },
    status: 'booked',
    appointmentType: coded(SYSTEM.appointmentType, type),
    reasonCode: [icd10Concept(reason)],
    description,
    start: instant(start),
    end: instant(start + minutes * MINUTE),
    minutesDuration: minutes,
    created: instant(Math.min(story.now, created)),
    participant: [
      { actor: { ...story.patientRef }, required: 'required', status: 'accepted' },
      { actor: withNurse ? story.nurse() : { ...story.doctor }, required: 'required', status: 'accepted' },
    ],
  });
}
