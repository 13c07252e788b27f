/**
 * The workstation's imaging library: imports DICOM files into the encrypted instance cache and
 * the index in the record (migration 0004), links studies to the record's patients, gives back an
 * instance's bytes, and keeps the cache within its size limit.
 *
 * Order of writes, so a crash leaves nothing half-done: a batch's instance files are written
 * (temporary file, then rename), flushed together, and only then is the batch's index committed
 * in one transaction. A crash before the commit leaves files no row points at; `open()` sweeps
 * them. An index row therefore always points at a whole file. Instances received from the PACS
 * (`importStream`, fed by a WADO-RS answer part by part) take the same path, flagged as held by the
 * PACS; a connection cut commits the whole instances received and nothing of the one arriving.
 *
 * Eviction (least recently used first) takes only studies flagged as also held by the PACS: a
 * study imported from a CD exists nowhere else and is never evicted. When the limit cannot be met
 * the import stops with IMAGING_CACHE_FULL.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Keychain } from '../../native/keychain/keychain';
import type { ContractErrorShape } from '../contract/errors';
import { TabibError, toErrorShape } from '../errors';
import type { Selectable } from 'kysely';
import type { ImagingPatientTable, ImagingStudyTable } from '../record/database/schema';
import type { LocalRecord } from '../record/local-record';
import type { SearchRules } from '../record/search-rules';
import { openCacheKey } from './cache-key';
import { readDicomInstance, type DicomInstanceHeader } from './dicom-header';
import { personNameText, type DicomPersonName } from './dicom-text';
import type {
  CacheUsage,
  CachedStudy,
  FileImportResult,
  ImportProgress,
  ImportReport,
  IndexedInstance,
  IndexedSeries,
  StudyImportResult,
} from './imaging-types';
import { collectImportSources, type ImportSource } from './import-sources';
import { CACHE_FILE_OVERHEAD, DicomInstanceCache, type WriteChunk } from './instance-cache';
import { PatientMatcher, type StudyPatientMatch } from './patient-matching';

export const DEFAULT_CACHE_LIMIT_BYTES = 20 * 2 ** 30;

/** Where the imaging files live in the data folder. */
export function imagingPaths(dataDir: string): { cacheDir: string; keyPath: string } {
  return {
    cacheDir: join(dataDir, 'imaging', 'cache'),
    keyPath: join(dataDir, 'imaging', 'cache.key.wrapped'),
  };
}

export interface ImagingLibraryOptions {
  record: LocalRecord;
  rules: SearchRules;
  keychain: Keychain;
  cacheDir: string;
  /** The cache key, wrapped by the keychain (imagingPaths().keyPath). */
  keyPath: string;
  limitBytes?: number;
  clock?: () => Date;
  /** Tests: the write under the cache (a full disk). */
  writeChunk?: WriteChunk;
  /** Files per committed batch (and bytes): fewer flushes, at the cost of redoing a batch after a crash. */
  batchFiles?: number;
  batchBytes?: number;
}

export interface ImportOptions {
  onProgress?: (progress: ImportProgress) => void;
  /** Each file's outcome, in the order of the files, once its batch is committed. */
  onFile?: (result: FileImportResult) => void;
}

export interface StreamImportOptions extends ImportOptions {
  /** The PACS holds these instances: their studies may be evicted (and retrieved again). */
  heldByPacs?: boolean;
  /** How many instances are expected, for progress; the count seen when absent. */
  expected?: number;
  /** Only instances of this study are accepted (a PACS answering with another study's is an error). */
  studyInstanceUid?: string;
}

/** An instance that arrives in memory: `label` stands for its path in the report (e.g. the request). */
export interface IncomingInstance {
  label: string;
  bytes: Uint8Array;
}

/** A file read (or why not), or an instance received. */
interface LoadedSource {
  path: string;
  bytes?: Uint8Array;
  error?: unknown;
}

