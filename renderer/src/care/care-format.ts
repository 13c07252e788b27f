/**
 * Dates, times and names as the care screens show them. Appointments come from main with their
 * clinic wall-clock date and times (`local`), and "now" on the clinic's wall clock (`clinicNow`),
 * all computed by the services in the clinic's zone: the browser's own time-zone data is never
 * used (Chromium's disagreed with Node's about Casablanca). What the screens compute themselves (a
 * week's dates) is plain calendar arithmetic on `YYYY-MM-DD` in UTC.
 */
import type { Labels, PractitionerOption } from '../../../main/contract/care-types';
import type { Country, Language, PatientSummary } from '../../../main/contract/types';
import { localeTag } from '../i18n/format';
import { arabicNameText, latinNameText } from '../patients/PatientName';

const DAY = 86_400_000;

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Monday of the date's week (ISO 8601 weeks, as the three countries' calendars start them). */
export function mondayOf(date: string): string {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return addDays(date, -((weekday + 6) % 7));
}

/** A calendar date in words, e.g. "lundi 23 novembre 2026" / "الاثنين 23 نونبر 2026". */
export function formatDay(
  date: string,
  language: Language,
  country: Country,
  style: 'long' | 'date' | 'short' | 'weekday' = 'long',
): string {
  const options: Record<typeof style, Intl.DateTimeFormatOptions> = {
    long: { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' },
    date: { day: 'numeric', month: 'long', year: 'numeric' },
    short: { day: 'numeric', month: 'short' },
    weekday: { weekday: 'short', day: 'numeric' },
  };
  return new Intl.DateTimeFormat(localeTag(language, country), { ...options[style], timeZone: 'UTC' }).format(
    new Date(`${date.slice(0, 10)}T00:00:00Z`),
  );
}

/** A range of dates in words, e.g. "23 – 29 nov. 2026". */
export function formatDayRange(from: string, to: string, language: Language, country: Country): string {
  return new Intl.DateTimeFormat(localeTag(language, country), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).formatRange(new Date(`${from}T00:00:00Z`), new Date(`${to}T00:00:00Z`));
}

export function labelOf(labels: Labels | null, fallback: string, language: Language): string {
  return labels?.[language] ?? fallback;
}

/** A practitioner's name in the interface's script where they have one. */
export function practitionerName(practitioner: PractitionerOption, language: Language): string {
  return (
    (language === 'ar'
      ? (practitioner.arabic ?? practitioner.latin)
      : (practitioner.latin ?? practitioner.arabic)) ?? ''
  );
}

/** A patient's name as one line, in the interface's script first. */
export function patientName(
  patient: Pick<PatientSummary, 'latin' | 'arabic'> & { display?: string | null },
  language: Language,
): string {
  const latin = patient.latin ? latinNameText(patient.latin) : null;
  const arabic = patient.arabic ? arabicNameText(patient.arabic) : null;
  return (language === 'ar' ? (arabic ?? latin) : (latin ?? arabic)) ?? patient.display ?? '';
}

/** Minutes since the day's midnight of an `HH:mm` time. */
export function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

export function timeOf(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
