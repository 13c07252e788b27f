/**
 * Dates, numbers and durations as a printout writes them: in the practitioner's language, with
 * Latin digits in Arabic too (ar-MA/ar-DZ/ar-TN with the `latn` numbering system, Unicode TR35
 * -u-nu-), instants in the clinic's time zone, whatever the workstation's own setting.
 */
import type { Duration, Quantity } from '@medplum/fhirtypes';
import { clinicTimeZones } from '../care/clinic-time';
import type { Country, Language } from '../contract/types';

export class PrintoutFormat {
  readonly locale: string;
  private readonly timeZone: string;

  constructor(
    readonly language: Language,
    readonly country: Country,
  ) {
    this.locale =
      language === 'ar' ? `ar-${country}-u-nu-latn` : language === 'fr' ? `fr-${country}` : 'en-GB';
    this.timeZone = clinicTimeZones[country];
  }

  /**
   * A FHIR date or dateTime. A date without a time (a birth date, "2024-03") is a calendar date,
   * shown as written; an instant is shown on the clinic's calendar.
   */
  date(value: string | null | undefined): string | null {
    if (!value) return null;
    const dateOnly = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
    if (dateOnly) {
      const [, year, month, day] = dateOnly;
      const at = new Date(Date.UTC(Number(year), Number(month ?? 1) - 1, Number(day ?? 1)));
      const options: Intl.DateTimeFormatOptions = day
        ? { dateStyle: 'long', timeZone: 'UTC' }
        : month
          ? { year: 'numeric', month: 'long', timeZone: 'UTC' }
          : { year: 'numeric', timeZone: 'UTC' };
      return new Intl.DateTimeFormat(this.locale, options).format(at);
    }
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) return value;
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'long', timeZone: this.timeZone }).format(at);
  }

  dateTime(value: Date | string): string {
    return new Intl.DateTimeFormat(this.locale, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone: this.timeZone,
    }).format(new Date(value));
  }

  /** The day on the clinic's calendar, YYYY-MM-DD (for file names). */
  isoDay(value: Date | string): string {
    return new Intl.DateTimeFormat('en-CA', { dateStyle: 'short', timeZone: this.timeZone }).format(
      new Date(value),
    );
  }

  number(value: number, maximumFractionDigits = 2): string {
    return new Intl.NumberFormat(this.locale, { maximumFractionDigits }).format(value);
  }

  private unit(value: number, unit: 'hour' | 'day' | 'week' | 'month' | 'year'): string {
    return new Intl.NumberFormat(this.locale, { style: 'unit', unit, unitDisplay: 'long' }).format(value);
  }

  /** UCUM time units (d, wk, mo, a, h) in words; any other unit as written. */
  duration(duration: Duration | undefined): string | null {
    if (duration?.value === undefined) return null;
    const units: Record<string, 'hour' | 'day' | 'week' | 'month' | 'year'> = {
      h: 'hour',
      d: 'day',
      wk: 'week',
      mo: 'month',
      a: 'year',
    };
    const unit = duration.code ? units[duration.code] : undefined;
    if (unit) return this.unit(duration.value, unit);
    return [this.number(duration.value), duration.unit ?? duration.code].filter(Boolean).join(' ');
  }

  quantity(quantity: Quantity | undefined): string | null {
    if (quantity?.value === undefined) return null;
    return [this.number(quantity.value), quantity.unit ?? quantity.code].filter(Boolean).join(' ');
  }

  /** Age in completed years (months under two years) on a day, from a FHIR birth date. */
  age(birthDate: string | null | undefined, on: Date): string | null {
    const match = birthDate ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate) : null;
    if (!match) return null;
    const [, year, month, day] = match;
    const today = this.isoDay(on).split('-').map(Number) as [number, number, number];
    const born = [Number(year), Number(month ?? 1), Number(day ?? 1)] as const;
    let months = (today[0] - born[0]) * 12 + (today[1] - born[1]);
    if (today[2] < born[2]) months -= 1;
    if (months < 0) return null;
    return months < 24 ? this.unit(months, 'month') : this.unit(Math.floor(months / 12), 'year');
  }
}
