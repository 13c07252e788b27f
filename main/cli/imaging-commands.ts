/**
 * `tabib imaging import` (files, folders, a CD's DICOMDIR into the encrypted image cache, one line
 * per file and a summary), `tabib imaging list` (the cached studies), and the PACS over DICOMweb:
 * `search` (QIDO-RS), `retrieve` (WADO-RS into the cache), `store` (STOW-RS) and `pacs-secret`
 * (the PACS's password or token, kept wrapped by the keychain). The library and the PACS are
 * injected: the commands are plain functions of (argv, dependencies, output), as the card commands are.
 */
import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isUid, type PacsStudy } from '../imaging/dicomweb/dicom-json';
import { studyQueryParameters, type QidoPage, type StudyQuery } from '../imaging/dicomweb/dicomweb-client';
import { pacsSecretPath, PacsSecretFile, type PacsConnection } from '../imaging/dicomweb/pacs-connection';
import {
  retrieveStudy,
  storeStudy,
  type RetrieveProgress,
  type RetrieveReport,
  type StoreReport,
} from '../imaging/dicomweb/pacs-transfer';
import type { ImagingLibrary } from '../imaging/imaging-library';
import type {
  CachedStudy,
  FileImportResult,
  ImportReport,
  StudyImportResult,
} from '../imaging/imaging-types';
import type { StudyPatientMatch } from '../imaging/patient-matching';
import { TabibError } from '../errors';
import type { ServiceHost } from '../services/service-host';
import type { Services } from '../services/services';

export interface ImagingCommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export interface ImagingCommandDependencies {
  /** The library over the workstation's record; the record stays owned by the caller. */
  openLibrary: () => Promise<ImagingLibrary>;
  /** The configured PACS (IMAGING_PACS_NOT_CONFIGURED without one); closed by the command. */
  openPacs?: () => Promise<PacsConnection>;
  /** Where `imaging pacs-secret` keeps the secret. */
  pacsSecret?: () => PacsSecretFile;
  /** The secret typed or piped in, when `pacs-secret` is given no file (standard input). */
  readSecret?: () => Promise<string>;
}

export const imagingUsage = `  imaging import <file|folder|DICOMDIR>... [--json]
                       import DICOM files (a folder recursively, a CD by its DICOMDIR) into the
                       encrypted image cache: one line per file (imported, duplicate, or the
                       error), then a summary and each study's patient in the record
  imaging list [--json]  the cached studies: patient, date, modality, description, instances, size
  imaging search [--patient-id X] [--name N] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--modality M]
                 [--accession A] [--limit n] [--offset n] [--json]
                       search the PACS's studies (QIDO-RS); the name may hold * and ? wildcards
  imaging retrieve <StudyInstanceUID> [--json]
                       retrieve a study from the PACS into the encrypted image cache (WADO-RS),
                       resuming what is missing after a cut: progress lines, then a summary
  imaging store <StudyInstanceUID> [--json]
                       send a cached study to the PACS (STOW-RS; configuration pacs.stowEnabled)
  imaging pacs-secret [--from-file <file>] [--remove]
                       store the PACS's password (auth basic) or token (auth bearer), wrapped by
                       the OS keychain; read from the file, else from standard input`;

/**
 * The library on the services of an in-process host (`npm run tabib`). The packaged app's CLI
 * talks to a worker, which will reach imaging through the contract once it declares it.
 */
