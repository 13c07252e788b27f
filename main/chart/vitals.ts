/**
 * Recording vital signs and reading their trends. Values outside plausible ranges are refused
 * (VITALS_IMPLAUSIBLE, naming each field), never half-written; the BMI is computed here from the
 * weight and the height measured with it or, failing that, the latest height on record (for a
 * child or adolescent, only one measured within the last year: they grow).
 */
import type { Encounter, Observation } from '@medplum/fhirtypes';
import {
  vitalKinds,
  vitalRanges,
  vitalsProblems,
  type VitalKind,
  type VitalReading,
  type VitalsInput,
  type VitalsRecorded,
  type VitalsSeries,
} from '../contract/chart-types';
import { TabibError } from '../errors';
import type { LocalRecord } from '../record/local-record';
import {
  ageInYears,
  assertOfPatient,
  clinicDate,
  openEncounter,
  patientResources,
  practitionerReference,
  readPatient,
  type ChartContext,
} from './chart-context';
import { assertWritableVisit } from './visits';
import { bmiObservation, vitalKindOf, vitalObservations, vitalReading } from './vital-signs';

const DAY = 86_400_000;
/** A measurement taken later than now (beyond a clock's drift) is a typing error. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

export interface RecordVitalsRequest {
  patientId: string;
  encounterId?: string | undefined;
  /** When measured (FHIR dateTime with offset); now by default. */
  effective?: string | undefined;
  values: VitalsInput;
}

function latestHeight(
  record: LocalRecord,
  patientId: string,
  notBefore: number | null,
): { value: number; observationId: string } | null {
  for (const stored of patientResources<Observation>(record, patientId, 'Observation', {
    jsonLike: '%"8302-2"%',
    limit: 20,
  })) {
    if (vitalKindOf(stored.resource) !== 'height') continue;
    const reading = vitalReading(stored.resource, null);
    if (!reading) continue;
    if (notBefore !== null && new Date(reading.date).getTime() < notBefore) return null;
    return { value: reading.value, observationId: reading.observationId };
  }
  return null;
}

export function recordVitals(context: ChartContext, request: RecordVitalsRequest): VitalsRecorded {
  const { record, actor } = context;
  const problems = vitalsProblems(request.values);
  if (Object.keys(problems).length > 0)
    throw new TabibError(
      'VITALS_IMPLAUSIBLE',
      `Implausible vital signs: ${Object.keys(problems).join(', ')}`,
      {
        fields: problems,
        ranges: Object.fromEntries(
          Object.keys(problems).map((field) => [field, vitalRanges[field as keyof typeof vitalRanges]]),
        ),
      },
    );
  const effective = request.effective ?? context.now.toISOString();
  const effectiveMs = new Date(effective).getTime();
  if (Number.isNaN(effectiveMs) || effectiveMs > context.now.getTime() + FUTURE_TOLERANCE_MS)
    throw new TabibError('CHART_DATE_INVALID', `${effective} is in the future`, {
      field: 'effective',
      problem: 'future',
    });

  return record.queries.transaction(() => {
    const patient = readPatient(record, request.patientId);
    let encounterId: string | null = null;
    if (request.encounterId) {
      const encounter = record.store.read<Encounter>('Encounter', request.encounterId);
      if (!encounter)
        throw new TabibError('RESOURCE_NOT_FOUND', `Encounter/${request.encounterId} is not in the record`);
      assertOfPatient(encounter, request.patientId);
      assertWritableVisit(encounter);
      encounterId = request.encounterId;
    } else {
      encounterId = (openEncounter(record, request.patientId)?.resource.id as string | undefined) ?? null;
    }
    const observationContext = {
      patientId: request.patientId,
      encounterId,
      effective,
      performer: practitionerReference(context),
    };
    const created = vitalObservations(request.values, observationContext).map(
      (observation) => record.store.create(observation, actor).resource,
    );

    const age = ageInYears(patient.birthDate, clinicDate(context.now, context.country));
    const weight = created.find((observation) => vitalKindOf(observation) === 'weight');
    // WHO: BMI from 2 years of age (below, weight-for-length).
    if (weight && (age === null || age >= 2)) {
      const heightHere = created.find((observation) => vitalKindOf(observation) === 'height');
      const height = heightHere
        ? { value: heightHere.valueQuantity?.value as number, observationId: heightHere.id as string }
        : latestHeight(record, request.patientId, age !== null && age < 18 ? effectiveMs - 365 * DAY : null);
      if (height) {
        const bmi = bmiObservation(
          { value: weight.valueQuantity?.value as number, observationId: weight.id as string },
          height,
          observationContext,
        );
        created.push(record.store.create(bmi, actor).resource);
      }
    }
    const adult = age === null ? null : age >= 18;
    return {
      readings: created.flatMap((observation) => vitalReading(observation, adult) ?? []),
      encounterId,
    };
  });
}

/** Every kind's readings, oldest first, the newest `perKind` of each (for trend charts and the table). */
export function vitalsSeries(context: ChartContext, patientId: string, perKind: number): VitalsSeries {
  const { record } = context;
  return record.queries.transaction(() => {
    const patient = readPatient(record, patientId);
    const age = ageInYears(patient.birthDate, clinicDate(context.now, context.country));
    const series = Object.fromEntries(vitalKinds.map((kind) => [kind, [] as VitalReading[]])) as VitalsSeries;
    const full = new Set<VitalKind>();
    for (const stored of patientResources<Observation>(record, patientId, 'Observation', {
      jsonLike: '%"vital-signs"%',
    })) {
      const reading = vitalReading(stored.resource, age === null ? null : age >= 18);
      if (!reading || full.has(reading.kind)) continue;
      const list = series[reading.kind];
      list.push(reading);
      if (list.length >= perKind) {
        full.add(reading.kind);
        if (full.size === vitalKinds.length) break;
      }
    }
    for (const kind of vitalKinds) series[kind].reverse();
    return series;
  });
}
