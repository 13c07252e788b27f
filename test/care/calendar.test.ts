/**
 * A practitioner's calendar over a day and a week, in the clinic's time zone, which the services
 * take from the workstation's country: Africa/Casablanca (UTC+1, UTC+0 during Ramadan),
 * Africa/Algiers and Africa/Tunis (UTC+1). Day boundaries and wall-clock times are checked against
 * the runtime's Intl, independently of the services' dayjs.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type {
  AppointmentView,
  BookablePractitioners,
  PractitionerCalendar,
} from '../../main/contract/care-types';
import { APPOINTMENTS_STARTING_BETWEEN } from '../../main/care/appointments';
import type { Country } from '../../main/contract/types';
import { careWorkstation, refusal, wallClock, type CareWorkstation } from './care-workstation';

const HOUR = 3_600_000;

let station: CareWorkstation | null = null;
afterEach(async () => {
  await station?.close();
  station = null;
});
afterAll(async () => {
  await station?.close();
});

async function open(country: Country, now: string): Promise<CareWorkstation> {
  station = await careWorkstation({ country, now, patients: 3 });
  return station;
}

function bookWith(ws: CareWorkstation) {
  return (start: string, overrides: Record<string, unknown> = {}) =>
    ws.call<AppointmentView>('appointments.book', {
      patientId: ws.patientIds[0],
      practitionerId: ws.practitionerId,
      start,
      type: 'ROUTINE',
      ...overrides,
    });
}

const calendar = (ws: CareWorkstation, from: string, to: string, practitionerId = ws.practitionerId) =>
  ws.call<PractitionerCalendar>('appointments.calendar', { practitionerId, from, to });

describe('a week of one practitioner', () => {
  it('holds the practitioner’s standing appointments from Monday 00:00 to Sunday 24:00, in order', async () => {
    const ws = await open('MA', '2026-11-22T09:30:00+01:00');
    const book = bookWith(ws);
    const wednesday = await book('2026-11-25T14:00');
    const monday = await book('2026-11-23T08:30', { patientId: ws.patientIds[1] });
    const sundayNight = await book('2026-11-29T23:45');
    await book('2026-11-30T00:00'); // next week
    const cancelled = await book('2026-11-26T10:00');
    await ws.call('appointments.cancel', {
      id: cancelled.id,
      version: cancelled.version,
      reason: 'Empêchement',
    });
    const bookable = await ws.call<BookablePractitioners>('appointments.practitioners');
    const colleague = bookable.self as string;
    await book('2026-11-24T10:00', { practitionerId: colleague });

    const week = await calendar(ws, '2026-11-23', '2026-11-29');
    expect(week.timeZone).toBe('Africa/Casablanca');
    expect(week.days.map((day) => day.date)).toEqual([
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
      '2026-11-27',
      '2026-11-28',
      '2026-11-29',
    ]);
    for (const [index, day] of week.days.entries()) {
      expect(wallClock(day.start, 'Africa/Casablanca')).toBe(`${day.date}T00:00`);
      expect(Date.parse(day.end) - Date.parse(day.start)).toBe(24 * HOUR);
      if (index > 0) expect(day.start).toBe(week.days[index - 1]?.end);
    }
    expect(week.days[0]?.start).toBe('2026-11-22T23:00:00.000Z');
    expect(week.appointments.map((appointment) => appointment.id)).toEqual([
      monday.id,
      wednesday.id,
      sundayNight.id,
    ]);
    // 23:45 on Sunday in Rabat is 22:45 UTC: on Sunday, not on the next Monday.
    expect(sundayNight.start).toBe('2026-11-29T22:45:00.000Z');
    expect(week.appointments[2]?.local).toEqual({ date: '2026-11-29', start: '23:45', end: '00:00' });

    const colleagueWeek = await calendar(ws, '2026-11-23', '2026-11-29', colleague);
    const mine = colleagueWeek.appointments.filter((appointment) => appointment.local.date === '2026-11-24');
    expect(mine.map((appointment) => appointment.local.start)).toContain('10:00');
    expect(colleagueWeek.appointments.map((appointment) => appointment.id)).not.toContain(monday.id);
  });

  it('shows one day, including an appointment that began the evening before and runs past midnight', async () => {
    const ws = await open('TN', '2026-11-22T09:30:00+01:00');
    const book = bookWith(ws);
    const late = await book('2026-11-23T23:30', { minutes: 60 });
    const morning = await book('2026-11-24T09:00');
    await book('2026-11-25T09:00');
    const tuesday = await calendar(ws, '2026-11-24', '2026-11-24');
    expect(tuesday.days).toEqual([
      { date: '2026-11-24', start: '2026-11-23T23:00:00.000Z', end: '2026-11-24T23:00:00.000Z' },
    ]);
    expect(tuesday.appointments.map((appointment) => appointment.id)).toEqual([late.id, morning.id]);
  });

  it('finds appointments by their start through their own index, whoever the patient', async () => {
    const ws = await open('MA', '2026-11-22T09:30:00+01:00');
    const plan = ws.record.sqlite
      .prepare(`explain query plan ${APPOINTMENTS_STARTING_BETWEEN}`)
      .all('2026-11-22', '2026-11-30') as { detail: string }[];
    expect(plan.map((step) => step.detail).join('\n')).toMatch(/USING INDEX resource_appointment_by_start/);
  });

  it('refuses a range that is backwards, longer than six weeks, or not dates', async () => {
    const ws = await open('MA', '2026-11-22T09:30:00+01:00');
    for (const [from, to] of [
      ['2026-11-29', '2026-11-23'],
      ['2026-11-01', '2026-12-13'],
      ['2026-02-30', '2026-03-01'],
    ] as const)
      expect((await refusal(calendar(ws, from, to))).code).toBe('INVALID_ARGUMENT');
    expect((await refusal(calendar(ws, '2026-11-23', '2026-11-29', 'no-such-doctor'))).code).toBe(
      'RESOURCE_NOT_FOUND',
    );
  });
});

describe('the clinic’s time zone, from the workstation’s country', () => {
  it.each([
    ['MA', 'Africa/Casablanca'],
    ['DZ', 'Africa/Algiers'],
    ['TN', 'Africa/Tunis'],
  ] as const)('%s books and shows in %s', async (country, zone) => {
    const ws = await open(country, '2026-11-22T09:30:00+01:00');
    expect((await ws.call<BookablePractitioners>('appointments.practitioners')).timeZone).toBe(zone);
    const book = bookWith(ws);
    // Half past midnight on Monday, clinic time: still Sunday in UTC.
    const early = await book('2026-11-23T00:30');
    expect(wallClock(early.start, zone)).toBe('2026-11-23T00:30');
    expect(early.start.slice(0, 10)).toBe('2026-11-22');
    expect(early.local.date).toBe('2026-11-23');
    const monday = await calendar(ws, '2026-11-23', '2026-11-23');
    expect(monday.appointments.map((appointment) => appointment.id)).toEqual([early.id]);
    const sunday = await calendar(ws, '2026-11-22', '2026-11-22');
    expect(sunday.appointments).toEqual([]);
    expect(wallClock(monday.days[0]?.start as string, zone)).toBe('2026-11-23T00:00');
  });

  it('follows Morocco’s Ramadan time: UTC+0 from 15 February to 22 March 2026, a 25-hour and a 23-hour day', async () => {
    const ws = await open('MA', '2026-02-09T09:00:00+01:00');
    const book = bookWith(ws);
    const before = await book('2026-02-10T09:00');
    const during = await book('2026-02-16T09:00');
    const after = await book('2026-03-23T09:00');
    // The same wall-clock hour, a different instant when the offset changes.
    expect([before.start, during.start, after.start]).toEqual([
      '2026-02-10T08:00:00.000Z',
      '2026-02-16T09:00:00.000Z',
      '2026-03-23T08:00:00.000Z',
    ]);
    for (const appointment of [before, during, after])
      expect(wallClock(appointment.start, 'Africa/Casablanca').slice(11)).toBe('09:00');

    const week = await calendar(ws, '2026-02-09', '2026-02-15');
    // Monday 9 February, 09:00 in Rabat (UTC+1 still): 08:00 UTC.
    expect(week.clinicNow).toEqual({ date: '2026-02-09', time: '09:00' });
    const sunday = week.days.at(-1);
    expect(sunday).toEqual({
      date: '2026-02-15',
      start: '2026-02-14T23:00:00.000Z',
      end: '2026-02-16T00:00:00.000Z',
    });
    expect(Date.parse(sunday!.end) - Date.parse(sunday!.start)).toBe(25 * HOUR);
    expect(week.appointments.map((appointment) => appointment.id)).toEqual([before.id]);

    const spring = await calendar(ws, '2026-03-22', '2026-03-22');
    expect(Date.parse(spring.days[0]!.end) - Date.parse(spring.days[0]!.start)).toBe(23 * HOUR);
    // 02:30 does not exist on 22 March in Morocco (02:00 becomes 03:00): refused, not moved.
    const missing = await refusal(book('2026-03-22T02:30'));
    expect(missing).toMatchObject({
      code: 'APPOINTMENT_TIME_INVALID',
      details: { timeZone: 'Africa/Casablanca' },
    });
  });
});
