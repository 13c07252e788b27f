/**
 * A child's immunizations against the national schedule of their country (resources/terminology/
 * vaccines.json: Morocco's Programme National d'Immunisation, Algeria's and Tunisia's calendars):
 * each dose given, due, overdue or upcoming at a given day, from the birth date and the
 * Immunization resources of the record.
 *
 * - A dose is matched to a recorded Immunization by its series and dose number
 *   (Immunization.protocolApplied, as Tabib and the demonstration write it), else by the vaccine
 *   (CVX, then ATC), in date order, to the first dose of its series not yet matched.
 * - It is due from the age the schedule sets (completed months) for DUE_WINDOW_DAYS, overdue
 *   after; upcoming before.
 * - A dose the programme had not introduced when the child reached its age (`since`), or for the
 *   other sex, is not part of the child's schedule.
 * - The shared record holds RECORD_HORIZON_YEARS of history: a dose due before that and not
 *   recorded is "not recorded" (ask for the vaccination booklet), not overdue.
 */
import type { Immunization } from '@medplum/fhirtypes';
import type {
  GivenDoseView,
  ImmunizationChartView,
  ImmunizationDoseStatus,
  ScheduledDoseView,
  VaccineView,
} from '../contract/medication-types';
import type { Country } from '../contract/types';
import type { ScheduledDose, Terminology, Vaccine } from '../record/demo/terminology';

/** The month after the recommended age: a session is commonly held within it. */
export const DUE_WINDOW_DAYS = 28;
/** How far back the shared record goes (the demonstration's horizon, generator.ts). */
export const RECORD_HORIZON_YEARS = 6;

export const CVX_SYSTEM = 'http://hl7.org/fhir/sid/cvx';
export const ATC_SYSTEM = 'http://www.whocc.no/atc';

const DAY = 86_400_000;

/** `YYYY-MM-DD` plus whole months (day-of-month overflow rolls forward, as Date.UTC does). */
export function addMonthsToDate(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1 + months, day)).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY);
}

export function vaccineView(vaccine: Vaccine): VaccineView {
  return {
    id: vaccine.id,
    cvx: vaccine.cvx,
    atc: vaccine.atc,
    route: vaccine.route,
    fr: vaccine.fr,
    ar: vaccine.ar,
    en: vaccine.en,
  };
}

function vaccineOf(immunization: Immunization, vaccines: readonly Vaccine[]): Vaccine | null {
  const codings = immunization.vaccineCode?.coding ?? [];
  const cvx = codings.find((coding) => coding.system === CVX_SYSTEM)?.code;
  const byCvx = cvx ? vaccines.find((vaccine) => vaccine.cvx === cvx) : undefined;
  if (byCvx) return byCvx;
  const atc = codings.find((coding) => coding.system === ATC_SYSTEM)?.code;
  return (atc ? vaccines.find((vaccine) => vaccine.atc === atc) : undefined) ?? null;
}

function doseNumber(immunization: Immunization): number | null {
  const protocol = immunization.protocolApplied?.[0];
  if (protocol?.doseNumberPositiveInt !== undefined) return protocol.doseNumberPositiveInt;
  const parsed = Number.parseInt(protocol?.doseNumberString ?? '', 10);
  return Number.isFinite(parsed) ? parsed : null;
}

function givenView(immunization: Immunization, vaccine: Vaccine | null): GivenDoseView {
  const performer = immunization.performer?.[0]?.actor;
  return {
    immunizationId: immunization.id as string,
    date: immunization.occurrenceDateTime ?? null,
    lot: immunization.lotNumber ?? null,
    performer: performer?.display ?? performer?.reference ?? null,
    vaccine: vaccine ? vaccineView(vaccine) : null,
    text:
      immunization.vaccineCode?.text ?? immunization.vaccineCode?.coding?.[0]?.display ?? vaccine?.fr ?? '',
    series: immunization.protocolApplied?.[0]?.series ?? null,
    dose: doseNumber(immunization),
  };
}

