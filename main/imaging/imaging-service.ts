/**
 * Imaging behind the contract (issue 7): the imaging library over the workstation's record (opened
 * lazily, in the data folder, with the record's keychain for the cache key: the same composition
 * the `tabib imaging` commands use), the viewer's study and bytes, imports by path or by bytes,
 * the PACS over DICOMweb, and what a radiologist writes in the record (measurements, the report;
 * imaging-record.ts says how, as FHIR).
 */
import type { DiagnosticReport, ImagingStudy, Observation } from '@medplum/fhirtypes';
import type { Keychain } from '../../native/keychain/keychain';
import type { ConfigStore } from '../config/config-store';
import type { DataLayout } from '../config/paths';
import type {
  ImagingReportView,
  ImportProgressPayload,
  InstanceBytes,
  MeasurementView,
  StudyView,
  WorklistStudy,
} from '../contract/imaging-types';
import type { PacsStudy } from './dicomweb/dicom-json';
import { TabibError } from '../errors';
import { actorReference, patientResources, requirePatient } from '../care/stored-resources';
import { printoutLabels } from '../print/printout-labels';
import type { LocalRecord } from '../record/local-record';
import type { RecordService } from '../record/record-service';
import type { StoredResource } from '../record/resource-store';
import { createSearchRules } from '../record/search/search-rules-for-country';
import { openPacsConnection, pacsSecretPath, type PacsConnection } from './dicomweb/pacs-connection';
import { retrieveStudy, storeStudy } from './dicomweb/pacs-transfer';
import type { StudyQuery } from './dicomweb/dicomweb-client';
import { ImagingLibrary, imagingPaths, type ImportOptions } from './imaging-library';
import {
  imagingStudyResource,
  isImagingStudyOf,
  isMeasurementOf,
  isReportOf,
  measurementObservation,
  measurementView,
  reportResource,
  reportView,
  sameImagingStudy,
  sameObservation,
  type ReportInput,
} from './imaging-record';
import type { CachedStudy, FileImportResult, ImportReport } from './imaging-types';
import type { StudyPatientMatch } from './patient-matching';
import { seriesViews } from './study-view';

export interface ImagingServiceDependencies {
  record: RecordService;
  config: ConfigStore;
  keychain: Keychain;
  layout: DataLayout;
  resourcesDir: string;
  clock: () => Date;
}

export type ImportProgressSink = (progress: ImportProgressPayload) => void;

/** A dropped file: its name and its bytes (base64, as it crosses the contract). */
export interface DroppedFile {
  name: string;
  data: string;
}

export class ImagingService {
  private opened: { record: LocalRecord; library: Promise<ImagingLibrary> } | null = null;

  constructor(private readonly deps: ImagingServiceDependencies) {}

  /**
   * The imaging library over the record as it is open now: opened on first use (its cache key
   * unwrapped by the keychain, its leftovers swept), again after the record was reopened.
   */
  async library(): Promise<ImagingLibrary> {
    const record = await this.deps.record.open();
    if (this.opened?.record !== record) {
      const paths = imagingPaths(this.deps.layout.dataDir);
      const opening = ImagingLibrary.open({
        record,
        rules: createSearchRules(this.deps.resourcesDir, this.deps.config.effective().country),
        keychain: this.deps.keychain,
        cacheDir: paths.cacheDir,
        keyPath: paths.keyPath,
        clock: this.deps.clock,
      });
      const opened = { record, library: opening };
      this.opened = opened;
      opening.catch(() => {
        if (this.opened === opened) this.opened = null;
      });
    }
    return this.opened.library;
  }

