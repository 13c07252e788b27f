/**
 * Immunizations against the national schedule, through the real services with the clock fixed at
 * 22 November 2026: a Moroccan baby at two months (birth doses given, the two-month doses due), a
 * toddler at eighteen months, a child whose doses are overdue, an older child whose infancy the
 * record does not hold; the Algerian and Tunisian calendars; recording a dose.
 */
import type { Immunization } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImmunizationChartView, ScheduledDoseView } from '../../main/contract/medication-types';
import { DEMO_ACTOR_ID } from '../../main/record/demo/generator';
import { failure, medicationWorkstation, type MedicationWorkstation } from './medication-workstation';

let station: MedicationWorkstation;
beforeAll(async () => {
  station = await medicationWorkstation('MA');
});
afterAll(() => station.close());

const chart = (patientId: string) =>
  station.call<ImmunizationChartView>('chart.immunizations', { patientId });
const record = (patientId: string, vaccine: string, dose: number, date: string, extra: object = {}) =>
  station.call<ImmunizationChartView>('immunizations.record', { patientId, vaccine, dose, date, ...extra });

/** "DTP 1: due" for each dose of the schedule at an age. */
const statusesAt = (view: ImmunizationChartView, ageMonths: number) =>
  view.schedule
    .filter((dose) => dose.ageMonths === ageMonths)
    .map((dose) => `${dose.series} ${dose.dose}: ${dose.status}`);
const dose = (view: ImmunizationChartView, series: string, number: number) =>
  view.schedule.find((entry) => entry.series === series && entry.dose === number) as ScheduledDoseView;