async function loadSource(source: ImportSource): Promise<LoadedSource> {
  if (source.error) return { path: source.path, error: source.error };
  try {
    return { path: source.path, bytes: await readFile(source.path) };
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code ?? null;
    return {
      path: source.path,
      error: new TabibError(
        'IMAGING_FILE_UNREADABLE',
        `${source.path} cannot be read (${errno ?? 'error'})`,
        { errno },
      ),
    };
  }
}

interface PendingInstance {
  header: DicomInstanceHeader;
  fileId: string;
  sha256: string;
  byteSize: number;
  cachedSize: number;
}

/** A study's last access is written at most this often (a scroll through 300 slices is one write). */
const ACCESS_RESOLUTION_MS = 60_000;

function patientKey(header: DicomInstanceHeader): string {
  const { patient } = header;
  return JSON.stringify([patient.id, patient.issuer, personNameText(patient.name), patient.birthDate]);
}

function parseName(json: string | null): DicomPersonName | null {
  return json ? (JSON.parse(json) as DicomPersonName) : null;
}

export class ImagingLibrary {
  private readonly matcher: PatientMatcher;
  private usedBytes: number;
  readonly limitBytes: number;

  private constructor(
    private readonly options: ImagingLibraryOptions,
    private readonly cache: DicomInstanceCache,
  ) {
    this.matcher = new PatientMatcher(options.record, options.rules);
    this.limitBytes = options.limitBytes ?? DEFAULT_CACHE_LIMIT_BYTES;
    this.usedBytes = this.usage().usedBytes;
  }

  static async open(options: ImagingLibraryOptions): Promise<ImagingLibrary> {
    const queries = options.record.queries;
    const key = await openCacheKey(options.keychain, options.keyPath, queries, () =>
      Number((queries.statement('select count(*) as n from imaging_instance').get() as { n: number }).n),
    );
    const cache = new DicomInstanceCache({
      dir: options.cacheDir,
      key,
      ...(options.writeChunk ? { writeChunk: options.writeChunk } : {}),
    });
    const indexed = queries.statement('select 1 from imaging_instance where cache_file = ?');
    cache.sweep((fileId) => indexed.get(fileId) !== undefined);
    return new ImagingLibrary(options, cache);
  }

  private get queries() {
    return this.options.record.queries;
  }

  private now(): string {
    return (this.options.clock?.() ?? new Date()).toISOString();
  }

  usage(): CacheUsage {
    const row = this.queries
      .statement(
        `select (select count(*) from imaging_study) as studies, count(*) as instances,
          coalesce(sum(cached_size), 0) as bytes from imaging_instance`,
      )
      .get() as { studies: number; instances: number; bytes: number };
    return {
      usedBytes: Number(row.bytes),
      limitBytes: this.limitBytes,
      studies: Number(row.studies),
      instances: Number(row.instances),
    };
  }

  // ---- import ---------------------------------------------------------------------------

  async import(inputs: string[], options: ImportOptions = {}): Promise<ImportReport> {
    const started = performance.now();
    const sources = await collectImportSources(inputs);
    async function* loaded(): AsyncGenerator<LoadedSource> {
      for (const source of sources) yield await loadSource(source);
    }
    return this.importLoaded(loaded(), { ...options, expected: sources.length }, started);
  }

  /**
   * Imports instances that arrive in memory, one at a time (a PACS's WADO-RS answer): the same
   * batches, write order and checks as `import`, so an instance is either whole in the cache and
   * the index, or absent. When `instances` fails (a connection cut) the whole instances already
   * received are committed, and the report's `stoppedBy` is the failure.
   */
  async importStream(
    instances: AsyncIterable<IncomingInstance>,
    options: StreamImportOptions = {},
  ): Promise<ImportReport> {
    const started = performance.now();
    async function* loaded(): AsyncGenerator<LoadedSource> {
      for await (const instance of instances) yield { path: instance.label, bytes: instance.bytes };
    }
    return this.importLoaded(loaded(), options, started);
  }

