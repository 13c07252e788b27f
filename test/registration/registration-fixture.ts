/**
 * A demonstration workstation of one country for the registration tests, through the real
 * services (test/support/test-workstation.ts), at a fixed moment, with the demonstration's
 * facility and staff in its record (a few synthetic patients besides), and drafts to register.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { PatientDraft } from '../../main/contract/features/registration-contract';
import type { Country } from '../../main/contract/types';
import { DEMO_FACILITY } from '../../main/setup/workstation-setup';
import { testWorkstation } from '../support/test-workstation';

/** The clinic's moment in every registration test: Sunday 22 November 2026, 09:30 in Casablanca. */
export const NOW = '2026-11-22T09:30:00+01:00';

export type Station = Awaited<ReturnType<typeof registrationWorkstation>>;

export async function registrationWorkstation(country: Country, options: { seedPatients?: number } = {}) {
  const station = testWorkstation({
    prefix: `tabib-registration-${country}-`,
    userConfig: { mode: 'demo', country, facility: DEMO_FACILITY },
    env: () => ({ fixedNow: NOW }),
  });
  await station.call('demo.seed', { patients: options.seedPatients ?? 3, seed: 7 });
  const record = await station.host.services.record.open();

  /** Calls that must fail: the error's code and details. */
  const refusal = async (name: string, args: unknown) => {
    try {
      await station.call(name, args);
    } catch (error) {
      return error as Error & { code: string; details?: unknown };
    }
    throw new Error(`${name} succeeded`);
  };

  const counts = () => ({
    resources: (record.sqlite.prepare('select count(*) as n from resource').get() as { n: number }).n,
    /** The record's own resources queued for the push (each audit entry is queued too, as an AuditEvent). */
    outbox: (
      record.sqlite.prepare("select count(*) as n from outbox where resource_type != 'AuditEvent'").get() as {
        n: number;
      }
    ).n,
    audit: (record.sqlite.prepare('select count(*) as n from audit_event').get() as { n: number }).n,
  });

  const outbox = (resourceType: string, resourceId: string) =>
    record.sqlite
      .prepare(
        'select version, operation, practitioner from outbox where resource_type = ? and resource_id = ? order by seq',
      )
      .all(resourceType, resourceId) as { version: number; operation: string; practitioner: string }[];

  const read = <T extends Resource>(type: T['resourceType'], id: string) =>
    record.store.read(type as never, id) as T | null;

  return { ...station, record, refusal, counts, outbox, read };
}

/** Valid national identifiers and phone numbers of each profile (formats: main/record/identity). */
export const sample: Record<Country, { nationalId: string; phone: string; e164: string }> = {
  MA: { nationalId: 'BE123456', phone: '06 12 34 56 78', e164: '+212612345678' },
  DZ: { nationalId: '109850160001230742', phone: '0551 23 45 67', e164: '+213551234567' },
  TN: { nationalId: '08123456', phone: '98 123 456', e164: '+21698123456' },
};

export function emptyDraft(): PatientDraft {
  return {
    latin: { family: '', given: '' },
    arabic: { family: '', given: '' },
    nationalId: '',
    passport: '',
    birth: null,
    gender: null,
    phone: '',
    address: { path: [], locality: '', line: '' },
    coverage: null,
  };
}

/** A complete draft; `changes` replaces whole top-level fields. */
export function draft(changes: Partial<PatientDraft> = {}): PatientDraft {
  return {
    ...emptyDraft(),
    latin: { family: 'Benali', given: 'Ahmed' },
    arabic: { family: 'بنعلي', given: 'أحمد' },
    birth: { kind: 'date', date: '1985-03-14' },
    gender: 'male',
    ...changes,
  };
}
