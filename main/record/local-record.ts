/**
 * The local replica of the patient record: one encrypted SQLite file, opened with the key the OS
 * keychain unwraps, and the services over it (store, patient search, audit trail).
 */
import { existsSync, statSync } from 'node:fs';
import type { AllergyIntolerance, CodeableConcept, Coding, Condition, Encounter } from '@medplum/fhirtypes';
import type { Keychain } from '../../native/keychain/keychain';
import type { ChartConcept, ChartHeader, Language, RecordStatus } from '../contract/types';
import { TabibError } from '../errors';
import type { Actor, Workstation } from './actor';
import { AuditLog } from './audit-log';
import { BulkImport, type BulkImportOptions } from './bulk-import';
import { RECORD_CIPHER, type RecordCipher } from './database/ciphers';
import { keyPragma, openRecordDatabase, unlock, type RecordConnection } from './database/sqlite-connection';
import { SyncQueries } from './database/sync-queries';
import { PatientIndex } from './patient-index';
import { PatientSearch } from './patient-search';
import { RecordKeyFile } from './record-key';
import { ResourceStore } from './resource-store';
import type { SearchRules } from './search-rules';
import Database from 'better-sqlite3-multiple-ciphers';

export interface LocalRecordOptions {
  databasePath: string;
  keyPath: string;
  keychain: Keychain;
  /** The administrator allows a keychain that does not protect keys (or: a demonstration). */
  allowWeakKeychain: boolean;
  workstation: Workstation;
  rules: SearchRules;
  /** Localised labels for coded problems and allergies in the chart header. */
  conceptLabels?: ConceptLabels;
  cipher?: RecordCipher;
  clock?: () => Date;
  /** Benchmarks only, to measure the encryption's cost: no key, no cipher. The app never sets it. */
  unencryptedForBenchmark?: boolean;
}

function conceptText(concept: CodeableConcept | undefined): string | null {
  if (!concept) return null;
  return (
    concept.text ??
    concept.coding?.find((coding) => coding.display)?.display ??
    concept.coding?.[0]?.code ??
    null
  );
}

/** Labels of a code in the interface languages, from Tabib's terminology subsets (or none). */
export type ConceptLabels = (system: string, code: string) => Partial<Record<Language, string>> | null;

function chartConcept(
  concept: CodeableConcept | undefined,
  labels: ConceptLabels | undefined,
): ChartConcept | null {
  const text = conceptText(concept);
  if (!text) return null;
  for (const coding of concept?.coding ?? []) {
    if (!coding.system || !coding.code) continue;
    const known = labels?.(coding.system, coding.code);
    if (known) return { text, code: coding.code, labels: known };
  }
  return { text, code: concept?.coding?.find((coding) => coding.code)?.code ?? null, labels: {} };
}

async function assertKeychainAllowed(keychain: Keychain, allowWeak: boolean): Promise<string> {
  const { backend, strong } = await keychain.describe();
  if (!strong && !allowWeak) {
    throw new TabibError(
      'KEYCHAIN_WEAK',
      `The OS keychain backend '${backend}' does not protect keys; the administrator must allow it (allowWeakKeychain)`,
      { backend },
    );
  }
  return backend;
}

/**
 * Opens (or, on a first run, creates) the database. A new record's key is written as `.next` and
 * promoted only once the database exists: a crash in between leaves nothing that blocks a retry.
 */
async function connect(options: LocalRecordOptions): Promise<RecordConnection> {
  const cipher = options.cipher ?? RECORD_CIPHER;
  if (options.unencryptedForBenchmark) {
    return openRecordDatabase({ path: options.databasePath, key: null, cipher, create: true });
  }
  const keys = new RecordKeyFile(options.keychain, options.keyPath);
  const databaseExists = existsSync(options.databasePath);
  if (!databaseExists) {
    if (keys.exists()) {
      throw new TabibError(
        'RECORD_MISSING',
        `The record ${options.databasePath} is missing but its key exists`,
        {
          path: options.databasePath,
        },
      );
    }
    const key = await keys.prepareNext();
    const connection = await openRecordDatabase({ path: options.databasePath, key, cipher, create: true });
    keys.promoteNext();
    return connection;
  }
  if (!keys.exists() && !existsSync(keys.nextPath)) {
    throw new TabibError('RECORD_KEY_MISMATCH', 'The record exists but this workstation has no key for it', {
      path: options.databasePath,
    });
  }
  const current = keys.exists() ? await keys.read() : null;
  if (current) {
    try {
      const connection = await openRecordDatabase({
        path: options.databasePath,
        key: current,
        cipher,
        create: false,
      });
      keys.discardNext(); // a rotation that never reached the database
      return connection;
    } catch (error) {
      if (!(error instanceof TabibError && error.code === 'RECORD_KEY_MISMATCH')) throw error;
      if (!existsSync(keys.nextPath)) throw error;
    }
  }
  // A rotation re-encrypted the database, then stopped before promoting its key.
  const next = await keys.readNext();
  if (!next) throw new TabibError('RECORD_KEY_MISMATCH', 'No key opens the record');
  const connection = await openRecordDatabase({
    path: options.databasePath,
    key: next,
    cipher,
    create: false,
  });
  keys.promoteNext();
  return connection;
}

export class LocalRecord {
  readonly queries: SyncQueries;
  readonly audit: AuditLog;
  readonly patients: PatientIndex;
  readonly search: PatientSearch;
  readonly store: ResourceStore;
  private bulk: BulkImport | null = null;

