/**
 * Which of the record's patients a study belongs to. The national identifier decides: the file's
 * Patient ID (0010,0020) or any Other Patient ID (0010,1002 / 0010,1000) that the record holds as
 * a national identifier (the country profile's systems) names the patient. A hospital's own
 * patient number means nothing in the national record, so other systems never match.
 *
 * Without such a match, patients whose name and birth date answer the record's search are
 * proposed as candidates, for a clinician to confirm; nothing is linked on a name alone.
 */
import type { PatientSearchHit } from '../contract/types';
import type { LocalRecord } from '../record/local-record';
import type { SearchRules } from '../record/search-rules';
import type { DicomPatientHeader } from './dicom-header';

export type StudyPatientMatch =
  | { kind: 'identifier'; patientId: string; identifier: string }
  | { kind: 'confirmed'; patientId: string }
  | { kind: 'candidates'; candidates: PatientSearchHit[] }
  | { kind: 'none' };

/** How many name candidates are proposed. */
export const NAME_CANDIDATES = 10;

export class PatientMatcher {
  constructor(
    private readonly record: LocalRecord,
    private readonly rules: SearchRules,
  ) {}

  /** The record's patients holding one of these values as a national identifier. */
  private byNationalIdentifier(values: string[]): { patientId: string; value: string }[] {
    const found = new Map<string, string>();
    const statement = this.record.queries.statement(
      'select system, patient_id from patient_identifier where value = ?',
    );
    for (const value of values) {
      const key = this.rules.identifierKey(value);
      if (!key) continue;
      for (const row of statement.all(key) as { system: string; patient_id: string }[]) {
        if (this.rules.isNationalSystem(row.system) && !found.has(row.patient_id))
          found.set(row.patient_id, value);
      }
    }
    return [...found].map(([patientId, value]) => ({ patientId, value }));
  }

  private byNameAndBirthDate(patient: DicomPatientHeader): PatientSearchHit[] {
    const hits = new Map<string, PatientSearchHit>();
    // Arabic names are often in the alphabetic group (ISO_IR 127), sometimes in the ideographic one.
    for (const group of [patient.name?.alphabetic, patient.name?.ideographic, patient.name?.phonetic]) {
      if (!group) continue;
      // Every typed part must match in the record's search: a middle name the record lacks would
      // hide the patient, so the given and family names first, then the family name alone.
      const readings = [`${group.given} ${group.family}`.trim(), group.family.trim()].filter(Boolean);
      for (const words of [...new Set(readings)]) {
        const query = patient.birthDate ? `${words} ${patient.birthDate}` : words;
        for (const hit of this.record.search.search(query, NAME_CANDIDATES).hits) {
          if (!hit.matchedOn.includes('name')) continue;
          const known = hits.get(hit.id);
          if (!known || known.score < hit.score) hits.set(hit.id, hit);
        }
        if (hits.size > 0) break;
      }
    }
    return [...hits.values()].sort((a, b) => b.score - a.score).slice(0, NAME_CANDIDATES);
  }

  match(patient: DicomPatientHeader): StudyPatientMatch {
    const values = [patient.id, ...patient.otherIds.map((other) => other.id)].filter((value) => value.trim());
    const byIdentifier = this.byNationalIdentifier([...new Set(values)]);
    if (byIdentifier.length === 1) {
      const [only] = byIdentifier as [{ patientId: string; value: string }];
      return { kind: 'identifier', patientId: only.patientId, identifier: only.value };
    }
    if (byIdentifier.length > 1) {
      // Two patients share the identifiers the file carries: a clinician decides.
      const ids = new Set(byIdentifier.map((found) => found.patientId));
      const hits = byIdentifier
        .flatMap((found) => this.record.search.search(found.value, NAME_CANDIDATES).hits)
        .filter(
          (hit, index, all) => ids.has(hit.id) && all.findIndex((other) => other.id === hit.id) === index,
        );
      return { kind: 'candidates', candidates: hits };
    }
    const candidates = this.byNameAndBirthDate(patient);
    return candidates.length > 0 ? { kind: 'candidates', candidates } : { kind: 'none' };
  }
}
