/**
 * Synthetic Maghreb patients for the demonstration and the benchmarks: `generatePatientRecord`
 * turns (seed, index) into one patient and about ten FHIR R4 resources of their record —
 * encounters with vital signs, coded problems, prescriptions consistent with them, allergies,
 * immunizations following the national schedule, lab results, future appointments — shaped as the
 * national record service would serve them (ids, meta.versionId, meta.lastUpdated).
 *
 * Deterministic: the same (seed, index, now) always gives the same patient, and patient #N is
 * made without making patients 0..N-1. Fast: the benchmark generates a million patients.
 */
import type { Encounter, Identifier, Patient, Practitioner, Resource } from '@medplum/fhirtypes';
import type { Country } from '../../contract/types';
import { DAY, HOUR, addYears, clinicTime, dateOnly, instant, startOfDay, workingDay } from './calendar';
import { catalogueFor, vaccineReason, type Catalogue, type ResolvedPrescription } from './catalogue';
import { ageGroup, type AcuteModel, type AllergyModel, type ChronicKey, type Sex } from './clinical-model';
import { DemoIds } from './demo-ids';
import { drawAddress, drawAge, drawNames, drawPhone } from './demographics';
import { SYSTEM, coded } from './fhir-coding';
import { planImmunizations } from './immunization-plan';
import {
  PatientStory,
  addAllergy,
  addAppointment,
  addImmunization,
  orderLabs,
  takeVitals,
  yearsBetween,
  type ChronicCondition,
  type Visit,
} from './patient-story';
import { drawBody, weightAt } from './physiology';
import { generateDemoPractitioners, staffOf } from './practitioners';
import { SeededRandom, type WeightedTable } from './seeded-random';
import type { LabTest, Terminology } from './terminology';

export { generateDemoPractitioners };
export { DEMO_ACTOR_DISPLAY, DEMO_ACTOR_ID, DEMO_ORGANIZATION_ID } from './practitioners';

export interface PatientRecordRequest {
  country: Country;
  seed: number;
  /** The patient's number in the seed's sequence (0, 1, 2…): any order, any subset. */
  index: number;
  /** "Today" for the record: ages, past encounters and future appointments are relative to it. */
  now: Date;
  terminology: Terminology;
  /** The facility's staff, from generateDemoPractitioners (already in the record). */
  practitioners: Practitioner[];
  /** The country profile's identifier generator, drawing from the random source it is given. */
  nationalId: (random: () => number) => Identifier;
}

export interface GeneratedPatientRecord {
  patient: Patient;
  resources: Resource[];
}

/** The shared record holds six years of history; encounters come from the last three. */
const HORIZON_YEARS = 6;
const ENCOUNTER_YEARS = 3;
/** Independent PRNG streams of one patient (see SeededRandom): who they are, their national identifier, their record. */
const PERSON_STREAM = 0;
const IDENTIFIER_STREAM = 1;
const STORY_STREAM = 2;

/** Swaps a prescription the patient is allergic to for the usual alternative. */
function avoidingAllergies(
  set: ResolvedPrescription[],
  avoided: readonly string[],
  catalogue: Catalogue,
  child: boolean,
): ResolvedPrescription[] {
  if (avoided.length === 0) return set;
  return set.map((resolved) => {
    const prefix = avoided.find((candidate) => resolved.medication.atc.startsWith(candidate));
    if (!prefix) return resolved;
    if (prefix.startsWith('J01')) return child ? catalogue.substitutes.child : catalogue.substitutes.adult;
    return child ? catalogue.substitutes.analgesicChild : catalogue.substitutes.analgesicAdult;
  });
}