/** The schedule that applies to this child: their sex, and doses introduced before they reached the age. */
export function patientSchedule(
  schedule: readonly ScheduledDose[],
  birthDate: string | null,
  gender: string | null,
): ScheduledDose[] {
  return [...schedule]
    .filter((entry) => !entry.sex || entry.sex === gender)
    .filter(
      (entry) => !entry.since || !birthDate || addMonthsToDate(birthDate, entry.ageMonths) >= entry.since,
    )
    .sort((a, b) => a.ageMonths - b.ageMonths);
}

function statusAt(dueDate: string | null, today: string): ImmunizationDoseStatus {
  if (!dueDate) return 'unknown';
  if (dueDate > today) return 'upcoming';
  if (dueDate < addMonthsToDate(today, -12 * RECORD_HORIZON_YEARS)) return 'notRecorded';
  return daysBetween(dueDate, today) <= DUE_WINDOW_DAYS ? 'due' : 'overdue';
}

export function immunizationChart(input: {
  vaccines: Terminology['vaccines'];
  country: Country;
  birthDate: string | null;
  gender: string | null;
  immunizations: readonly Immunization[];
  /** Today, `YYYY-MM-DD`, in the clinic's time zone. */
  today: string;
  asOf: string;
}): ImmunizationChartView {
  const vaccines = input.vaccines.vaccines;
  const schedule = patientSchedule(input.vaccines.schedules[input.country], input.birthDate, input.gender);
  const seriesOfVaccine = new Map<string, string>();
  for (const entry of input.vaccines.schedules[input.country])
    seriesOfVaccine.set(entry.vaccine, entry.series);

  const given = input.immunizations
    .filter((immunization) => immunization.status === 'completed')
    .map((immunization) => ({ immunization, vaccine: vaccineOf(immunization, vaccines) }))
    .sort((a, b) =>
      (a.immunization.occurrenceDateTime ?? '').localeCompare(b.immunization.occurrenceDateTime ?? ''),
    );
  const matched = new Map<ScheduledDose, (typeof given)[number]>();
  const used = new Set<(typeof given)[number]>();
  // By series and dose number.
  for (const entry of schedule) {
    const found = given.find(
      (candidate) =>
        !used.has(candidate) &&
        candidate.immunization.protocolApplied?.[0]?.series === entry.series &&
        doseNumber(candidate.immunization) === entry.dose,
    );
    if (found) {
      matched.set(entry, found);
      used.add(found);
    }
  }
  // By vaccine, in date order, to the first dose of its series still open.
  for (const candidate of given) {
    if (used.has(candidate) || !candidate.vaccine) continue;
    const series =
      candidate.immunization.protocolApplied?.[0]?.series ?? seriesOfVaccine.get(candidate.vaccine.id);
    const entry = schedule.find((open) => open.series === series && !matched.has(open));
    if (entry) {
      matched.set(entry, candidate);
      used.add(candidate);
    }
  }

  const doses: ScheduledDoseView[] = schedule.map((entry) => {
    const vaccine = vaccines.find((candidate) => candidate.id === entry.vaccine) as Vaccine;
    const dueDate = input.birthDate ? addMonthsToDate(input.birthDate, entry.ageMonths) : null;
    const match = matched.get(entry);
    return {
      vaccine: vaccineView(vaccine),
      series: entry.series,
      dose: entry.dose,
      ageMonths: entry.ageMonths,
      dueDate,
      status: match ? 'given' : statusAt(dueDate, input.today),
      given: match ? givenView(match.immunization, match.vaccine) : null,
      note: entry.note ?? null,
    };
  });
  return {
    country: input.country,
    birthDate: input.birthDate,
    asOf: input.asOf,
    today: input.today,
    schedule: doses,
    other: given
      .filter((candidate) => !used.has(candidate))
      .map((candidate) => givenView(candidate.immunization, candidate.vaccine)),
    vaccines: vaccines.map(vaccineView),
  };
}
