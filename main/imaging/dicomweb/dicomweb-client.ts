/**
 * A DICOMweb client (DICOM PS3.18) for the configured PACS:
 *
 * - QIDO-RS (§10.6): studies by patient ID, patient name (with `*` and `?` wildcards), study date
 *   range, modality and accession number; the series and instances of a study; `includefield`,
 *   `limit` and `offset` paging. Answers in the DICOM JSON model (dicom-json.ts).
 * - WADO-RS (§10.4): a study, a series or an instance as `multipart/related;
 *   type="application/dicom"`, read as a stream part by part (multipart.ts). `transfer-syntax=*`
 *   asks for the instances as stored, byte for byte; a PACS that refuses it (406) is asked again
 *   without, and then sends its default (Explicit VR Little Endian).
 * - STOW-RS (§10.5): instances sent as one multipart/related request; the answer's Referenced
 *   and Failed SOP Sequences say what was stored.
 *
 * Every request carries the configured authorization (a 401 renews a token once), a timeout until
 * the answer and one for pauses inside it, and the retry rules of main/sync/retry.ts. GETs are
 * repeated; a STOW-RS POST is too, since storing the same SOP instances again stores nothing new
 * (PS3.4 §B.2.3). A cut inside a WADO-RS body is not retried here: pacs-transfer.ts resumes with
 * what is still missing.
 */
import { TabibError } from '../../errors';
import {
  defaultRetryPolicy,
  systemRetryEnvironment,
  withRetry,
  type RetryEnvironment,
  type RetryPolicy,
} from '../../sync/retry';
import { isoDate } from '../dicom-header';
import {
  integer,
  isUid,
  items,
  readDatasets,
  readInstances,
  readSeries,
  readStudies,
  responseInvalid,
  tags,
  text,
  type DicomJsonDataset,
  type PacsInstance,
  type PacsSeries,
  type PacsStudy,
} from './dicom-json';
import {
  defaultMultipartLimits,
  formatMediaType,
  multipartBody,
  newBoundary,
  parseMediaType,
  readMultipart,
  type MultipartLimits,
} from './multipart';
import {
  classifyPacsFailure,
  errorText,
  noAuthorization,
  sendPacsRequest,
  statusError,
  type PacsAuthorizer,
  type PacsExchange,
  type PacsFetch,
} from './pacs-http';

const DICOM_JSON = 'application/dicom+json';
const DICOM = 'application/dicom';