  /** The configured PACS (IMAGING_PACS_NOT_CONFIGURED without one); the caller closes it. */
  async openPacs(): Promise<PacsConnection> {
    const config = this.deps.config.effective().pacs;
    if (!config)
      throw new TabibError(
        'IMAGING_PACS_NOT_CONFIGURED',
        'No PACS is configured (configuration entry `pacs`: baseUrl, auth, stowEnabled)',
      );
    return openPacsConnection({
      config,
      keychain: this.deps.keychain,
      secretPath: pacsSecretPath(this.deps.layout.dataDir),
      credentialsPath: this.deps.layout.credentials,
    });
  }

  private async withPacs<T>(run: (pacs: PacsConnection) => Promise<T>): Promise<T> {
    const pacs = await this.openPacs();
    try {
      return await run(pacs);
    } finally {
      await pacs.close();
    }
  }

  // ---- the cache -------------------------------------------------------------------------------

  /** The worklist: each linked study with its report's state, read once per patient. */
  async studies(patientId?: string): Promise<WorklistStudy[]> {
    const studies = (await this.library()).listStudies(patientId !== undefined ? { patientId } : {});
    const linked = new Set(studies.flatMap((study) => study.patientId ?? []));
    if (linked.size === 0) return studies.map((study) => ({ ...study, report: null }));
    const record = await this.deps.record.open();
    const reports = new Map<string, WorklistStudy['report']>();
    for (const patient of linked) {
      const imagingStudies = patientResources<ImagingStudy>(record, patient, 'ImagingStudy');
      const patientReports = patientResources<DiagnosticReport>(record, patient, 'DiagnosticReport');
      for (const study of studies.filter((candidate) => candidate.patientId === patient)) {
        const imagingStudy = imagingStudies.find((stored) =>
          isImagingStudyOf(stored.resource, study.studyInstanceUid),
        );
        const report = imagingStudy
          ? patientReports.find((stored) => isReportOf(stored.resource, imagingStudy.resource.id as string))
          : undefined;
        if (report) {
          const { status, issued } = reportView(report, study.studyInstanceUid);
          reports.set(study.studyInstanceUid, { status, issued });
        }
      }
    }
    return studies.map((study) => ({ ...study, report: reports.get(study.studyInstanceUid) ?? null }));
  }

  private async cachedStudy(studyInstanceUid: string): Promise<CachedStudy> {
    const [study] = (await this.library()).listStudies({ studyInstanceUid });
    if (!study)
      throw new TabibError(
        'IMAGING_STUDY_NOT_FOUND',
        `Study ${studyInstanceUid} is not in the imaging cache`,
        {
          studyInstanceUid,
        },
      );
    return study;
  }

  /** A study for the viewer; its opening is audited as a read of the patient's record. */
  async study(studyInstanceUid: string): Promise<StudyView> {
    const library = await this.library();
    const study = await this.cachedStudy(studyInstanceUid);
    const series = seriesViews(await library.studySeries(studyInstanceUid));
    const record = await this.deps.record.open();
    const imagingStudy = study.patientId
      ? this.findImagingStudy(record, study.patientId, studyInstanceUid)
      : null;
    const report = imagingStudy ? this.findReport(record, study, imagingStudy.resource.id as string) : null;
    record.queries.transaction(() =>
      record.audit.append(
        this.deps.record.actor(),
        {
          action: 'R',
          patientId: study.patientId,
          entity: imagingStudy ? { type: 'ImagingStudy', id: imagingStudy.resource.id as string } : null,
          description: `imaging study ${studyInstanceUid} opened`,
        },
        this.deps.clock().toISOString(),
      ),
    );
    return { study, series, report };
  }

  async instance(sopInstanceUid: string): Promise<InstanceBytes> {
    const bytes = await (await this.library()).readInstance(sopInstanceUid);
    return {
      sopInstanceUid,
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    };
  }

  // ---- imports ---------------------------------------------------------------------------------

  /** Progress as the contract's event: one per file, once its outcome is known. */
  private progressOptions(progress: ImportProgressSink | undefined, expected: () => number): ImportOptions {
    if (!progress) return {};
    let done = 0;
    let total = 0;
    return {
      onProgress: (read) => {
        total = Math.max(total, read.total);
      },
      onFile: (result: FileImportResult) => {
        done++;
        progress({
          done,
          total: Math.max(done, total, expected()),
          path: result.path,
          status: result.status,
        });
      },
    };
  }

