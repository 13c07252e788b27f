/**
 * The pull: what other facilities wrote to the national record, for the patients this workstation
 * keeps (the facility's, `SyncScope.facilityPatients`, plus every patient in sync_patient), into
 * the replica, page by page, each page applied in ONE transaction together with its cursor
 * (replica-apply.ts). A crash resumes from the last page applied.
 *
 * Steps of one pull:
 * 1. The facility's patients: the configured Patient search, `_sort=_lastUpdated`, since the
 *    facility cursor (`_lastUpdated=ge…`). Each page stores its Patients and follows them in
 *    sync_patient ('facility'). A patient new to the scope after the history streams started has
 *    older records the streams will not replay: it is queued in `pull.backfill` (same
 *    transaction) and its record is loaded as an on-demand fetch does (patient-fetch.ts).
 * 2. One `_history` stream per record type, `GET [type]/_history?_since=…&_sort=_lastUpdated`,
 *    in reference order (organisations and staff, patients, encounters, conditions, then what
 *    refers to them), keeping what belongs to a followed patient or is already in the replica.
 *    Type-level rather than system-level history: the server's history also carries types the
 *    record does not hold (our own pushed AuditEvents, Provenance…), which the client's response
 *    validation rightly refuses. History carries deletions (request.method DELETE), so deletions
 *    propagate without any reconciliation. The initial load is the same streams without `_since`:
 *    one large page after another (against the test peer, per-type searches with `patient=` lists
 *    take seconds each, history pages milliseconds).
 *
 * The cursor (sync_state `pull.history.<Type>`, `pull.facility`): `{ since, seen }`. The next
 * request asks `_since=since`, which is inclusive (FHIR R4 http.html#history: "at or after"), and
 * skips the versions in `seen`: the `Type/id/versionId` of every version applied AT the instant
 * `since`. So when many resources share one lastUpdated (Medplum gives a burst the same
 * millisecond) and a page ends in the middle of them, none is skipped (the Android FHIR SDK's
 * strict `gt` would skip the rest of the burst) and none is applied twice. Re-applying a version
 * the replica has is a no-op anyway (remote_version), so a cursor that lags is only re-reading.
 *
 * If the server ignores `_sort` and answers newest first (R4's default order), the pull notices
 * the order, keeps only the first (newest) version of each resource met in this traversal, and
 * moves the cursor only with the last page: a crash then re-reads the traversal, never skips.
 *
 * Where the server offers no type history, that type is read with a search instead
 * (`[type]?patient=…&_lastUpdated=ge…`, followed patients in chunks), and deletions are found by
 * reconciliation: an id-only search of the followed patients' compartment of that type, compared
 * with the replica; what the server no longer has is marked deleted.
 */
import type { Patient } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import { ReplicaApply, type RemoteChange } from '../record/replica-apply';
import { patientOf, type RecordResourceType } from '../record/resource-types';
import type { BundlePage } from './fhir-client';
import { followedPatientIds } from './followed-patients';
import { loadPatientRecords, PENDING_BACKFILL_KEY } from './patient-fetch';
import { applyRemotePage, pageEntries, type PageEntry } from './remote-pages';
import { offersTypeHistory, offers, type ServerCapabilities } from './server-capabilities';
import { SyncState } from './sync-state';
import type { PullFn, PullReport, SyncContext } from './sync-types';

/** The order the streams run in: what is referred to before what refers to it. */
export const PULL_ORDER: readonly RecordResourceType[] = [
  'Organization',
  'Practitioner',
  'PractitionerRole',
  'Patient',
  'Coverage',
  'Encounter',
  'Condition',
  'AllergyIntolerance',
  'Observation',
  'ServiceRequest',
  'ImagingStudy',
  'Appointment',
  'CarePlan',
  'MedicationRequest',
  'MedicationDispense',
  'Immunization',
  'DiagnosticReport',
  'DocumentReference',
];

/** Not in a patient's compartment: kept when the replica already holds them or a record refers to them. */
const DIRECTORY_TYPES: ReadonlySet<string> = new Set(['Organization', 'Practitioner', 'PractitionerRole']);