describe('the Moroccan schedule (PNI)', () => {
  it('at two months: the birth doses given, the two-month doses due, the rest upcoming', async () => {
    const baby = station.patient({ birthDate: '2026-09-22', gender: 'male' });
    for (const vaccine of ['BCG', 'HepB', 'bOPV']) await record(baby.id, vaccine, 1, '2026-09-23');
    const view = await chart(baby.id);
    expect(view).toMatchObject({ country: 'MA', birthDate: '2026-09-22', asOf: '2026-11-22T08:30:00.000Z' });
    expect(statusesAt(view, 0)).toEqual(['BCG 1: given', 'HepB 1: given', 'Polio 1: given']);
    expect(statusesAt(view, 2)).toEqual(['DTP 1: due', 'Polio 2: due', 'PCV 1: due', 'Rota 1: due']);
    expect(dose(view, 'DTP', 1)).toMatchObject({
      dueDate: '2026-11-22',
      vaccine: { id: 'Penta', cvx: '102' },
    });
    expect(statusesAt(view, 3)).toEqual(['DTP 2: upcoming', 'Polio 3: upcoming', 'Rota 2: upcoming']);
    expect(dose(view, 'MR', 1)).toMatchObject({ status: 'upcoming', dueDate: '2027-06-22' });
    // The HPV dose is for girls.
    expect(view.schedule.some((entry) => entry.series === 'HPV')).toBe(false);
    expect(dose(view, 'BCG', 1).given).toMatchObject({ date: '2026-09-23', vaccine: { id: 'BCG' } });
  });

  it('at eighteen months: the eighteen-month doses due, the five-year ones upcoming', async () => {
    const toddler = station.patient({ birthDate: '2025-05-22', gender: 'female' });
    const given: [string, number, string][] = [
      ['BCG', 1, '2025-05-23'],
      ['HepB', 1, '2025-05-23'],
      ['bOPV', 1, '2025-05-23'],
      ['Penta', 1, '2025-07-23'],
      ['bOPV', 2, '2025-07-23'],
      ['PCV', 1, '2025-07-23'],
      ['Rota', 1, '2025-07-23'],
      ['Penta', 2, '2025-08-25'],
      ['bOPV', 3, '2025-08-25'],
      ['Rota', 2, '2025-08-25'],
      ['Penta', 3, '2025-09-22'],
      ['bOPV', 4, '2025-09-22'],
      ['IPV', 1, '2025-09-22'],
      ['PCV', 2, '2025-09-22'],
      ['MR', 1, '2026-02-23'],
      ['PCV', 3, '2026-05-25'],
    ];
    for (const [vaccine, number, date] of given) await record(toddler.id, vaccine, number, date);
    const view = await chart(toddler.id);
    expect(
      view.schedule.filter((entry) => entry.ageMonths <= 12).every((entry) => entry.status === 'given'),
    ).toBe(true);
    expect(statusesAt(view, 18)).toEqual(['DTP 4: due', 'Polio 5: due', 'MR 2: due']);
    expect(statusesAt(view, 60)).toEqual(['DTP 5: upcoming', 'Polio 6: upcoming']);
    // A girl born in 2025 reaches eleven after the HPV vaccine came in (2022): hers.
    expect(dose(view, 'HPV', 1)).toMatchObject({ status: 'upcoming', dueDate: '2036-05-22' });
  });

  it('overdue: doses more than four weeks past their age, matched by vaccine when the series is not written', async () => {
    const child = station.patient({ birthDate: '2026-06-15', gender: 'male' });
    // A birth dose recorded elsewhere without its series or dose number: matched by its CVX code.
    station.write<Immunization>({
      resourceType: 'Immunization',
      status: 'completed',
      vaccineCode: { coding: [{ system: 'http://hl7.org/fhir/sid/cvx', code: '19' }], text: 'BCG' },
      patient: { reference: `Patient/${child.id}` },
      occurrenceDateTime: '2026-06-16',
    });
    const view = await chart(child.id);
    expect(statusesAt(view, 0)).toEqual(['BCG 1: given', 'HepB 1: overdue', 'Polio 1: overdue']);
    // Two months fell on 15 August, three on 15 September, four on 15 October (38 days ago).
    expect(statusesAt(view, 2)).toEqual([
      'DTP 1: overdue',
      'Polio 2: overdue',
      'PCV 1: overdue',
      'Rota 1: overdue',
    ]);
    expect(statusesAt(view, 4)).toEqual([
      'DTP 3: overdue',
      'Polio 4: overdue',
      'IPV 1: overdue',
      'PCV 2: overdue',
    ]);
    expect(statusesAt(view, 9)).toEqual(['MR 1: upcoming']);
  });

  it('a dose at the end of its four weeks is still due, the day after overdue', async () => {
    const born = (birthDate: string) => station.patient({ birthDate, gender: 'female' });
    // Two months on 25 October: 28 days before 22 November.
    expect(dose(await chart(born('2026-08-25').id), 'DTP', 1).status).toBe('due');
    expect(dose(await chart(born('2026-08-24').id), 'DTP', 1).status).toBe('overdue');
  });

  it('does not call overdue what the record cannot hold: doses due before its six years', async () => {
    const child = station.patient({ birthDate: '2016-11-01', gender: 'female' });
    const view = await chart(child.id);
    expect(statusesAt(view, 0)).toEqual([
      'BCG 1: notRecorded',
      'HepB 1: notRecorded',
      'Polio 1: notRecorded',
    ]);
    // Five years fell on 1 November 2021, inside the record's six years.
    expect(statusesAt(view, 60)).toEqual(['DTP 5: overdue', 'Polio 6: overdue']);
    // Eleven fell on 1 November 2027: HPV upcoming.
    expect(dose(view, 'HPV', 1).status).toBe('upcoming');
  });
});

describe('the Algerian and Tunisian calendars', () => {
  it('follow the patient’s country', async () => {
    const algerian = station.patient({ birthDate: '2026-09-22', gender: 'female', country: 'DZ' });
    const dz = await chart(algerian.id);
    expect(dz.country).toBe('DZ');
    expect(statusesAt(dz, 2)).toEqual(['DTP 1: due', 'Polio 2: due', 'IPV 1: due', 'PCV 1: due']);
    expect(statusesAt(dz, 11)).toEqual(['MMR 1: upcoming']);

    const tunisian = station.patient({ birthDate: '2026-09-22', gender: 'male', country: 'TN' });
    const tn = await chart(tunisian.id);
    expect(tn.country).toBe('TN');
    // No oral polio at birth in Tunisia: the first polio dose is IPV at two months.
    expect(statusesAt(tn, 0)).toEqual(['BCG 1: overdue', 'HepB 1: overdue']);
    expect(statusesAt(tn, 2)).toEqual(['DTP 1: due', 'IPV 1: due', 'PCV 1: due']);
  });
});