  private async importLoaded(
    sources: AsyncIterable<LoadedSource>,
    options: StreamImportOptions,
    started: number,
  ): Promise<ImportReport> {
    const batchFiles = this.options.batchFiles ?? 200;
    const batchBytes = this.options.batchBytes ?? 64 * 2 ** 20;
    const heldByPacs = options.heldByPacs ?? false;
    const files: FileImportResult[] = [];
    const studyHeaders = new Map<string, DicomInstanceHeader>();
    const counts = new Map<string, { imported: number; duplicates: number }>();
    let pending: PendingInstance[] = [];
    let pendingResults: FileImportResult[] = [];
    let pendingBytes = 0;
    const pendingHashes = new Map<string, string>();
    let stoppedBy: ContractErrorShape | null = null;
    let seen = 0;
    let bytes = 0;

    const count = (study: string, field: 'imported' | 'duplicates') => {
      const entry = counts.get(study) ?? { imported: 0, duplicates: 0 };
      entry[field]++;
      counts.set(study, entry);
    };

    const flush = async () => {
      const batch = pending;
      const results = pendingResults;
      pending = [];
      pendingResults = [];
      pendingBytes = 0;
      pendingHashes.clear();
      if (batch.length > 0) {
        try {
          await this.cache.sync(batch.map((instance) => instance.fileId));
          this.commit(batch, heldByPacs);
          for (const instance of batch) {
            bytes += instance.byteSize;
            count(instance.header.study.uid, 'imported');
          }
        } catch (error) {
          // Nothing of this batch is indexed: its files go, and each of its files reports why.
          this.cache.remove(batch.map((instance) => instance.fileId));
          this.usedBytes -= batch.reduce((sum, instance) => sum + instance.cachedSize, 0);
          const shape = errorShape(error);
          for (const result of results) {
            if (result.status === 'imported') Object.assign(result, { status: 'error', error: shape });
          }
          stoppedBy = shape;
        }
      }
      for (const result of results) {
        files.push(result);
        options.onFile?.(result);
      }
    };

    const iterator = sources[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<LoadedSource>;
        try {
          next = await iterator.next();
        } catch (error) {
          // The source failed (a connection cut): what came whole is committed below.
          stoppedBy = errorShape(error);
          break;
        }
        if (next.done) break;
        seen++;
        const result = await this.importOne(
          next.value,
          pendingHashes,
          studyHeaders,
          options.studyInstanceUid,
        );
        if (result.kind === 'instance') {
          pending.push(result.instance);
          pendingBytes += result.instance.byteSize;
          pendingHashes.set(result.instance.header.instance.sopInstanceUid, result.instance.sha256);
        } else if (result.file.status === 'duplicate' && result.file.studyInstanceUid) {
          count(result.file.studyInstanceUid, 'duplicates');
        }
        if (result.stop) stoppedBy = result.file.error;
        pendingResults.push(result.file);
        options.onProgress?.({ done: seen, total: Math.max(seen, options.expected ?? seen) });
        if (pending.length >= batchFiles || pendingBytes >= batchBytes || stoppedBy) await flush();
        if (stoppedBy) break;
      }
    } finally {
      // Stops the source (a file list, or the PACS's answer) when the import stops first.
      if (stoppedBy) await iterator.return?.().catch(() => undefined);
    }
    await flush();

