/**
 * The chart's read model through the contract, on seeded demonstration patients: the summary holds
 * exactly what the record says (each expectation computed here from the stored resources, not
 * from main/chart), and the timeline pages through visits and events newest first.
 */
import type {
  AllergyIntolerance,
  Appointment,
  Condition,
  Encounter,
  MedicationRequest,
  Observation,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChartSummary, TimelineEntry, TimelinePage } from '../../main/contract/chart-types';
import {
  CHART_NOW,
  chartWorkstation,
  findPatient,
  refusal,
  resourcesOf,
  type ChartWorkstation,
} from './chart-workstation';

let station: ChartWorkstation;

beforeAll(async () => {
  station = await chartWorkstation({ patients: 40, seed: 7 });
});
afterAll(async () => {
  await station.close();
});

const code = (concept: { coding?: { code?: string }[] } | undefined) => concept?.coding?.[0]?.code;
const LOINC_KIND: Record<string, string> = {
  '85354-9': 'bloodPressure',
  '8867-4': 'heartRate',
  '8310-5': 'temperature',
  '29463-7': 'weight',
  '8302-2': 'height',
  '39156-5': 'bmi',
  '59408-5': 'spo2',
  '41653-7': 'glucose',
};

describe('chart.summary', () => {
  it('holds the active allergies, active problems, current medications, last vitals and upcoming appointments', async () => {
    const patientId = findPatient(
      station,
      (id) =>
        resourcesOf(station.record, id, 'AllergyIntolerance').length > 0 &&
        resourcesOf<MedicationRequest>(station.record, id, 'MedicationRequest').some(
          (r) => r.status === 'active',
        ) &&
        resourcesOf<Observation>(station.record, id, 'Observation').some(
          (o) => code(o.category?.[0]) === 'vital-signs',
        ),
    );
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    const { record } = station;

    const allergies = resourcesOf<AllergyIntolerance>(record, patientId, 'AllergyIntolerance').filter(
      (allergy) => code(allergy.clinicalStatus) === 'active',
    );
    expect(summary.allergies.map((allergy) => allergy.allergyId).sort()).toEqual(
      allergies.map((a) => a.id).sort(),
    );
    for (const allergy of summary.allergies) {
      const stored = allergies.find((candidate) => candidate.id === allergy.allergyId)!;
      expect(allergy.substance.text).toBe(stored.code?.text);
      expect(allergy.criticality).toBe(stored.criticality);
    }
    // Severe allergies raise an alert each.
    expect(
      summary.alerts
        .filter((alert) => alert.kind === 'severeAllergy')
        .map((alert) => alert.kind === 'severeAllergy' && alert.allergyId),
    ).toEqual(
      summary.allergies
        .filter((allergy) => allergy.criticality === 'high')
        .map((allergy) => allergy.allergyId),
    );

    // The problem list's active problems, and active diagnoses of the last 30 days.
    const monthAgo = new Date(new Date(CHART_NOW).getTime() - 30 * 86_400_000).toISOString();
    const problems = resourcesOf<Condition>(record, patientId, 'Condition').filter(
      (condition) =>
        (code(condition.category?.[0]) === 'problem-list-item' || condition.onsetDateTime! >= monthAgo) &&
        ['active', 'recurrence', 'relapse'].includes(code(condition.clinicalStatus) ?? ''),
    );
    expect(summary.problems.map((problem) => problem.conditionId).sort()).toEqual(
      problems.map((p) => p.id).sort(),
    );
    for (const problem of summary.problems) {
      expect(problem.concept.code).toMatch(/^[A-Z]\d{2}/);
      expect(problem.concept.labels.ar).toBeTruthy();
    }

    const medications = resourcesOf<MedicationRequest>(record, patientId, 'MedicationRequest').filter(
      (request) => request.status === 'active',
    );
    expect(summary.medications.map((m) => m.medicationRequestId).sort()).toEqual(
      medications.map((m) => m.id).sort(),
    );
    expect(summary.medications.every((medication) => medication.concept.text.length > 0)).toBe(true);

    // The newest reading of each kind, with its date.
    const newest = new Map<string, Observation>();
    for (const observation of resourcesOf<Observation>(record, patientId, 'Observation')) {
      const kind = LOINC_KIND[code(observation.code) ?? ''];
      if (!kind || code(observation.category?.[0]) !== 'vital-signs') continue;
      const known = newest.get(kind);
      if (!known || observation.effectiveDateTime! > known.effectiveDateTime!) newest.set(kind, observation);
    }
    expect(new Set(summary.vitals.map((reading) => reading.kind))).toEqual(new Set(newest.keys()));
    for (const reading of summary.vitals) {
      const observation = newest.get(reading.kind)!;
      expect(reading.date).toBe(observation.effectiveDateTime);
      if (reading.kind === 'bloodPressure') {
        expect(reading.value).toBe(observation.component![0]!.valueQuantity!.value);
        expect(reading.diastolic).toBe(observation.component![1]!.valueQuantity!.value);
      } else expect(reading.value).toBe(observation.valueQuantity!.value);
    }

    const upcoming = resourcesOf<Appointment>(record, patientId, 'Appointment')
      .filter(
        (appointment) =>
          appointment.status === 'booked' && appointment.start! >= new Date(CHART_NOW).toISOString(),
      )
      .sort((a, b) => a.start!.localeCompare(b.start!));
    expect(summary.appointments.map((appointment) => appointment.appointmentId)).toEqual(
      upcoming.slice(0, 5).map((appointment) => appointment.id),
    );

    const encounters = resourcesOf<Encounter>(record, patientId, 'Encounter');
    expect(summary.counts.Encounter ?? 0).toBe(encounters.length);
    expect(summary.counts.Observation).toBe(resourcesOf(record, patientId, 'Observation').length);
    const last = encounters.sort((a, b) => b.period!.start!.localeCompare(a.period!.start!))[0];
    expect(summary.lastVisit?.encounterId ?? null).toBe(last?.id ?? null);
    expect(summary.openVisit).toBeNull();
  });

  it('raises an alert for an abnormal recent vital sign, and none for a normal one', async () => {
    const patientId = findPatient(station, (id) => {
      const patient = resourcesOf<{ resourceType: 'Patient'; birthDate?: string }>(
        station.record,
        id,
        'Patient',
      )[0];
      return Boolean(patient?.birthDate && patient.birthDate < '1990');
    });
    await station.chart('chart.recordVitals', {
      patientId,
      values: { systolic: 185, diastolic: 112, spo2: 98 },
    });
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    const bp = summary.vitals.find((reading) => reading.kind === 'bloodPressure')!;
    expect(bp).toMatchObject({
      value: 185,
      diastolic: 112,
      flag: 'criticalHigh',
      date: new Date(CHART_NOW).toISOString(),
    });
    const vitalAlerts = summary.alerts.filter((alert) => alert.kind === 'abnormalVital');
    expect(vitalAlerts).toEqual([{ kind: 'abnormalVital', severity: 'danger', reading: bp }]);
    expect(summary.vitals.find((reading) => reading.kind === 'spo2')?.flag).toBeNull();
  });

  it('warns of the national schedule’s overdue doses, as the Immunizations tab computes them', async () => {
    // A child of 14 months with no vaccination recorded.
    const patientId = 'c0ffee00-0000-4000-8000-000000000014';
    station.record.store.importRemote(
      [
        {
          resourceType: 'Patient',
          id: patientId,
          birthDate: '2025-09-10',
          gender: 'female',
          name: [{ family: 'Test', given: ['Nour'] }],
        },
      ],
      station.host.services.record.actor(),
      { description: 'chart tests: a child' },
    );
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    const schedule = await station.chart<{
      schedule: { status: string; dueDate: string; dose: number; vaccine: { fr: string } }[];
    }>('chart.immunizations', { patientId });
    const overdue = schedule.schedule.filter((dose) => dose.status === 'overdue');
    expect(overdue.length).toBeGreaterThan(3);
    const alert = summary.alerts.find((candidate) => candidate.kind === 'overdueImmunizations');
    expect(
      alert?.kind === 'overdueImmunizations' &&
        alert.doses.map((dose) => [dose.vaccine.fr, dose.dose, dose.dueDate]),
    ).toEqual(overdue.map((dose) => [dose.vaccine.fr, dose.dose, dose.dueDate]));
    // An adult whose childhood is beyond the record's horizon has none.
    const adult = findPatient(
      station,
      (id) =>
        (resourcesOf<{ resourceType: 'Patient'; birthDate?: string }>(station.record, id, 'Patient')[0]
          ?.birthDate ?? '9') < '1990',
    );
    const adultSummary = await station.chart<ChartSummary>('chart.summary', { patientId: adult });
    expect(adultSummary.alerts.some((candidate) => candidate.kind === 'overdueImmunizations')).toBe(false);
  });

  it('refuses an unknown patient, and a reader without the permission', async () => {
    expect((await refusal(station.chart('chart.summary', { patientId: 'nobody-here' }))).code).toBe(
      'RESOURCE_NOT_FOUND',
    );
    expect((await refusal(station.chart('chart.summary', { patientId: 'not an id!' }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    await station.actAs('administrator', 'admin-chart');
    expect((await refusal(station.chart('chart.summary', { patientId: station.patientIds[0] }))).code).toBe(
      'PERMISSION_DENIED',
    );
    await station.actAs('doctor');
  });
});

describe('chart.timeline', () => {
  it('pages through visits and events newest first, each once, visits with their diagnoses and medicines', async () => {
    // The patient with the most visits.
    const patientId = [...station.patientIds].sort(
      (a, b) =>
        resourcesOf(station.record, b, 'Encounter').length -
        resourcesOf(station.record, a, 'Encounter').length,
    )[0]!;
    expect(resourcesOf(station.record, patientId, 'Encounter').length).toBeGreaterThanOrEqual(3);
    const entries: TimelineEntry[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page: TimelinePage = await station.chart('chart.timeline', {
        patientId,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.entries.length).toBeLessThanOrEqual(2);
      entries.push(...page.entries);
      cursor = page.next ?? undefined;
      pages += 1;
    } while (cursor && pages < 200);
    expect(cursor).toBeUndefined();
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(entries.length);
    const dates = entries.map((entry) => entry.date ?? '');
    expect(dates).toEqual([...dates].sort().reverse());

    const { record } = station;
    const encounters = resourcesOf<Encounter>(record, patientId, 'Encounter');
    const visits = entries.filter((entry) => entry.kind === 'visit');
    expect(visits.map((visit) => visit.id).sort()).toEqual(
      encounters.map((encounter) => encounter.id).sort(),
    );
    // Diagnoses are shown inside their visit, not again on their own.
    const conditions = resourcesOf<Condition>(record, patientId, 'Condition');
    for (const condition of conditions) {
      const listed = entries.some((entry) => entry.id === condition.id);
      expect(listed).toBe(code(condition.category?.[0]) === 'problem-list-item');
      const visit = visits.find((entry) => entry.id === condition.encounter?.reference?.split('/')[1]);
      if (visit && code(condition.category?.[0]) === 'encounter-diagnosis')
        expect(visit.diagnoses.map((diagnosis) => diagnosis.code)).toContain(code(condition.code));
    }
    const prescriptions = resourcesOf<MedicationRequest>(record, patientId, 'MedicationRequest');
    for (const request of prescriptions) {
      const visit = visits.find((entry) => entry.id === request.encounter?.reference?.split('/')[1]);
      expect(visit?.medications).toContain(request.medicationCodeableConcept?.text);
    }
    const immunizations = resourcesOf(record, patientId, 'Immunization');
    expect(entries.filter((entry) => entry.kind === 'immunization')).toHaveLength(immunizations.length);
  });
});
