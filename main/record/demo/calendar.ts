/**
 * Clinic time for synthetic events: working days per country and consultation hours. Times are
 * kept as UTC milliseconds and written as FHIR instants (`…Z`). Morocco (since 2018, outside
 * Ramadan), Algeria and Tunisia all keep UTC+1, so local 08:30 is 07:30Z.
 */
import type { Country } from '../../contract/types';
import type { SeededRandom } from './seeded-random';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Weekend days (0 = Sunday): Saturday–Sunday in Morocco and Tunisia, Friday–Saturday in Algeria. */
const weekend: Record<Country, [number, number]> = { MA: [6, 0], DZ: [5, 6], TN: [6, 0] };

export function startOfDay(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}

/** 0 = Sunday; 1 January 1970 was a Thursday. */
function weekday(ms: number): number {
  return (((Math.floor(ms / DAY) + 4) % 7) + 7) % 7;
}

export function isWorkingDay(ms: number, country: Country): boolean {
  const day = weekday(ms);
  const [first, second] = weekend[country];
  return day !== first && day !== second;
}

/** The same day if it is a working day, else the next one (direction 1) or the previous (−1). */
export function workingDay(ms: number, country: Country, direction: 1 | -1): number {
  let day = startOfDay(ms);
  while (!isWorkingDay(day, country)) day += direction * DAY;
  return day;
}

/** A consultation slot on that day: every 15 minutes from 08:30 to 16:00 local time. */
export function clinicTime(day: number, random: SeededRandom): number {
  return startOfDay(day) + 7 * HOUR + 30 * MINUTE + random.int(0, 30) * 15 * MINUTE;
}

// Dates by arithmetic rather than through Date objects: formatting dates was a third of the
// generator's time. Howard Hinnant's civil-calendar algorithms
// (https://howardhinnant.github.io/date_algorithms.html, days_from_civil / civil_from_days).

function civilFromDays(days: number): [year: number, month: number, day: number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** `months` calendar months after `ms`, at midnight (day-of-month overflow rolls forward, never earlier). */
export function addMonths(ms: number, months: number): number {
  const [year, month, day] = civilFromDays(Math.floor(ms / DAY));
  const monthIndex = month - 1 + months;
  const targetYear = year + Math.floor(monthIndex / 12);
  const targetMonth = (((monthIndex % 12) + 12) % 12) + 1;
  // Like Date.UTC: 31 January + 1 month is 3 March (or 2 in a leap year), not 28 February.
  return (daysFromCivil(targetYear, targetMonth, 1) + day - 1) * DAY;
}

export function addYears(ms: number, years: number): number {
  return addMonths(ms, 12 * years);
}

const twoDigits = Array.from({ length: 100 }, (_, value) => String(value).padStart(2, '0'));
const threeDigits = Array.from({ length: 1000 }, (_, value) => String(value).padStart(3, '0'));
/** "YYYY-MM-DD" by day number, remembered for 1860–2297 (an array index is cheaper than a map). */
const FIRST_REMEMBERED_DAY = -40_000;
const dayStrings: (string | undefined)[] = new Array<string | undefined>(160_000);

function dayString(days: number): string {
  const slot = days - FIRST_REMEMBERED_DAY;
  const remembered = dayStrings[slot];
  if (remembered !== undefined) return remembered;
  const [year, month, day] = civilFromDays(days);
  const text = `${String(year).padStart(4, '0')}-${twoDigits[month]}-${twoDigits[day]}`;
  if (slot >= 0 && slot < dayStrings.length) dayStrings[slot] = text;
  return text;
}

/** The FHIR instant (ISO 8601, UTC): the same text as Date.prototype.toISOString. */
export function instant(ms: number): string {
  const days = Math.floor(ms / DAY);
  let rest = Math.floor(ms - days * DAY);
  const milliseconds = rest % 1000;
  rest = (rest - milliseconds) / 1000;
  const seconds = rest % 60;
  rest = (rest - seconds) / 60;
  const minutes = rest % 60;
  const hours = (rest - minutes) / 60;
  return `${dayString(days)}T${twoDigits[hours]}:${twoDigits[minutes]}:${twoDigits[seconds]}.${threeDigits[milliseconds]}Z`;
}

export function dateOnly(ms: number): string {
  return dayString(Math.floor(ms / DAY));
}
