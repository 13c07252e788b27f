/**
 * Which doses of the national schedule a child has received: each dose on or after the age the
 * schedule sets (never before), usually within days, sometimes weeks late, occasionally missed;
 * doses due at the same age are given at the same session. Only doses inside the record's horizon
 * appear (the shared record does not hold a grown-up's infancy), and none the programme had not
 * yet introduced when the child reached the age.
 */
import type { Country } from '../../contract/types';
import { DAY, addMonths, clinicTime, workingDay } from './calendar';
import type { Sex } from './clinical-model';
import type { SeededRandom } from './seeded-random';
import type { ScheduledDose } from './terminology';

export interface GivenDose {
  entry: ScheduledDose;
  at: number;
}

export interface ImmunizationPlan {
  given: GivenDose[];
  /** The next session the child is due for, if any: the nurse books it. */
  next: { at: number; doses: ScheduledDose[] } | null;
}

/** The latest a session comes after its due date, in days (see sessionTime). */
const LATEST_DELAY_DAYS = 125;

/** Share of doses given (national coverage is above 90 % for most antigens). */
const COVERAGE = 0.96;

export function planImmunizations(
  random: SeededRandom,
  /** Sorted by age. */
  schedule: readonly ScheduledDose[],
  context: {
    country: Country;
    sex: Sex;
    birth: number;
    now: number;
    horizon: number;
    sinceMs: ReadonlyMap<string, number>;
  },
): ImmunizationPlan {
  const given: GivenDose[] = [];
  // Most patients are adults whose whole schedule lies before the record's horizon: nothing to do.
  const lastAge = schedule.at(-1)?.ageMonths ?? 0;
  if (addMonths(context.birth, lastAge) + LATEST_DELAY_DAYS * DAY < context.horizon)
    return { given, next: null };
  let session: ScheduledDose[] = [];
  const flush = (at: number): ImmunizationPlan['next'] => {
    const doses = session;
    session = [];
    if (doses.length === 0) return null;
    if (at > context.now) return { at, doses };
    if (at >= context.horizon)
      for (const entry of doses) if (random.chance(COVERAGE)) given.push({ entry, at });
    return null;
  };
  let sessionAge = -1;
  let sessionAt = 0;
  for (const entry of schedule) {
    if (entry.sex && entry.sex !== context.sex) continue;
    const due = addMonths(context.birth, entry.ageMonths);
    const since = entry.since ? context.sinceMs.get(entry.since) : undefined;
    if (since !== undefined && due < since) continue;
    if (entry.ageMonths !== sessionAge) {
      const next = flush(sessionAt);
      if (next) return { given, next };
      sessionAge = entry.ageMonths;
      sessionAt = sessionTime(random, due, entry.ageMonths, context.country);
    }
    session.push(entry);
  }
  return { given, next: flush(sessionAt) };
}

/** Birth doses in the maternity within three days; later ones mostly on time, some late. */
function sessionTime(random: SeededRandom, due: number, ageMonths: number, country: Country): number {
  const roll = random.next();
  const delay =
    ageMonths === 0
      ? random.int(0, 3)
      : roll < 0.7
        ? random.int(0, 7)
        : roll < 0.95
          ? random.int(8, 45)
          : random.int(46, 120);
  // Moving forward to a working day keeps the session on or after the due date.
  return clinicTime(workingDay(due + delay * DAY, country, 1), random);
}