  async importPaths(paths: string[], progress?: ImportProgressSink): Promise<ImportReport> {
    return (await this.library()).import(
      paths,
      this.progressOptions(progress, () => 0),
    );
  }

  /**
   * Files dropped in the window, by their bytes: imported from memory (decoded one at a time), so
   * nothing of them is ever on disk in clear; the cache writes them encrypted.
   */
  async importFiles(files: DroppedFile[], progress?: ImportProgressSink): Promise<ImportReport> {
    async function* instances() {
      for (const file of files) {
        yield { label: file.name, bytes: new Uint8Array(Buffer.from(file.data, 'base64')) };
      }
    }
    return (await this.library()).importStream(instances(), {
      expected: files.length,
      ...this.progressOptions(progress, () => files.length),
    });
  }

  // ---- patients --------------------------------------------------------------------------------

  async matchPatient(studyInstanceUid: string): Promise<StudyPatientMatch> {
    return (await this.library()).matchStudy(studyInstanceUid);
  }

  async confirmPatient(studyInstanceUid: string, patientId: string): Promise<CachedStudy> {
    (await this.library()).confirmPatient(studyInstanceUid, patientId);
    return this.cachedStudy(studyInstanceUid);
  }

  // ---- the PACS --------------------------------------------------------------------------------

  pacsStatus(): { configured: boolean; name: string | null; stowEnabled: boolean } {
    const config = this.deps.config.effective().pacs;
    if (!config) return { configured: false, name: null, stowEnabled: false };
    return { configured: true, name: new URL(config.baseUrl).host, stowEnabled: config.stowEnabled };
  }

  async pacsSearch(query: StudyQuery): Promise<PacsStudy[]> {
    return (await this.withPacs((pacs) => pacs.client.searchStudies(query))).items;
  }

  /** WADO-RS into the cache (resumed where it stopped), as an import's report. */
  async pacsRetrieve(studyInstanceUid: string, progress?: ImportProgressSink): Promise<ImportReport> {
    const library = await this.library();
    const files: FileImportResult[] = [];
    let total = 0;
    const report = await this.withPacs((pacs) =>
      retrieveStudy(pacs.client, library, studyInstanceUid, {
        onProgress: (step) => {
          total = step.total;
        },
        onInstance: (result) => {
          files.push(result);
          progress?.({
            done: files.length,
            total: Math.max(total, files.length),
            path: result.path,
            status: result.status,
          });
        },
      }),
    );
    return {
      files,
      studies: report.study ? [report.study] : [],
      total: report.expected,
      imported: report.imported,
      duplicates: report.duplicates,
      errors: report.errors.length,
      notAttempted: report.missing.length,
      stoppedBy: report.stoppedBy,
      bytes: report.bytes,
      milliseconds: report.milliseconds,
    };
  }

  async pacsStore(studyInstanceUid: string): Promise<{ stored: number; failed: number }> {
    const library = await this.library();
    const report = await this.withPacs((pacs) =>
      storeStudy(pacs.client, library, studyInstanceUid, { stowEnabled: pacs.config.stowEnabled }),
    );
    return { stored: report.stored, failed: report.failed.length };
  }

  // ---- the record: ImagingStudy, measurements, report -------------------------------------------

  private findImagingStudy(
    record: LocalRecord,
    patientId: string,
    studyInstanceUid: string,
  ): StoredResource<ImagingStudy> | null {
    return (
      patientResources<ImagingStudy>(record, patientId, 'ImagingStudy').find((stored) =>
        isImagingStudyOf(stored.resource, studyInstanceUid),
      ) ?? null
    );
  }