export interface DicomWebClientOptions {
  /** The DICOMweb root, e.g. `https://pacs.example/dicom-web`. */
  baseUrl: string;
  fetch: PacsFetch;
  authorizer?: PacsAuthorizer;
  /** Until an answer's headers arrive. Default 30 s. */
  responseTimeoutMs?: number;
  /** The longest pause inside an answer. Default 60 s. */
  idleTimeoutMs?: number;
  /** A QIDO-RS or STOW-RS answer larger than this is refused. Default 32 MiB. */
  maxJsonBytes?: number;
  /** Per WADO-RS part (one instance). Default 1 GiB. */
  multipart?: Partial<MultipartLimits>;
  retry?: Partial<RetryPolicy>;
  environment?: RetryEnvironment;
  onRetry?(event: { request: string; attempt: number; delayMs: number; error: unknown }): void;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface Paging {
  limit?: number;
  offset?: number;
}

export interface StudyQuery extends Paging {
  patientId?: string;
  /** PN matching: `*` any run of characters, `?` one (PS3.4 §C.2.2.2.4). */
  patientName?: string;
  /** ISO 8601 (YYYY-MM-DD) or DA (YYYYMMDD); either end may be left open. */
  dateFrom?: string;
  dateTo?: string;
  modality?: string;
  accessionNumber?: string;
  studyInstanceUid?: string;
  /** More attributes to return, by keyword or tag (`includefield`). */
  includeFields?: string[];
}

export interface QidoPage<T> {
  items: T[];
  offset: number;
  limit: number | null;
  /** The PACS may hold more: the page is full, or the PACS said its answer was cut (Warning 299). */
  more: boolean;
  warnings: string[];
}

export interface RetrieveTarget {
  studyInstanceUid: string;
  seriesInstanceUid?: string;
  sopInstanceUid?: string;
}

export interface RetrievedInstance {
  bytes: Buffer;
  /** The part's Content-Location, when the PACS names it. */
  location: string | null;
}

export interface RetrieveOptions extends RequestOptions {
  /** Bytes of the answer received so far (the multipart body, not counting what is still in flight). */
  onBytes?(received: number): void;
}

export interface StowInstanceResult {
  sopInstanceUid: string;
  /** (0008,1196) for a stored instance with a warning, (0008,1197) for a failed one. */
  reason: number | null;
}

export interface StowResult {
  status: number;
  stored: StowInstanceResult[];
  failed: StowInstanceResult[];
  /** The answer's data set, for what else the PACS said. */
  response: DicomJsonDataset | null;
}

/** Attributes the study list shows that are not among QIDO-RS's required returns (PS3.18 Table 10.6.3-3). */
const STUDY_FIELDS = [
  tags.StudyDescription,
  tags.ModalitiesInStudy,
  tags.NumberOfStudyRelatedSeries,
  tags.NumberOfStudyRelatedInstances,
];
const SERIES_FIELDS = [tags.SeriesDescription, tags.NumberOfSeriesRelatedInstances];

const FIELD = /^([0-9A-Fa-f]{8}|[A-Za-z][A-Za-z0-9]{0,63})$/;

/**
 * A query string that percent-encodes only what a URL cannot carry as is (`&`, `+`, `#`, `%`,
 * spaces, quotes, controls, non-ASCII): the matching characters `*`, `?` and `^` travel literally.
 * A conforming server decodes either form alike; Orthanc 1.10 does not percent-decode query values
 * at all, so `PatientName=Ben%5E*` would match nothing there (../shared/docs/pitfalls.md).
 */
export function formatQuery(query: URLSearchParams): string {
  const encode = (value: string) =>
    [...Buffer.from(value, 'utf8')]
      .map((byte) => {
        const char = String.fromCharCode(byte);
        return /[A-Za-z0-9\-._~*?^:@/,!$();=]/.test(char) && byte < 0x80
          ? char
          : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
      })
      .join('');
  return [...query].map(([name, value]) => `${encode(name)}=${encode(value)}`).join('&');
}

/** A date of a range as DA; INVALID_ARGUMENT when it is not a date. */
function dicomDate(value: string, which: string): string {
  const iso = /^\d{4}-?\d{2}-?\d{2}$/.test(value) ? isoDate(value.replace(/-/g, '')) : null;
  // isoDate checks the ranges only: 2024-02-30 must not become 2024-03-01 on the PACS.
  const [year = 0, month = 0, day = 0] = (iso ?? '').split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  if (!iso || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day)
    throw new TabibError('INVALID_ARGUMENT', `${which} is not a date (YYYY-MM-DD): ${JSON.stringify(value)}`);
  return iso.replace(/-/g, '');
}

function checkUid(value: string | undefined, name: string): string {
  if (!isUid(value))
    throw new TabibError('INVALID_ARGUMENT', `${name} is not a DICOM UID: ${JSON.stringify(value)}`);
  return value;
}

function paging(query: URLSearchParams, page: Paging): void {
  for (const [name, value] of [
    ['limit', page.limit],
    ['offset', page.offset],
  ] as const) {
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < (name === 'limit' ? 1 : 0))
      throw new TabibError('INVALID_ARGUMENT', `${name} must be a whole number, got ${value}`);
    query.set(name, String(value));
  }
}

