/**
 * The patient search projection: one row per patient (what a result shows), the identifiers and
 * phone numbers (exact lookups) and the name terms (FTS5). Kept in step with every Patient write,
 * inside the write's transaction.
 */
import type { HumanName, Patient } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import type { Gender, PatientSummary, PersonName } from '../contract/types';
import type { RecordDatabase } from './database/schema';
import { slot, type SyncQueries } from './database/sync-queries';
import type { SearchRules } from './search-rules';

const ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]/;

export function isArabicScript(text: string): boolean {
  return ARABIC_LETTER.test(text);
}

function nameParts(name: HumanName): PersonName {
  return {
    given: (name.given ?? []).join(' ').trim(),
    family: (name.family ?? '').trim(),
  };
}

function nameText(name: HumanName): string {
  return name.text ?? [...(name.given ?? []), name.family ?? ''].join(' ');
}

/** The patient's current name in each script: the official one first, then usual, then any. */
export function namesByScript(patient: Patient): { latin: PersonName | null; arabic: PersonName | null } {
  const current = (patient.name ?? []).filter((name) => name.use !== 'old' && !name.period?.end);
  const order = (name: HumanName) => (name.use === 'official' ? 0 : name.use === 'usual' ? 1 : 2);
  const sorted = [...current].sort((a, b) => order(a) - order(b));
  const latin = sorted.find((name) => !isArabicScript(nameText(name)));
  const arabic = sorted.find((name) => isArabicScript(nameText(name)));
  return { latin: latin ? nameParts(latin) : null, arabic: arabic ? nameParts(arabic) : null };
}

const NAME_INDEX_VERSION = 'nameIndexVersion';
/** What the index holds besides the rules' name terms; bump it when that changes (here: birth terms). */
const INDEX_LAYOUT = 'layout-2';

/**
 * Birth-date terms beside the name terms, so "benali 1985" is one FTS intersection instead of a
 * filter over every Benali. The leading `9` keeps them apart from any name term (name terms are
 * letters, or start with 0, 1 or 2: search/name-words.ts), so a typed name never matches them.
 */
export function birthDateTerms(birthDate: string | null): string[] {
  const match = birthDate ? /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/.exec(birthDate) : null;
  if (!match) return [];
  const [, year, month, day] = match;
  return [
    `9y${year}`,
    ...(month ? [`9m${year}${month}`] : []),
    ...(month && day ? [`9d${year}${month}${day}`] : []),
  ];
}

/** The one term that stands for a typed birth date (`YYYY`, `YYYY-MM` or `YYYY-MM-DD`). */
export function birthDateQueryTerm(birthDate: string): string {
  const [year, month, day] = birthDate.split('-');
  if (day) return `9d${year}${month}${day}`;
  if (month) return `9m${year}${month}`;
  return `9y${year}`;
}

/** The statements every Patient write runs, built once (a bulk load runs them for each patient). */
function indexStatements(kysely: Kysely<RecordDatabase>, queries: SyncQueries) {
  const row = {
    patient_id: slot<string>(),
    given_latin: slot<string | null>(),
    family_latin: slot<string | null>(),
    given_arabic: slot<string | null>(),
    family_arabic: slot<string | null>(),
    birth_date: slot<string | null>(),
    gender: slot<string | null>(),
    identifier_system: slot<string | null>(),
    identifier_value: slot<string | null>(),
    phone: slot<string | null>(),
  };
  return {
    find: queries.prepare(
      kysely.selectFrom('patient_search').select('rowid').where('patient_id', '=', slot<string>()),
    ),
    insert: queries.prepare(kysely.insertInto('patient_search').values(row)),
    update: queries.prepare(
      kysely.updateTable('patient_search').set(row).where('rowid', '=', slot<number>()),
    ),
    insertTerms: queries.statement('insert into patient_name_fts(rowid, terms) values (?, ?)'),
    deleteTerms: queries.statement('delete from patient_name_fts where rowid = ?'),
    insertIdentifier: queries.prepare(
      kysely
        .insertInto('patient_identifier')
        .values({ value: slot<string>(), system: slot<string>(), patient_id: slot<string>() }),
    ),
    deleteIdentifiers: queries.prepare(
      kysely.deleteFrom('patient_identifier').where('patient_id', '=', slot<string>()),
    ),
    insertPhone: queries.prepare(
      kysely.insertInto('patient_phone').values({ digits: slot<string>(), patient_id: slot<string>() }),
    ),
    deletePhones: queries.prepare(
      kysely.deleteFrom('patient_phone').where('patient_id', '=', slot<string>()),
    ),
  };
}

export class PatientIndex {
  private readonly statements: ReturnType<typeof indexStatements>;

  constructor(
    private readonly kysely: Kysely<RecordDatabase>,
    private readonly queries: SyncQueries,
    private readonly rules: SearchRules,
  ) {
    this.statements = indexStatements(kysely, queries);
  }