  private findReport(
    record: LocalRecord,
    study: CachedStudy,
    imagingStudyId: string,
  ): ImagingReportView | null {
    const stored = this.storedReport(record, study.patientId as string, imagingStudyId);
    return stored ? reportView(stored, study.studyInstanceUid) : null;
  }

  private storedReport(
    record: LocalRecord,
    patientId: string,
    imagingStudyId: string,
  ): StoredResource<DiagnosticReport> | null {
    return (
      patientResources<DiagnosticReport>(record, patientId, 'DiagnosticReport').find((stored) =>
        isReportOf(stored.resource, imagingStudyId),
      ) ?? null
    );
  }

  private linkedPatient(study: CachedStudy): string {
    if (!study.patientId)
      throw new TabibError(
        'IMAGING_STUDY_NOT_LINKED',
        `Study ${study.studyInstanceUid} is not linked to a patient of the record: confirm its patient first`,
        { studyInstanceUid: study.studyInstanceUid },
      );
    return study.patientId;
  }

  /**
   * The study's ImagingStudy in the record: made on first need, brought up to date when the cache
   * holds more of the study than it says. Call inside the write's transaction.
   */
  private ensureImagingStudy(
    record: LocalRecord,
    study: CachedStudy,
    series: ReturnType<typeof seriesViews>,
  ): string {
    const patientId = this.linkedPatient(study);
    requirePatient(record, patientId);
    const actor = this.deps.record.actor();
    const existing = this.findImagingStudy(record, patientId, study.studyInstanceUid);
    if (!existing) {
      return record.store.create(imagingStudyResource(study, series, patientId), actor).resource.id as string;
    }
    const id = existing.resource.id as string;
    const current = imagingStudyResource(study, series, patientId, id);
    if (!sameImagingStudy(existing.resource, current)) record.store.update(current, actor, existing.version);
    return id;
  }

  async measurements(studyInstanceUid: string): Promise<MeasurementView[]> {
    const study = await this.cachedStudy(studyInstanceUid);
    if (!study.patientId) return [];
    const record = await this.deps.record.open();
    const imagingStudy = this.findImagingStudy(record, study.patientId, studyInstanceUid);
    if (!imagingStudy) return [];
    return this.storedMeasurements(record, study.patientId, imagingStudy.resource.id as string)
      .map((stored) => measurementView(stored.resource))
      .filter((view): view is MeasurementView => view !== null);
  }

  private storedMeasurements(
    record: LocalRecord,
    patientId: string,
    imagingStudyId: string,
  ): StoredResource<Observation>[] {
    return patientResources<Observation>(record, patientId, 'Observation')
      .filter((stored) => isMeasurementOf(stored.resource, imagingStudyId))
      .sort((a, b) => ((a.resource.id as string) < (b.resource.id as string) ? -1 : 1));
  }