/** The QIDO-RS query of a study search (PS3.18 §8.3.4). */
export function studyQueryParameters(criteria: StudyQuery): URLSearchParams {
  const query = new URLSearchParams();
  const set = (name: string, value: string | undefined) => {
    const trimmed = value?.trim();
    if (trimmed) query.set(name, trimmed);
  };
  set('PatientID', criteria.patientId);
  set('PatientName', criteria.patientName);
  set('AccessionNumber', criteria.accessionNumber);
  set('ModalitiesInStudy', criteria.modality?.toUpperCase());
  if (criteria.studyInstanceUid !== undefined)
    query.set('StudyInstanceUID', checkUid(criteria.studyInstanceUid, 'StudyInstanceUID'));
  const from = criteria.dateFrom?.trim() ? dicomDate(criteria.dateFrom.trim(), 'the first date') : '';
  const to = criteria.dateTo?.trim() ? dicomDate(criteria.dateTo.trim(), 'the last date') : '';
  if (from && to && from > to)
    throw new TabibError('INVALID_ARGUMENT', `the date range ends before it starts`);
  if (from || to) query.set('StudyDate', from === to ? from : `${from}-${to}`);
  for (const field of [...STUDY_FIELDS, ...(criteria.includeFields ?? [])]) {
    if (!FIELD.test(field)) throw new TabibError('INVALID_ARGUMENT', `includefield ${JSON.stringify(field)}`);
    // Repeated rather than comma-separated: both are standard, repeated is the older form.
    if (!query.getAll('includefield').includes(field)) query.append('includefield', field);
  }
  paging(query, criteria);
  return query;
}

export class DicomWebClient {
  readonly baseUrl: string;
  private readonly authorizer: PacsAuthorizer;
  private readonly policy: RetryPolicy;
  private readonly environment: RetryEnvironment;
  private readonly multipartLimits: MultipartLimits;
  /** False once the PACS refused `transfer-syntax=*` (406). */
  private anyTransferSyntax = true;

  constructor(private readonly options: DicomWebClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorizer = options.authorizer ?? noAuthorization;
    this.policy = { ...defaultRetryPolicy, ...options.retry };
    this.environment = options.environment ?? systemRetryEnvironment;
    this.multipartLimits = { ...defaultMultipartLimits, ...options.multipart };
  }

  // ---- QIDO-RS ----------------------------------------------------------------------------------

  async searchStudies(criteria: StudyQuery, options: RequestOptions = {}): Promise<QidoPage<PacsStudy>> {
    const query = studyQueryParameters(criteria);
    const { datasets, warnings, request } = await this.qido('studies', query, options);
    return this.page(readStudies(datasets, request), criteria, warnings);
  }

  /** Every study matching, page after page of `pageSize`. */
  async *allStudies(
    criteria: Omit<StudyQuery, 'limit' | 'offset'>,
    options: RequestOptions & { pageSize?: number } = {},
  ): AsyncGenerator<PacsStudy> {
    const limit = options.pageSize ?? 100;
    for (let offset = 0; ;) {
      const page = await this.searchStudies({ ...criteria, limit, offset }, options);
      yield* page.items;
      if (!page.more || page.items.length === 0) return;
      offset += page.items.length;
    }
  }

  async searchSeries(
    studyInstanceUid: string,
    criteria: Paging & { modality?: string; includeFields?: string[] } = {},
    options: RequestOptions = {},
  ): Promise<QidoPage<PacsSeries>> {
    const study = checkUid(studyInstanceUid, 'StudyInstanceUID');
    const query = new URLSearchParams();
    if (criteria.modality?.trim()) query.set('Modality', criteria.modality.trim().toUpperCase());
    for (const field of [...SERIES_FIELDS, ...(criteria.includeFields ?? [])]) {
      if (!FIELD.test(field))
        throw new TabibError('INVALID_ARGUMENT', `includefield ${JSON.stringify(field)}`);
      query.append('includefield', field);
    }
    paging(query, criteria);
    const { datasets, warnings, request } = await this.qido(`studies/${study}/series`, query, options);
    return this.page(readSeries(datasets, request, study), criteria, warnings);
  }

