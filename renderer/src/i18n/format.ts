/**
 * Dates and numbers per language and country. Arabic uses Latin digits, as Morocco, Algeria and
 * Tunisia do (ar-MA, ar-DZ, ar-TN with the `latn` numbering system, Unicode TR35 -u-nu-).
 */
import type { Country, Language } from '../../../main/contract/types';

export function localeTag(language: Language, country: Country): string {
  if (language === 'ar') return `ar-${country}-u-nu-latn`;
  if (language === 'fr') return `fr-${country}`;
  return 'en-GB';
}

export function formatDate(value: Date | string, language: Language, country: Country): string {
  return new Intl.DateTimeFormat(localeTag(language, country), { dateStyle: 'long' }).format(new Date(value));
}

export function formatDateTime(value: Date | string, language: Language, country: Country): string {
  return new Intl.DateTimeFormat(localeTag(language, country), {
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(value));
}

export function formatBytes(bytes: number, language: Language, country: Country): string {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return new Intl.NumberFormat(localeTag(language, country), {
    style: 'unit',
    unit: units[unit],
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(value);
}
