/**
 * `tabib imaging import` (files, folders, a CD's DICOMDIR into the encrypted image cache, one line
 * per file and a summary) and `tabib imaging list` (the cached studies). The library is injected:
 * the commands are plain functions of (argv, dependencies, output), as the card commands are.
 */
import { parseArgs } from 'node:util';
import type { ImagingLibrary } from '../imaging/imaging-library';
import { ImagingLibrary as Library, imagingPaths } from '../imaging/imaging-library';
import type {
  CachedStudy,
  FileImportResult,
  ImportReport,
  StudyImportResult,
} from '../imaging/imaging-types';
import type { StudyPatientMatch } from '../imaging/patient-matching';
import { TabibError } from '../errors';
import { createSearchRules } from '../record/search/search-rules-for-country';
import type { ServiceHost } from '../services/service-host';
import type { Services } from '../services/services';

export interface ImagingCommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface ImagingCommandDependencies {
  /** The library over the workstation's record; the record stays owned by the caller. */
  openLibrary: () => Promise<ImagingLibrary>;
}

export const imagingUsage = `  imaging import <file|folder|DICOMDIR>... [--json]
                       import DICOM files (a folder recursively, a CD by its DICOMDIR) into the
                       encrypted image cache: one line per file (imported, duplicate, or the
                       error), then a summary and each study's patient in the record
  imaging list [--json]  the cached studies: patient, date, modality, description, instances, size`;

/**
 * The library on the services of an in-process host (`npm run tabib`). The packaged app's CLI
 * talks to a worker, which will reach imaging through the contract once it declares it.
 */
export function imagingDependencies(host: ServiceHost): ImagingCommandDependencies {
  return {
    openLibrary: async () => {
      const services = (host as Partial<{ services: Services }>).services;
      if (!services)
        throw new TabibError('SERVICE_UNAVAILABLE', 'The imaging commands need the services in this process');
      const record = await services.record.open();
      const paths = imagingPaths(services.layout.dataDir);
      return Library.open({
        record,
        rules: createSearchRules(services.env.resourcesDir, services.config.effective().country),
        keychain: services.keychain,
        cacheDir: paths.cacheDir,
        keyPath: paths.keyPath,
      });
    },
  };
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

export function formatFileResult(result: FileImportResult): string {
  if (result.status === 'error' && result.error)
    return `error      ${result.path}  ${result.error.code}: ${result.error.message}`;
  return `${result.status.padEnd(10)} ${result.path}`;
}

function formatMatch(match: StudyPatientMatch): string {
  switch (match.kind) {
    case 'identifier':
      return `Patient/${match.patientId} (national identifier ${match.identifier})`;
    case 'confirmed':
      return `Patient/${match.patientId} (confirmed)`;
    case 'candidates':
      return `to confirm among ${match.candidates.length}: ${match.candidates
        .map((hit) => {
          const name = hit.latin ?? hit.arabic;
          return `Patient/${hit.id} ${name ? `${name.given} ${name.family}` : ''}${hit.birthDate ? ` ${hit.birthDate}` : ''}`.trim();
        })
        .join('; ')}`;
    case 'none':
      return 'no patient of the record matches';
  }
}

export function formatStudyResult(study: StudyImportResult): string {
  const what = [study.studyDate, study.description].filter(Boolean).join(' ');
  return `  ${what || study.studyInstanceUid} — ${study.patientNameText || '(no name)'}${study.dicomPatientId ? ` [${study.dicomPatientId}]` : ''}: ${study.imported} imported, ${study.duplicates} duplicate — ${formatMatch(study.match)}`;
}

export function formatImportSummary(report: ImportReport): string[] {
  const seconds = report.milliseconds / 1000;
  const rate = seconds > 0 ? Math.round(report.imported / seconds) : report.imported;
  const lines = [
    `${report.total} files: ${report.imported} imported, ${report.duplicates} duplicate, ${report.errors} error${report.errors === 1 ? '' : 's'}${report.notAttempted ? `, ${report.notAttempted} not attempted` : ''} (${formatBytes(report.bytes)} in ${seconds.toFixed(1)} s, ${rate} instances/s)`,
  ];
  if (report.stoppedBy) lines.push(`Stopped: ${report.stoppedBy.code}: ${report.stoppedBy.message}`);
  if (report.studies.length > 0)
    lines.push(`Studies: ${report.studies.length}`, ...report.studies.map(formatStudyResult));
  return lines;
}

export function formatStudies(studies: CachedStudy[]): string[] {
  if (studies.length === 0) return ['The image cache holds no study.'];
  const rows = studies.map((study) => [
    study.studyDate ?? '',
    study.modalities.join('/'),
    study.description,
    `${study.patientNameText || '(no name)'}${study.dicomPatientId ? ` [${study.dicomPatientId}]` : ''}`,
    study.patientId ? `Patient/${study.patientId}` : '-',
    String(study.instances),
    formatBytes(study.sizeBytes),
    study.heldByPacs ? 'pacs' : 'local',
  ]);
  const header = ['date', 'modality', 'description', 'patient', 'record', 'instances', 'size', 'held'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const total = studies.reduce((sum, study) => sum + study.sizeBytes, 0);
  return [
    line(header),
    ...rows.map(line),
    `${studies.length} stud${studies.length === 1 ? 'y' : 'ies'}, ${formatBytes(total)}`,
  ];
}

/** Returns the process exit code: 1 when a file could not be imported. */
export async function runImagingCommand(
  argv: string[],
  dependencies: ImagingCommandDependencies,
  output: ImagingCommandOutput,
): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  if (sub === 'import') {
    if (positionals.length === 0) {
      output.err(`imaging import needs a file, folder or DICOMDIR\n\n${imagingUsage}`);
      return 2;
    }
    const library = await dependencies.openLibrary();
    const report = await library.import(positionals, {
      ...(values.json ? {} : { onFile: (result) => output.out(formatFileResult(result)) }),
    });
    if (values.json) output.out(JSON.stringify(report, null, 2));
    else for (const line of formatImportSummary(report)) output.out(line);
    return report.errors > 0 || report.stoppedBy ? 1 : 0;
  }
  if (sub === 'list') {
    if (positionals.length > 0) {
      output.err(`imaging list takes no argument\n\n${imagingUsage}`);
      return 2;
    }
    const studies = (await dependencies.openLibrary()).listStudies();
    if (values.json) output.out(JSON.stringify(studies, null, 2));
    else for (const line of formatStudies(studies)) output.out(line);
    return 0;
  }
  output.err(`Unknown imaging command: ${sub ?? ''}\n\n${imagingUsage}`);
  return 2;
}