  async searchInstances(
    studyInstanceUid: string,
    seriesInstanceUid?: string,
    criteria: Paging = {},
    options: RequestOptions = {},
  ): Promise<QidoPage<PacsInstance>> {
    const study = checkUid(studyInstanceUid, 'StudyInstanceUID');
    const series =
      seriesInstanceUid === undefined ? undefined : checkUid(seriesInstanceUid, 'SeriesInstanceUID');
    const query = new URLSearchParams();
    paging(query, criteria);
    const path = series ? `studies/${study}/series/${series}/instances` : `studies/${study}/instances`;
    const { datasets, warnings, request } = await this.qido(path, query, options);
    return this.page(
      readInstances(datasets, request, { studyUid: study, ...(series ? { seriesUid: series } : {}) }),
      criteria,
      warnings,
    );
  }

  /** Every instance of a study (or of one of its series), page after page. */
  async allInstances(
    studyInstanceUid: string,
    seriesInstanceUid?: string,
    options: RequestOptions & { pageSize?: number } = {},
  ): Promise<PacsInstance[]> {
    const limit = options.pageSize ?? 1000;
    const all: PacsInstance[] = [];
    const seen = new Set<string>();
    for (let offset = 0; ;) {
      const page = await this.searchInstances(
        studyInstanceUid,
        seriesInstanceUid,
        { limit, offset },
        options,
      );
      for (const instance of page.items)
        if (!seen.has(instance.sopInstanceUid)) {
          seen.add(instance.sopInstanceUid);
          all.push(instance);
        }
      if (!page.more || page.items.length === 0) return all;
      offset += page.items.length;
    }
  }

  private page<T>(items: T[], criteria: Paging, warnings: string[]): QidoPage<T> {
    const limit = criteria.limit ?? null;
    return {
      items,
      offset: criteria.offset ?? 0,
      limit,
      more:
        (limit !== null && items.length >= limit) || warnings.some((warning) => /^\s*299\b/.test(warning)),
      warnings,
    };
  }

  private async qido(
    path: string,
    query: URLSearchParams,
    options: RequestOptions,
  ): Promise<{ datasets: DicomJsonDataset[]; warnings: string[]; request: string }> {
    const search = formatQuery(query);
    const request = `GET ${path}${search ? `?${search}` : ''}`;
    const { exchange } = await this.send({
      method: 'GET',
      path: `${path}${search ? `?${search}` : ''}`,
      headers: { accept: DICOM_JSON },
      request,
      signal: options.signal,
    });
    const warnings = (exchange.headers.get('warning') ?? '')
      .split(/,(?=\s*\d{3}\s)/)
      .map((warning) => warning.trim())
      .filter(Boolean);
    // 204: no match (PS3.18 §10.6.3.2).
    if (exchange.status === 204) {
      await exchange.discard();
      return { datasets: [], warnings, request };
    }
    const type = parseMediaType(exchange.headers.get('content-type'));
    const body = await exchange.text(this.options.maxJsonBytes ?? 32 * 2 ** 20);
    if (type && !/json$/.test(type.type))
      throw responseInvalid(request, [{ path: '(content-type)', problem: `${type.type}, not DICOM JSON` }]);
    if (!body.trim()) return { datasets: [], warnings, request };
    return { datasets: readDatasets(parseJson(body, request), request), warnings, request };
  }

  // ---- WADO-RS ----------------------------------------------------------------------------------

