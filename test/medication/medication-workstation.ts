/**
 * A demonstration workstation for the medication tests: the real services in-process, the
 * Moroccan demonstration seeded (synthetic patients with their allergies, prescriptions, labs and
 * immunizations), the services' clock fixed, and patients of the test's own written through the
 * record's store as any local change is.
 */
import type { AllergyIntolerance, Encounter, MedicationRequest, Patient, Resource } from '@medplum/fhirtypes';
import type { Country } from '../../main/contract/types';
import { testWorkstation } from '../support/test-workstation';

/** The moment the services' clock shows: 22 November 2026, 09:30 in Casablanca. */
export const NOW = '2026-11-22T08:30:00.000Z';

export const ATC = 'http://www.whocc.no/atc';

export type MedicationWorkstation = Awaited<ReturnType<typeof medicationWorkstation>>;

export async function medicationWorkstation(country: Country = 'MA') {
  const station = testWorkstation({ prefix: 'tabib-medication-', env: () => ({ fixedNow: NOW }) });
  await station.call('setup.startDemo', { country });
  const record = await station.host.services.record.open();
  const actor = station.host.services.record.actor();

  const write = <T extends Resource>(resource: T): T & { id: string } =>
    record.store.create(resource, actor).resource as T & { id: string };

  /** A patient of the test's own, with only what the test gives them. */
  const patient = (options: { birthDate: string; gender: 'male' | 'female'; country?: Country }) =>
    write<Patient>({
      resourceType: 'Patient',
      name: [{ family: 'Test', given: ['Medication'] }],
      gender: options.gender,
      birthDate: options.birthDate,
      address: [{ city: 'Rabat', country: options.country ?? country }],
    });

  const allergy = (
    patientId: string,
    code: AllergyIntolerance['code'],
    extra: Partial<AllergyIntolerance> = {},
  ) =>
    write<AllergyIntolerance>({
      resourceType: 'AllergyIntolerance',
      clinicalStatus: {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'active' },
        ],
      },
      type: 'allergy',
      category: ['medication'],
      criticality: 'high',
      code,
      patient: { reference: `Patient/${patientId}` },
      ...extra,
    });

  /** A medicine the patient takes, as an earlier prescription left it. */
  const taking = (patientId: string, atc: string, extra: Partial<MedicationRequest> = {}) =>
    write<MedicationRequest>({
      resourceType: 'MedicationRequest',
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { coding: [{ system: ATC, code: atc }], text: atc },
      subject: { reference: `Patient/${patientId}` },
      authoredOn: '2026-10-01T09:00:00.000Z',
      ...extra,
    });

  const encounter = (patientId: string) =>
    write<Encounter>({
      resourceType: 'Encounter',
      status: 'in-progress',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${patientId}` },
      period: { start: NOW },
    });

  /** Every resource of a type in the record (the seeded ones included). */
  const resources = <T extends Resource>(type: string): T[] =>
    (
      record.sqlite.prepare('select json from resource where type = ? and deleted = 0').all(type) as {
        json: string;
      }[]
    ).map((row) => JSON.parse(row.json) as T);

  const outbox = (resourceType: string, resourceId: string) =>
    record.sqlite
      .prepare(
        'select operation, practitioner from outbox where resource_type = ? and resource_id = ? order by seq',
      )
      .all(resourceType, resourceId) as { operation: string; practitioner: string }[];

  return { ...station, record, actor, write, patient, allergy, taking, encounter, resources, outbox };
}

/** The error a contract call failed with: its code and details. */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; details?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; details?: unknown };
  }
  throw new Error('the call succeeded');
}
