/**
 * Registering a patient through the contract, as the registration form does it, in each country
 * profile: what the record then holds (the Patient and its Coverage in the shapes the rest of the
 * record uses), and that the write is audited, queued for sync and followed by this workstation.
 */
import type { Coverage, Patient } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import type { PatientEditView } from '../../main/contract/features/registration-contract';
import type { RegistrationResult } from '../../main/contract/registration-types';
import type { AuditTrailEntry, ChartHeader, Country, PatientSearchResult } from '../../main/contract/types';
import { DEMO_ACTOR_ID, DEMO_ORGANIZATION_ID } from '../../main/record/demo/practitioners';
import { draft, registrationWorkstation, sample, type Station } from './registration-fixture';

let station: Station | null = null;
afterEach(async () => {
  await station?.close();
  station = null;
});

/** One address and one plan per country, from the bundled lists. */
const places: Record<
  Country,
  { path: string[]; locality: string; state: string; district?: string; city: string; plan: string }
> = {
  MA: {
    path: ['MA-06', 'MA-CAS', 'MA-CAS.casablanca'],
    locality: '',
    state: 'Casablanca-Settat',
    district: 'Casablanca',
    city: 'Casablanca',
    plan: 'MA-AMO-CNSS',
  },
  DZ: {
    path: ['DZ-16', 'DZ-16.bab-el-oued'],
    locality: '',
    state: 'Alger',
    city: 'Bab El Oued',
    plan: 'DZ-CNAS',
  },
  TN: {
    path: ['TN-11', 'TN-11.la-marsa'],
    locality: 'Gammarth',
    state: 'Tunis',
    district: 'La Marsa',
    city: 'Gammarth',
    plan: 'TN-CNAM-PUBLIC',
  },
};

