/**
 * On-demand fetch (issue 4, item 5): a national identifier not in the replica (typed, or read from
 * a card) → `GET Patient?identifier=system|value` → exactly one patient, or a clear error
 * (SYNC_PATIENT_NOT_FOUND, SYNC_PATIENT_AMBIGUOUS) → the patient's record, with
 * `Patient/[id]/$everything` where the CapabilityStatement offers it, else one search per record
 * type of the patient compartment (`[type]?patient=id`). Every page is applied as a pull page is
 * (replica-apply.ts: validated, one transaction, conflicts kept), with progress.
 *
 * The patient is followed from then on (sync_patient, reason 'fetched'), in the transaction that
 * stores it, and queued in `pull.backfill` until its whole record is in: a fetch cut short is
 * finished by the next pull, never left half-loaded behind a pull cursor that moved on.
 */
import type { Patient } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import { ReplicaApply, type ApplyResult, type RemoteChange } from '../record/replica-apply';
import { isRecordResourceType, recordResourceTypes } from '../record/resource-types';
import { SyncState } from './sync-state';
import type { BundlePage } from './fhir-client';
import { applyRemotePage } from './remote-pages';
import { offers, type ServerCapabilities } from './server-capabilities';
import type { SyncContext, SyncProgress } from './sync-types';

/** sync_state: patients whose record is still to be loaded whole (fetched, or new to the facility). */
export const PENDING_BACKFILL_KEY = 'pull.backfill';

export interface NationalIdentifier {
  system: string;
  value: string;
}

export interface LoadOptions {
  pageSize?: number;
  maxPageChanges?: number;
  onPage?: (result: ApplyResult, received: number, total: number | null) => void;
}

const FETCH_DESCRIPTION = 'national record fetch';

function searchParamFor(capabilities: ServerCapabilities, type: string): string | null {
  const params = capabilities.resources[type]?.searchParams ?? [];
  if (params.includes('patient')) return 'patient';
  if (params.includes('subject')) return 'subject';
  return null;
}

/** The compartment types searched one by one where $everything is not offered. */
const COMPARTMENT_TYPES = recordResourceTypes.filter(
  (type) => !['Patient', 'Organization', 'Practitioner', 'PractitionerRole'].includes(type),
);

/**
 * Loads each patient's whole record ($everything, else per-type searches), page by page, and takes
 * the patient off `pull.backfill` once done. Used by the on-demand fetch and by the pull.
 */
export async function loadPatientRecords(
  context: SyncContext,
  apply: ReplicaApply,
  patientIds: readonly string[],
  options: LoadOptions = {},
): Promise<{ applied: number; deleted: number; conflicts: number; pages: number }> {
  const capabilities = await context.client.capabilities({ signal: context.signal });
  const state = new SyncState(context.record.queries);
  const pageSize = options.pageSize ?? 1000;
  const totals = { applied: 0, deleted: 0, conflicts: 0, pages: 0 };
  let received = 0;

  const applyPage = async (page: BundlePage, total: number | null) => {
    context.signal?.throwIfAborted();
    // $everything returns the whole compartment, which holds types the record does not (the
    // AuditEvents pushed about the patient, Provenance…): those are not the record's, skip them
    // (`_type` asks a server not to send them; not every server honours it).
    const changes: RemoteChange[] = page.resources
      .filter((resource) => isRecordResourceType(resource.resourceType))
      .map((resource) => ({ op: 'put', resource }));
    const result = await applyRemotePage(context, apply, {
      changes,
      actor: context.actor,
      description: FETCH_DESCRIPTION,
      ...(options.maxPageChanges === undefined ? {} : { maxChanges: options.maxPageChanges }),
      request: page.kind === 'searchset' ? 'GET Patient/$everything or search' : 'GET',
    });
    received += page.resources.length;
    totals.applied += result.applied;
    totals.deleted += result.deleted;
    totals.conflicts += result.conflicts;
    totals.pages += 1;
    options.onPage?.(result, received, total);
  };

  for (const patientId of patientIds) {
    if (capabilities.patientEverything) {
      const first = await context.client.everything(
        patientId,
        { count: pageSize, types: recordResourceTypes },
        { signal: context.signal },
      );
      for await (const page of context.client.pages(first, { signal: context.signal }))
        await applyPage(page, first.total);
    } else {
      for (const type of COMPARTMENT_TYPES) {
        const param = searchParamFor(capabilities, type);
        if (param === null || !offers(capabilities, type, 'search-type')) continue;
        const first = await context.client.search(
          type,
          { [param]: patientId, _count: pageSize },
          { signal: context.signal },
        );
        for await (const page of context.client.pages(first, { signal: context.signal }))
          await applyPage(page, null);
      }
    }
    // Done with this patient: off the backfill list (its own small transaction).
    context.record.queries.transaction(() => {
      const pending = state.get<string[]>(PENDING_BACKFILL_KEY) ?? [];
      const rest = pending.filter((id) => id !== patientId);
      if (rest.length === 0) state.delete(PENDING_BACKFILL_KEY);
      else if (rest.length !== pending.length) state.set(PENDING_BACKFILL_KEY, rest);
    });
  }
  return totals;
}