describe('recording a dose', () => {
  it('writes an Immunization with its series, through the store, and refuses the same dose twice', async () => {
    const baby = station.patient({ birthDate: '2026-09-22', gender: 'female' });
    const view = await record(baby.id, 'Penta', 1, '2026-11-22', { lot: 'PE26-4411' });
    expect(dose(view, 'DTP', 1)).toMatchObject({
      status: 'given',
      given: { date: '2026-11-22', lot: 'PE26-4411' },
    });
    const stored = station
      .resources<Immunization>('Immunization')
      .find((immunization) => immunization.patient.reference === `Patient/${baby.id}`)!;
    expect(stored).toMatchObject({
      status: 'completed',
      vaccineCode: {
        coding: [
          { system: 'http://hl7.org/fhir/sid/cvx', code: '102' },
          { system: 'http://www.whocc.no/atc', code: 'J07CA11' },
        ],
      },
      occurrenceDateTime: '2026-11-22',
      primarySource: true,
      lotNumber: 'PE26-4411',
      protocolApplied: [{ series: 'DTP', doseNumberPositiveInt: 1 }],
      performer: [{ actor: { reference: `Practitioner/${DEMO_ACTOR_ID}` } }],
    });
    expect(station.outbox('Immunization', stored.id!)).toEqual([
      { operation: 'create', practitioner: `Practitioner/${DEMO_ACTOR_ID}` },
    ]);
    expect((await failure(record(baby.id, 'Penta', 1, '2026-11-22'))).code).toBe(
      'IMMUNIZATION_ALREADY_RECORDED',
    );
  });

  it('records a dose copied from the booklet as reported, and refuses an unknown vaccine or an impossible date', async () => {
    const baby = station.patient({ birthDate: '2026-09-22', gender: 'male' });
    await record(baby.id, 'HepB', 1, '2026-09-22', { source: 'reported' });
    const stored = station
      .resources<Immunization>('Immunization')
      .find((immunization) => immunization.patient.reference === `Patient/${baby.id}`)!;
    expect(stored.primarySource).toBe(false);
    expect(stored.reportOrigin?.coding?.[0]?.code).toBe('record');
    expect(stored.performer).toBeUndefined();
    expect((await failure(record(baby.id, 'Smallpox', 1, '2026-10-01'))).code).toBe('VACCINE_UNKNOWN');
    expect((await failure(record(baby.id, 'BCG', 1, '2026-09-21'))).code).toBe('CLINICAL_DATE_INVALID');
    expect((await failure(record(baby.id, 'BCG', 1, '2026-11-23'))).code).toBe('CLINICAL_DATE_INVALID');
    expect((await failure(record(baby.id, 'BCG', 0, '2026-10-01'))).code).toBe('INVALID_ARGUMENT');
  });

  it('reads the seeded children’s immunizations against their schedule', async () => {
    const seeded = station
      .resources<Immunization>('Immunization')
      .filter((immunization) => immunization.meta?.versionId === '1');
    expect(seeded.length).toBeGreaterThan(0);
    const patientId = seeded[0]!.patient.reference!.split('/')[1]!;
    const view = await chart(patientId);
    const theirs = seeded.filter((immunization) => immunization.patient.reference === `Patient/${patientId}`);
    // Every seeded dose is a dose of the schedule, given on or after the age it is due.
    expect(view.other).toEqual([]);
    const given = view.schedule.filter((entry) => entry.status === 'given');
    expect(given).toHaveLength(theirs.length);
    for (const entry of given) expect(entry.given!.date!.slice(0, 10) >= entry.dueDate!).toBe(true);
  });
});