export interface PullOptions {
  /** `_count` asked of the server (it may cap it). Default 1000. */
  pageSize?: number;
  /** Most changes applied from one page, dependencies included (more: SYNC_BUNDLE_TOO_LARGE). Default 5000. */
  maxPageChanges?: number;
  /** Followed patients per search where a type has no history (`patient=a,b,…`). Default 50. */
  patientsPerSearch?: number;
  /** The streams, in order (default PULL_ORDER). */
  types?: readonly RecordResourceType[];
}

export interface StreamCursor {
  /** The lastUpdated of the newest version applied; null before the first page. */
  since: string | null;
  /** `Type/id/versionId` of the versions applied at exactly `since`. */
  seen: string[];
}

export const FACILITY_CURSOR_KEY = 'pull.facility';
export const historyCursorKey = (type: string) => `pull.history.${type}`;
export const searchCursorKey = (type: string) => `pull.search.${type}`;

const DESCRIPTION = 'national record pull';

interface Run {
  context: SyncContext;
  apply: ReplicaApply;
  state: SyncState;
  capabilities: ServerCapabilities;
  options: Required<Omit<PullOptions, 'types'>>;
  report: PullReport;
  scope: Set<string>;
  /** `Type/id` of every version kept so far in this pull: a deletion of one of them is kept too. */
  kept: Set<string>;
}

function tally(run: Run, result: { applied: number; deleted: number; conflicts: number }): void {
  run.report.applied += result.applied;
  run.report.deleted += result.deleted;
  run.report.conflicts += result.conflicts;
  run.report.pages += 1;
  run.context.progress?.({
    phase: 'pull',
    done: run.report.applied + run.report.deleted,
    total: null,
  });
}

/**
 * Reads one cursor-driven stream to its end: each page's kept changes applied with the page's
 * cursor. `filter` says which entries this workstation keeps; `onPage` may add followers and
 * state to the page's transaction.
 */
async function runStream(
  run: Run,
  stream: {
    key: string;
    request: string;
    first: (since: string | null) => Promise<BundlePage>;
    keep: (entry: PageEntry) => boolean;
    /** One version per resource in the stream (a search): newest-first order needs no traversal set. */
    single?: boolean;
    onPage?: (kept: RemoteChange[]) => {
      follow?: { patientIds: string[]; reason: 'facility' };
      state?: { key: string; value: unknown }[];
    };
  },
): Promise<void> {
  const { context } = run;
  const start = run.state.get<StreamCursor>(stream.key) ?? { since: null, seen: [] };
  const startSeen = new Set(start.seen);
  let max = start.since;
  let atMax = new Set(start.seen);
  let order: 'ascending' | 'descending' | null = null;
  let previous: string | null = null;
  const metInTraversal = new Set<string>();

  for await (const page of context.client.pages(await stream.first(start.since), {
    signal: context.signal,
  })) {
    context.signal?.throwIfAborted();
    const kept: RemoteChange[] = [];
    for (const entry of pageEntries(page)) {
      const time: string | null = entry.time ?? previous ?? start.since;
      if (time !== null && previous !== null && time !== previous && order === null)
        order = time > previous ? 'ascending' : 'descending';
      previous = time;
      if (time !== null && time === start.since && startSeen.has(entry.key)) continue;
      if (time !== null && (max === null || time > max)) {
        max = time;
        atMax = new Set([entry.key]);
      } else if (time !== null && time === max) atMax.add(entry.key);
      if (order === 'descending' && !stream.single) {
        // Newest first: the first version met is the one to keep.
        if (metInTraversal.has(entry.ref)) continue;
        metInTraversal.add(entry.ref);
      }
      if (stream.keep(entry)) kept.push(entry.change);
    }
    const last = page.next === null;
    const cursor: StreamCursor = { since: max, seen: [...atMax] };
    const extra = stream.onPage?.(kept) ?? {};
    const state = [...(extra.state ?? [])];
    if (order !== 'descending' || last) state.push({ key: stream.key, value: cursor });
    const result = await applyRemotePage(context, run.apply, {
      changes: kept,
      actor: context.actor,
      description: DESCRIPTION,
      state,
      maxChanges: run.options.maxPageChanges,
      request: stream.request,
      ...(extra.follow ? { follow: extra.follow } : {}),
    });
    tally(run, result);
  }
}

