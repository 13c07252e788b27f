/**
 * Possible duplicates of a patient about to be registered, found before anything is written:
 *
 * - the same national identifier or passport number (under any of the profile's systems, in the
 *   form the index keeps): the same person, so registering is refused and the existing chart
 *   is offered instead;
 * - a similar name in either script (the patient search's variants and transliterations: "Benali"
 *   finds "بنعلي"), born the same year (a year either side when one of the birth dates is only
 *   an estimate) and not of the other sex: maybe the same person, so the user sees them and
 *   confirms.
 */
import type { Patient } from '@medplum/fhirtypes';
import type { PatientDraft } from '../contract/features/registration-contract';
import type { DuplicateCandidate, DuplicateCheck } from '../contract/registration-types';
import type { PatientSearchHit, PatientSummary } from '../contract/types';
import type { CountryProfile } from '../record/identity/country-profile';
import { nationalSystems, passportSystems } from '../record/identity/country-profile';
import type { LocalRecord } from '../record/local-record';
import { birthYear, estimatedBirthDate, type CalendarDay } from './birth-date';

/** How many patients per name query are looked at: similar names beyond are not "possible duplicates". */
const NAME_CANDIDATES = 30;

function patientsWithIdentifier(record: LocalRecord, systems: string[], value: string): string[] {
  if (!value || systems.length === 0) return [];
  const rows = record.queries
    .statement(
      `select distinct patient_id from patient_identifier where value = ? and system in (${systems.map(() => '?').join(', ')})`,
    )
    .all(value, ...systems) as { patient_id: string }[];
  return rows.map((row) => row.patient_id);
}

function draftBirth(draft: PatientDraft, today: CalendarDay): { year: number; exact: boolean } | null {
  if (!draft.birth) return null;
  if (draft.birth.kind === 'date') {
    const year = birthYear(draft.birth.date);
    return year === null ? null : { year, exact: true };
  }
  const year = birthYear(estimatedBirthDate(draft.birth, today));
  return year === null ? null : { year, exact: false };
}

function sexesCompatible(a: PatientDraft['gender'], b: PatientSummary['gender']): boolean {
  const known = (sex: string | null) => sex === 'male' || sex === 'female';
  return !known(a) || !known(b) || a === b;
}

/**
 * The duplicates of a normalised draft. `exclude`: the patient being edited. Synchronous and
 * read-only: it runs inside the registering transaction, so nobody registers the same
 * identifier between the check and the write.
 */
export function findDuplicates(
  record: LocalRecord,
  draft: PatientDraft,
  context: { profile: CountryProfile; today: CalendarDay },
  exclude?: string,
): DuplicateCheck {
  const candidates = new Map<string, DuplicateCandidate>();
  const summaries = (ids: string[]) =>
    ids
      .filter((id) => id !== exclude)
      .map((id) => record.store.read<Patient>('Patient', id))
      .filter((patient): patient is Patient => patient !== null)
      .map((patient) => record.patients.summaryOf(patient));
  const add = (summary: PatientSummary, reason: DuplicateCandidate['reasons'][number]) => {
    const known = candidates.get(summary.id);
    if (known) {
      if (!known.reasons.includes(reason)) known.reasons.push(reason);
    } else candidates.set(summary.id, { ...summary, reasons: [reason] });
  };

  for (const summary of summaries(
    patientsWithIdentifier(record, nationalSystems(context.profile), draft.nationalId),
  ))
    add(summary, 'nationalIdentifier');
  for (const summary of summaries(
    patientsWithIdentifier(record, passportSystems(context.profile), draft.passport),
  ))
    add(summary, 'passport');
  const identifier = [...candidates.values()];

  const birth = draftBirth(draft, context.today);
  if (birth) {
    for (const script of ['latin', 'arabic'] as const) {
      const { given, family } = draft[script];
      if (!given || !family) continue;
      for (const year of [birth.year - 1, birth.year, birth.year + 1]) {
        // The search's own syntax: name parts in any order and a birth year (patient-search.ts).
        const { hits } = record.search.search(`${given} ${family} ${year}`, NAME_CANDIDATES);
        for (const hit of hits) {
          if (hit.id === exclude || !hit.matchedOn.includes('name')) continue;
          if (!sexesCompatible(draft.gender, hit.gender)) continue;
          const theirs = hit.birthDate;
          const exact = birth.exact && theirs !== null && theirs.length === 10;
          if (exact && year !== birth.year) continue;
          // A summary, as the other candidates: the search's own score means nothing here.
          const summary: PatientSummary & Partial<PatientSearchHit> = { ...hit };
          delete summary.score;
          delete summary.matchedOn;
          add(summary, 'name');
        }
      }
    }
  }
  const identifierIds = new Set(identifier.map((candidate) => candidate.id));
  return {
    identifier,
    similar: [...candidates.values()].filter((candidate) => !identifierIds.has(candidate.id)),
  };
}