  /**
   * The instances of a study, series or instance, each handed over whole as its part ends; a body
   * cut before its closing boundary fails with IMAGING_PACS_UNREACHABLE after the whole parts.
   */
  async *retrieve(target: RetrieveTarget, options: RetrieveOptions = {}): AsyncGenerator<RetrievedInstance> {
    let path = `studies/${checkUid(target.studyInstanceUid, 'StudyInstanceUID')}`;
    if (target.seriesInstanceUid !== undefined)
      path += `/series/${checkUid(target.seriesInstanceUid, 'SeriesInstanceUID')}`;
    if (target.sopInstanceUid !== undefined) {
      if (target.seriesInstanceUid === undefined)
        throw new TabibError('INVALID_ARGUMENT', 'an instance is retrieved within its series');
      path += `/instances/${checkUid(target.sopInstanceUid, 'SOPInstanceUID')}`;
    }
    const request = `GET ${path}`;
    const accept = (any: boolean) =>
      formatMediaType('multipart/related', { type: DICOM, ...(any ? { 'transfer-syntax': '*' } : {}) });
    let exchange: PacsExchange;
    try {
      ({ exchange } = await this.send({
        method: 'GET',
        path,
        headers: { accept: accept(this.anyTransferSyntax) },
        request,
        signal: options.signal,
      }));
    } catch (error) {
      const status = (error as TabibError).details as { status?: number } | undefined;
      if (!(error instanceof TabibError) || status?.status !== 406 || !this.anyTransferSyntax) throw error;
      this.anyTransferSyntax = false;
      ({ exchange } = await this.send({
        method: 'GET',
        path,
        headers: { accept: accept(false) },
        request,
        signal: options.signal,
      }));
    }
    const type = parseMediaType(exchange.headers.get('content-type'));
    const partType = type?.parameters.get('type')?.toLowerCase();
    const boundary = type?.parameters.get('boundary');
    if (type?.type !== 'multipart/related' || boundary === undefined || (partType && partType !== DICOM)) {
      await exchange.discard();
      throw responseInvalid(request, [
        {
          path: '(content-type)',
          problem: `${exchange.headers.get('content-type') ?? 'none'}, not multipart/related of application/dicom`,
        },
      ]);
    }
    let received = 0;
    const onBytes = options.onBytes;
    async function* counted(): AsyncGenerator<Uint8Array> {
      for await (const chunk of exchange.chunks()) {
        received += chunk.byteLength;
        onBytes?.(received);
        yield chunk;
      }
    }
    let index = 0;
    try {
      for await (const part of readMultipart(counted(), boundary, this.multipartLimits)) {
        index++;
        const contentType = parseMediaType(part.headers.get('content-type'));
        if (contentType && contentType.type !== DICOM)
          throw responseInvalid(request, [
            { path: `part ${index}`, problem: `${contentType.type}, not ${DICOM}` },
          ]);
        yield { bytes: part.body, location: part.headers.get('content-location') ?? null };
      }
    } catch (error) {
      if (error instanceof TabibError && error.code === 'IMAGING_PACS_RESPONSE_INVALID') {
        const details = (error.details ?? {}) as { truncated?: boolean; problems?: unknown };
        // A body without its closing boundary was cut: servers that end their answer by closing
        // the connection (Orthanc) show a cut connection no other way.
        if (details.truncated)
          throw new TabibError(
            'IMAGING_PACS_UNREACHABLE',
            `${request}: the answer stopped after ${index} whole instance${index === 1 ? '' : 's'} (${received} bytes): ${error.message}`,
            {
              request,
              phase: 'body',
              reachedServer: true,
              transient: true,
              receivedBytes: received,
              parts: index,
            },
          );
        if (!(error.details as { request?: string } | undefined)?.request)
          throw new TabibError(error.code, `${request}: ${error.message}`, {
            request,
            ...(error.details as object),
          });
      }
      throw error;
    }
  }

  // ---- STOW-RS ----------------------------------------------------------------------------------

