/**
 * Birth dates as registration records them: a calendar date, or, when the patient only knows
 * their age ("about 45"), an approximate birth date: a partial FHIR date (FHIR R4
 * datatypes.html#date allows "YYYY" and "YYYY-MM") marked estimated by an extension on the
 * element (`_birthDate`), so that nobody mistakes 1 January for a real birthday. The chart shows
 * such a date as "≈ 45 ans" (renderer/src/patients/age.ts marks every partial date approximate).
 */
import type { Extension, Patient } from '@medplum/fhirtypes';

/** Extension on Patient.birthDate: true when the date was computed from a stated age. */
export const BIRTH_DATE_ESTIMATED_URL = 'urn:tabib:fhir:extension:birth-date-estimated';

/** How old a registration may make a patient: beyond, it is a typing error. */
export const OLDEST_AGE_YEARS = 130;

export interface CalendarDay {
  year: number;
  month: number;
  day: number;
}

/** The clinic's calendar day at `now` (the workstation's time zone, as the interface shows it). */
export function clinicDay(now: Date): CalendarDay {
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

const pad = (value: number, length = 2) => String(value).padStart(length, '0');

export function dayText(day: CalendarDay): string {
  return `${pad(day.year, 4)}-${pad(day.month)}-${pad(day.day)}`;
}

/** A `YYYY-MM-DD` that names a real calendar day (not 31 February), or null. */
export function parseCalendarDay(text: string): CalendarDay | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    return null;
  return { year, month, day };
}

export function compareDays(a: CalendarDay, b: CalendarDay): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

export interface EstimatedAge {
  years: number;
  months: number;
}

/**
 * The approximate birth date of someone aged `age` today: the year alone when the age is given
 * in whole years from two years on (the chart then shows the same whole years all this year),
 * else year and month (an infant's age is counted in months).
 */
export function estimatedBirthDate(age: EstimatedAge, today: CalendarDay): string {
  if (age.years >= 2 && age.months === 0) return pad(today.year - age.years, 4);
  const monthsAgo = age.years * 12 + age.months;
  const index = today.year * 12 + (today.month - 1) - monthsAgo;
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1)}`;
}

/** The age an approximate (partial) birth date stands for today: the inverse of estimatedBirthDate. */
export function ageOfPartialDate(birthDate: string, today: CalendarDay): EstimatedAge | null {
  const match = /^(\d{4})(?:-(\d{2}))?$/.exec(birthDate);
  if (!match) return null;
  const year = Number(match[1]);
  if (match[2] === undefined) return { years: Math.max(0, today.year - year), months: 0 };
  const months = Math.max(0, (today.year - year) * 12 + (today.month - Number(match[2])));
  return { years: Math.floor(months / 12), months: months % 12 };
}

export function isEstimatedBirthDate(patient: Patient): boolean {
  const element = (patient as Patient & { _birthDate?: { extension?: Extension[] } })._birthDate;
  const marked = element?.extension?.some(
    (extension) => extension.url === BIRTH_DATE_ESTIMATED_URL && extension.valueBoolean === true,
  );
  // A partial date from elsewhere is approximate by nature, marked or not.
  return marked === true || (patient.birthDate !== undefined && patient.birthDate.length < 10);
}

/** The birth year of a FHIR date, full or partial. */
export function birthYear(birthDate: string | null | undefined): number | null {
  const match = birthDate ? /^(\d{4})/.exec(birthDate) : null;
  return match ? Number(match[1]) : null;
}
