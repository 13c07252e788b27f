/**
 * Checks a resource before it is written, so the record never holds what the national service
 * would refuse: a known type, a valid id, the elements FHIR R4 requires (cardinality 1..*),
 * references that resolve in the record, and national identifiers valid for the country profile.
 * Each failure names the element, so the UI can point at the field.
 */
import type { Resource } from '@medplum/fhirtypes';
import { TabibError } from '../errors';
import { FHIR_ID, isRecordResourceType, type RecordResourceType } from './resource-types';

/** Required elements per type (FHIR R4 resource definitions, min = 1); `a|b` means a choice [x]. */
const requiredElements: Record<RecordResourceType, string[]> = {
  Patient: [],
  Coverage: ['status', 'beneficiary', 'payor'],
  Practitioner: [],
  PractitionerRole: [],
  Organization: [],
  Encounter: ['status', 'class'],
  Observation: ['status', 'code'],
  Condition: ['subject'],
  AllergyIntolerance: ['patient'],
  MedicationRequest: ['status', 'intent', 'medicationCodeableConcept|medicationReference', 'subject'],
  MedicationDispense: ['medicationCodeableConcept|medicationReference', 'status'],
  Immunization: ['status', 'vaccineCode', 'patient', 'occurrenceDateTime|occurrenceString'],
  DiagnosticReport: ['status', 'code'],
  ImagingStudy: ['status', 'subject'],
  ServiceRequest: ['status', 'intent', 'subject'],
  Appointment: ['status', 'participant'],
  CarePlan: ['status', 'intent', 'subject'],
  DocumentReference: ['status', 'content'],
};

export interface ValidationIssue {
  path: string;
  problem: 'required' | 'type' | 'format' | 'unresolved' | 'identifier';
  detail?: string;
}

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !Array.isArray(value) || value.length > 0;
}

/** Every `reference` inside the resource, with its path (e.g. `subject`, `participant.0.actor`). */
export function referencesIn(resource: Resource): { path: string; reference: string }[] {
  const found: { path: string; reference: string }[] = [];
  // One path stack for the whole walk: a bulk import validates millions of resources, and a new
  // array per node was a fifth of its time (garbage collection included).
  const path: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) {
        const item: unknown = node[index];
        if (item === null || typeof item !== 'object') continue;
        path.push(String(index));
        walk(item);
        path.pop();
      }
    } else if (node !== null && typeof node === 'object') {
      for (const key in node) {
        const value = (node as Record<string, unknown>)[key];
        if (key === 'reference' && typeof value === 'string')
          found.push({ path: path.join('.'), reference: value });
        else if (key !== 'contained' && value !== null && typeof value === 'object') {
          path.push(key);
          walk(value);
          path.pop();
        }
      }
    }
  };
  walk(resource);
  return found;
}

/**
 * The references of a resource already serialised, read from its JSON text: a bulk import has the
 * text anyway, and a regular expression over it costs a tenth of walking the object. Falls back
 * to the walk when the resource has contained resources (their references are not checked).
 */
const REFERENCE_IN_JSON = /"reference":"((?:[^"\\]|\\.)*)"/g;

function referenceTexts(resource: Resource, json: string | undefined): string[] {
  if (json === undefined || json.includes('"contained"'))
    return referencesIn(resource).map((found) => found.reference);
  const found: string[] = [];
  for (const match of json.matchAll(REFERENCE_IN_JSON)) {
    const text = match[1] as string;
    found.push(text.includes('\\') ? (JSON.parse(`"${text}"`) as string) : text);
  }
  return found;
}

export interface ValidationContext {
  /** Does `Type/id` exist (not deleted) in the record, or in the batch being written? */
  exists(type: string, id: string): boolean;
  /** Checks one identifier; null when valid or when its system is not one the profile rules. */
  identifierProblem(system: string, value: string): string | null;
}

const REFERENCE = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/;

/** `text`, when given, must be `JSON.stringify(resource)`: the references are read from it. */
export function validateResource(
  resource: Resource,
  context: ValidationContext,
  text?: string,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const type = (resource as { resourceType?: unknown }).resourceType;
  if (!isRecordResourceType(type)) return [{ path: 'resourceType', problem: 'type', detail: String(type) }];
  if (typeof resource.id !== 'string' || !FHIR_ID.test(resource.id))
    issues.push({ path: 'id', problem: 'format' });

  const json = resource as unknown as Record<string, unknown>;
  for (const element of requiredElements[type]) {
    if (!element.split('|').some((choice) => present(json[choice])))
      issues.push({ path: element, problem: 'required' });
  }

  const badReferences: { reference: string; problem: 'format' | 'unresolved' }[] = [];
  for (const reference of referenceTexts(resource, text)) {
    if (reference.startsWith('#')) continue; // contained
    const match = REFERENCE.exec(reference);
    if (!match) {
      badReferences.push({ reference, problem: 'format' });
      continue;
    }
    const [, refType, refId] = match as unknown as [string, string, string];
    const self = refType === type && refId === resource.id;
    if (!self && !context.exists(refType, refId)) badReferences.push({ reference, problem: 'unresolved' });
  }
  if (badReferences.length > 0) {
    // Paths only for what failed: the walk is the slow part.
    const paths = referencesIn(resource);
    for (const bad of badReferences) {
      const path = paths.find((found) => found.reference === bad.reference)?.path ?? 'reference';
      issues.push({ path, problem: bad.problem, detail: bad.reference });
    }
  }

  if (resource.resourceType === 'Patient') {
    (resource.identifier ?? []).forEach((identifier, index) => {
      if (!identifier.system || !identifier.value) {
        issues.push({ path: `identifier.${index}`, problem: 'required' });
        return;
      }
      if (typeof identifier.system !== 'string' || typeof identifier.value !== 'string') {
        issues.push({ path: `identifier.${index}`, problem: 'type' });
        return;
      }
      const problem = context.identifierProblem(identifier.system, identifier.value);
      if (problem) issues.push({ path: `identifier.${index}.value`, problem: 'identifier', detail: problem });
    });
  }
  return issues;
}

/** Throws the clearest error for the issues found: an identifier, then a reference, then the rest. */
export function assertValid(resource: Resource, context: ValidationContext, json?: string): void {
  const issues = validateResource(resource, context, json);
  if (issues.length === 0) return;
  const details = { resourceType: resource.resourceType, id: resource.id, issues };
  const label = `${resource.resourceType}/${resource.id ?? '?'}`;
  if (issues.some((issue) => issue.problem === 'identifier'))
    throw new TabibError('IDENTIFIER_INVALID', `${label}: invalid national identifier`, details);
  if (issues.some((issue) => issue.problem === 'unresolved'))
    throw new TabibError('REFERENCE_UNRESOLVED', `${label}: unresolved reference`, details);
  throw new TabibError(
    'RESOURCE_INVALID',
    `${label}: ${issues.map((issue) => `${issue.path} ${issue.problem}`).join(', ')}`,
    details,
  );
}