  private constructor(
    private readonly connection: RecordConnection,
    private readonly options: LocalRecordOptions,
    readonly keychainBackend: string,
  ) {
    const { kysely } = connection;
    this.queries = new SyncQueries(connection.sqlite);
    this.audit = new AuditLog(kysely, this.queries, options.workstation);
    this.patients = new PatientIndex(kysely, this.queries, options.rules);
    this.search = new PatientSearch(kysely, this.queries, options.rules);
    this.store = new ResourceStore(
      kysely,
      this.queries,
      this.patients,
      this.audit,
      options.rules,
      options.clock,
    );
  }

  static async open(options: LocalRecordOptions): Promise<LocalRecord> {
    const backend = await assertKeychainAllowed(options.keychain, options.allowWeakKeychain);
    const record = new LocalRecord(await connect(options), options, backend);
    try {
      record.patients.rebuildIfRulesChanged();
    } catch (error) {
      record.close();
      throw error;
    }
    return record;
  }

  get sqlite(): Database.Database {
    return this.connection.sqlite;
  }

  /**
   * Opens a patient's chart: the header, and an audit entry saying who looked (and why, when the
   * opening has a purpose of its own: break-the-glass, main/auth/break-glass.ts).
   */
  openChart(patientId: string, actor: Actor, reason?: string, purposeOfEvent?: Coding): ChartHeader {
    return this.queries.transaction(() => {
      const patient = this.store.readPatient(patientId);
      if (!patient) throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${patientId} is not in the record`);
      const allergies = this.store
        .listByPatient(patientId, { types: ['AllergyIntolerance'], limit: 100 })
        .resources.filter(
          (allergy) => (allergy as AllergyIntolerance).clinicalStatus?.coding?.[0]?.code !== 'resolved',
        )
        .map((allergy) => chartConcept((allergy as AllergyIntolerance).code, this.options.conceptLabels))
        .filter((concept): concept is ChartConcept => concept !== null);
      const problems = this.store
        .listByPatient(patientId, { types: ['Condition'], limit: 200 })
        .resources.filter((condition) => {
          const status = (condition as Condition).clinicalStatus?.coding?.[0]?.code;
          return !status || status === 'active' || status === 'recurrence' || status === 'relapse';
        })
        .map((condition) => chartConcept((condition as Condition).code, this.options.conceptLabels))
        .filter((concept): concept is ChartConcept => concept !== null);
      const lastEncounter = this.store.listByPatient(patientId, { types: ['Encounter'], limit: 1 })
        .resources[0] as Encounter | undefined;
      const address = patient.address?.[0];
      this.audit.append(
        actor,
        {
          action: 'R',
          patientId,
          ...(reason ? { description: reason } : {}),
          ...(purposeOfEvent ? { purposeOfEvent } : {}),
        },
        (this.options.clock?.() ?? new Date()).toISOString(),
      );
      return {
        patient: this.patients.summaryOf(patient),
        address: address
          ? (address.text ??
            [address.line?.join(', '), address.city, address.state].filter(Boolean).join(', '))
          : null,
        allergies,
        problems,
        lastEncounter: lastEncounter?.period?.start ?? null,
        counts: this.store.countByPatient(patientId),
      };
    });
  }

  /**
   * Drops patient data held in memory besides the database file: the search's name cache and the
   * decrypted pages SQLite keeps (`shrink_memory`, sqlite3_db_release_memory). After a sign-out.
   */
  forgetCaches(): void {
    this.search.forgetCache();
    this.connection.sqlite.pragma('shrink_memory');
  }

  status(): RecordStatus {
    const counts = this.store.counts();
    const size = (suffix: string) => {
      const path = `${this.options.databasePath}${suffix}`;
      return existsSync(path) ? statSync(path).size : 0;
    };
    return {
      state: 'open',
      ...counts,
      cipher: this.options.unencryptedForBenchmark ? 'none' : (this.options.cipher ?? RECORD_CIPHER),
      keychainBackend: this.keychainBackend,
      sizeBytes: size('') + size('-wal'),
    };
  }

  /**
   * A bulk load from the national record (the demonstration seed): batches imported as pull pages
   * are, the WAL checkpointed on another thread (bulk-import.ts). While one runs, another (a second
   * seed) gets SQLite's automatic checkpoint. finish() it.
   */
  async startBulkImport(options: BulkImportOptions = {}): Promise<BulkImport> {
    const access = this.bulk ? null : this.connection.access;
    const bulk = await BulkImport.start(this.store, this.connection.sqlite, access, options, () => {
      if (this.bulk === bulk) this.bulk = null;
    });
    if (access) this.bulk = bulk;
    return bulk;
  }

  close(): void {
    this.bulk?.abandon();
    this.bulk = null;
    this.connection.close();
  }
}

/**
 * `tabib record rekey`: re-encrypts the record under a fresh key. SQLite3 Multiple Ciphers cannot
 * rekey in WAL mode (pitfalls.md), so the WAL is checkpointed and the journal switched to DELETE
 * around it; the rekey itself is one transaction. See RecordKeyFile for crash safety.
 */
export async function rekeyRecord(options: LocalRecordOptions): Promise<{ pages: number }> {
  const cipher = options.cipher ?? RECORD_CIPHER;
  const record = await LocalRecord.open(options);
  const keys = new RecordKeyFile(options.keychain, options.keyPath);
  const sqlite = record.sqlite;
  const pages = Number(sqlite.pragma('page_count', { simple: true }));
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.pragma('journal_mode = DELETE');
  const next = await keys.prepareNext();
  try {
    sqlite.pragma(`re${keyPragma(next)}`);
  } catch (error) {
    keys.discardNext();
    sqlite.pragma('journal_mode = WAL');
    record.close();
    throw error;
  }
  record.close();
  // Prove the new key before it replaces the old one.
  const check = new Database(options.databasePath, { fileMustExist: true });
  try {
    unlock(check, next, cipher);
    check.pragma('journal_mode = WAL');
  } finally {
    check.close();
  }
  keys.promoteNext();
  return { pages };
}
