/**
 * What the sync engine learns from a CapabilityStatement (FHIR R4 capabilitystatement.html).
 */
import type { CapabilityStatement } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { offers, offersTypeHistory, readCapabilities } from '../../main/sync/server-capabilities';

const statement = (rest: object, extra: object = {}): CapabilityStatement =>
  ({
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: '2026-11-23',
    kind: 'instance',
    fhirVersion: '4.0.1',
    format: ['json'],
    rest: [{ mode: 'server', ...rest }],
    ...extra,
  }) as CapabilityStatement;

describe('server capabilities', () => {
  it('reads the interactions per type and at system level', () => {
    const capabilities = readCapabilities(
      statement({
        resource: [
          {
            type: 'Patient',
            interaction: [
              { code: 'read' },
              { code: 'search-type' },
              { code: 'history-type' },
              { code: 'bogus' },
            ],
            updateCreate: true,
            conditionalCreate: true,
            versioning: 'versioned-update',
            searchParam: [{ name: 'identifier', type: 'token' }],
            operation: [
              {
                name: 'everything',
                definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything',
              },
            ],
          },
          { type: 'Observation', interaction: [{ code: 'read' }, { code: 'update' }] },
        ],
        interaction: [{ code: 'batch' }, { code: 'history-system' }],
      }),
    );
    expect(capabilities.resources.Patient).toEqual({
      interactions: ['read', 'search-type', 'history-type'],
      updateCreate: true,
      conditionalCreate: true,
      versioning: 'versioned-update',
      searchParams: ['identifier'],
      operations: ['everything'],
    });
    expect(offers(capabilities, 'Observation', 'update')).toBe(true);
    expect(offers(capabilities, 'Observation', 'create')).toBe(false);
    expect(offers(capabilities, 'Encounter', 'read')).toBe(false);
    expect(offersTypeHistory(capabilities, 'Patient')).toBe(true);
    expect(offersTypeHistory(capabilities, 'Observation')).toBe(false);
    expect(capabilities).toMatchObject({
      transaction: false,
      batch: true,
      systemHistory: true,
      patientEverything: true,
      maxBundleEntries: null,
    });
  });

  it('finds $everything by its definition alone, and says when it is absent', () => {
    const byDefinition = statement({
      resource: [
        {
          type: 'Patient',
          operation: [
            { name: 'patient-all', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
          ],
        },
      ],
    });
    expect(readCapabilities(byDefinition).patientEverything).toBe(true);
    expect(readCapabilities(statement({ resource: [{ type: 'Patient' }] })).patientEverything).toBe(false);
  });

  it('takes a maximum bundle size from an extension that declares one', () => {
    const declared = statement(
      {
        extension: [
          { url: 'https://dpp.sante.example/fhir/StructureDefinition/maxBundleSize', valuePositiveInt: 200 },
        ],
      },
      { extension: [{ url: 'http://example.org/other', valueInteger: 5 }] },
    );
    expect(readCapabilities(declared).maxBundleEntries).toBe(200);
    const nonsense = statement({ extension: [{ url: 'urn:x:max-bundle-entries', valueInteger: -3 }] });
    expect(readCapabilities(nonsense).maxBundleEntries).toBeNull();
  });
});
