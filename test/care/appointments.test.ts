/**
 * Appointments through the contract: booking in the clinic's own time, the double booking of a
 * practitioner refused (and nothing written), rescheduling and cancelling with their versions,
 * outbox and audit entries, and a practitioner's calendar.
 */
import type { Appointment } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  AppointmentView,
  BookablePractitioners,
  PatientAppointments,
} from '../../main/contract/care-types';
import { DEMO_ACTOR_ID } from '../../main/record/demo/practitioners';
import {
  careWorkstation,
  refusal,
  wallClock,
  tableCounts,
  trailOf,
  type CareWorkstation,
} from './care-workstation';

let station: CareWorkstation;
const doctor = `Practitioner/${DEMO_ACTOR_ID}`;

beforeAll(async () => {
  // The services' clock: Sunday 22 November 2026, 09:30 in Rabat.
  station = await careWorkstation({ country: 'MA', now: '2026-11-22T09:30:00+01:00' });
});
afterAll(async () => {
  await station.close();
});

const book = (overrides: Record<string, unknown> = {}) =>
  station.call<AppointmentView>('appointments.book', {
    patientId: station.patientIds[0],
    practitionerId: station.practitionerId,
    start: '2026-11-23T10:00',
    type: 'FOLLOWUP',
    description: 'Contrôle tensionnel',
    ...overrides,
  });

describe('who can be booked', () => {
  it('lists the record’s practitioners, doctors first, in both scripts, with the one acting and the clinic’s zone', async () => {
    const bookable = await station.call<BookablePractitioners>('appointments.practitioners');
    expect(bookable.timeZone).toBe('Africa/Casablanca');
    expect(bookable.self).toBe(DEMO_ACTOR_ID);
    expect(bookable.now).toBe(new Date('2026-11-22T09:30:00+01:00').toISOString());
    expect(bookable.clinicNow).toEqual({ date: '2026-11-22', time: '09:30' });
    // The demonstration's five staff and the tests' own doctor.
    expect(bookable.practitioners).toHaveLength(6);
    const roles = bookable.practitioners.map((practitioner) => practitioner.role);
    expect(roles.slice(0, 4)).toEqual(['doctor', 'doctor', 'doctor', 'doctor']);
    expect(roles.slice(4).sort()).toEqual(['midwife', 'nurse']);
    expect(bookable.practitioners.find((practitioner) => practitioner.id === DEMO_ACTOR_ID)).toMatchObject({
      latin: 'Dr Salma Haddad',
      arabic: 'د. سلمى حداد',
    });
  });
});

describe('who cannot be booked', () => {
  it('leaves out a practitioner whose accounts are an administrator’s only, or disabled', async () => {
    const account = async (username: string, roles: string[]) => {
      const created = await station.call<{ id: string; practitioner: { reference: string } }>(
        'users.create',
        {
          username,
          displayName: username,
          roles,
          password: 'correct horse battery staple',
        },
      );
      return { id: created.id, practitionerId: created.practitioner.reference.replace('Practitioner/', '') };
    };
    const administrator = await account('omar.admin', ['administrator']);
    const nurse = await account('hind.nurse', ['nurse']);
    const listed = async () =>
      (await station.call<BookablePractitioners>('appointments.practitioners')).practitioners.map(
        (practitioner) => practitioner.id,
      );
    expect(await listed()).toContain(nurse.practitionerId);
    expect(await listed()).not.toContain(administrator.practitionerId);
    const refused = await refusal(
      book({ practitionerId: administrator.practitionerId, start: '2026-12-01T10:00' }),
    );
    expect(refused.code).toBe('RESOURCE_NOT_FOUND');

    await station.call('users.update', { id: nurse.id, disabled: true });
    expect(await listed()).not.toContain(nurse.practitionerId);
    // The demonstration's staff without accounts, and the tests' own doctor, stay bookable.
    expect(await listed()).toContain(station.practitionerId);
  });
});