  /**
   * Replaces the study's measurements with these, in one transaction: those no longer present
   * deleted, those changed updated, new ones created (each with its outbox and audit entries).
   */
  async saveMeasurements(
    studyInstanceUid: string,
    measurements: MeasurementView[],
  ): Promise<MeasurementView[]> {
    const library = await this.library();
    const study = await this.cachedStudy(studyInstanceUid);
    const patientId = this.linkedPatient(study);
    const series = seriesViews(await library.studySeries(studyInstanceUid));
    const instances = new Map(
      series.flatMap((entry) =>
        entry.instances.map((instance) => [
          instance.sopInstanceUid,
          { series: entry.seriesInstanceUid, instance },
        ]),
      ),
    );
    const ids = new Set<string>();
    for (const measurement of measurements) {
      if (ids.has(measurement.id))
        throw new TabibError('INVALID_ARGUMENT', `Measurement ${measurement.id} is given twice`, {
          id: measurement.id,
        });
      ids.add(measurement.id);
      const found = instances.get(measurement.sopInstanceUid);
      if (
        !found ||
        found.series !== measurement.seriesInstanceUid ||
        measurement.frame > found.instance.frames
      )
        throw new TabibError(
          'IMAGING_INSTANCE_NOT_FOUND',
          `Measurement ${measurement.id} is on an image that is not in study ${studyInstanceUid}`,
          { id: measurement.id, sopInstanceUid: measurement.sopInstanceUid },
        );
    }
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    const now = this.deps.clock().toISOString();
    record.queries.transaction(() => {
      const imagingStudyId = this.ensureImagingStudy(record, study, series);
      const context = { patientId, imagingStudyId, performer: actorReference(record, actor), now };
      const existing = new Map(
        this.storedMeasurements(record, patientId, imagingStudyId).map((stored) => [
          stored.resource.id as string,
          stored,
        ]),
      );
      for (const [id] of existing) if (!ids.has(id)) record.store.delete('Observation', id, actor);
      for (const measurement of measurements) {
        const previous = existing.get(measurement.id);
        if (!previous) {
          record.store.create(measurementObservation(measurement, context), actor);
          continue;
        }
        const next = measurementObservation(measurement, context, previous.resource);
        if (sameObservation(previous.resource, next)) continue;
        record.store.update({ ...next, issued: now }, actor, previous.version);
      }
    });
    return this.measurements(studyInstanceUid);
  }

  /**
   * Writes or amends the study's report. `versionId` is the version the radiologist edited: a
   * report saved meanwhile by someone else (or a first report when one already exists) is refused
   * with VERSION_CONFLICT rather than overwritten.
   */
  async saveReport(
    request: ReportInput & { studyInstanceUid: string; versionId?: string | undefined },
  ): Promise<ImagingReportView> {
    const library = await this.library();
    const study = await this.cachedStudy(request.studyInstanceUid);
    const patientId = this.linkedPatient(study);
    const series = seriesViews(await library.studySeries(request.studyInstanceUid));
    const record = await this.deps.record.open();
    const actor = this.deps.record.actor();
    const now = this.deps.clock().toISOString();
    const language = this.deps.config.effective().language;
    const labels = printoutLabels[language].imagingReport;
    const stored = record.queries.transaction(() => {
      const imagingStudyId = this.ensureImagingStudy(record, study, series);
      const existing = this.storedReport(record, patientId, imagingStudyId);
      if (existing && request.versionId === undefined)
        throw new TabibError('VERSION_CONFLICT', `Study ${request.studyInstanceUid} already has a report`, {
          current: String(existing.version),
        });
      if (!existing && request.versionId !== undefined)
        throw new TabibError('VERSION_CONFLICT', `The report of study ${request.studyInstanceUid} is gone`, {
          expected: request.versionId,
        });
      if (existing && String(existing.version) !== request.versionId)
        throw new TabibError(
          'VERSION_CONFLICT',
          `The report of study ${request.studyInstanceUid} changed meanwhile`,
          {
            expected: request.versionId,
            current: String(existing.version),
          },
        );
      const previous = existing?.resource.status;
      if (request.status === 'preliminary' && (previous === 'final' || previous === 'amended'))
        throw new TabibError(
          'IMAGING_REPORT_STATUS_INVALID',
          `A ${previous} report cannot become preliminary`,
          {
            from: previous,
            to: request.status,
          },
        );
      if (request.status === 'amended' && previous !== 'final' && previous !== 'amended')
        throw new TabibError('IMAGING_REPORT_STATUS_INVALID', 'Only a final report can be amended', {
          from: previous ?? null,
          to: request.status,
        });
      const resource = reportResource(
        request,
        {
          patientId,
          imagingStudyId,
          interpreter: actorReference(record, actor),
          now,
          studyDate: study.studyDate,
          headings: labels.sections,
          language,
        },
        existing?.resource.id,
      );
      return existing
        ? record.store.update(resource, actor, existing.version)
        : record.store.create(resource, actor);
    });
    return reportView(stored, request.studyInstanceUid);
  }
}