    const studies = [...studyHeaders.entries()]
      .filter(([uid]) => counts.has(uid))
      .map(([uid, header]) =>
        this.studyResult(uid, header, counts.get(uid) ?? { imported: 0, duplicates: 0 }),
      );
    const tally = (status: FileImportResult['status']) =>
      files.filter((file) => file.status === status).length;
    const expected = options.expected ?? seen;
    return {
      files,
      studies,
      total: Math.max(expected, seen),
      imported: tally('imported'),
      duplicates: tally('duplicate'),
      errors: tally('error'),
      notAttempted: Math.max(0, expected - seen),
      stoppedBy,
      bytes,
      milliseconds: Math.round(performance.now() - started),
    };
  }

  private async importOne(
    source: LoadedSource,
    pendingHashes: Map<string, string>,
    studyHeaders: Map<string, DicomInstanceHeader>,
    expectedStudy: string | undefined,
  ): Promise<
    | { kind: 'instance'; instance: PendingInstance; file: FileImportResult; stop: false }
    | { kind: 'other'; file: FileImportResult; stop: boolean }
  > {
    const file: FileImportResult = {
      path: source.path,
      status: 'error',
      sopInstanceUid: null,
      studyInstanceUid: null,
      error: null,
    };
    const failed = (error: unknown, stop = false) => ({
      kind: 'other' as const,
      file: { ...file, error: errorShape(error) },
      stop,
    });
    if (source.error || !source.bytes) return failed(source.error);
    const bytes = source.bytes;
    let header: DicomInstanceHeader;
    try {
      header = readDicomInstance(bytes);
    } catch (error) {
      return failed(error);
    }
    const uid = header.instance.sopInstanceUid;
    file.sopInstanceUid = uid;
    file.studyInstanceUid = header.study.uid;
    if (expectedStudy !== undefined && header.study.uid !== expectedStudy)
      return failed(
        new TabibError(
          'IMAGING_PACS_RESPONSE_INVALID',
          `${source.path}: an instance of study ${header.study.uid} came in the answer for study ${expectedStudy}`,
          {
            sopInstanceUid: uid,
            studyInstanceUid: header.study.uid,
            expectedStudyInstanceUid: expectedStudy,
          },
        ),
      );
    if (!studyHeaders.has(header.study.uid)) studyHeaders.set(header.study.uid, header);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const known =
      pendingHashes.get(uid) ??
      (
        this.queries
          .statement('select content_sha256 from imaging_instance where sop_instance_uid = ?')
          .get(uid) as { content_sha256: string } | undefined
      )?.content_sha256;
    if (known !== undefined) {
      if (known === sha256) return { kind: 'other', file: { ...file, status: 'duplicate' }, stop: false };
      return failed(
        new TabibError(
          'IMAGING_UID_CONFLICT',
          `Another instance with SOP Instance UID ${uid} and different content is already cached; the cached one is kept`,
          { sopInstanceUid: uid },
        ),
      );
    }
    const cachedSize = bytes.length + CACHE_FILE_OVERHEAD;
    try {
      this.makeRoom(cachedSize, new Set(studyHeaders.keys()));
      const fileId = this.cache.newFileId();
      this.cache.write(fileId, bytes);
      this.usedBytes += cachedSize;
      return {
        kind: 'instance',
        instance: { header, fileId, sha256, byteSize: bytes.length, cachedSize },
        file: { ...file, status: 'imported' },
        stop: false,
      };
    } catch (error) {
      return failed(error, true);
    }
  }

  /** One batch into the index, in one transaction. */
  private commit(batch: PendingInstance[], heldByPacs: boolean): void {
    const now = this.now();
    const q = this.queries;
    const insertPatient = q.statement(
      `insert into imaging_patient (patient_key, dicom_patient_id, issuer, other_ids_json, name_json, name_text,
        birth_date, sex, character_set) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (patient_key) do nothing`,
    );
    const patientRow = q.statement('select rowid from imaging_patient where patient_key = ?');
    const insertStudy = q.statement(
      `insert into imaging_study (study_uid, imaging_patient, study_date, study_time, description,
        accession_number, study_id, imported, last_access, pacs_held) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        on conflict (study_uid) do update set pacs_held = max(imaging_study.pacs_held, excluded.pacs_held)`,
    );
    const insertSeries = q.statement(
      `insert into imaging_series (series_uid, study_uid, modality, series_number, description, body_part)
        values (?, ?, ?, ?, ?, ?) on conflict (series_uid) do nothing`,
    );
    const insertInstance = q.statement(
      `insert into imaging_instance (sop_instance_uid, series_uid, sop_class_uid, instance_number, frames, rows,
        columns, transfer_syntax, photometric, content_sha256, byte_size, cache_file, cached_size, imported,
        image_position, image_orientation, geometry_read)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
    );
    q.transaction(() => {
      for (const { header, fileId, sha256, byteSize, cachedSize } of batch) {
        const { patient, study, series, instance } = header;
        const key = patientKey(header);
        insertPatient.run(
          key,
          patient.id,
          patient.issuer,
          JSON.stringify(patient.otherIds),
          patient.name ? JSON.stringify(patient.name) : null,
          personNameText(patient.name),
          patient.birthDate,
          patient.sex,
          header.characterSet,
        );
        const { rowid } = patientRow.get(key) as { rowid: number };
        insertStudy.run(
          study.uid,
          rowid,
          study.date,
          study.time,
          study.description,
          study.accessionNumber,
          study.id,
          now,
          now,
          heldByPacs ? 1 : 0,
        );
        insertSeries.run(
          series.uid,
          study.uid,
          series.modality,
          series.number,
          series.description,
          series.bodyPart,
        );
        insertInstance.run(
          instance.sopInstanceUid,
          series.uid,
          instance.sopClassUid,
          instance.number,
          instance.frames,
          instance.rows,
          instance.columns,
          instance.transferSyntaxUid,
          instance.photometricInterpretation,
          sha256,
          byteSize,
          fileId,
          cachedSize,
          now,
          instance.position ? instance.position.join('\\') : null,
          instance.orientation ? instance.orientation.join('\\') : null,
        );
      }
    });
  }

  private studyResult(
    uid: string,
    header: DicomInstanceHeader,
    counts: { imported: number; duplicates: number },
  ): StudyImportResult {
    return {
      studyInstanceUid: uid,
      patientName: header.patient.name,
      patientNameText: personNameText(header.patient.name),
      dicomPatientId: header.patient.id,
      birthDate: header.patient.birthDate,
      studyDate: header.study.date,
      description: header.study.description,
      ...counts,
      match: this.linkStudy(uid, header),
    };
  }

  /** The study's link to the record: kept if already made, else matched (and linked on a national identifier). */
  private linkStudy(uid: string, header: DicomInstanceHeader): StudyPatientMatch {
    const row = this.queries
      .statement('select patient_id, patient_link from imaging_study where study_uid = ?')
      .get(uid) as { patient_id: string | null; patient_link: 'identifier' | 'confirmed' | null } | undefined;
    if (row?.patient_id && row.patient_link === 'confirmed')
      return { kind: 'confirmed', patientId: row.patient_id };
    const match = this.matcher.match(header.patient);
    if (row && match.kind === 'identifier') {
      this.queries
        .statement(`update imaging_study set patient_id = ?, patient_link = 'identifier' where study_uid = ?`)
        .run(match.patientId, uid);
    }
    return match;
  }

  /** The match of a cached study, as an import would answer it now (candidates are recomputed). */
  matchStudy(studyInstanceUid: string): StudyPatientMatch {
    const study = this.studyRow(studyInstanceUid);
    if (study.patient_id && study.patient_link === 'confirmed')
      return { kind: 'confirmed', patientId: study.patient_id };
    const row = this.queries
      .statement('select * from imaging_patient where rowid = ?')
      .get(study.imaging_patient) as {
      dicom_patient_id: string;
      issuer: string;
      other_ids_json: string;
      name_json: string | null;
      birth_date: string | null;
      sex: string;
    };
    return this.matcher.match({
      id: row.dicom_patient_id,
      issuer: row.issuer,
      otherIds: JSON.parse(row.other_ids_json) as { id: string; issuer: string }[],
      name: parseName(row.name_json),
      birthDate: row.birth_date,
      sex: row.sex,
    });
  }

  /** A clinician's confirmation that a study is this patient's (one of the candidates, or a search). */
  confirmPatient(studyInstanceUid: string, patientId: string): void {
    this.studyRow(studyInstanceUid);
    if (!this.options.record.store.read('Patient', patientId))
      throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${patientId} is not in the record`);
    this.queries
      .statement(`update imaging_study set patient_id = ?, patient_link = 'confirmed' where study_uid = ?`)
      .run(patientId, studyInstanceUid);
  }

  /** A study the PACS also holds may be evicted from the cache; a local-only study never is. */
  setHeldByPacs(studyInstanceUid: string, held: boolean): void {
    this.studyRow(studyInstanceUid);
    this.queries
      .statement('update imaging_study set pacs_held = ? where study_uid = ?')
      .run(held ? 1 : 0, studyInstanceUid);
  }

  private studyRow(studyInstanceUid: string) {
    const row = this.queries
      .statement('select * from imaging_study where study_uid = ?')
      .get(studyInstanceUid) as
      { imaging_patient: number; patient_id: string | null; patient_link: string | null } | undefined;
    if (!row)
      throw new TabibError(
        'IMAGING_STUDY_NOT_FOUND',
        `Study ${studyInstanceUid} is not in the imaging cache`,
        {
          studyInstanceUid,
        },
      );
    return row;
  }

  // ---- cache limit -----------------------------------------------------------------------

  /** Evicts least recently used PACS-held studies (never those in `protect`) until `incoming` bytes fit. */
  private makeRoom(incoming: number, protect: Set<string>): string[] {
    const evicted: string[] = [];
    if (this.usedBytes + incoming <= this.limitBytes) return evicted;
    const candidates = this.queries
      .statement(
        'select study_uid from imaging_study where pacs_held = 1 order by last_access, imported, study_uid',
      )
      .all() as { study_uid: string }[];
    for (const { study_uid: uid } of candidates) {
      if (protect.has(uid)) continue;
      this.evictStudy(uid);
      evicted.push(uid);
      if (this.usedBytes + incoming <= this.limitBytes) return evicted;
    }
    throw new TabibError(
      'IMAGING_CACHE_FULL',
      `The imaging cache cannot stay within its limit of ${this.limitBytes} bytes: the studies it holds exist only here`,
      { limitBytes: this.limitBytes, usedBytes: this.usedBytes, neededBytes: incoming },
    );
  }

  /** Brings the cache within its limit (after the limit was lowered). Returns the evicted studies. */
  enforceLimit(): string[] {
    return this.makeRoom(0, new Set());
  }

  private evictStudy(uid: string): void {
    const files = this.queries
      .statement(
        `select i.cache_file, i.cached_size from imaging_instance i join imaging_series s on s.series_uid = i.series_uid
          where s.study_uid = ?`,
      )
      .all(uid) as { cache_file: string; cached_size: number }[];
    this.queries.transaction(() => {
      const { imaging_patient: patient } = this.queries
        .statement('select imaging_patient from imaging_study where study_uid = ?')
        .get(uid) as { imaging_patient: number };
      this.queries.statement('delete from imaging_study where study_uid = ?').run(uid);
      this.queries
        .statement(
          'delete from imaging_patient where rowid = ? and not exists (select 1 from imaging_study where imaging_patient = ?)',
        )
        .run(patient, patient);
    });
    // After the commit: a crash in between leaves unindexed files, which the next open sweeps.
    this.cache.remove(files.map((file) => file.cache_file));
    this.usedBytes -= files.reduce((sum, file) => sum + Number(file.cached_size), 0);
  }

  // ---- reading ---------------------------------------------------------------------------

  /** The instance's Part 10 bytes, decrypted and authenticated (IMAGING_CACHE_TAMPERED otherwise). */
  async readInstance(sopInstanceUid: string): Promise<Uint8Array> {
    const row = this.queries
      .statement(
        `select i.cache_file, s.study_uid, st.last_access from imaging_instance i
          join imaging_series s on s.series_uid = i.series_uid join imaging_study st on st.study_uid = s.study_uid
          where i.sop_instance_uid = ?`,
      )
      .get(sopInstanceUid) as { cache_file: string; study_uid: string; last_access: string } | undefined;
    if (!row)
      throw new TabibError(
        'IMAGING_INSTANCE_NOT_FOUND',
        `Instance ${sopInstanceUid} is not in the imaging cache`,
        {
          sopInstanceUid,
        },
      );
    const bytes = await this.cache.read(row.cache_file);
    const now = this.now();
    if (Date.parse(now) - Date.parse(row.last_access) >= ACCESS_RESOLUTION_MS) {
      this.queries
        .statement('update imaging_study set last_access = ? where study_uid = ?')
        .run(now, row.study_uid);
    }
    return bytes;
  }

  /** The cached studies, most recent first: all, one record patient's, or one study. */
  listStudies(filter: { patientId?: string; studyInstanceUid?: string } = {}): CachedStudy[] {
    const where = [
      ...(filter.patientId !== undefined ? ['st.patient_id = ?'] : []),
      ...(filter.studyInstanceUid !== undefined ? ['st.study_uid = ?'] : []),
    ];
    const parameters = [filter.patientId, filter.studyInstanceUid].filter((value) => value !== undefined);
    const rows = this.queries
      .statement(
        `select st.*, p.name_json, p.name_text, p.dicom_patient_id, p.birth_date, p.sex,
          (select group_concat(modality, '\\') from (select distinct modality from imaging_series
            where study_uid = st.study_uid and modality <> '' order by modality)) as modalities,
          (select count(*) from imaging_series where study_uid = st.study_uid) as series,
          (select count(*) from imaging_instance i join imaging_series s on s.series_uid = i.series_uid
            where s.study_uid = st.study_uid) as instances,
          (select coalesce(sum(i.cached_size), 0) from imaging_instance i join imaging_series s
            on s.series_uid = i.series_uid where s.study_uid = st.study_uid) as size
        from imaging_study st join imaging_patient p on p.rowid = st.imaging_patient
        ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
        order by st.study_date desc, st.study_time desc, st.study_uid`,
      )
      .all(...parameters) as (Selectable<ImagingStudyTable> &
      Pick<ImagingPatientTable, 'name_json' | 'name_text' | 'dicom_patient_id' | 'birth_date' | 'sex'> & {
        modalities: string | null;
        series: number;
        instances: number;
        size: number;
      })[];
    return rows.map((row) => ({
      studyInstanceUid: row.study_uid,
      patientName: parseName(row.name_json),
      patientNameText: row.name_text,
      dicomPatientId: row.dicom_patient_id,
      birthDate: row.birth_date,
      sex: row.sex,
      patientId: row.patient_id,
      patientLink: row.patient_link,
      studyDate: row.study_date,
      studyTime: row.study_time,
      description: row.description,
      accessionNumber: row.accession_number,
      modalities: row.modalities ? row.modalities.split('\\') : [],
      series: Number(row.series),
      instances: Number(row.instances),
      sizeBytes: Number(row.size),
      heldByPacs: row.pacs_held === 1,
      lastAccess: row.last_access,
    }));
  }

  /** A study's instances, series by series, in instance order (what a viewer stacks). */
  instanceUids(studyInstanceUid: string): string[] {
    return (
      this.queries
        .statement(
          `select i.sop_instance_uid from imaging_instance i join imaging_series s on s.series_uid = i.series_uid
            where s.study_uid = ? order by s.series_number, s.series_uid, i.instance_number, i.sop_instance_uid`,
        )
        .all(studyInstanceUid) as { sop_instance_uid: string }[]
    ).map((row) => row.sop_instance_uid);
  }

  /**
   * A study's series and their instances with what the viewer stacks them by (the index's rows).
   * Instances indexed before their geometry was kept (migration 0011) have it read once from
   * the cache here.
   */
  async studySeries(studyInstanceUid: string): Promise<IndexedSeries[]> {
    this.studyRow(studyInstanceUid);
    const select = () =>
      this.queries
        .statement(
          `select s.series_uid, s.modality, s.series_number, s.description, s.body_part, i.sop_instance_uid, i.sop_class_uid,
            i.instance_number, i.frames, i.rows, i.columns, i.transfer_syntax, i.image_position,
            i.image_orientation, i.geometry_read, i.cache_file
          from imaging_series s join imaging_instance i on i.series_uid = s.series_uid
          where s.study_uid = ? order by s.series_number, s.series_uid, i.instance_number, i.sop_instance_uid`,
        )
        .all(studyInstanceUid) as IndexedInstanceRow[];
    let rows = select();
    const unread = rows.filter((row) => row.geometry_read === 0);
    if (unread.length > 0) {
      const update = this.queries.statement(
        'update imaging_instance set image_position = ?, image_orientation = ?, geometry_read = 1 where sop_instance_uid = ?',
      );
      const found: [string | null, string | null, string][] = [];
      for (const row of unread) {
        const { instance } = readDicomInstance(await this.cache.read(row.cache_file));
        found.push([
          instance.position?.join('\\') ?? null,
          instance.orientation?.join('\\') ?? null,
          row.sop_instance_uid,
        ]);
      }
      this.queries.transaction(() => {
        for (const values of found) update.run(...values);
      });
      rows = select();
    }
    const series = new Map<string, IndexedSeries>();
    for (const row of rows) {
      let entry = series.get(row.series_uid);
      if (!entry) {
        entry = {
          seriesInstanceUid: row.series_uid,
          seriesNumber: row.series_number,
          modality: row.modality,
          description: row.description,
          bodyPart: row.body_part,
          instances: [],
        };
        series.set(row.series_uid, entry);
      }
      entry.instances.push({
        sopInstanceUid: row.sop_instance_uid,
        sopClassUid: row.sop_class_uid,
        instanceNumber: row.instance_number,
        frames: Number(row.frames),
        rows: row.rows,
        columns: row.columns,
        transferSyntaxUid: row.transfer_syntax,
        position: parseDecimals(row.image_position, 3) as IndexedInstance['position'],
        orientation: parseDecimals(row.image_orientation, 6) as IndexedInstance['orientation'],
      });
    }
    return [...series.values()];
  }

  /** The index's rows for one instance (the viewer's tag browser and tests). */
  instance(sopInstanceUid: string): Record<string, unknown> | null {
    return (
      (this.queries
        .statement('select * from imaging_instance where sop_instance_uid = ?')
        .get(sopInstanceUid) as Record<string, unknown> | undefined) ?? null
    );
  }
}

interface IndexedInstanceRow {
  series_uid: string;
  modality: string;
  series_number: number | null;
  description: string;
  body_part: string;
  sop_instance_uid: string;
  sop_class_uid: string;
  instance_number: number | null;
  frames: number;
  rows: number | null;
  columns: number | null;
  transfer_syntax: string;
  image_position: string | null;
  image_orientation: string | null;
  geometry_read: number;
  cache_file: string;
}

function parseDecimals(text: string | null, count: number): number[] | null {
  if (!text) return null;
  const values = text.split('\\').map(Number);
  return values.length === count && values.every(Number.isFinite) ? values : null;
}

/** A failure as a file's outcome: SQLite's full disk (SQLITE_FULL) is DISK_FULL like ENOSPC. */
function errorShape(error: unknown): ContractErrorShape {
  if ((error as { code?: string } | undefined)?.code === 'SQLITE_FULL')
    return { code: 'DISK_FULL', message: 'The disk is full; nothing was written.' };
  return toErrorShape(error);
}
