/**
 * The peer's CapabilityStatement (FHIR R4 capabilitystatement.html): what it really does, so a
 * client that picks interactions from it (as Tabib's sync does) is tested against an honest one.
 */
import { getSearchParameters } from '@medplum/core';
import type {
  CapabilityStatement,
  CapabilityStatementRestResource,
  CapabilityStatementRestResourceSearchParam,
  ResourceType,
} from '@medplum/fhirtypes';
import { SUPPORTED_SEARCH_PARAM_TYPES } from './search-request';

export interface CapabilityInput {
  baseUrl: string;
  resourceTypes: readonly string[];
  everything: boolean;
  /** Advertised as the SMART token endpoint when bearer tokens are required. */
  tokenUrl?: string;
  authRequired: boolean;
  maxBundleEntries: number;
  defaultPageSize: number;
  maxPageSize: number;
}

export function capabilityStatement(input: CapabilityInput): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = input.resourceTypes.map((type) => {
    const searchParam: CapabilityStatementRestResourceSearchParam[] = [];
    for (const [code, definition] of Object.entries(getSearchParameters(type) ?? {})) {
      if (definition.type && SUPPORTED_SEARCH_PARAM_TYPES.has(definition.type)) {
        searchParam.push({ name: code, type: definition.type });
      }
    }
    searchParam.sort((a, b) => a.name!.localeCompare(b.name!));
    return {
      type: type as ResourceType,
      interaction: [
        { code: 'read' },
        { code: 'vread' },
        { code: 'update' },
        { code: 'patch' },
        { code: 'delete' },
        { code: 'history-instance' },
        { code: 'history-type' },
        { code: 'create' },
        { code: 'search-type' },
      ],
      versioning: 'versioned-update',
      readHistory: true,
      updateCreate: true,
      conditionalCreate: true,
      conditionalUpdate: true,
      conditionalDelete: 'single',
      searchParam,
      ...(type === 'Patient' && input.everything
        ? {
            operation: [
              {
                name: 'everything',
                definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
              },
            ],
          }
        : {}),
    };
  });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-23',
    kind: 'instance',
    software: { name: 'Tabib test FHIR peer (Medplum fhir-router 4.5)', version: '1' },
    implementation: { description: 'Loopback test peer', url: input.baseUrl },
    fhirVersion: '4.0.1',
    format: ['json'],
    patchFormat: ['application/json-patch+json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `Searches page with link[next] (default _count ${input.defaultPageSize}, at most ${input.maxPageSize}); ` +
          `batch and transaction bundles of at most ${input.maxBundleEntries} entries (more: 413). ` +
          `History (system, type, instance) supports _since and _count, newest first; _sort=_lastUpdated gives oldest first.`,
        ...(input.authRequired
          ? {
              security: {
                service: [
                  {
                    coding: [
                      {
                        system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                        code: 'SMART-on-FHIR',
                      },
                    ],
                  },
                ],
                ...(input.tokenUrl
                  ? {
                      extension: [
                        {
                          url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
                          extension: [{ url: 'token', valueUri: input.tokenUrl }],
                        },
                      ],
                    }
                  : {}),
              },
            }
          : {}),
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'history-system' }],
      },
    ],
  };
}
