/**
 * The clinic's clock: appointments are stored as FHIR instants (UTC), but booked, listed and shown
 * in the clinic's own time zone, which the services know from the workstation's country (the
 * configuration's `country`). Morocco keeps UTC+1 except during Ramadan, when it goes back to UTC+0
 * (IANA tz database, Africa/Casablanca): a week's calendar may span days of 23 or 25 hours, and
 * the same wall-clock hour maps to different instants before and after. Conversions go through
 * dayjs's time-zone plugin over the runtime's ICU time-zone data.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone.js';
import utc from 'dayjs/plugin/utc.js';
import type { CalendarDay } from '../contract/care-types';
import type { Country } from '../contract/types';
import { TabibError } from '../errors';

dayjs.extend(utc);
dayjs.extend(timezone);

/** IANA time zones of the clinics (one per country: none of them spans several zones). */
export const clinicTimeZones: Record<Country, string> = {
  MA: 'Africa/Casablanca',
  DZ: 'Africa/Algiers',
  TN: 'Africa/Tunis',
};

/** A local date, `YYYY-MM-DD`. */
export const LOCAL_DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** A local date and time without offset, `YYYY-MM-DDTHH:mm`: read in the clinic's zone. */
export const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):([0-5]\d)$/;
/** An instant with its offset (RFC 3339), e.g. `2026-11-23T09:00:00+01:00` or `…Z`. */
export const OFFSET_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isCalendarDate(date: string): boolean {
  if (!LOCAL_DATE.test(date)) return false;
  return dayjs.utc(date).format('YYYY-MM-DD') === date;
}

/**
 * The instant a clinic wall-clock time or an instant with offset stands for. A wall-clock time the
 * clinic's clock skips (the hour lost when Morocco moves forward) or a date that does not exist is
 * refused rather than silently moved.
 */
export function instantOf(value: string, zone: string): Date {
  const local = LOCAL_DATE_TIME.exec(value);
  if (local) {
    const [, date, hours, minutes] = local as unknown as [string, string, string, string];
    if (!isCalendarDate(date))
      throw new TabibError('APPOINTMENT_TIME_INVALID', `${value} is not a date`, { value });
    const moment = dayjs.tz(`${date} ${hours}:${minutes}`, zone);
    if (moment.tz(zone).format('YYYY-MM-DDTHH:mm') !== value)
      throw new TabibError('APPOINTMENT_TIME_INVALID', `${value} does not exist in ${zone}`, {
        value,
        timeZone: zone,
      });
    return moment.toDate();
  }
  if (OFFSET_DATE_TIME.test(value)) {
    const instant = new Date(value);
    if (!Number.isNaN(instant.getTime())) return instant;
  }
  throw new TabibError('APPOINTMENT_TIME_INVALID', `${value} is not a date and time`, { value });
}

/** An instant as the clinic's calendar shows it. */
export function clinicDateTime(instant: Date | string, zone: string): { date: string; time: string } {
  const moment = dayjs(instant).tz(zone);
  return { date: moment.format('YYYY-MM-DD'), time: moment.format('HH:mm') };
}

/** The clinic's date at an instant (its "today"). */
export function clinicDate(instant: Date, zone: string): string {
  return clinicDateTime(instant, zone).date;
}

/** One calendar day of the clinic: the instant it starts and the instant the next one starts. */
export function clinicDay(date: string, zone: string): CalendarDay {
  if (!isCalendarDate(date)) throw new TabibError('INVALID_ARGUMENT', `${date} is not a date`, { date });
  const start = dayjs.tz(`${date} 00:00`, zone);
  const next = dayjs.utc(date).add(1, 'day').format('YYYY-MM-DD');
  const end = dayjs.tz(`${next} 00:00`, zone);
  return { date, start: start.toDate().toISOString(), end: end.toDate().toISOString() };
}

/** The days from `from` to `to` included, at most `maxDays`. */
export function clinicDays(from: string, to: string, zone: string, maxDays: number): CalendarDay[] {
  if (!isCalendarDate(from) || !isCalendarDate(to))
    throw new TabibError('INVALID_ARGUMENT', `${from}–${to} is not a range of dates`, { from, to });
  const first = dayjs.utc(from);
  const count = dayjs.utc(to).diff(first, 'day') + 1;
  if (count < 1 || count > maxDays)
    throw new TabibError('INVALID_ARGUMENT', `${from}–${to} must be 1 to ${maxDays} days`, {
      from,
      to,
      maxDays,
    });
  return Array.from({ length: count }, (_, index) =>
    clinicDay(first.add(index, 'day').format('YYYY-MM-DD'), zone),
  );
}
