/**
 * What a FHIR server offers, read from its CapabilityStatement (FHIR R4 capabilitystatement.html,
 * `rest` in mode `server`), so that the sync engine picks among standard interactions instead of
 * assuming them: `_history` at type or system level, `$everything`, transaction or batch, update
 * as create, conditional create, and a maximum bundle size where the server declares one.
 */
import type { CapabilityStatement, CapabilityStatementRest } from '@medplum/fhirtypes';

export type TypeInteraction =
  | 'read'
  | 'vread'
  | 'update'
  | 'patch'
  | 'delete'
  | 'history-instance'
  | 'history-type'
  | 'create'
  | 'search-type';

export type SystemInteraction = 'transaction' | 'batch' | 'search-system' | 'history-system';

export interface ResourceCapabilities {
  interactions: TypeInteraction[];
  /** `updateCreate`: a PUT to a new id creates it (the client-assigned ids the record uses). */
  updateCreate: boolean;
  conditionalCreate: boolean;
  /** `no-version`, `versioned` or `versioned-update` (If-Match honoured). */
  versioning: string | null;
  searchParams: string[];
  operations: string[];
}

export interface ServerCapabilities {
  fhirVersion: string | null;
  software: string | null;
  resources: Record<string, ResourceCapabilities>;
  systemInteractions: SystemInteraction[];
  transaction: boolean;
  batch: boolean;
  /** `GET [base]/_history`. */
  systemHistory: boolean;
  /** `GET [base]/Patient/[id]/$everything`. */
  patientEverything: boolean;
  /** Most entries in one transaction or batch, if the server declares it (see `declaredMaxBundleEntries`). */
  maxBundleEntries: number | null;
}

const typeInteractions: readonly string[] = [
  'read',
  'vread',
  'update',
  'patch',
  'delete',
  'history-instance',
  'history-type',
  'create',
  'search-type',
];
const systemInteractions: readonly string[] = ['transaction', 'batch', 'search-system', 'history-system'];

interface Extension {
  url?: unknown;
  valueInteger?: unknown;
  valuePositiveInt?: unknown;
  valueUnsignedInt?: unknown;
  extension?: unknown;
}

/**
 * FHIR R4 has no element for a maximum bundle size; servers that state one do it in an
 * extension (on the statement, its `rest` or `implementation`) whose url names it, e.g.
 * `…/maxBundleSize` or `…/max-bundle-entries`. The first integer such extension is taken.
 */
function declaredMaxBundleEntries(...holders: unknown[]): number | null {
  for (const holder of holders) {
    const extensions = (holder as { extension?: unknown } | undefined)?.extension;
    if (!Array.isArray(extensions)) continue;
    for (const extension of extensions as Extension[]) {
      if (typeof extension.url !== 'string' || !/max.?bundle|bundle.?max/i.test(extension.url)) continue;
      const value = extension.valuePositiveInt ?? extension.valueInteger ?? extension.valueUnsignedInt;
      if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
    }
  }
  return null;
}

function serverRest(statement: CapabilityStatement): CapabilityStatementRest | undefined {
  return statement.rest?.find((rest) => rest.mode === 'server') ?? statement.rest?.[0];
}

export function readCapabilities(statement: CapabilityStatement): ServerCapabilities {
  const rest = serverRest(statement);
  const resources: Record<string, ResourceCapabilities> = {};
  for (const resource of rest?.resource ?? []) {
    if (typeof resource.type !== 'string') continue;
    resources[resource.type] = {
      interactions: (resource.interaction ?? [])
        .map((interaction) => interaction.code)
        .filter(
          (code): code is TypeInteraction => typeof code === 'string' && typeInteractions.includes(code),
        ),
      updateCreate: resource.updateCreate === true,
      conditionalCreate: resource.conditionalCreate === true,
      versioning: resource.versioning ?? null,
      searchParams: (resource.searchParam ?? []).map((param) => param.name).filter((n): n is string => !!n),
      operations: (resource.operation ?? []).map((op) => op.name).filter((n): n is string => !!n),
    };
  }
  const system = (rest?.interaction ?? [])
    .map((interaction) => interaction.code)
    .filter(
      (code): code is SystemInteraction => typeof code === 'string' && systemInteractions.includes(code),
    );
  const everything =
    (resources.Patient?.operations ?? []).some((name) => name.replace(/^\$/, '') === 'everything') ||
    (rest?.resource?.find((r) => r.type === 'Patient')?.operation ?? []).some((op) =>
      /Patient-everything$/.test(op.definition ?? ''),
    ) ||
    (rest?.operation ?? []).some((op) => op.name?.replace(/^\$/, '') === 'everything');
  return {
    fhirVersion: statement.fhirVersion ?? null,
    software: statement.software
      ? [statement.software.name, statement.software.version].filter(Boolean).join(' ') || null
      : null,
    resources,
    systemInteractions: system,
    transaction: system.includes('transaction'),
    batch: system.includes('batch'),
    systemHistory: system.includes('history-system'),
    patientEverything: everything,
    maxBundleEntries: declaredMaxBundleEntries(statement, rest, statement.implementation),
  };
}

export function offers(
  capabilities: ServerCapabilities,
  type: string,
  interaction: TypeInteraction,
): boolean {
  return capabilities.resources[type]?.interactions.includes(interaction) ?? false;
}

/** `GET [base]/[type]/_history`. */
export function offersTypeHistory(capabilities: ServerCapabilities, type: string): boolean {
  return offers(capabilities, type, 'history-type');
}
