/**
 * Paged results as a full FHIR server serves them (FHIR R4 http.html#paging, search.html#count):
 * the first request computes the whole result list once and keeps it as a snapshot; the bundle's
 * `link[next]` names the snapshot and an offset (HAPI's `_getpages` / `_getpagesoffset` form), so
 * following next walks one fixed list: no entry is skipped or repeated even when resources change
 * or share one lastUpdated between pages. Medplum's memory repository has only `_offset` over
 * its live map, with no links.
 *
 * A search snapshot holds references: a page shows each resource as it is when the page is
 * read, and leaves out one deleted since (as HAPI does). A history snapshot holds the versions
 * themselves. Old snapshots are forgotten (a bounded number is kept); asking for a forgotten one
 * answers 410 Gone, as HAPI does for an expired search.
 */
import { randomUUID } from 'node:crypto';
import type { Bundle, BundleEntry, BundleLink, Resource } from '@medplum/fhirtypes';
import type { ChangeLogEntry } from './change-log-repository';

export type SnapshotItems =
  | { kind: 'searchset'; refs: readonly { resourceType: string; id: string }[] }
  | { kind: 'history'; versions: readonly ChangeLogEntry[] };

interface Snapshot {
  id: string;
  items: SnapshotItems;
}

export interface PageContext {
  baseUrl: string;
  /** The current version of a resource, or undefined once deleted. */
  current(resourceType: string, id: string): Resource | undefined;
  now(): Date;
}

export class SearchPages {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly limit: number) {}

  create(items: SnapshotItems): string {
    const id = randomUUID();
    this.snapshots.set(id, { id, items });
    while (this.snapshots.size > this.limit) {
      const oldest = this.snapshots.keys().next().value as string;
      this.snapshots.delete(oldest);
    }
    return id;
  }

  has(id: string): boolean {
    return this.snapshots.has(id);
  }

  /** Forgets every snapshot: the next `link[next]` followed answers 410 (an expired search). */
  expireAll(): void {
    this.snapshots.clear();
  }

  page(snapshotId: string, offset: number, count: number, context: PageContext): Bundle | undefined {
    const snapshot = this.snapshots.get(snapshotId);
    if (!snapshot) return undefined;
    const { items } = snapshot;
    const total = items.kind === 'searchset' ? items.refs.length : items.versions.length;
    const link: BundleLink[] = [
      { relation: 'self', url: pageUrl(context.baseUrl, snapshotId, offset, count, items.kind) },
    ];
    if (offset > 0)
      link.push({
        relation: 'previous',
        url: pageUrl(context.baseUrl, snapshotId, Math.max(0, offset - count), count, items.kind),
      });
    if (offset + count < total)
      link.push({
        relation: 'next',
        url: pageUrl(context.baseUrl, snapshotId, offset + count, count, items.kind),
      });

    const entry: BundleEntry[] = [];
    if (items.kind === 'searchset') {
      for (const ref of items.refs.slice(offset, offset + count)) {
        const resource = context.current(ref.resourceType, ref.id);
        if (!resource) continue;
        entry.push({
          fullUrl: `${context.baseUrl}/${ref.resourceType}/${ref.id}`,
          resource: structuredClone(resource),
          search: { mode: 'match' },
        });
      }
    } else {
      for (const version of items.versions.slice(offset, offset + count))
        entry.push(historyEntry(context.baseUrl, version));
    }
    return {
      resourceType: 'Bundle',
      id: randomUUID(),
      meta: { lastUpdated: context.now().toISOString() },
      type: items.kind,
      total,
      link,
      ...(entry.length ? { entry } : {}),
    };
  }
}

function pageUrl(baseUrl: string, snapshotId: string, offset: number, count: number, kind: string): string {
  const query = new URLSearchParams({
    _getpages: snapshotId,
    _getpagesoffset: String(offset),
    _count: String(count),
    _bundletype: kind,
  });
  return `${baseUrl}?${query.toString()}`;
}

/** One version in a history bundle (FHIR R4 http.html#history): a delete has request.method DELETE and no resource. */
export function historyEntry(baseUrl: string, version: ChangeLogEntry): BundleEntry {
  const reference = `${version.resourceType}/${version.id}`;
  const status = version.method === 'DELETE' ? '204' : version.created ? '201' : '200';
  return {
    fullUrl: `${baseUrl}/${reference}`,
    ...(version.resource ? { resource: structuredClone(version.resource) } : {}),
    request: { method: version.method, url: version.method === 'POST' ? version.resourceType : reference },
    response: {
      status,
      etag: `W/"${version.versionId}"`,
      lastModified: version.lastUpdated,
    },
  };
}