/** Step 1: the facility's patients. */
async function pullFacility(run: Run, search: Record<string, string>, backfillFrom: string[] | null) {
  const pending = new Set(backfillFrom ?? []);
  await runStream(run, {
    key: FACILITY_CURSOR_KEY,
    request: `GET Patient?${new URLSearchParams(search).toString()}`,
    single: true,
    first: (since) =>
      run.context.client.search(
        'Patient',
        {
          ...search,
          _count: run.options.pageSize,
          _sort: '_lastUpdated',
          ...(since ? { _lastUpdated: `ge${since}` } : {}),
        },
        { signal: run.context.signal },
      ),
    keep: (entry) => {
      if (entry.change.op === 'put' && entry.change.resource.resourceType !== 'Patient')
        throw new TabibError(
          'SYNC_RESPONSE_INVALID',
          `GET Patient?…: the search answered a ${entry.change.resource.resourceType}; page refused, nothing was applied`,
          { request: 'GET Patient', problems: [{ path: 'entry.resource.resourceType', problem: entry.ref }] },
        );
      return entry.change.op === 'put';
    },
    onPage: (kept) => {
      const ids = kept.map((change) => (change as { resource: Patient }).resource.id as string);
      const newcomers = ids.filter((id) => !run.scope.has(id));
      for (const id of ids) run.scope.add(id);
      if (backfillFrom === null || newcomers.length === 0)
        return { follow: { patientIds: ids, reason: 'facility' } };
      for (const id of newcomers) pending.add(id);
      return {
        follow: { patientIds: ids, reason: 'facility' },
        state: [{ key: PENDING_BACKFILL_KEY, value: [...pending] }],
      };
    },
  });
}

function keepForScope(run: Run) {
  const keeps = (entry: PageEntry): boolean => {
    const change = entry.change;
    // A deletion of what this pull has just kept (created and deleted since the cursor, maybe on
    // the same page, so not in the replica yet) is kept too, or the creation would outlive it.
    if (change.op === 'delete')
      return run.apply.knows(change.resourceType, change.id) || run.kept.has(entry.ref);
    const resource = change.resource;
    if (DIRECTORY_TYPES.has(resource.resourceType))
      return run.apply.knows(resource.resourceType, resource.id as string);
    const patientId = patientOf(resource);
    if (patientId !== null && run.scope.has(patientId)) return true;
    return run.apply.knows(resource.resourceType, resource.id as string);
  };
  return (entry: PageEntry): boolean => {
    const keep = keeps(entry);
    if (keep) run.kept.add(entry.ref);
    return keep;
  };
}

/** Step 2, where the server offers `[type]/_history`. */
async function pullHistory(run: Run, type: RecordResourceType): Promise<void> {
  await runStream(run, {
    key: historyCursorKey(type),
    request: `GET ${type}/_history`,
    first: (since) =>
      run.context.client.history(
        { type, ...(since ? { since } : {}), count: run.options.pageSize, sort: '_lastUpdated' },
        { signal: run.context.signal },
      ),
    keep: keepForScope(run),
  });
}

/** The search parameter that names a resource's patient, if the server offers one. */
export function patientSearchParam(capabilities: ServerCapabilities, type: string): string | null {
  const params = capabilities.resources[type]?.searchParams ?? [];
  if (params.includes('patient')) return 'patient';
  if (params.includes('subject')) return 'subject';
  return null;
}

/**
 * Step 2 where the server has no type history: searches by followed patients in chunks since the
 * type's cursor, then a reconciliation of deletions (ids only) for what the replica holds.
 */
