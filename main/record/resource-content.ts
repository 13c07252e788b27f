/**
 * What a resource says, apart from which version it is: its JSON without `meta`, object keys
 * sorted. The pull recognises this workstation's own write coming back by it, the push its own
 * earlier write behind a 412.
 */
import type { Resource } from '@medplum/fhirtypes';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value as object).sort()) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== undefined) sorted[key] = canonical(inner);
  }
  return sorted;
}

/** The resource's JSON without meta, keys sorted: equal for equal content. */
export function contentKey(resource: Resource): string {
  const rest = { ...resource } as Resource & { meta?: unknown };
  delete rest.meta;
  return JSON.stringify(canonical(rest));
}

/** Same content, ignoring meta (versionId, lastUpdated, author…) and the order of keys. */
export function sameContent(a: Resource, b: Resource): boolean {
  return contentKey(a) === contentKey(b);
}
