/**
 * Studies between the PACS and the image cache.
 *
 * Retrieve (WADO-RS into the cache): the study's instances are listed first (QIDO-RS), so the
 * progress has a total and a retrieval resumes where it stopped: each pass asks only for what
 * the cache still lacks — the whole study, a series, or single instances — and streams the answer
 * through ImagingLibrary.importStream, which writes each instance whole (temporary file, rename,
 * flush) before its index row is committed, flagged as held by the PACS (so it may be evicted).
 * A connection cut in the middle leaves the whole instances received, indexed, and nothing of the
 * instance that was arriving; the next pass (after a backoff, up to the retry policy's attempts
 * without progress) or a later retrieve asks for the rest.
 *
 * Store (STOW-RS from the cache): the study's instances, decrypted in batches of bounded size,
 * each batch one request. A study the PACS has acknowledged whole is flagged as held by it.
 */
import type { ContractErrorShape } from '../../contract/errors';
import { TabibError, toErrorShape } from '../../errors';
import {
  backoffDelay,
  defaultRetryPolicy,
  systemRetryEnvironment,
  type RetryEnvironment,
  type RetryPolicy,
} from '../../sync/retry';
import type { ImagingLibrary, IncomingInstance } from '../imaging-library';
import type { FileImportResult, StudyImportResult } from '../imaging-types';
import type { PacsInstance } from './dicom-json';
import type { DicomWebClient, RetrieveTarget } from './dicomweb-client';
import { classifyPacsFailure } from './pacs-http';

export interface RetrieveProgress {
  /** Instances received from the PACS by this retrieval (each whole). */
  received: number;
  /** Instances of the study in the cache, committed (updated batch by batch). */
  cached: number;
  /** Instances the PACS lists for the study. */
  total: number;
  /** Bytes received from the PACS by this retrieval. */
  bytes: number;
  attempt: number;
}

export interface RetrieveReport {
  studyInstanceUid: string;
  /** Instances the PACS lists for the study. */
  expected: number;
  /** Of those, already in the cache before this retrieval. */
  alreadyCached: number;
  imported: number;
  duplicates: number;
  /** Instances the PACS sent that could not be cached (not DICOM, another study, a UID conflict). */
  errors: FileImportResult[];
  /** SOP Instance UIDs the PACS lists that are still not in the cache. */
  missing: string[];
  /** Passes made (1 when nothing failed). */
  attempts: number;
  requests: number;
  bytes: number;
  milliseconds: number;
  /** Why the retrieval stopped before the study was whole (after its retries). */
  stoppedBy: ContractErrorShape | null;
  /** The study's link to the record, from its last import (null when nothing new was imported). */
  study: StudyImportResult | null;
}

export interface RetrieveStudyOptions {
  signal?: AbortSignal;
  onProgress?(progress: RetrieveProgress): void;
  /** Each instance's outcome, once committed. */
  onInstance?(result: FileImportResult): void;
  onRetry?(event: { attempt: number; delayMs: number; error: unknown }): void;
  /** Passes without progress before giving up, and their backoff (retry.ts). */
  retry?: Partial<RetryPolicy>;
  environment?: RetryEnvironment;
}

type Pass = { target: RetrieveTarget; label: string };

/** The requests that fetch `missing`: the study when all is missing, else a series or single instances. */
export function planRetrieval(studyUid: string, all: PacsInstance[], missing: PacsInstance[]): Pass[] {
  if (missing.length === all.length)
    return [{ target: { studyInstanceUid: studyUid }, label: `studies/${studyUid}` }];
  const seriesTotals = new Map<string, number>();
  for (const instance of all)
    seriesTotals.set(instance.seriesInstanceUid, (seriesTotals.get(instance.seriesInstanceUid) ?? 0) + 1);
  const missingBySeries = new Map<string, PacsInstance[]>();
  for (const instance of missing) {
    const list = missingBySeries.get(instance.seriesInstanceUid) ?? [];
    list.push(instance);
    missingBySeries.set(instance.seriesInstanceUid, list);
  }
  const passes: Pass[] = [];
  for (const [series, instances] of missingBySeries) {
    // More than half of a series missing: the series at once (what is cached comes as duplicates).
    if (instances.length * 2 > (seriesTotals.get(series) ?? 0))
      passes.push({
        target: { studyInstanceUid: studyUid, seriesInstanceUid: series },
        label: `studies/${studyUid}/series/${series}`,
      });
    else
      for (const instance of instances)
        passes.push({
          target: {
            studyInstanceUid: studyUid,
            seriesInstanceUid: series,
            sopInstanceUid: instance.sopInstanceUid,
          },
          label: `studies/${studyUid}/series/${series}/instances/${instance.sopInstanceUid}`,
        });
  }
  return passes;
}

