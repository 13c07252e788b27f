/**
 * A patient's age as a clinician says it: days for a newborn, months for an infant, years after.
 *
 * "Today" is the workstation's calendar date from the browser clock, the same clock the top bar's
 * date uses. The e2e harness fixes that clock with playwright's `page.clock.setFixedTime(FIXED_NOW)`
 * (test/e2e/harness.ts), together with the services' clock, so ages in screenshots never change.
 * `useToday` moves to the next date at midnight, so a workstation left open overnight stays right.
 */
import { useEffect, useState } from 'react';
import type { Country, Language } from '../../../main/contract/types';
import { localeTag } from '../i18n/format';

/** A calendar date without time zone: FHIR R4 `date` (datatypes.html#date), possibly partial. */
interface CalendarDate {
  year: number;
  month: number | null;
  day: number | null;
}

export function parseFhirDate(value: string): CalendarDate | null {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(value);
  if (!match) return null;
  return {
    year: Number(match[1]),
    month: match[2] ? Number(match[2]) : null,
    day: match[3] ? Number(match[3]) : null,
  };
}

export interface LocalDay {
  year: number;
  month: number;
  day: number;
}

function localDay(now: Date): LocalDay {
  return { year: now.getFullYear(), month: now.getMonth() + 1, day: now.getDate() };
}

export function useToday(): LocalDay {
  const [today, setToday] = useState(() => localDay(new Date()));
  useEffect(() => {
    const now = new Date();
    const midnight = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1);
    const timer = setTimeout(() => setToday(localDay(new Date())), midnight.getTime() - now.getTime() + 1000);
    return () => clearTimeout(timer);
  }, [today]);
  return today;
}

export type AgeUnit = 'day' | 'month' | 'year';

export interface Age {
  value: number;
  unit: AgeUnit;
  /** The birth date is partial (a year, or a year and month): the age may be one unit too high. */
  approximate: boolean;
}

/** Whole days from one calendar date to another (UTC arithmetic: no daylight-saving hour can skew it). */
function daysBetween(from: LocalDay, to: LocalDay): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000,
  );
}

export function ageOn(birthDate: string, today: LocalDay): Age | null {
  const parsed = parseFhirDate(birthDate);
  if (!parsed) return null;
  const approximate = parsed.month === null || parsed.day === null;
  const birth: LocalDay = { year: parsed.year, month: parsed.month ?? 1, day: parsed.day ?? 1 };
  if (daysBetween(birth, today) < 0) return null;
  let months = (today.year - birth.year) * 12 + (today.month - birth.month);
  if (today.day < birth.day) months -= 1;
  if (months < 1 && !approximate) return { value: daysBetween(birth, today), unit: 'day', approximate };
  if (months < 24) return { value: months, unit: 'month', approximate };
  return { value: Math.floor(months / 12), unit: 'year', approximate };
}

/**
 * "42 ans", "42 سنة", "18 months": CLDR's unit names and plural rules, Latin digits in Arabic.
 * An age from a partial birth date is marked "≈", a sign every language of the interface reads.
 */
export function formatAge(age: Age, language: Language, country: Country): string {
  const text = new Intl.NumberFormat(localeTag(language, country), {
    style: 'unit',
    unit: age.unit,
    unitDisplay: 'long',
  }).format(age.value);
  return age.approximate ? `≈ ${text}` : text;
}

/** A FHIR date for display: full dates as dd/mm/yyyy in the user's locale, partial ones as far as known. */
export function formatBirthDate(birthDate: string, language: Language, country: Country): string {
  const parsed = parseFhirDate(birthDate);
  if (!parsed) return birthDate;
  const date = new Date(Date.UTC(parsed.year, (parsed.month ?? 1) - 1, parsed.day ?? 1));
  const options: Intl.DateTimeFormatOptions = { year: 'numeric', timeZone: 'UTC' };
  if (parsed.month !== null) options.month = '2-digit';
  if (parsed.day !== null) options.day = '2-digit';
  return new Intl.DateTimeFormat(localeTag(language, country), options).format(date);
}