  summaryOf(patient: Patient): PatientSummary {
    const names = namesByScript(patient);
    const identifiers = patient.identifier ?? [];
    const national =
      identifiers.find((identifier) => identifier.system && this.rules.isNationalSystem(identifier.system)) ??
      identifiers.find((identifier) => identifier.system && identifier.value);
    const phone = patient.telecom?.find((telecom) => telecom.system === 'phone' && telecom.value);
    return {
      id: patient.id as string,
      latin: names.latin,
      arabic: names.arabic,
      identifier:
        national?.system && national.value ? { system: national.system, value: national.value } : null,
      birthDate: patient.birthDate ?? null,
      gender: (patient.gender as Gender | undefined) ?? null,
      phone: phone?.value ?? null,
    };
  }

  /** Replaces everything the index holds for this patient (create, update, or import). */
  put(patient: Patient): void {
    const id = patient.id as string;
    const summary = this.summaryOf(patient);
    const statements = this.statements;
    const existing = statements.find.get(id) as { rowid: number } | undefined;
    // In the order of the row's slots (indexStatements).
    const values = [
      id,
      summary.latin?.given ?? null,
      summary.latin?.family ?? null,
      summary.arabic?.given ?? null,
      summary.arabic?.family ?? null,
      summary.birthDate,
      summary.gender,
      summary.identifier?.system ?? null,
      summary.identifier?.value ?? null,
      summary.phone,
    ];
    let rowid: number;
    if (existing) {
      rowid = existing.rowid;
      statements.update.run(...values, rowid);
      this.removeTerms(id, rowid);
    } else {
      rowid = Number(statements.insert.run(...values).lastInsertRowid);
    }

    const names = (patient.name ?? []).filter((name) => name.use !== 'old').map(nameText);
    const terms = this.rules.nameTerms(names);
    // Only patients with a name are found by name; their birth date narrows such a search.
    if (terms.length > 0) terms.push(...birthDateTerms(summary.birthDate));
    if (terms.length > 0) statements.insertTerms.run(rowid, terms.join(' '));
    const identifiers = new Set<string>();
    for (const identifier of patient.identifier ?? []) {
      if (!identifier.system || !identifier.value) continue;
      const value = this.rules.identifierKey(identifier.value);
      const key = `${identifier.system}\u0000${value}`;
      if (identifiers.has(key)) continue;
      identifiers.add(key);
      statements.insertIdentifier.run(value, identifier.system, id);
    }
    const phones = new Set<string>();
    for (const telecom of patient.telecom ?? []) {
      if (telecom.system !== 'phone' || !telecom.value) continue;
      const digits = this.rules.phoneKey(telecom.value);
      if (!digits || phones.has(digits)) continue;
      phones.add(digits);
      statements.insertPhone.run(digits, id);
    }
  }

  private removeTerms(patientId: string, rowid: number): void {
    this.statements.deleteTerms.run(rowid);
    this.statements.deleteIdentifiers.run(patientId);
    this.statements.deletePhones.run(patientId);
  }

  /**
   * Rebuilds every patient's search terms when the name rules changed since the index was built
   * (SearchRules.version: new rules or a new name dictionary, e.g. after an update). One
   * transaction: a crash leaves the old index and its old version, and the next open retries.
   */
  rebuildIfRulesChanged(): { rebuilt: number } | null {
    if (!this.rules.version) return null;
    const version = `${INDEX_LAYOUT}:${this.rules.version}`;
    const stored = this.queries.first(
      this.kysely.selectFrom('record_meta').select('value').where('key', '=', NAME_INDEX_VERSION),
    );
    if (stored?.value === version) return null;
    return this.queries.transaction(() => {
      let rebuilt = 0;
      let after = 0;
      // By pages of rowids: never holds a million patients in memory, never reads what it writes.
      const page = this.queries.statement(
        "select rowid, json from resource where type = 'Patient' and deleted = 0 and rowid > ? order by rowid limit 2000",
      );
      for (;;) {
        const rows = page.all(after) as { rowid: number; json: string }[];
        if (rows.length === 0) break;
        for (const row of rows) this.put(JSON.parse(row.json) as Patient);
        rebuilt += rows.length;
        after = (rows.at(-1) as { rowid: number }).rowid;
      }
      this.queries.run(
        this.kysely
          .insertInto('record_meta')
          .values({ key: NAME_INDEX_VERSION, value: version })
          .onConflict((oc) => oc.column('key').doUpdateSet({ value: version })),
      );
      return { rebuilt };
    });
  }

  remove(patientId: string): void {
    const existing = this.queries.first(
      this.kysely.selectFrom('patient_search').select('rowid').where('patient_id', '=', patientId),
    );
    if (!existing) return;
    this.removeTerms(patientId, existing.rowid);
    this.queries.run(this.kysely.deleteFrom('patient_search').where('rowid', '=', existing.rowid));
  }
}