describe('booking', () => {
  let first: AppointmentView;

  it('books 15 minutes by default, at the clinic’s wall-clock time, with outbox and audit entries', async () => {
    first = await book();
    // Rabat is UTC+1 in November (outside Ramadan).
    expect(first).toMatchObject({
      status: 'booked',
      start: '2026-11-23T09:00:00.000Z',
      end: '2026-11-23T09:15:00.000Z',
      minutes: 15,
      local: { date: '2026-11-23', start: '10:00', end: '10:15' },
      type: 'FOLLOWUP',
      description: 'Contrôle tensionnel',
      practitioner: { id: station.practitionerId, display: 'Dr Nadia Tazi' },
      version: 1,
    });
    expect(wallClock(first.start, 'Africa/Casablanca')).toBe('2026-11-23T10:00');
    expect(first.patient.id).toBe(station.patientIds[0]);
    const stored = station.record.store.read<Appointment>('Appointment', first.id);
    expect(stored).toMatchObject({
      status: 'booked',
      start: '2026-11-23T09:00:00.000Z',
      end: '2026-11-23T09:15:00.000Z',
      minutesDuration: 15,
      appointmentType: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0276', code: 'FOLLOWUP' }],
      },
      participant: [
        { actor: { reference: `Patient/${station.patientIds[0]}` }, status: 'accepted' },
        { actor: { reference: `Practitioner/${station.practitionerId}` }, status: 'accepted' },
      ],
    });
    expect(trailOf(station.record, 'Appointment', first.id)).toEqual({
      outbox: [{ operation: 'create', version: 1, practitioner: doctor }],
      audit: [{ action: 'C', practitioner: doctor, patient_id: station.patientIds[0] }],
    });
  });

  it('refuses to double-book the practitioner, saying with which appointment, and writes nothing', async () => {
    const before = tableCounts(station.record);
    for (const attempt of [
      { start: '2026-11-23T10:10' },
      { start: '2026-11-23T09:50', minutes: 20 },
      { start: '2026-11-23T09:30', minutes: 60 },
      // The same moment given as an instant with offset, and for another patient.
      { start: '2026-11-23T09:05:00Z', patientId: station.patientIds[1] },
    ]) {
      const error = await refusal(book(attempt));
      expect(error).toMatchObject({
        code: 'APPOINTMENT_CONFLICT',
        details: { appointmentId: first.id, date: '2026-11-23', start: '10:00', end: '10:15' },
      });
    }
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('books back to back, and another practitioner at the same time', async () => {
    const next = await book({ start: '2026-11-23T10:15', patientId: station.patientIds[1] });
    expect(next.local).toEqual({ date: '2026-11-23', start: '10:15', end: '10:30' });
    const before = await book({ start: '2026-11-23T09:45', patientId: station.patientIds[2] });
    expect(before.local.end).toBe('10:00');
    const colleague = await book({ practitionerId: DEMO_ACTOR_ID, start: '2026-11-23T22:00' });
    expect(colleague.practitioner?.id).toBe(DEMO_ACTOR_ID);
  });

  it.each([
    ['a time that has passed', { start: '2026-11-22T09:00' }, 'APPOINTMENT_IN_PAST'],
    ['a date that does not exist', { start: '2026-11-31T10:00' }, 'APPOINTMENT_TIME_INVALID'],
    ['a time without minutes', { start: '2026-11-23T10' }, 'INVALID_ARGUMENT'],
    ['an unknown practitioner', { practitionerId: 'no-such-doctor' }, 'RESOURCE_NOT_FOUND'],
    ['an unknown patient', { patientId: 'no-such-patient' }, 'RESOURCE_NOT_FOUND'],
    ['a length of 3 minutes', { start: '2026-11-24T10:00', minutes: 3 }, 'INVALID_ARGUMENT'],
    ['a type HL7 table 0276 does not have', { start: '2026-11-24T10:00', type: 'LATER' }, 'INVALID_ARGUMENT'],
  ])('refuses %s', async (_what, attempt, code) => {
    const before = tableCounts(station.record);
    expect((await refusal(book(attempt))).code).toBe(code);
    expect(tableCounts(station.record)).toEqual(before);
  });
});

describe('rescheduling and cancelling', () => {
  it('moves an appointment (a new version), frees its old time, and keeps the double-booking check', async () => {
    const appointment = await book({ start: '2026-11-25T11:00', patientId: station.patientIds[3] });
    const blocker = await book({ start: '2026-11-25T15:00', patientId: station.patientIds[2] });

    // A few minutes later overlaps its own old time only: allowed.
    const nudged = await station.call<AppointmentView>('appointments.reschedule', {
      id: appointment.id,
      version: appointment.version,
      start: '2026-11-25T11:05',
    });
    expect(nudged).toMatchObject({ version: 2, local: { start: '11:05', end: '11:20' } });

    const conflict = await refusal(
      station.call('appointments.reschedule', {
        id: appointment.id,
        version: nudged.version,
        start: '2026-11-25T14:50',
      }),
    );
    expect(conflict).toMatchObject({ code: 'APPOINTMENT_CONFLICT', details: { appointmentId: blocker.id } });

    const stale = await refusal(
      station.call('appointments.reschedule', { id: appointment.id, version: 1, start: '2026-11-26T09:00' }),
    );
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 1, current: 2 } });

    const past = await refusal(
      station.call('appointments.reschedule', {
        id: appointment.id,
        version: nudged.version,
        start: '2026-11-21T09:00',
      }),
    );
    expect(past.code).toBe('APPOINTMENT_IN_PAST');

    const moved = await station.call<AppointmentView>('appointments.reschedule', {
      id: appointment.id,
      version: nudged.version,
      start: '2026-11-26T09:00',
      minutes: 30,
    });
    expect(moved).toMatchObject({
      id: appointment.id,
      version: 3,
      minutes: 30,
      local: { date: '2026-11-26', start: '09:00', end: '09:30' },
    });
    // The old time is free again.
    const taker = await book({ start: '2026-11-25T11:00', patientId: station.patientIds[1] });
    expect(taker.status).toBe('booked');
    expect(
      trailOf(station.record, 'Appointment', appointment.id).outbox.map((entry) => entry.operation),
    ).toEqual(['create', 'update', 'update']);
  });

  it('cancels with a reason, frees the time, and refuses to change a cancelled appointment', async () => {
    const appointment = await book({ start: '2026-11-27T08:30', patientId: station.patientIds[2] });
    const empty = await refusal(
      station.call('appointments.cancel', { id: appointment.id, version: appointment.version, reason: ' ' }),
    );
    expect(empty.code).toBe('INVALID_ARGUMENT');

    const cancelled = await station.call<AppointmentView>('appointments.cancel', {
      id: appointment.id,
      version: appointment.version,
      reason: 'Patiente hospitalisée',
    });
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      cancellationReason: 'Patiente hospitalisée',
      version: 2,
    });
    expect(station.record.store.read<Appointment>('Appointment', appointment.id)).toMatchObject({
      status: 'cancelled',
      cancelationReason: { text: 'Patiente hospitalisée' },
    });
    expect(trailOf(station.record, 'Appointment', appointment.id).audit).toEqual([
      { action: 'C', practitioner: doctor, patient_id: station.patientIds[2] },
      { action: 'U', practitioner: doctor, patient_id: station.patientIds[2] },
    ]);

    const again = await refusal(
      station.call('appointments.cancel', { id: appointment.id, version: 2, reason: 'encore' }),
    );
    expect(again).toMatchObject({ code: 'APPOINTMENT_NOT_BOOKED', details: { status: 'cancelled' } });
    const moved = await refusal(
      station.call('appointments.reschedule', { id: appointment.id, version: 2, start: '2026-11-30T09:00' }),
    );
    expect(moved.code).toBe('APPOINTMENT_NOT_BOOKED');

    const taker = await book({ start: '2026-11-27T08:30', patientId: station.patientIds[3] });
    expect(taker.status).toBe('booked');
  });

  it('lists a patient’s appointments oldest first, cancelled ones included, with the services’ clock', async () => {
    const patientId = station.patientIds[2] as string;
    const listed = await station.call<PatientAppointments>('appointments.list', { patientId });
    expect(listed.timeZone).toBe('Africa/Casablanca');
    expect(listed.now).toBe(new Date('2026-11-22T09:30:00+01:00').toISOString());
    const starts = listed.appointments.map((appointment) => appointment.start);
    expect(starts).toEqual([...starts].sort());
    const mine = listed.appointments.filter(
      (appointment) => appointment.practitioner?.id === station.practitionerId,
    );
    expect(
      mine.map((appointment) => [appointment.local.date, appointment.local.start, appointment.status]),
    ).toEqual([
      ['2026-11-23', '09:45', 'booked'],
      ['2026-11-25', '15:00', 'booked'],
      ['2026-11-27', '08:30', 'cancelled'],
    ]);
    // Every appointment listed is this patient's.
    for (const appointment of listed.appointments) expect(appointment.patient.id).toBe(patientId);
  });
});
