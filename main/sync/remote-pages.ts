/**
 * What pull.ts and patient-fetch.ts share: reading a page of a search, `_history` or `$everything`
 * as remote changes, fetching what a page refers to but neither it nor the replica holds, and
 * applying the page (replica-apply.ts: one transaction with its cursor).
 */
import type { BundleEntry, Resource } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import type { ReplicaApply, ApplyRequest, ApplyResult, RemoteChange } from '../record/replica-apply';
import { isRecordResourceType, FHIR_ID } from '../record/resource-types';
import type { BundlePage } from './fhir-client';
import { versionFromEtag } from './fhir-client';
import type { SyncContext } from './sync-types';

/** One entry of a page as the cursor sees it. */
export interface PageEntry {
  change: RemoteChange;
  /** The version's lastUpdated (for a deletion: response.lastModified), null when the server gave none. */
  time: string | null;
  /** `Type/id/versionId`: what the cursor remembers at its boundary instant. */
  key: string;
  /** `Type/id`. */
  ref: string;
}

function putEntry(resource: Resource): PageEntry {
  const ref = `${resource.resourceType}/${String(resource.id)}`;
  return {
    change: { op: 'put', resource },
    time: resource.meta?.lastUpdated ?? null,
    key: `${ref}/${resource.meta?.versionId ?? '?'}`,
    ref,
  };
}

/** The entries of a page, in the server's order. A history deletion has no resource, only its url. */
export function pageEntries(page: BundlePage): PageEntry[] {
  if (page.kind === 'searchset') return page.resources.map(putEntry);
  return page.entries.map((entry: BundleEntry) => {
    if (entry.request?.method === 'DELETE') {
      // validateBundle checked the url is Type/id.
      const [resourceType, id] = (entry.request.url as string).split(/[/?]/) as [string, string];
      const versionId = versionFromEtag(entry.response?.etag ?? null) ?? 'deleted';
      const time = entry.response?.lastModified ?? null;
      return {
        change: { op: 'delete', resourceType, id, time },
        time,
        key: `${resourceType}/${id}/${versionId}`,
        ref: `${resourceType}/${id}`,
      };
    }
    return putEntry(entry.resource as Resource);
  });
}

const DEPENDENCY_ROUNDS = 3;
const IDS_PER_SEARCH = 50;

/**
 * Fetches the resources the page refers to that neither the page nor the replica holds (a
 * practitioner first seen, an encounter on a later page), by `_id` searches, and puts them before
 * the page's changes. What the server does not have stays missing: validation then refuses the
 * page with SYNC_REFERENCE_UNRESOLVED.
 */
export async function withDependencies(
  context: SyncContext,
  apply: ReplicaApply,
  changes: RemoteChange[],
): Promise<{ changes: RemoteChange[]; fetched: number }> {
  let all = changes;
  let fetched = 0;
  const asked = new Set<string>();
  for (let round = 0; round < DEPENDENCY_ROUNDS; round++) {
    const missing = apply.missingReferences(all).filter((ref) => !asked.has(ref));
    if (missing.length === 0) break;
    const byType = new Map<string, string[]>();
    for (const ref of missing) {
      asked.add(ref);
      const [type, id] = ref.split('/') as [string, string];
      if (!isRecordResourceType(type) || !FHIR_ID.test(id)) continue;
      const ids = byType.get(type);
      if (ids) ids.push(id);
      else byType.set(type, [id]);
    }
    const found: RemoteChange[] = [];
    for (const [type, ids] of byType) {
      for (let start = 0; start < ids.length; start += IDS_PER_SEARCH) {
        const chunk = ids.slice(start, start + IDS_PER_SEARCH);
        const wanted = new Set(chunk);
        const first = await context.client.search(
          type,
          { _id: chunk.join(','), _count: chunk.length },
          { signal: context.signal },
        );
        for await (const page of context.client.pages(first, { signal: context.signal }))
          for (const resource of page.resources)
            if (resource.resourceType === type && wanted.has(resource.id as string))
              found.push({ op: 'put', resource });
      }
    }
    if (found.length === 0) break;
    fetched += found.length;
    all = [...found, ...all];
  }
  return { changes: all, fetched };
}

/**
 * Applies the page (one transaction, with `request.state`); if it refers to what neither it nor
 * the replica holds, fetches that from the server and applies the page again with it. The refused
 * attempt wrote nothing (its transaction rolled back), and the common case pays no extra scan.
 */
export async function applyRemotePage(
  context: SyncContext,
  apply: ReplicaApply,
  request: ApplyRequest,
): Promise<ApplyResult> {
  try {
    return apply.apply(request);
  } catch (error) {
    if (!(error instanceof TabibError && error.code === 'SYNC_REFERENCE_UNRESOLVED')) throw error;
    const { changes, fetched } = await withDependencies(context, apply, [...request.changes]);
    if (fetched === 0) throw error;
    return apply.apply({ ...request, changes });
  }
}