async function pullBySearch(run: Run, type: RecordResourceType): Promise<void> {
  const param = patientSearchParam(run.capabilities, type);
  if (param === null || DIRECTORY_TYPES.has(type) || !offers(run.capabilities, type, 'search-type')) return;
  const patients = [...run.scope].sort();
  const chunk = run.options.patientsPerSearch;
  // The whole type's cursor moves once every chunk has been read: one chunk's progress is kept
  // per chunk key, so a crash resumes chunk by chunk.
  const cursorKey = searchCursorKey(type);
  const cursor = run.state.get<StreamCursor>(cursorKey) ?? { since: null, seen: [] };
  const startedAt = new Date(run.context.clock().getTime() - 60_000).toISOString();
  for (let start = 0; start < patients.length; start += chunk) {
    const ids = patients.slice(start, start + chunk);
    const chunkKey = `${cursorKey}.${ids[0]}`;
    await runStream(run, {
      key: chunkKey,
      request: `GET ${type}?${param}=…`,
      single: true,
      first: (since) =>
        run.context.client.search(
          type,
          {
            [param]: ids.join(','),
            _count: run.options.pageSize,
            _sort: '_lastUpdated',
            ...((since ?? cursor.since) ? { _lastUpdated: `ge${since ?? cursor.since}` } : {}),
          },
          { signal: run.context.signal },
        ),
      keep: keepForScope(run),
    });
    // Reconciliation: what the replica holds for these patients and the server no longer has.
    const present = new Set<string>();
    const first = await run.context.client.search(
      type,
      { [param]: ids.join(','), _count: run.options.pageSize, _elements: 'id' },
      { signal: run.context.signal },
    );
    for await (const page of run.context.client.pages(first, { signal: run.context.signal }))
      for (const resource of page.resources) present.add(resource.id as string);
    const held = run.context.record.queries
      .statement(
        `select id from resource where type = ? and deleted = 0 and remote_version is not null
         and patient_id in (select value from json_each(?))`,
      )
      .all(type, JSON.stringify(ids)) as { id: string }[];
    const gone: RemoteChange[] = held
      .filter((row) => !present.has(row.id))
      .map((row) => ({ op: 'delete', resourceType: type, id: row.id }));
    const result = run.apply.apply({
      changes: gone,
      actor: run.context.actor,
      description: DESCRIPTION,
      state: [],
      request: `GET ${type}?${param}=…&_elements=id`,
    });
    if (gone.length > 0) tally(run, result);
  }
  run.apply.apply({
    changes: [],
    actor: run.context.actor,
    description: DESCRIPTION,
    state: [{ key: cursorKey, value: { since: startedAt, seen: [] } satisfies StreamCursor }],
  });
  for (let start = 0; start < patients.length; start += chunk)
    run.state.delete(`${cursorKey}.${patients[start]}`);
}

export async function pull(context: SyncContext, options: PullOptions = {}): Promise<PullReport> {
  const capabilities = await context.client.capabilities({ signal: context.signal });
  const apply = new ReplicaApply(context.record, context.clock);
  const state = new SyncState(context.record.queries);
  const types = options.types ?? PULL_ORDER;
  const run: Run = {
    context,
    apply,
    state,
    capabilities,
    options: {
      pageSize: options.pageSize ?? 1000,
      maxPageChanges: options.maxPageChanges ?? 5000,
      patientsPerSearch: options.patientsPerSearch ?? 50,
    },
    report: { applied: 0, deleted: 0, pages: 0, conflicts: 0 },
    scope: followedPatientIds(context.record),
    kept: new Set(),
  };

  // Patients that join the scope once the streams have started need their older records loaded.
  const started = types.some(
    (type) => state.get(historyCursorKey(type)) !== null || state.get(searchCursorKey(type)) !== null,
  );
  if (context.scope.facilityPatients)
    await pullFacility(
      run,
      context.scope.facilityPatients,
      started ? (state.get<string[]>(PENDING_BACKFILL_KEY) ?? []) : null,
    );

  const backfill = state.get<string[]>(PENDING_BACKFILL_KEY) ?? [];
  if (backfill.length > 0) {
    await loadPatientRecords(context, apply, backfill, {
      pageSize: run.options.pageSize,
      maxPageChanges: run.options.maxPageChanges,
      onPage: (result) => tally(run, result),
    });
  }

  for (const type of types) {
    context.signal?.throwIfAborted();
    if (offersTypeHistory(capabilities, type)) await pullHistory(run, type);
    else await pullBySearch(run, type);
  }
  return run.report;
}

/** The sync engine's pull (sync-types.ts PullFn), with the default options. */
export const pullChanges: PullFn = (context) => pull(context);
