/**
 * What the peer accepts in a search, and the order it returns results in.
 *
 * Medplum's memory repository silently matches nothing for the parameters it cannot evaluate
 * (number, quantity, composite, chained, `_has`), ignores `_include`, and with several `_sort`
 * keys makes the last one primary. A client would read an empty page as "no data". The peer
 * refuses those with 400 instead (as a strict server does, FHIR R4 search.html#errors), and sorts
 * itself: keys in the order given, ties broken by type and id so the order is total.
 */
import { evalFhirPath, getSearchParameter } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';

/** The search parameter types Medplum's in-memory matcher evaluates. */
export const SUPPORTED_SEARCH_PARAM_TYPES = new Set(['string', 'token', 'reference', 'date', 'uri']);

/** Result parameters the peer handles itself (never passed to Medplum). */
const RESULT_PARAMETERS = new Set([
  '_count',
  '_sort',
  '_total',
  '_format',
  '_pretty',
  '_summary',
  '_elements',
]);
const REFUSED_PARAMETERS = new Set([
  '_include',
  '_revinclude',
  '_has',
  '_contained',
  '_containedType',
  '_offset',
]);

export type Query = Record<string, string | string[]>;

export class SearchRequestError extends Error {}

export interface SortKey {
  code: string;
  descending: boolean;
}

export interface ParsedSearch {
  /** What Medplum filters on. */
  filters: Query;
  count: number | undefined;
  sort: SortKey[];
  /** `_summary=count`: total only. */
  countOnly: boolean;
}

export function lastValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

export function parseSearch(resourceType: string, query: Query): ParsedSearch {
  const filters: Query = {};
  for (const [key, value] of Object.entries(query)) {
    if (RESULT_PARAMETERS.has(key)) continue;
    const code = key.split(':')[0]!;
    if (REFUSED_PARAMETERS.has(code) || code.startsWith('_has')) {
      throw new SearchRequestError(`The search parameter ${key} is not supported by this server`);
    }
    if (code.includes('.'))
      throw new SearchRequestError(`Chained search (${key}) is not supported by this server`);
    const definition = getSearchParameter(resourceType, code);
    if (!definition?.type || !SUPPORTED_SEARCH_PARAM_TYPES.has(definition.type)) {
      throw new SearchRequestError(`The search parameter ${key} is not supported for ${resourceType}`);
    }
    filters[key] =
      definition.type === 'reference' ? qualifyReferences(value, definition.target ?? []) : value;
  }
  const countText = lastValue(query._count);
  let count: number | undefined;
  if (countText !== undefined) {
    count = Number(countText);
    if (!Number.isInteger(count) || count < 0)
      throw new SearchRequestError(`_count must be a non-negative integer`);
  }
  const sort: SortKey[] = [];
  for (const text of [query._sort ?? []].flat()) {
    for (const part of text.split(',')) {
      if (!part) continue;
      const descending = part.startsWith('-');
      const code = descending ? part.slice(1) : part;
      if (!sortExpression(resourceType, code))
        throw new SearchRequestError(`Cannot sort ${resourceType} by ${code}`);
      sort.push({ code, descending });
    }
  }
  return { filters, count, sort, countOnly: lastValue(query._summary) === 'count' };
}

/**
 * FHIR R4 search.html#reference: `patient=123` means any allowed target type with id 123. Medplum's
 * matcher compares whole `Type/id` strings only, so the peer spells the alternatives out.
 */
function qualifyReferences(value: string | string[], targets: readonly string[]): string | string[] {
  const qualify = (text: string) =>
    text
      .split(',')
      .map((item) =>
        item.includes('/') || targets.length === 0 ? item : targets.map((t) => `${t}/${item}`).join(','),
      )
      .join(',');
  return Array.isArray(value) ? value.map(qualify) : qualify(value);
}

function sortExpression(resourceType: string, code: string): string | undefined {
  if (code === '_id') return 'id';
  if (code === '_lastUpdated') return 'meta.lastUpdated';
  return getSearchParameter(resourceType, code)?.expression;
}

function sortValue(resource: Resource, code: string): string | undefined {
  if (code === '_id') return resource.id;
  if (code === '_lastUpdated') return resource.meta?.lastUpdated;
  const expression = sortExpression(resource.resourceType, code);
  if (!expression) return undefined;
  const values = evalFhirPath(expression, resource);
  if (values.length === 0) return undefined;
  const first = values[0] as { value?: unknown } | unknown;
  const value = first && typeof first === 'object' && 'value' in first ? first.value : first;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Sorts by the keys in order (absent values last), then by type and id: a total, stable order. */
export function sortResources(resources: Resource[], sort: readonly SortKey[]): Resource[] {
  if (sort.length === 0) return resources;
  const keyed = resources.map((resource) => ({
    resource,
    keys: sort.map((key) => sortValue(resource, key.code)),
  }));
  keyed.sort((a, b) => {
    for (let i = 0; i < sort.length; i++) {
      const x = a.keys[i];
      const y = b.keys[i];
      if (x === y) continue;
      if (x === undefined) return 1;
      if (y === undefined) return -1;
      const order = x < y ? -1 : 1;
      return sort[i]!.descending ? -order : order;
    }
    const typeOrder = a.resource.resourceType.localeCompare(b.resource.resourceType);
    if (typeOrder !== 0) return typeOrder;
    return (a.resource.id ?? '') < (b.resource.id ?? '') ? -1 : 1;
  });
  return keyed.map((item) => item.resource);
}
