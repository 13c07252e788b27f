/**
 * A FHIR resource's top-level elements as a clinician reads them, for comparing two versions side
 * by side: names as "given FAMILY", codes by their text or display, quantities with their unit,
 * references by their display. The bookkeeping elements (id, meta, text) are left out: they are
 * not what the clinician chooses between.
 */
import type { Resource } from '@medplum/fhirtypes';

const IGNORED = new Set(['resourceType', 'id', 'meta', 'text']);

export interface FieldComparison {
  /** The FHIR element name, e.g. `telecom`, `valueQuantity`. */
  field: string;
  local: string | null;
  remote: string | null;
  differs: boolean;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

function readable(value: Json): string {
  if (value === null) return '';
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return value.map(readable).filter(Boolean).join(' ; ');
  const node = value as Record<string, Json>;
  // HumanName
  if ('family' in node || 'given' in node) {
    const given = Array.isArray(node.given) ? node.given.join(' ') : '';
    return [given, typeof node.family === 'string' ? node.family : ''].filter(Boolean).join(' ');
  }
  // CodeableConcept, Coding
  if (typeof node.text === 'string') return node.text;
  if (Array.isArray(node.coding)) return readable(node.coding);
  if (typeof node.display === 'string') return node.display;
  // Quantity
  if (typeof node.value === 'number' && (typeof node.unit === 'string' || typeof node.code === 'string'))
    return `${node.value} ${String(node.unit ?? node.code)}`;
  // ContactPoint, Identifier
  if (typeof node.value === 'string') return node.value;
  // Address
  if ('line' in node || 'city' in node)
    return [readable(node.line ?? null), node.postalCode, node.city, node.state, node.country]
      .filter((part) => typeof part === 'string' && part !== '')
      .join(', ');
  // Reference
  if (typeof node.reference === 'string') return node.reference;
  // Period
  if ('start' in node || 'end' in node) return [node.start, node.end].filter(Boolean).join(' → ');
  if (typeof node.code === 'string') return node.code;
  return Object.entries(node)
    .filter(([key]) => key !== 'extension')
    .map(([key, inner]) => `${key}: ${readable(inner)}`)
    .join(', ');
}

function fieldsOf(resource: Resource | null): Map<string, Json> {
  const fields = new Map<string, Json>();
  if (!resource) return fields;
  for (const [key, value] of Object.entries(resource)) if (!IGNORED.has(key)) fields.set(key, value as Json);
  return fields;
}

/** Every top-level element either version has, in the order they appear (this workstation's first). */
export function compareResources(local: Resource | null, remote: Resource | null): FieldComparison[] {
  const ours = fieldsOf(local);
  const theirs = fieldsOf(remote);
  const names = [...new Set([...ours.keys(), ...theirs.keys()])];
  return names.map((field) => {
    const a = ours.get(field);
    const b = theirs.get(field);
    return {
      field,
      local: a === undefined ? null : readable(a),
      remote: b === undefined ? null : readable(b),
      differs: JSON.stringify(a) !== JSON.stringify(b),
    };
  });
}

/**
 * The merge of the two versions: this workstation's resource, with each field the clinician set
 * to 'remote' taken from the national record's (or removed, where it has none). Bookkeeping
 * elements are left to main, which writes the merge on the server's version.
 */
export function mergeResources(
  local: Resource,
  remote: Resource,
  choices: Record<string, 'local' | 'remote'>,
): Resource {
  const theirs = remote as unknown as Record<string, unknown>;
  const entries = Object.entries(local as unknown as Record<string, unknown>).filter(
    ([field]) => field !== 'meta' && field !== 'text',
  );
  const merged = new Map<string, unknown>(entries);
  for (const [field, choice] of Object.entries(choices)) {
    if (choice !== 'remote' || IGNORED.has(field)) continue;
    if (theirs[field] === undefined) merged.delete(field);
    else merged.set(field, theirs[field]);
  }
  return Object.fromEntries(merged) as unknown as Resource;
}