export function generatePatientRecord(request: PatientRecordRequest): GeneratedPatientRecord {
  const { country, seed, index, now, terminology, practitioners, nationalId } = request;
  const catalogue = catalogueFor(terminology, country);
  const staff = staffOf(practitioners);
  const ids = new DemoIds(seed, index);
  const patientId = ids.take();
  const nowMs = now.getTime();
  const today = startOfDay(nowMs);

  // Who they are, from a stream of its own: a change to the clinical model below leaves every
  // patient's name, birth date and address as they were (and the demonstration recognisable).
  const person = new SeededRandom(seed, index, PERSON_STREAM);
  const sex: Sex = person.chance(0.505) ? 'female' : 'male';
  const age = drawAge(person, catalogue.people);
  const birth = addYears(today, -age) - person.int(1, 364) * DAY;
  const names = drawNames(person, catalogue.people, sex);
  const telecom = person.chance(0.95) ? [drawPhone(person, country)] : null;
  const address = person.chance(0.97) ? [drawAddress(person, catalogue.people, country)] : null;
  const language = catalogue.people.languages.draw(person)[0];
  const doctor = person.pick(staff.doctors);
  const child = age < 15;

  const random = new SeededRandom(seed, index, STORY_STREAM);
  const story = new PatientStory(random, ids, patientId, catalogue, country, now, staff, doctor);

  // Their long-term problems.
  const keys = new Set<ChronicKey>();
  const has = (key: ChronicKey) => keys.has(key);
  const chronic: ChronicCondition[] = [];
  for (const resolved of catalogue.chronic) {
    if (!random.chance(resolved.model.prevalence(age, sex, has))) continue;
    keys.add(resolved.model.key);
    const yearsAgo = random.uniform(0.2, Math.max(0.3, Math.min(12, age * 0.4)));
    const sets = age < 15 ? resolved.child : resolved.adult;
    chronic.push({
      resolved,
      code: resolved.codes.draw(random)[0],
      onset: Math.max(birth + DAY, nowMs - yearsAgo * 365.25 * DAY),
      treatment: random.pick(sets),
    });
  }
  const body = drawBody(random, sex, keys);

  const allergyList: AllergyModel[] = [];
  if (random.chance(child ? 0.06 : 0.09)) {
    const table = child ? catalogue.allergies.child : catalogue.allergies.adult;
    allergyList.push(table.draw(random));
    if (random.chance(0.1)) {
      const second = table.draw(random);
      if (second !== allergyList[0]) allergyList.push(second);
    }
  }
  const avoided = allergyList.flatMap((allergy) => (allergy.avoids ? [allergy.avoids] : []));

  // Their visits over the last three years, oldest first; the last is a follow-up if they have a chronic problem.
  const windowStart = Math.max(birth + 2 * DAY, addYears(today, -ENCOUNTER_YEARS));
  const windowEnd = today - DAY;
  let visitCount =
    age < 2
      ? 1 + (random.chance(0.5) ? 1 : 0) + (random.chance(0.2) ? 1 : 0)
      : child
        ? 1 + (random.chance(0.3) ? 1 : 0)
        : 1 +
          (random.chance(0.2) ? 1 : 0) +
          (chronic.length > 0 && random.chance(0.5) ? 1 : 0) +
          (chronic.length > 1 && random.chance(0.3) ? 1 : 0);
  if (windowEnd <= windowStart) visitCount = 0;
  const visitDays: number[] = [];
  for (let visit = 0; visit < visitCount; visit++) {
    let day = workingDay(random.uniform(windowStart, windowEnd), country, -1);
    if (day < windowStart) day = workingDay(windowStart + DAY, country, 1);
    visitDays.push(day);
  }
  // Someone with a chronic problem has been seen for it within the last six months.
  if (chronic.length > 0 && visitDays.length > 0) {
    const recent = workingDay(today - random.int(1, 180) * DAY, country, -1);
    visitDays[visitDays.length - 1] = Math.max(windowStart, recent);
  }
  visitDays.sort((a, b) => a - b);
  const acuteTables = catalogue.acute[ageGroup(age)] as Record<Sex, WeightedTable<AcuteModel>>;
  const visits: Visit[] = visitDays.map((day, position) => {
    const at = clinicTime(day, random);
    const main = chronic[0];
    if (main && (position === visitDays.length - 1 || random.chance(0.3)))
      return { kind: 'followUp', at, code: main.code, label: main.resolved.model.followUp };
    if (random.chance(child ? 0.7 : 0.75)) {
      const episode = acuteTables[sex].draw(random);
      return { kind: 'acute', at, episode, code: catalogue.icd10(episode.code) };
    }
    return {
      kind: 'routine',
      at,
      code: (child ? catalogue.routine.child : catalogue.routine.adult).draw(random)[0],
    };
  });

  // The problem list is known from the first visit (or from their onset, if later).
  const firstSeen = visits[0]?.at ?? nowMs - random.int(30, 700) * DAY;
  for (const entry of chronic) {
    const recorded = Math.max(entry.onset, Math.min(firstSeen, nowMs - HOUR));
    entry.condition = story.condition(entry.code, {
      category: 'problem-list-item',
      onset: entry.onset,
      recorded,
      recorder: { ...doctor },
    });
  }
  for (const allergy of allergyList) addAllergy(story, allergy, Math.min(firstSeen, nowMs - HOUR), birth);

  let lastFollowUp: Encounter | null = null;
  let lastFollowUpAt = 0;
  let lastFollowUpDoctor = doctor;
  let lastWeight = weightAt(body, age);
  let lastAcute: Visit | null = null;
  for (const visit of visits) {
    const ageThen = Math.max(0, yearsBetween(birth, visit.at));
    const practitioner = story.attending();
    const encounter = story.encounter(visit, practitioner);
    lastWeight = takeVitals(story, encounter, visit, body, ageThen, keys);
    if (visit.kind === 'acute') {
      lastAcute = visit;
      const diagnosis = random.chance(0.35)
        ? story.condition(visit.code, {
            category: 'encounter-diagnosis',
            onset: visit.at - random.int(1, 5) * DAY,
            recorded: visit.at,
            abatement: visit.at + random.int(5, 14) * DAY,
            encounter,
            recorder: { ...practitioner },
          })
        : undefined;
      const sets = ageThen < 15 ? visit.episode.child : visit.episode.adult;
      const chosen = catalogue.acutePrescriptions.get(random.pick(sets)) ?? [];
      for (const resolved of avoidingAllergies(chosen, avoided, catalogue, ageThen < 15))
        story.prescription(
          resolved,
          encounter,
          visit.at,
          { ...practitioner },
          { condition: diagnosis, code: visit.code },
          lastWeight,
          false,
        );
    } else if (visit.kind === 'followUp') {
      lastFollowUp = encounter;
      lastFollowUpAt = visit.at;
      lastFollowUpDoctor = practitioner;
    } else if (!child && age >= 40 && random.chance(0.5) && chronic.length === 0) {
      orderLabs(story, encounter, visit.at, catalogue.checkUpLabs, age, sex, keys);
    }
  }

  // The current treatment, renewed at the last follow-up, and the tests that watch it.
  if (lastFollowUp) {
    // One drug per therapeutic group (ATC level 4): a statin for dyslipidaemia and another for
    // the coronary disease is one statin, the one the later, more serious problem calls for.
    const current = new Map<string, { resolved: ResolvedPrescription; entry: ChronicCondition }>();
    for (const entry of chronic)
      for (const resolved of avoidingAllergies(entry.treatment, avoided, catalogue, age < 15))
        current.set(resolved.medication.atc.slice(0, 5), { resolved, entry });
    for (const { resolved, entry } of current.values())
      story.prescription(
        resolved,
        lastFollowUp,
        lastFollowUpAt,
        { ...lastFollowUpDoctor },
        { condition: entry.condition, code: entry.code },
        lastWeight,
        true,
      );
    const onAntivitaminK = chronic.some((entry) =>
      entry.treatment.some((item) => item.medication.atc.startsWith('B01AA')),
    );
    const tests: LabTest[] = [];
    for (const entry of chronic)
      for (const test of entry.resolved.labs)
        if (!tests.includes(test) && (test.code !== '6301-6' || onAntivitaminK)) tests.push(test);
    // A follow-up orders a handful of tests, not the whole panel of every condition.
    if (tests.length > 0 && random.chance(0.8))
      orderLabs(story, lastFollowUp, lastFollowUpAt, tests.slice(0, 3), age, sex, keys);
  }

  // Immunizations: the national schedule for the child's age, within the record's horizon.
  const plan = planImmunizations(random, catalogue.schedule, {
    country,
    sex,
    birth,
    now: nowMs,
    horizon: addYears(today, -HORIZON_YEARS),
    sinceMs: catalogue.sinceMs,
  });
  for (const dose of plan.given) addImmunization(story, dose.entry, dose.at);

  // What is booked next.
  const main = chronic[0];
  if (main) {
    const first = Math.max(lastFollowUpAt + random.int(30, 90) * DAY, nowMs + random.int(3, 45) * DAY);
    addAppointment(story, first, main.code, main.resolved.model.followUp, 'FOLLOWUP');
    if (random.chance(0.15))
      addAppointment(
        story,
        first + random.int(80, 100) * DAY,
        main.code,
        `${main.resolved.model.followUp} : contrôle avec le bilan`,
        'FOLLOWUP',
      );
  }
  if (plan.next && plan.next.at - nowMs < 183 * DAY) {
    const vaccine = plan.next.doses[0]?.vaccine ?? 'default';
    const reason = catalogue.icd10(vaccineReason[vaccine] ?? (vaccineReason.default as string));
    const names = plan.next.doses.map((dose) => catalogue.vaccines.get(dose.vaccine)?.fr ?? dose.vaccine);
    addAppointment(story, plan.next.at, reason, `Vaccination : ${names.join(', ')}`, 'ROUTINE', true);
  } else if (!main && lastAcute && nowMs - lastAcute.at < 14 * DAY && random.chance(0.5)) {
    addAppointment(
      story,
      Math.max(lastAcute.at + 7 * DAY, nowMs + DAY),
      lastAcute.code,
      'Consultation de contrôle',
      'FOLLOWUP',
    );
  } else if (!main && random.chance(0.12)) {
    const reason = (child ? catalogue.routine.child : catalogue.routine.adult).draw(random)[0];
    addAppointment(story, nowMs + random.int(7, 120) * DAY, reason, 'Bilan de santé', 'CHECKUP');
  }

  // The national identifier draws from its own stream: its generator may change how many
  // numbers it uses without changing anything else about the patient.
  const identifierRandom = new SeededRandom(seed, index, IDENTIFIER_STREAM);
  const registered = Math.max(
    birth + DAY,
    Math.min(firstSeen, plan.given[0]?.at ?? firstSeen) - random.int(0, 30) * DAY,
  );
  const updates = random.chance(0.2) ? 2 : 1;
  const patient: Patient = {
    resourceType: 'Patient',
    id: patientId,
    meta: {
      versionId: String(updates),
      lastUpdated: instant(
        updates === 1
          ? Math.min(nowMs, registered + HOUR)
          : registered + random.uniform(0.5, 1) * (nowMs - registered),
      ),
    },
    identifier: [nationalId(() => identifierRandom.next())],
    active: true,
    name: names,
    ...(telecom ? { telecom } : {}),
    gender: sex,
    birthDate: dateOnly(birth),
    ...(address ? { address } : {}),
    communication: [{ language: coded(SYSTEM.language, language), preferred: true }],
    generalPractitioner: [{ ...doctor }],
    managingOrganization: story.facility,
  };
  return { patient, resources: story.resources };
}
