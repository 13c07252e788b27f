/**
 * How the chart writes what main answers: coded items in the interface's language where the
 * terminology knows them, vital signs with their units (numbers and units stay left-to-right
 * inside Arabic text), dates in the clinic's locale.
 */
import { vitalKinds, type VitalKind, type VitalReading } from '../../../main/contract/chart-types';
import type { ChartConcept, Country, Language } from '../../../main/contract/types';
import { localeTag } from '../i18n/format';

/** A coded item in the interface's language where the terminology knows its code, else as recorded. */
export function conceptText(concept: ChartConcept | null | undefined, language: Language): string {
  if (!concept) return '';
  return concept.labels[language] ?? concept.labels.fr ?? concept.text;
}

export function formatNumber(value: number, language: Language, country: Country, decimals = 2): string {
  return new Intl.NumberFormat(localeTag(language, country), { maximumFractionDigits: decimals }).format(
    value,
  );
}

/** A reading as a clinician writes it: 132/84 mmHg, 37,2 °C. */
export function readingText(
  reading: Pick<VitalReading, 'kind' | 'value' | 'diastolic' | 'unit'>,
  language: Language,
  country: Country,
): string {
  const number = (value: number) => formatNumber(value, language, country);
  const value =
    reading.kind === 'bloodPressure'
      ? `${number(reading.value)}/${number(reading.diastolic ?? 0)}`
      : number(reading.value);
  return `${value} ${reading.unit}`;
}

export function formatShortDate(value: string, language: Language, country: Country): string {
  // A date alone (YYYY-MM-DD) is a calendar date: shown as is, whatever the browser's zone.
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  return new Intl.DateTimeFormat(localeTag(language, country), {
    dateStyle: 'medium',
    ...(dateOnly ? { timeZone: 'UTC' } : {}),
  }).format(new Date(dateOnly ? `${value}T00:00:00Z` : value));
}

export function formatShortDateTime(value: string, language: Language, country: Country): string {
  return new Intl.DateTimeFormat(localeTag(language, country), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(value));
}

/** Readings in the order the vitals are read everywhere in the chart (contract/chart-types.ts vitalKinds). */
export function inVitalOrder<T extends { kind: VitalKind }>(readings: readonly T[]): T[] {
  return [...readings].sort((a, b) => vitalKinds.indexOf(a.kind) - vitalKinds.indexOf(b.kind));
}

export const flagColor = {
  high: 'orange',
  low: 'orange',
  criticalHigh: 'red',
  criticalLow: 'red',
} as const;

/** Today's calendar date on this workstation (YYYY-MM-DD), for date fields' `max`. */
export function localToday(): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(
    new Date(),
  );
}
