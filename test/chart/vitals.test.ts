/**
 * Vital signs through the contract: LOINC-coded vital-signs Observations linked to the open visit,
 * the BMI computed in main (from the weight and the height taken with it, else the latest one),
 * implausible values refused with the field named and nothing written, trends oldest first.
 */
import type { Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StartedVisit, VisitView, VitalsRecorded, VitalsSeries } from '../../main/contract/chart-types';
import {
  CHART_NOW,
  chartWorkstation,
  findPatient,
  refusal,
  resourcesOf,
  tableCounts,
  trailOf,
  type ChartWorkstation,
} from './chart-workstation';

let station: ChartWorkstation;
let adultId: string;

beforeAll(async () => {
  station = await chartWorkstation({ patients: 20, seed: 9 });
  adultId = findPatient(
    station,
    (id) => (resourcesOf<Patient>(station.record, id, 'Patient')[0]?.birthDate ?? '9') < '1995',
  );
});
afterAll(async () => {
  await station.close();
});

const loinc = (observation: Observation) => observation.code.coding?.map((coding) => coding.code);

describe('chart.recordVitals', () => {
  it('writes each kind as its LOINC vital-signs Observation, linked to the open visit, and computes the BMI', async () => {
    const { visit } = await station.chart<StartedVisit>('chart.startVisit', { patientId: adultId });
    const recorded = await station.chart<VitalsRecorded>('chart.recordVitals', {
      patientId: adultId,
      values: {
        systolic: 132,
        diastolic: 84,
        heartRate: 76,
        temperature: 37.24,
        weight: 81.4,
        height: 172,
        spo2: 97,
        glucose: 1.12,
      },
    });
    expect(recorded.encounterId).toBe(visit.encounterId);
    const byKind = Object.fromEntries(recorded.readings.map((reading) => [reading.kind, reading]));
    expect(Object.keys(byKind).sort()).toEqual(
      ['bloodPressure', 'bmi', 'glucose', 'heartRate', 'height', 'spo2', 'temperature', 'weight'].sort(),
    );
    // 81.4 / 1.72² = 27.515… → 27.5; the temperature to one decimal.
    expect(byKind.bmi).toMatchObject({ value: 27.5, unit: 'kg/m²', flag: null });
    expect(byKind.temperature!.value).toBe(37.2);
    expect(byKind.bloodPressure).toMatchObject({ value: 132, diastolic: 84, unit: 'mmHg' });

    for (const reading of recorded.readings) {
      const observation = station.record.store.read<Observation>('Observation', reading.observationId)!;
      expect(observation.category?.[0]?.coding?.[0]?.code).toBe('vital-signs');
      expect(observation.encounter?.reference).toBe(`Encounter/${visit.encounterId}`);
      expect(observation.effectiveDateTime).toBe(new Date(CHART_NOW).toISOString());
      expect(observation.performer?.[0]?.reference).toBe(station.practitioner());
      expect(trailOf(station.record, 'Observation', reading.observationId)).toEqual({
        outbox: [{ operation: 'create', version: 1, practitioner: station.practitioner() }],
        audit: [{ action: 'C', practitioner: station.practitioner(), patient_id: adultId }],
      });
    }
    const panel = station.record.store.read<Observation>('Observation', byKind.bloodPressure!.observationId)!;
    expect(loinc(panel)).toEqual(['85354-9']);
    expect(
      panel.component?.map((component) => [component.code.coding?.[0]?.code, component.valueQuantity?.value]),
    ).toEqual([
      ['8480-6', 132],
      ['8462-4', 84],
    ]);
    const codes = Object.fromEntries(
      recorded.readings.map((reading) => [
        reading.kind,
        loinc(station.record.store.read<Observation>('Observation', reading.observationId)!),
      ]),
    );
    expect(codes).toMatchObject({
      heartRate: ['8867-4'],
      temperature: ['8310-5'],
      weight: ['29463-7'],
      height: ['8302-2'],
      bmi: ['39156-5'],
      spo2: ['59408-5', '2708-6'],
      glucose: ['41653-7'],
    });
    const bmi = station.record.store.read<Observation>('Observation', byKind.bmi!.observationId)!;
    expect(bmi.derivedFrom?.map((reference) => reference.reference).sort()).toEqual(
      [`Observation/${byKind.weight!.observationId}`, `Observation/${byKind.height!.observationId}`].sort(),
    );
    const read = await station.chart<VisitView>('chart.visit', { encounterId: visit.encounterId });
    expect(read.vitals.map((reading) => reading.observationId).sort()).toEqual(
      recorded.readings.map((reading) => reading.observationId).sort(),
    );
  });

  it('computes the BMI from a weight alone with the latest height on record', async () => {
    const recorded = await station.chart<VitalsRecorded>('chart.recordVitals', {
      patientId: adultId,
      values: { weight: 90 },
    });
    // 90 / 1.72² = 30.42… → 30.4, obese by WHO's adult bands.
    expect(recorded.readings.find((reading) => reading.kind === 'bmi')).toMatchObject({
      value: 30.4,
      flag: 'high',
    });
  });

  it('refuses implausible values, naming each field, and writes nothing', async () => {
    const before = tableCounts(station.record);
    const refused = await refusal(
      station.chart('chart.recordVitals', {
        patientId: adultId,
        values: { systolic: 400, diastolic: 80, temperature: 52, spo2: 101, weight: 70 },
      }),
    );
    expect(refused).toMatchObject({
      code: 'VITALS_IMPLAUSIBLE',
      details: {
        fields: { systolic: 'range', temperature: 'range', spo2: 'range' },
        ranges: { systolic: { min: 50, max: 300, unit: 'mmHg' }, temperature: { min: 30, max: 45 } },
      },
    });
    const inverted = await refusal(
      station.chart('chart.recordVitals', { patientId: adultId, values: { systolic: 80, diastolic: 120 } }),
    );
    expect(inverted).toMatchObject({
      code: 'VITALS_IMPLAUSIBLE',
      details: { fields: { diastolic: 'order' } },
    });
    const half = await refusal(
      station.chart('chart.recordVitals', { patientId: adultId, values: { systolic: 120 } }),
    );
    expect(half).toMatchObject({ code: 'VITALS_IMPLAUSIBLE', details: { fields: { diastolic: 'range' } } });
    expect(
      (await refusal(station.chart('chart.recordVitals', { patientId: adultId, values: {} }))).code,
    ).toBe('INVALID_ARGUMENT');
    const future = await refusal(
      station.chart('chart.recordVitals', {
        patientId: adultId,
        effective: '2026-11-23T09:00:00+01:00',
        values: { heartRate: 70 },
      }),
    );
    expect(future).toMatchObject({ code: 'CHART_DATE_INVALID', details: { field: 'effective' } });
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('refuses a visit of another patient', async () => {
    const { visit } = await station.chart<StartedVisit>('chart.startVisit', { patientId: adultId });
    const other = station.patientIds.find((id) => id !== adultId)!;
    const refused = await refusal(
      station.chart('chart.recordVitals', {
        patientId: other,
        encounterId: visit.encounterId,
        values: { heartRate: 70 },
      }),
    );
    expect(refused.code).toBe('CHART_PATIENT_MISMATCH');
  });

  it('is recorded by doctors and nurses; a radiologist may not', async () => {
    await station.actAs('radiologist', 'chart-radiologist');
    expect(
      (await refusal(station.chart('chart.recordVitals', { patientId: adultId, values: { heartRate: 70 } })))
        .code,
    ).toBe('PERMISSION_DENIED');
    await station.actAs('nurse', 'chart-nurse');
    const recorded = await station.chart<VitalsRecorded>('chart.recordVitals', {
      patientId: adultId,
      values: { heartRate: 112 },
    });
    expect(recorded.readings[0]).toMatchObject({ kind: 'heartRate', value: 112, flag: 'high' });
    await station.actAs('doctor');
  });
});

describe('chart.vitalsSeries', () => {
  it('gives each kind’s readings oldest first, the seeded history and today’s', async () => {
    const series = await station.chart<VitalsSeries>('chart.vitalsSeries', { patientId: adultId });
    for (const readings of Object.values(series)) {
      const dates = readings.map((reading) => reading.date);
      expect(dates).toEqual([...dates].sort());
    }
    const weights = series.weight.map((reading) => reading.value);
    expect(weights.slice(-2)).toEqual([81.4, 90]);
    const stored = resourcesOf<Observation>(station.record, adultId, 'Observation').filter(
      (o) => loinc(o)?.[0] === '29463-7',
    );
    expect(series.weight).toHaveLength(stored.length);
    expect(series.heartRate.at(-1)?.value).toBe(112);
    const limited = await station.chart<VitalsSeries>('chart.vitalsSeries', {
      patientId: adultId,
      perKind: 1,
    });
    expect(limited.weight.map((reading) => reading.value)).toEqual([90]);
  });
});