  /** Stores instances (Part 10 files) in one request. 409 (nothing stored) is an answer, not an error. */
  async store(instances: readonly Uint8Array[], options: RequestOptions = {}): Promise<StowResult> {
    const boundary = newBoundary();
    const body = multipartBody(instances, boundary, DICOM);
    const request = `POST studies (${instances.length} instance${instances.length === 1 ? '' : 's'})`;
    const { exchange, status } = await this.send({
      method: 'POST',
      path: 'studies',
      headers: {
        accept: DICOM_JSON,
        'content-type': formatMediaType('multipart/related', { type: DICOM, boundary }),
      },
      body,
      request,
      signal: options.signal,
      answered: [409],
    });
    const answer =
      exchange.status === 204 ? '' : await exchange.text(this.options.maxJsonBytes ?? 32 * 2 ** 20);
    let dataset: DicomJsonDataset | null = null;
    if (answer.trim()) {
      const json = parseJson(answer, request);
      const [first] = readDatasets(Array.isArray(json) ? json : [json], request);
      dataset = first ?? null;
    }
    const referenced = (tag: string, reason: string) =>
      dataset
        ? items(dataset, tag).map((item) => ({
            sopInstanceUid: text(item, tags.ReferencedSOPInstanceUID),
            reason: integer(item, reason),
          }))
        : [];
    const stored = referenced(tags.ReferencedSOPSequence, tags.WarningReason);
    const failed = referenced(tags.FailedSOPSequence, tags.FailureReason);
    if (status === 409 && failed.length === 0 && stored.length === 0 && !dataset)
      throw statusError(409, request, answer, null);
    return { status, stored, failed, response: dataset };
  }

  // ---- the one path -----------------------------------------------------------------------------

  private async send(send: {
    method: 'GET' | 'POST';
    path: string;
    headers: Record<string, string>;
    body?: Uint8Array;
    request: string;
    signal: AbortSignal | undefined;
    /** Error statuses that are answers to read (STOW-RS 409). */
    answered?: number[];
  }): Promise<{ exchange: PacsExchange; status: number }> {
    const url = `${this.baseUrl}/${send.path}`;
    return withRetry(
      async () => {
        const attempt = async (authorization: string | null) =>
          sendPacsRequest(this.options.fetch, url, {
            method: send.method,
            headers: authorization ? { ...send.headers, authorization } : send.headers,
            ...(send.body === undefined ? {} : { body: send.body }),
            request: send.request,
            responseTimeoutMs: this.options.responseTimeoutMs ?? 30_000,
            idleTimeoutMs: this.options.idleTimeoutMs ?? 60_000,
            ...(send.signal ? { signal: send.signal } : {}),
          });
        let authorization = await this.authorizer.authorization(send.signal);
        let exchange = await attempt(authorization);
        if (exchange.status === 401 && authorization && this.authorizer.refused(authorization)) {
          // A token may have expired early: one new token, one more try (a 401 was not processed).
          await exchange.discard();
          authorization = await this.authorizer.authorization(send.signal);
          exchange = await attempt(authorization);
        }
        if (!exchange.ok && !send.answered?.includes(exchange.status))
          throw statusError(
            exchange.status,
            send.request,
            await errorText(exchange),
            exchange.headers.get('retry-after'),
          );
        return { exchange, status: exchange.status };
      },
      {
        policy: this.policy,
        environment: this.environment,
        // GET is safe; a STOW-RS POST stores the same SOP instances again, which changes nothing.
        safeToRepeat: true,
        classify: (error) => classifyPacsFailure(error, this.environment.now()),
        ...(send.signal ? { signal: send.signal } : {}),
        onRetry: (event) => this.options.onRetry?.({ request: send.request, ...event }),
        annotate: (error, exhaustion) =>
          error instanceof TabibError && exhaustion.attempts > 1
            ? new TabibError(error.code, `${error.message} (after ${exhaustion.attempts} attempts)`, {
                ...(error.details as object),
                attempts: exhaustion.attempts,
                stoppedBecause: exhaustion.reason,
              })
            : error,
      },
    );
  }
}

function parseJson(body: string, request: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw responseInvalid(request, [{ path: '(body)', problem: 'not valid JSON' }]);
  }
}
