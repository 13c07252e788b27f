/** A real encrypted record on a temporary folder, for tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import type { Actor } from '../../main/record/actor';
import { LocalRecord, type LocalRecordOptions } from '../../main/record/local-record';
import { createSearchRules } from '../../main/record/search/search-rules-for-country';

export const resourcesDir = resolve(import.meta.dirname, '..', '..', 'resources');

export const doctor: Actor = { reference: 'Practitioner/dr-amrani', display: 'Dr Salma Amrani' };

export interface RecordFixture {
  dir: string;
  options: LocalRecordOptions;
  open(overrides?: Partial<LocalRecordOptions>): Promise<LocalRecord>;
  cleanup(): void;
}

/** A test record's options in `dir` (the crash tests' children open the parent's record with them). */
export function recordOptionsIn(dir: string, country: 'MA' | 'DZ' | 'TN' = 'MA'): LocalRecordOptions {
  return {
    databasePath: join(dir, 'record', 'tabib.db'),
    keyPath: join(dir, 'record', 'tabib.key.wrapped'),
    keychain: new KeyFileKeychain(join(dir, 'keychain', 'wrapping.key')),
    allowWeakKeychain: true,
    workstation: { id: '3f1d2c8e-0000-4000-8000-000000000001', facilityId: 'CS-0001' },
    rules: createSearchRules(resourcesDir, country),
  };
}

export function recordFixture(country: 'MA' | 'DZ' | 'TN' = 'MA'): RecordFixture {
  const dir = mkdtempSync(join(tmpdir(), 'tabib-record-'));
  const options = recordOptionsIn(dir, country);
  return {
    dir,
    options,
    open: (overrides = {}) => LocalRecord.open({ ...options, ...overrides }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function patient(
  id: string,
  latin: [string, string],
  arabic: [string, string] | null,
  extra: Partial<Patient> = {},
): Patient {
  return {
    resourceType: 'Patient',
    id,
    name: [
      { use: 'official', given: latin[0].split(' '), family: latin[1] },
      ...(arabic
        ? [
            {
              use: 'official' as const,
              given: arabic[0].split(' '),
              family: arabic[1],
              extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/language', valueCode: 'ar' }],
            },
          ]
        : []),
    ],
    ...extra,
  };
}
