/**
 * A demonstration workstation for the chart tests: the real services in-process
 * (test-workstation), synthetic patients seeded as a clinic starts (main/record/demo), and a
 * doctor signed in, so every chart call goes through the contract's guard as the window's would.
 */
import type { Resource } from '@medplum/fhirtypes';
import type { Role } from '../../main/contract/permissions';
import type { LocalRecord } from '../../main/record/local-record';
import { DEMO_FACILITY } from '../../main/setup/workstation-setup';
import { testWorkstation } from '../support/test-workstation';

/** The services' clock: Sunday 22 November 2026, 09:30 in Rabat (the e2e harness's moment too). */
export const CHART_NOW = '2026-11-22T09:30:00+01:00';

export interface ChartWorkstation extends ReturnType<typeof testWorkstation> {
  record: LocalRecord;
  patientIds: string[];
  /** A chart call as the window makes it, as the signed-in practitioner. */
  chart<T>(name: string, args?: unknown): Promise<T>;
  /** Signs another practitioner in (their account created first). */
  actAs(role: Role, username?: string): Promise<void>;
  /** The signed-in practitioner's reference, as the audit trail and outbox name them. */
  practitioner(): string;
}

export async function chartWorkstation(
  options: { patients?: number; seed?: number } = {},
): Promise<ChartWorkstation> {
  const station = testWorkstation({
    prefix: 'tabib-chart-',
    // As setup.startDemo leaves it (main/setup/workstation-setup.ts).
    userConfig: {
      mode: 'demo',
      country: 'MA',
      language: 'fr',
      allowWeakKeychain: true,
      facility: DEMO_FACILITY,
    },
    env: () => ({ fixedNow: CHART_NOW }),
  });
  await station.call('demo.seed', { patients: options.patients ?? 30, seed: options.seed ?? 5 });
  const record = await station.host.services.record.open();
  const patientIds = (
    record.queries.statement('select patient_id from patient_search order by rowid').all() as {
      patient_id: string;
    }[]
  ).map((row) => row.patient_id);
  await station.signInAs('doctor');
  return {
    ...station,
    record,
    patientIds,
    chart: (name, args = {}) => station.rendererCall(name, args),
    actAs: async (role, username) => {
      await station.rendererCall('auth.signOut').catch(() => undefined);
      await station.signInAs(role, username);
    },
    practitioner: () => station.host.services.record.actor().reference,
  };
}

/** A patient's resources of some types, read straight from the table (independently of main/chart). */
export function resourcesOf<T extends Resource = Resource>(
  record: LocalRecord,
  patientId: string,
  type: string,
): T[] {
  return (
    record.queries
      .statement('select json from resource where patient_id = ? and type = ? and deleted = 0')
      .all(patientId, type) as { json: string }[]
  ).map((row) => JSON.parse(row.json) as T);
}

/** The first seeded patient `accept` takes. */
export function findPatient(station: ChartWorkstation, accept: (patientId: string) => boolean): string {
  const found = station.patientIds.find(accept);
  if (!found) throw new Error('No seeded patient fits; has the demonstration generator changed?');
  return found;
}

// The record's trail, its table counts and a refused call's error read as in the care tests.
export { refusal, tableCounts, trailOf } from '../care/care-workstation';