export async function retrieveStudy(
  client: DicomWebClient,
  library: ImagingLibrary,
  studyInstanceUid: string,
  options: RetrieveStudyOptions = {},
): Promise<RetrieveReport> {
  const started = performance.now();
  const policy = { ...defaultRetryPolicy, ...options.retry };
  const environment = options.environment ?? systemRetryEnvironment;
  const signal = options.signal;
  const all = await client.allInstances(studyInstanceUid, undefined, signal ? { signal } : {});
  if (all.length === 0)
    throw new TabibError('IMAGING_PACS_NOT_FOUND', `The PACS has no instance of study ${studyInstanceUid}`, {
      studyInstanceUid,
    });
  const isCached = (uid: string) => library.instance(uid) !== null;
  const cached = new Set(
    all.filter((instance) => isCached(instance.sopInstanceUid)).map((i) => i.sopInstanceUid),
  );
  const expected = new Set(all.map((instance) => instance.sopInstanceUid));
  const report: RetrieveReport = {
    studyInstanceUid,
    expected: all.length,
    alreadyCached: cached.size,
    imported: 0,
    duplicates: 0,
    errors: [],
    missing: [],
    attempts: 0,
    requests: 0,
    bytes: 0,
    milliseconds: 0,
    stoppedBy: null,
    study: null,
  };
  const failedUids = new Set<string>();
  let attempt = 0;
  let received = 0;
  const progress = (bytes: number) =>
    options.onProgress?.({ received, cached: cached.size, total: all.length, bytes, attempt });

  /** One pass over what is missing; throws the failure that stopped it. */
  const pass = async () => {
    // Instances the PACS sent and the cache refused are not asked for again in this retrieval.
    const missing = all.filter(
      (instance) => !cached.has(instance.sopInstanceUid) && !failedUids.has(instance.sopInstanceUid),
    );
    for (const { target, label } of planRetrieval(studyInstanceUid, all, missing)) {
      let sourceError: unknown = null;
      const bytesBefore = report.bytes;
      const stream = client.retrieve(target, {
        ...(signal ? { signal } : {}),
        onBytes: (received) => {
          report.bytes = bytesBefore + received;
        },
      });
      report.requests++;
      let part = 0;
      async function* instances(): AsyncGenerator<IncomingInstance> {
        try {
          for await (const instance of stream) yield { label: `${label} #${++part}`, bytes: instance.bytes };
        } catch (error) {
          sourceError = error;
          throw error;
        }
      }
      const result = await library.importStream(instances(), {
        heldByPacs: true,
        studyInstanceUid,
        onProgress: () => {
          received++;
          progress(report.bytes);
        },
        onFile: (file) => {
          if (file.status === 'imported') report.imported++;
          if (file.status === 'duplicate') report.duplicates++;
          if (file.sopInstanceUid && file.status !== 'error' && expected.has(file.sopInstanceUid))
            cached.add(file.sopInstanceUid);
          if (file.status === 'error' && file.error?.code !== 'DISK_FULL' && !sourceError) {
            report.errors.push(file);
            if (file.sopInstanceUid) failedUids.add(file.sopInstanceUid);
          }
          options.onInstance?.(file);
        },
      });
      report.study =
        result.studies.find((study) => study.studyInstanceUid === studyInstanceUid) ?? report.study;
      progress(report.bytes);
      if (result.stoppedBy) {
        if (sourceError) throw sourceError;
        const { code, message, details } = result.stoppedBy;
        throw new TabibError(code, message, details);
      }
    }
  };

  let withoutProgress = 0;
  for (;;) {
    attempt++;
    report.attempts = attempt;
    const before = cached.size;
    try {
      await pass();
      break;
    } catch (error) {
      if (signal?.aborted) throw error;
      withoutProgress = cached.size > before ? 1 : withoutProgress + 1;
      const failure = classifyPacsFailure(error, environment.now());
      if (!failure.transient || withoutProgress >= policy.maxAttempts) {
        report.stoppedBy = toErrorShape(error);
        break;
      }
      const delayMs = failure.retryAfterMs ?? backoffDelay(withoutProgress, policy, environment.random);
      options.onRetry?.({ attempt, delayMs, error });
      await environment.sleep(delayMs, signal);
    }
  }
  report.missing = all.map((instance) => instance.sopInstanceUid).filter((uid) => !isCached(uid));
  // The PACS holds the study: once whole here, it may be evicted (it can be retrieved again).
  if (report.missing.length === 0) library.setHeldByPacs(studyInstanceUid, true);
  report.milliseconds = Math.round(performance.now() - started);
  return report;
}