describe('registering a patient', () => {
  for (const country of ['MA', 'DZ', 'TN'] as const) {
    it(`creates the Patient and its Coverage in the ${country} profile`, async () => {
      station = await registrationWorkstation(country);
      const place = places[country];
      const result = await station.call<RegistrationResult>('patients.register', {
        draft: draft({
          latin: { family: '  Benali ', given: 'Ahmed  Amine' },
          nationalId: sample[country].nationalId.toLowerCase().replace(/(\d{3})/, '$1 '),
          passport: 'ab 1234567',
          phone: sample[country].phone,
          address: { path: place.path, locality: place.locality, line: '12, rue des Orangers' },
          coverage: { plan: place.plan, memberId: 'a-123 456', relationship: 'self', insurer: '' },
        }),
      });
      const id = result.patient.id;
      expect(result).toMatchObject({
        version: 1,
        patient: {
          latin: { family: 'Benali', given: 'Ahmed Amine' },
          arabic: { family: 'بنعلي', given: 'أحمد' },
          birthDate: '1985-03-14',
          gender: 'male',
          phone: sample[country].e164,
          identifier: { system: `urn:tabib:${country.toLowerCase()}:${country === 'DZ' ? 'nin' : 'cin'}` },
        },
        coverage: { version: 1 },
      });
      // Stored in the indexed form: spaces gone, upper case.
      expect(result.patient.identifier?.value).toBe(sample[country].nationalId);

      const patient = station.read<Patient>('Patient', id) as Patient;
      expect(patient.identifier).toEqual([
        expect.objectContaining({
          use: 'official',
          system: result.patient.identifier?.system,
          value: sample[country].nationalId,
          type: expect.objectContaining({ coding: [expect.objectContaining({ code: 'NI' })] }),
        }),
        expect.objectContaining({
          system: `urn:tabib:${country.toLowerCase()}:passport`,
          value: 'AB1234567',
          type: expect.objectContaining({ coding: [expect.objectContaining({ code: 'PPN' })] }),
        }),
      ]);
      expect(patient.name).toEqual([
        { use: 'official', family: 'Benali', given: ['Ahmed', 'Amine'] },
        {
          use: 'official',
          family: 'بنعلي',
          given: ['أحمد'],
          extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/language', valueCode: 'ar' }],
        },
      ]);
      expect(patient.telecom).toEqual([{ system: 'phone', value: sample[country].e164, use: 'mobile' }]);
      expect(patient.address?.[0]).toMatchObject({
        use: 'home',
        line: ['12, rue des Orangers'],
        state: place.state,
        city: place.city,
        country,
        ...(place.district ? { district: place.district } : {}),
      });
      // The demonstration's centre, which the seed put in the record.
      expect(patient.managingOrganization).toEqual({
        reference: `Organization/${DEMO_ORGANIZATION_ID}`,
        display: expect.any(String),
      });

      const coverage = station.read<Coverage>('Coverage', result.coverage?.id as string) as Coverage;
      expect(coverage).toMatchObject({
        status: 'active',
        beneficiary: { reference: `Patient/${id}` },
        subscriberId: 'A-123 456',
        type: { coding: [{ system: 'urn:tabib:coverage-plan', code: place.plan }] },
        relationship: {
          coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' }],
        },
        period: { start: '2026-11-22' },
      });
      expect(coverage.payor[0]?.identifier?.system).toBe(`urn:tabib:${country.toLowerCase()}:payor`);

      // Found by the search at once: by identifier, by name in either script, by phone.
      for (const query of [sample[country].nationalId, 'benali ahmed', 'بنعلي 1985', sample[country].phone]) {
        const found = await station.call<PatientSearchResult>('patients.search', { query });
        expect(
          found.hits.map((hit) => hit.id),
          query,
        ).toContain(id);
      }
      // The chart opens on it.
      const header = await station.call<ChartHeader>('patients.openChart', { patientId: id });
      expect(header.counts).toMatchObject({ Patient: 1, Coverage: 1 });
    });
  }

  it('audits the creation, naming the practitioner, and queues both resources for sync', async () => {
    station = await registrationWorkstation('MA');
    const before = station.counts();
    const result = await station.call<RegistrationResult>('patients.register', {
      draft: draft({
        coverage: { plan: 'MA-AMO-CNOPS', memberId: '123456', relationship: 'self', insurer: '' },
      }),
    });
    const id = result.patient.id;
    const coverageId = result.coverage?.id as string;
    expect(station.counts()).toEqual({
      resources: before.resources + 2,
      outbox: before.outbox + 2,
      audit: before.audit + 2,
    });
    const practitioner = `Practitioner/${DEMO_ACTOR_ID}`;
    expect(station.outbox('Patient', id)).toEqual([{ version: 1, operation: 'create', practitioner }]);
    expect(station.outbox('Coverage', coverageId)).toEqual([
      { version: 1, operation: 'create', practitioner },
    ]);

    const trail = await station.call<AuditTrailEntry[]>('record.auditTrail', { patientId: id });
    expect(trail.filter((entry) => entry.action === 'C')).toEqual([
      expect.objectContaining({ practitioner, entity: null }),
      expect.objectContaining({ practitioner, entity: `Coverage/${coverageId}` }),
    ]);
    // Followed by this workstation: the pull keeps the new patient's record up to date here.
    const followed = station.record.sqlite
      .prepare('select reason from sync_patient where patient_id = ?')
      .get(id) as { reason: string } | undefined;
    expect(followed?.reason).toBe('opened');
    // Reading the form's data is a read of the chart, audited too.
    await station.call<PatientEditView>('patients.get', { patientId: id });
    const reads = (await station.call<AuditTrailEntry[]>('record.auditTrail', { patientId: id })).filter(
      (entry) => entry.action === 'R',
    );
    expect(reads).toEqual([expect.objectContaining({ practitioner, description: 'registration form' })]);
  });

  it('registers without a national identifier, coverage or address (a newborn)', async () => {
    station = await registrationWorkstation('DZ');
    const result = await station.call<RegistrationResult>('patients.register', {
      draft: draft({
        latin: { family: '', given: '' },
        arabic: { family: 'براهيمي', given: 'ياسمين' },
        birth: { kind: 'date', date: '2026-11-20' },
        gender: 'female',
      }),
    });
    expect(result.coverage).toBeNull();
    const patient = station.read<Patient>('Patient', result.patient.id) as Patient;
    expect(patient.identifier).toBeUndefined();
    expect(patient.address).toBeUndefined();
    expect(patient.telecom).toBeUndefined();
    expect(patient.name).toHaveLength(1);
    expect(result.patient).toMatchObject({ latin: null, arabic: { family: 'براهيمي', given: 'ياسمين' } });
  });

  it('stores an estimated age as an approximate birth date, marked, and gives it back as an age', async () => {
    station = await registrationWorkstation('TN');
    const adult = await station.call<RegistrationResult>('patients.register', {
      draft: draft({ birth: { kind: 'estimated', years: 45, months: 0 } }),
    });
    const stored = station.read<Patient>('Patient', adult.patient.id) as Patient & {
      _birthDate?: unknown;
    };
    // 45 on 22 November 2026: a year-only FHIR date, which the chart shows as "≈ 45 ans".
    expect(stored.birthDate).toBe('1981');
    expect(stored._birthDate).toEqual({
      extension: [{ url: 'urn:tabib:fhir:extension:birth-date-estimated', valueBoolean: true }],
    });
    const edit = await station.call<PatientEditView>('patients.get', { patientId: adult.patient.id });
    expect(edit.draft.birth).toEqual({ kind: 'estimated', years: 45, months: 0 });

    const infant = await station.call<RegistrationResult>('patients.register', {
      draft: draft({
        latin: { family: 'Gharbi', given: 'Yassine' },
        arabic: { family: '', given: '' },
        birth: { kind: 'estimated', years: 0, months: 8 },
      }),
    });
    expect(infant.patient.birthDate).toBe('2026-03');
    const infantEdit = await station.call<PatientEditView>('patients.get', { patientId: infant.patient.id });
    expect(infantEdit.draft.birth).toEqual({ kind: 'estimated', years: 0, months: 8 });
    const older = await station.call<RegistrationResult>('patients.register', {
      draft: draft({
        latin: { family: 'Ayari', given: 'Fatma' },
        arabic: { family: '', given: '' },
        gender: 'female',
        birth: { kind: 'estimated', years: 3, months: 6 },
      }),
    });
    expect(older.patient.birthDate).toBe('2023-05');
  });
});
