/**
 * Lab results through the real services: results entered from a paper report (labs.record) come
 * back by test (chart.labs) with their unit, the reference range for the patient's sex
 * (resources/terminology/lab-tests.json unless the result brings its own), an abnormal flag coded
 * in v3-ObservationInterpretation — H, L, or critical HH/LL beyond the critical limits —, a trend
 * series, and the DiagnosticReport that holds them. The seeded record reads the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DiagnosticReport, Observation } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabChartView, LabTestView, RecordedLabs } from '../../main/contract/medication-types';
import type { AuditTrailEntry } from '../../main/contract/types';
import { DEMO_ACTOR_ID } from '../../main/record/demo/generator';
import { repository } from '../support/test-workstation';
import { failure, medicationWorkstation, type MedicationWorkstation } from './medication-workstation';

interface FileTest {
  code: string;
  fr: string;
  unit: string;
  unitDisplay?: string;
  reference: { sex?: string; low?: number; high?: number }[];
}
const labTests = (
  JSON.parse(readFileSync(join(repository, 'resources', 'terminology', 'lab-tests.json'), 'utf8')) as {
    tests: FileTest[];
  }
).tests;
const fileTest = (code: string) => labTests.find((test) => test.code === code)!;
const rangeFor = (code: string, sex: string) => {
  const test = fileTest(code);
  return test.reference.find((range) => range.sex === sex) ?? test.reference.find((range) => !range.sex)!;
};

const HBA1C = '4548-4';
const POTASSIUM = '2823-3';
const HAEMOGLOBIN = '718-7';
const CREATININE = '2160-0';
const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

let station: MedicationWorkstation;
beforeAll(async () => {
  station = await medicationWorkstation();
});
afterAll(() => station.close());

const chart = (patientId: string) => station.call<LabChartView>('chart.labs', { patientId });
const testOf = (view: LabChartView, code: string) =>
  view.tests.find((test) => test.code === code) as LabTestView;

describe('lab results entered from paper', () => {
  it('are flagged against the range for the patient’s sex, critical beyond the critical limits', async () => {
    const woman = station.patient({ birthDate: '1968-02-11', gender: 'female' });
    const recorded = await station.call<RecordedLabs>('labs.record', {
      patientId: woman.id,
      effective: '2026-11-18',
      issued: '2026-11-19',
      laboratory: 'Laboratoire Ibn Sina, Rabat',
      results: [
        { code: HBA1C, value: 8.1 },
        { code: POTASSIUM, value: 6.8, comment: 'Prélèvement hémolysé ?' },
        { code: HAEMOGLOBIN, value: 11.5 },
        { code: CREATININE, value: 12 },
      ],
    });
    expect(recorded.results.map((result) => [result.value, result.flag, result.critical])).toEqual([
      [8.1, 'H', false],
      [6.8, 'HH', true],
      [11.5, 'L', false],
      // 12 mg/L is above a woman's range (5–11), within a man's (7–13).
      [12, 'H', false],
    ]);
    for (const [index, code] of [HBA1C, POTASSIUM, HAEMOGLOBIN, CREATININE].entries()) {
      const range = rangeFor(code, 'female');
      expect(recorded.results[index]!.range).toEqual({
        low: range.low ?? null,
        high: range.high ?? null,
        text: null,
        source: 'result',
      });
    }

    // As the record keeps them: one Observation per test, coded, with its range and interpretation.
    const potassium = station.record.store.read<Observation>('Observation', recorded.observationIds[1]!)!;
    expect(potassium).toMatchObject({
      status: 'final',
      category: [{ coding: [{ code: 'laboratory' }] }],
      code: { coding: [{ system: 'http://loinc.org', code: POTASSIUM }], text: fileTest(POTASSIUM).fr },
      subject: { reference: `Patient/${woman.id}` },
      effectiveDateTime: '2026-11-18',
      issued: '2026-11-19T00:00:00Z',
      performer: [{ display: 'Laboratoire Ibn Sina, Rabat' }],
      valueQuantity: { value: 6.8, unit: 'mmol/L', system: 'http://unitsofmeasure.org', code: 'mmol/L' },
      interpretation: [{ coding: [{ system: INTERPRETATION, code: 'HH' }] }],
      referenceRange: [{ low: { value: 3.5 }, high: { value: 5 } }],
      note: [{ text: 'Prélèvement hémolysé ?' }],
    });
    const report = station.record.store.read<DiagnosticReport>('DiagnosticReport', recorded.reportId)!;
    expect(report).toMatchObject({
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '11502-2' }] },
      result: recorded.observationIds.map((id) => ({ reference: `Observation/${id}` })),
    });
    // Each with its outbox and audit entries naming the practitioner.
    const audit = await station.call<AuditTrailEntry[]>('record.auditTrail', { patientId: woman.id });
    for (const id of recorded.observationIds) {
      expect(station.outbox('Observation', id)).toEqual([
        { operation: 'create', practitioner: `Practitioner/${DEMO_ACTOR_ID}` },
      ]);
      expect(audit.some((entry) => entry.entity === `Observation/${id}` && entry.action === 'C')).toBe(true);
    }

    // The chart: by test, with the report, and the same flags.
    const view = await chart(woman.id);
    expect(view.reports).toMatchObject([{ id: recorded.reportId, observationIds: recorded.observationIds }]);
    expect(testOf(view, POTASSIUM)).toMatchObject({
      labels: { fr: fileTest(POTASSIUM).fr },
      unit: 'mmol/L',
      results: [{ value: 6.8, flag: 'HH', critical: true, reportId: recorded.reportId }],
    });
    // The entry form's choices carry the range for her sex, and the critical limits.
    expect(view.definitions.find((definition) => definition.code === CREATININE)?.range).toEqual({
      low: rangeFor(CREATININE, 'female').low,
      high: rangeFor(CREATININE, 'female').high,
    });
    const potassiumDefinition = view.definitions.find((definition) => definition.code === POTASSIUM);
    expect(potassiumDefinition?.critical?.high).toBeLessThan(6.8);
    expect(potassiumDefinition?.critical?.high).toBeGreaterThan(rangeFor(POTASSIUM, 'female').high!);
  });

  it('give a trend per test, oldest first, with the newest result on top of the list', async () => {
    const man = station.patient({ birthDate: '1958-09-01', gender: 'male' });
    for (const [effective, value] of [
      ['2026-03-02', 9.4],
      ['2025-09-15', 7.2],
      ['2026-09-10', 7.9],
    ] as const)
      await station.call('labs.record', { patientId: man.id, effective, results: [{ code: HBA1C, value }] });
    const view = await chart(man.id);
    const hba1c = testOf(view, HBA1C);
    expect(hba1c.trend.map((point) => [point.at, point.value, point.flag])).toEqual([
      ['2025-09-15', 7.2, 'H'],
      ['2026-03-02', 9.4, 'H'],
      ['2026-09-10', 7.9, 'H'],
    ]);
    expect(hba1c.results.map((result) => result.effective)).toEqual([
      '2026-09-10',
      '2026-03-02',
      '2025-09-15',
    ]);
    expect(view.reports).toHaveLength(3);
  });

  it('take the range a result brings over the terminology’s, and the laboratory’s interpretation over a computed one', async () => {
    const patient = station.patient({ birthDate: '1990-05-05', gender: 'male' });
    const observation = (value: number, extra: Partial<Observation>) =>
      station.write<Observation>({
        resourceType: 'Observation',
        status: 'final',
        category: [
          {
            coding: [
              { system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' },
            ],
          },
        ],
        code: { coding: [{ system: 'http://loinc.org', code: POTASSIUM }] },
        subject: { reference: `Patient/${patient.id}` },
        effectiveDateTime: '2026-11-02',
        valueQuantity: { value, unit: 'mmol/L' },
        ...extra,
      });
    // 5.05 is above the terminology's 5.0, within this laboratory's 5.1.
    observation(5.05, { referenceRange: [{ low: { value: 3.4 }, high: { value: 5.1 } }] });
    observation(4.2, {
      effectiveDateTime: '2026-11-03',
      interpretation: [{ coding: [{ system: INTERPRETATION, code: 'A' }] }],
    });
    const results = testOf(await chart(patient.id), POTASSIUM).results;
    expect(results.map((result) => [result.value, result.flag, result.range?.source])).toEqual([
      [4.2, 'A', 'terminology'],
      [5.05, 'N', 'result'],
    ]);
  });

  it('refuse an unknown test, a date in the future or before birth, a negative value, a test given twice', async () => {
    const child = station.patient({ birthDate: '2020-01-01', gender: 'female' });
    const record = (entry: Record<string, unknown>) =>
      failure(
        station.call('labs.record', {
          patientId: child.id,
          effective: '2026-11-20',
          results: [{ code: HBA1C, value: 5 }],
          ...entry,
        }),
      );
    expect((await record({ results: [{ code: '99999-9', value: 1 }] })).code).toBe('LAB_TEST_UNKNOWN');
    expect((await record({ effective: '2026-11-23' })).code).toBe('CLINICAL_DATE_INVALID');
    expect((await record({ effective: '2019-12-31' })).code).toBe('CLINICAL_DATE_INVALID');
    expect((await record({ effective: '2026-11-20', issued: '2026-11-19' })).code).toBe(
      'CLINICAL_DATE_INVALID',
    );
    expect((await record({ results: [{ code: HBA1C, value: -1 }] })).code).toBe('INVALID_ARGUMENT');
    expect((await record({ effective: '20/11/2026' })).code).toBe('INVALID_ARGUMENT');
    expect(
      (
        await record({
          results: [
            { code: HBA1C, value: 5 },
            { code: HBA1C, value: 6 },
          ],
        })
      ).code,
    ).toBe('INVALID_ARGUMENT');
    expect((await chart(child.id)).tests).toEqual([]);
  });
});

describe('the seeded record', () => {
  it('reads with the generator’s ranges and flags, recomputed where the laboratory gave none', async () => {
    const seeded = station
      .resources<Observation>('Observation')
      .filter((observation) => observation.category?.[0]?.coding?.[0]?.code === 'laboratory');
    expect(seeded.length).toBeGreaterThan(10);
    const withFlag = seeded.find((observation) => observation.interpretation)!;
    const patientId = withFlag.subject!.reference!.split('/')[1]!;
    const view = await chart(patientId);
    const own = station
      .resources<Observation>('Observation')
      .filter(
        (observation) =>
          observation.subject?.reference === `Patient/${patientId}` &&
          observation.category?.[0]?.coding?.[0]?.code === 'laboratory',
      );
    expect(view.tests.flatMap((test) => test.results)).toHaveLength(own.length);
    for (const observation of own) {
      const result = view.tests
        .flatMap((test) => test.results)
        .find((candidate) => candidate.observationId === observation.id)!;
      const recorded = observation.interpretation?.[0]?.coding?.[0]?.code;
      // The generator writes H or L when out of range, nothing when within: Tabib reads N.
      expect(result.flag).toBe(recorded ?? 'N');
      expect(result.range?.source).toBe('result');
    }
    // Vital signs are not lab results.
    expect(view.tests.some((test) => test.code === '8480-6' || test.code === '85354-9')).toBe(false);
  });
});