// ---- STOW-RS --------------------------------------------------------------------------------------

export interface StoreProgress {
  sent: number;
  total: number;
  bytes: number;
}

export interface StoreReport {
  studyInstanceUid: string;
  instances: number;
  stored: number;
  failed: { sopInstanceUid: string; reason: number | null; error: ContractErrorShape }[];
  requests: number;
  bytes: number;
  milliseconds: number;
  /** The PACS acknowledged every instance: the study is now flagged as held by it. */
  heldByPacs: boolean;
}

export interface StoreStudyOptions {
  /** The configuration's `stowEnabled`. */
  stowEnabled: boolean;
  /** A request carries at most this many bytes of instances (default 32 MiB) … */
  batchBytes?: number;
  /** … and at most this many instances (default 100). */
  batchInstances?: number;
  signal?: AbortSignal;
  onProgress?(progress: StoreProgress): void;
}

export async function storeStudy(
  client: DicomWebClient,
  library: ImagingLibrary,
  studyInstanceUid: string,
  options: StoreStudyOptions,
): Promise<StoreReport> {
  if (!options.stowEnabled)
    throw new TabibError('IMAGING_STOW_DISABLED', 'Sending studies to the PACS (STOW-RS) is not enabled');
  const started = performance.now();
  const uids = library.instanceUids(studyInstanceUid);
  if (uids.length === 0)
    throw new TabibError('IMAGING_STUDY_NOT_FOUND', `Study ${studyInstanceUid} is not in the imaging cache`, {
      studyInstanceUid,
    });
  const batchBytes = options.batchBytes ?? 32 * 2 ** 20;
  const batchInstances = options.batchInstances ?? 100;
  const report: StoreReport = {
    studyInstanceUid,
    instances: uids.length,
    stored: 0,
    failed: [],
    requests: 0,
    bytes: 0,
    milliseconds: 0,
    heldByPacs: false,
  };
  let batch: { uid: string; bytes: Uint8Array }[] = [];
  let size = 0;
  let sent = 0;
  const send = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    size = 0;
    const result = await client.store(
      current.map((instance) => instance.bytes),
      options.signal ? { signal: options.signal } : {},
    );
    report.requests++;
    const stored = new Set(result.stored.map((instance) => instance.sopInstanceUid));
    const failed = new Map(result.failed.map((instance) => [instance.sopInstanceUid, instance.reason]));
    // A PACS that answers 200 without listing anything stored it all (PS3.18 wants the list; not all give it).
    const silent = result.status === 200 && stored.size === 0 && failed.size === 0;
    for (const instance of current) {
      sent++;
      report.bytes += instance.bytes.byteLength;
      if (silent || (stored.has(instance.uid) && !failed.has(instance.uid))) {
        report.stored++;
        continue;
      }
      const reason = failed.get(instance.uid) ?? null;
      report.failed.push({
        sopInstanceUid: instance.uid,
        reason,
        error: {
          code: 'IMAGING_PACS_STORE_FAILED',
          message:
            reason === null
              ? `The PACS did not acknowledge instance ${instance.uid} (HTTP ${result.status})`
              : `The PACS refused instance ${instance.uid}: failure reason 0x${reason.toString(16).toUpperCase().padStart(4, '0')}`,
          details: { sopInstanceUid: instance.uid, reason, status: result.status },
        },
      });
    }
    options.onProgress?.({ sent, total: uids.length, bytes: report.bytes });
  };
  for (const uid of uids) {
    const bytes = await library.readInstance(uid);
    if (batch.length > 0 && (size + bytes.byteLength > batchBytes || batch.length >= batchInstances))
      await send();
    batch.push({ uid, bytes });
    size += bytes.byteLength;
  }
  await send();
  if (report.failed.length === 0) {
    library.setHeldByPacs(studyInstanceUid, true);
    report.heldByPacs = true;
  }
  report.milliseconds = Math.round(performance.now() - started);
  return report;
}
