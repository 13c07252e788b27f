/**
 * A demonstration workstation for the care tests: the real services in-process (test-workstation),
 * a few synthetic patients seeded as a clinic starts, and one practitioner of the tests' own so
 * that the seeded appointments never share their time.
 */
import type { Practitioner } from '@medplum/fhirtypes';
import type { Country } from '../../main/contract/types';
import type { LocalRecord } from '../../main/record/local-record';
import { testWorkstation } from '../support/test-workstation';

export const TEST_PRACTITIONER_ID = 'ca3e0000-0d00-4000-8000-00000000cafe';

export interface CareWorkstation extends ReturnType<typeof testWorkstation> {
  record: LocalRecord;
  patientIds: string[];
  practitionerId: string;
}

export async function careWorkstation(
  options: { country?: Country; now?: string; patients?: number } = {},
): Promise<CareWorkstation> {
  const station = testWorkstation({
    prefix: 'tabib-care-',
    userConfig: { mode: 'demo', country: options.country ?? 'MA', language: 'fr', allowWeakKeychain: true },
    env: () => ({ fixedNow: options.now ?? '2026-11-22T09:30:00+01:00' }),
  });
  await station.call('demo.seed', { patients: options.patients ?? 4, seed: 11 });
  const record = await station.host.services.record.open();
  const patientIds = (
    record.queries.statement('select patient_id from patient_search order by rowid').all() as {
      patient_id: string;
    }[]
  ).map((row) => row.patient_id);
  const practitioner: Practitioner = {
    resourceType: 'Practitioner',
    id: TEST_PRACTITIONER_ID,
    active: true,
    name: [
      { use: 'official', family: 'Tazi', given: ['Nadia'], prefix: ['Dr'] },
      {
        use: 'official',
        family: 'التازي',
        given: ['نادية'],
        prefix: ['د.'],
        extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/language', valueCode: 'ar' }],
      },
    ],
    qualification: [
      {
        code: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0360', code: 'MD' }],
          text: 'Médecin généraliste',
        },
      },
    ],
  };
  record.store.importRemote([practitioner], station.host.services.record.actor(), {
    description: 'care tests: a practitioner',
  });
  return { ...station, record, patientIds, practitionerId: TEST_PRACTITIONER_ID };
}

/** Rows of the outbox and of the audit trail about one resource. */
export function trailOf(record: LocalRecord, type: string, id: string) {
  const outbox = record.queries
    .statement(
      'select operation, version, practitioner from outbox where resource_type = ? and resource_id = ? order by seq',
    )
    .all(type, id) as { operation: string; version: number; practitioner: string }[];
  const audit = record.queries
    .statement(
      'select action, practitioner, patient_id from audit_event where entity_type = ? and entity_id = ? order by seq',
    )
    .all(type, id) as { action: string; practitioner: string; patient_id: string }[];
  return { outbox, audit };
}

/** How many rows each table holds: a refused write must leave them all as they were. */
export function tableCounts(record: LocalRecord) {
  const count = (table: string) =>
    (record.queries.statement(`select count(*) as n from ${table}`).get() as { n: number }).n;
  return { resource: count('resource'), outbox: count('outbox'), audit: count('audit_event') };
}

/** What a contract call's error carries (test-workstation throws it with code and details). */
export async function refusal(promise: Promise<unknown>): Promise<{ code: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; details?: unknown };
  }
  throw new Error('the call was expected to be refused');
}

/** The clinic's wall clock at an instant, read with Intl (independently of the services' dayjs). */
export function wallClock(instant: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(instant));
  const part = (type: string) => parts.find((entry) => entry.type === type)?.value;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}