export interface FetchOptions {
  pageSize?: number;
  maxPageChanges?: number;
  /** Progress (phase 'pull'): resources received, out of $everything's total when the server gives one. */
  progress?: (progress: SyncProgress) => void;
}

/**
 * Fetches a patient by national identifier and loads their record; returns the patient's id.
 * Throws SYNC_PATIENT_NOT_FOUND (none matches) or SYNC_PATIENT_AMBIGUOUS (several do).
 */
export async function fetchPatientByIdentifier(
  context: SyncContext,
  identifier: NationalIdentifier,
  options: FetchOptions = {},
): Promise<string> {
  const progress = options.progress ?? context.progress;
  const token = `${identifier.system}|${identifier.value}`;
  progress?.({ phase: 'pull', done: 0, total: null });
  const first = await context.client.search(
    'Patient',
    { identifier: token, _count: 10 },
    { signal: context.signal },
  );
  const patients: Patient[] = [];
  for await (const page of context.client.pages(first, { signal: context.signal }))
    for (const resource of page.resources) if (resource.resourceType === 'Patient') patients.push(resource);
  if (patients.length === 0)
    throw new TabibError(
      'SYNC_PATIENT_NOT_FOUND',
      `No patient in the national record has the identifier ${token}`,
      {
        identifier,
      },
    );
  if (patients.length > 1)
    throw new TabibError(
      'SYNC_PATIENT_AMBIGUOUS',
      `${patients.length} patients in the national record have the identifier ${token}`,
      { identifier, patients: patients.map((patient) => patient.id) },
    );
  const patient = patients[0] as Patient;
  const patientId = patient.id as string;
  const apply = new ReplicaApply(context.record, context.clock);
  const state = new SyncState(context.record.queries);
  const pending = state.get<string[]>(PENDING_BACKFILL_KEY) ?? [];
  await applyRemotePage(context, apply, {
    changes: [{ op: 'put', resource: patient }],
    actor: context.actor,
    description: FETCH_DESCRIPTION,
    follow: { patientIds: [patientId], reason: 'fetched' },
    state: pending.includes(patientId) ? [] : [{ key: PENDING_BACKFILL_KEY, value: [...pending, patientId] }],
    request: `GET Patient?identifier=${token}`,
  });
  progress?.({ phase: 'pull', done: 1, total: null });
  // $everything counts the patient among its resources; per-type searches do not.
  const offset = (await context.client.capabilities({ signal: context.signal })).patientEverything ? 0 : 1;
  await loadPatientRecords(context, apply, [patientId], {
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.maxPageChanges === undefined ? {} : { maxPageChanges: options.maxPageChanges }),
    onPage: (_result, received, total) => progress?.({ phase: 'pull', done: received + offset, total }),
  });
  return patientId;
}