export function imagingDependencies(host: ServiceHost): ImagingCommandDependencies {
  const inProcess = () => {
    const services = (host as Partial<{ services: Services }>).services;
    if (!services)
      throw new TabibError('SERVICE_UNAVAILABLE', 'The imaging commands need the services in this process');
    return services;
  };
  return {
    // The same composition as the contract's imaging calls (main/imaging/imaging-service.ts).
    openPacs: () => inProcess().imaging.openPacs(),
    pacsSecret: () => {
      const services = inProcess();
      return new PacsSecretFile(services.keychain, pacsSecretPath(services.layout.dataDir));
    },
    readSecret: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    openLibrary: () => inProcess().imaging.library(),
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

export function formatPacsStudies(page: QidoPage<PacsStudy>, cached: ReadonlySet<string>): string[] {
  if (page.items.length === 0) return ['No study on the PACS matches.'];
  const rows = page.items.map((study) => [
    study.studyDate ?? '',
    study.modalities.join('/'),
    study.description,
    `${study.patientNameText || '(no name)'}${study.dicomPatientId ? ` [${study.dicomPatientId}]` : ''}`,
    study.accessionNumber,
    study.series === null ? '' : String(study.series),
    study.instances === null ? '' : String(study.instances),
    cached.has(study.studyInstanceUid) ? 'yes' : '-',
    study.studyInstanceUid,
  ]);
  const header = [
    'date',
    'modality',
    'description',
    'patient',
    'accession',
    'series',
    'instances',
    'cached',
    'study',
  ];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  const first = page.offset + 1;
  const last = page.offset + page.items.length;
  return [
    line(header),
    ...rows.map(line),
    `Studies ${first}–${last}${page.more ? `; the PACS may hold more: --offset ${last}` : ''}`,
    ...page.warnings.map((warning) => `PACS warning: ${warning}`),
  ];
}

export function formatRetrieveProgress(progress: RetrieveProgress): string {
  return `retrieved ${progress.received} instance${progress.received === 1 ? '' : 's'} of ${progress.total} (${formatBytes(progress.bytes)})${progress.attempt > 1 ? `, attempt ${progress.attempt}` : ''}`;
}

export function formatRetrieveSummary(report: RetrieveReport): string[] {
  const seconds = report.milliseconds / 1000;
  const lines = [
    `Study ${report.studyInstanceUid}: ${report.expected} instance${report.expected === 1 ? '' : 's'} on the PACS, ${report.alreadyCached} already cached; ${report.imported} imported, ${report.duplicates} duplicate, ${report.errors.length} error${report.errors.length === 1 ? '' : 's'} (${formatBytes(report.bytes)} in ${seconds.toFixed(1)} s, ${report.requests} request${report.requests === 1 ? '' : 's'}, ${report.attempts} attempt${report.attempts === 1 ? '' : 's'})`,
  ];
  if (report.stoppedBy) lines.push(`Stopped: ${report.stoppedBy.code}: ${report.stoppedBy.message}`);
  if (report.missing.length > 0)
    lines.push(
      `Missing: ${report.missing.length} instance${report.missing.length === 1 ? '' : 's'}; run the same command again to fetch ${report.missing.length === 1 ? 'it' : 'them'}`,
    );
  else lines.push('The study is whole in the image cache (held by the PACS: it may be evicted).');
  if (report.study) lines.push(formatStudyResult(report.study));
  return lines;
}

export function formatStoreSummary(report: StoreReport): string[] {
  const seconds = report.milliseconds / 1000;
  return [
    ...report.failed.map(
      (failure) => `refused    ${failure.sopInstanceUid}  ${failure.error.code}: ${failure.error.message}`,
    ),
    `Study ${report.studyInstanceUid}: ${report.instances} instance${report.instances === 1 ? '' : 's'}, ${report.stored} stored on the PACS, ${report.failed.length} refused (${formatBytes(report.bytes)} in ${seconds.toFixed(1)} s, ${report.requests} request${report.requests === 1 ? '' : 's'})${report.heldByPacs ? '; held by the PACS now' : ''}`,
  ];
}

async function withPacs<T>(
  dependencies: ImagingCommandDependencies,
  run: (pacs: PacsConnection) => Promise<T>,
): Promise<T> {
  if (!dependencies.openPacs)
    throw new TabibError('IMAGING_PACS_NOT_CONFIGURED', 'This command has no PACS to talk to');
  const pacs = await dependencies.openPacs();
  try {
    return await run(pacs);
  } finally {
    await pacs.close();
  }
}

function usageError(output: ImagingCommandOutput, message: string): number {
  output.err(`${message}\n\n${imagingUsage}`);
  return 2;
}

/**
 * Returns the process exit code: 1 when a file could not be imported (or a study not retrieved or
 * stored whole), or on an error, printed with its code (IMAGING_PACS_UNAUTHORIZED: …).
 */
export async function runImagingCommand(
  argv: string[],
  dependencies: ImagingCommandDependencies,
  output: ImagingCommandOutput,
): Promise<number> {
  try {
    return await runImaging(argv, dependencies, output);
  } catch (error) {
    if (!(error instanceof TabibError)) throw error;
    output.err(`${error.code}: ${error.message}`);
    return 1;
  }
}

async function runImaging(
  argv: string[],
  dependencies: ImagingCommandDependencies,
  output: ImagingCommandOutput,
): Promise<number> {
  const [sub, ...rest] = argv;
  const parse = (options: NonNullable<ParseArgsConfig['options']>) => {
    const parsed = parseArgs({
      args: rest,
      options: { json: { type: 'boolean', default: false }, ...options },
      allowPositionals: true,
      strict: true,
    });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  };
  if (sub === 'import') {
    const { values, positionals } = parse({});
    if (positionals.length === 0)
      return usageError(output, 'imaging import needs a file, folder or DICOMDIR');
    const library = await dependencies.openLibrary();
    const report = await library.import(positionals, {
      ...(values.json ? {} : { onFile: (result) => output.out(formatFileResult(result)) }),
    });
    if (values.json) output.out(JSON.stringify(report, null, 2));
    else for (const line of formatImportSummary(report)) output.out(line);
    return report.errors > 0 || report.stoppedBy ? 1 : 0;
  }
  if (sub === 'list') {
    const { values, positionals } = parse({});
    if (positionals.length > 0) return usageError(output, 'imaging list takes no argument');
    const studies = (await dependencies.openLibrary()).listStudies();
    if (values.json) output.out(JSON.stringify(studies, null, 2));
    else for (const line of formatStudies(studies)) output.out(line);
    return 0;
  }
  if (sub === 'search') {
    const { values, positionals } = parse({
      'patient-id': { type: 'string' },
      name: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      modality: { type: 'string' },
      accession: { type: 'string' },
      limit: { type: 'string', default: '50' },
      offset: { type: 'string', default: '0' },
    });
    if (positionals.length > 0) return usageError(output, 'imaging search takes options only');
    const number = (value: unknown, name: string) => {
      if (typeof value !== 'string' || !/^\d+$/.test(value))
        throw new TabibError('INVALID_ARGUMENT', `--${name} must be a whole number`);
      return Number(value);
    };
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const query: StudyQuery = {
      ...(text(values['patient-id']) ? { patientId: text(values['patient-id']) } : {}),
      ...(text(values.name) ? { patientName: text(values.name) } : {}),
      ...(text(values.from) ? { dateFrom: text(values.from) } : {}),
      ...(text(values.to) ? { dateTo: text(values.to) } : {}),
      ...(text(values.modality) ? { modality: text(values.modality) } : {}),
      ...(text(values.accession) ? { accessionNumber: text(values.accession) } : {}),
      limit: number(values.limit, 'limit'),
      offset: number(values.offset, 'offset'),
    };
    studyQueryParameters(query); // the criteria are checked before the PACS is asked
    const page = await withPacs(dependencies, (pacs) => pacs.client.searchStudies(query));
    if (values.json) {
      output.out(JSON.stringify(page, null, 2));
      return 0;
    }
    const library = await dependencies.openLibrary();
    const cached = new Set(library.listStudies().map((study) => study.studyInstanceUid));
    for (const line of formatPacsStudies(page, cached)) output.out(line);
    return 0;
  }
  if (sub === 'retrieve') {
    const { values, positionals } = parse({});
    if (positionals.length !== 1) return usageError(output, 'imaging retrieve needs one StudyInstanceUID');
    const uid = positionals[0] as string;
    if (!isUid(uid))
      throw new TabibError('INVALID_ARGUMENT', `Not a StudyInstanceUID: ${JSON.stringify(uid)}`);
    const library = await dependencies.openLibrary();
    let lastShown = -1;
    const report = await withPacs(dependencies, (pacs) =>
      retrieveStudy(pacs.client, library, uid, {
        ...(values.json
          ? {}
          : {
              onProgress: (progress: RetrieveProgress) => {
                // About ten lines for a whole study, and the last one.
                const step = Math.max(1, Math.ceil(progress.total / 10));
                if (
                  progress.received !== lastShown &&
                  (progress.received % step === 0 || progress.received >= progress.total)
                ) {
                  lastShown = progress.received;
                  output.out(formatRetrieveProgress(progress));
                }
              },
              onInstance: (result) => {
                if (result.status === 'error') output.out(formatFileResult(result));
              },
              onRetry: ({ delayMs, error }) =>
                output.out(
                  `connection lost (${error instanceof TabibError ? error.code : String(error)}); resuming in ${(delayMs / 1000).toFixed(1)} s`,
                ),
            }),
      }),
    );
    if (values.json) output.out(JSON.stringify(report, null, 2));
    else for (const line of formatRetrieveSummary(report)) output.out(line);
    return report.missing.length > 0 || report.errors.length > 0 || report.stoppedBy ? 1 : 0;
  }
  if (sub === 'store') {
    const { values, positionals } = parse({});
    if (positionals.length !== 1) return usageError(output, 'imaging store needs one StudyInstanceUID');
    const library = await dependencies.openLibrary();
    const report = await withPacs(dependencies, (pacs) =>
      storeStudy(pacs.client, library, positionals[0] as string, {
        stowEnabled: pacs.config.stowEnabled,
        ...(values.json
          ? {}
          : {
              onProgress: (progress) =>
                output.out(`sent ${progress.sent} of ${progress.total} (${formatBytes(progress.bytes)})`),
            }),
      }),
    );
    if (values.json) output.out(JSON.stringify(report, null, 2));
    else for (const line of formatStoreSummary(report)) output.out(line);
    return report.failed.length > 0 ? 1 : 0;
  }
  if (sub === 'pacs-secret') {
    const { values, positionals } = parse({
      'from-file': { type: 'string' },
      remove: { type: 'boolean', default: false },
    });
    if (positionals.length > 0 || !dependencies.pacsSecret)
      return usageError(output, 'imaging pacs-secret takes --from-file <file> or standard input');
    const file = dependencies.pacsSecret();
    if (values.remove) {
      file.remove();
      output.out('The PACS secret is removed.');
      return 0;
    }
    const from = values['from-file'];
    const raw =
      typeof from === 'string' ? readFileSync(from, 'utf8') : ((await dependencies.readSecret?.()) ?? '');
    // One line: the trailing line end of a file or of what was typed is not part of the secret.
    const secret = raw.replace(/\r?\n$/, '');
    if (!secret || /[\r\n]/.test(secret))
      throw new TabibError('INVALID_ARGUMENT', 'The PACS secret must be one non-empty line');
    await file.write(secret);
    output.out(`The PACS secret is stored in ${file.path}, wrapped by the keychain.`);
    return 0;
  }
  return usageError(output, `Unknown imaging command: ${sub ?? ''}`);
}
