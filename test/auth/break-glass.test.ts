/**
 * Break-the-glass: a chart outside the facility's list opens only with a reason, audited as such
 * (AuditEvent purposeOfEvent v3-ActReason BTG, the practitioner as agent, the reason as outcomeDesc),
 * and administrators review these openings. Each rule of the facility's list is shown to hold,
 * and the demonstration — whose accounts and seeded patients this file also checks — has every
 * seeded patient on it.
 */
import type { AuditEvent, Encounter, Patient, Appointment } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../main/auth/demo-accounts';
import { facilityListRule } from '../../main/auth/facility-patients';
import type { AuthStatus, BreakGlassAccess } from '../../main/contract/auth-types';
import type { ChartHeader, PatientSearchResult } from '../../main/contract/types';
import { DEMO_ACTOR_ID } from '../../main/record/demo/practitioners';
import { followPatient } from '../../main/sync/followed-patients';
import { testPassword, testWorkstation } from '../support/test-workstation';
import { enrolled, failure } from './auth-fixtures';

/** A patient as a pull of the national record brings them: managed by another facility. */
function outsider(id: string, family: string): Patient {
  return {
    resourceType: 'Patient',
    id,
    meta: { versionId: '3', lastUpdated: '2026-10-01T10:00:00.000Z' },
    name: [{ family, given: ['Youssef'] }],
    birthDate: '1971-06-02',
    gender: 'male',
    managingOrganization: {
      identifier: { system: 'urn:tabib:facility', value: 'CS-9999' },
      display: 'Ailleurs',
    },
  };
}

describe('break-the-glass on a demonstration workstation', () => {
  const ws = testWorkstation({ prefix: 'tabib-break-glass-' });
  let outsiderId: string;
  afterAll(() => ws.close());

  beforeAll(async () => {
    await ws.call('setup.startDemo', { country: 'MA' });
    const record = await ws.host.services.record.open();
    outsiderId = 'a0000000-0000-4000-8000-00000000b7c1';
    record.store.importRemote([outsider(outsiderId, 'Outsider')], ws.host.services.record.actor(), {
      description: 'national record pull',
    });
  }, 120_000);

  it('offers the demonstration’s four accounts, with their one password, linked to the seeded staff', async () => {
    const status = await ws.rendererCall<AuthStatus>('auth.status');
    expect(status.state).toBe('signedOut');
    expect(status.demo).toEqual({
      password: DEMO_PASSWORD,
      accounts: [
        { username: 'medecin', displayName: 'Dr Salma Haddad', role: 'doctor' },
        { username: 'infirmier', displayName: 'Hicham Ait Taleb', role: 'nurse' },
        { username: 'radiologue', displayName: 'Dr Leïla Mansour', role: 'radiologist' },
        { username: 'admin', displayName: 'Omar Saïdi', role: 'administrator' },
      ],
    });
    const doctor = await ws.rendererCall<AuthStatus>('auth.signIn', {
      username: 'medecin',
      password: DEMO_PASSWORD,
    });
    // The doctor who signed the seeded history.
    expect(doctor.user?.practitioner).toEqual({
      reference: `Practitioner/${DEMO_ACTOR_ID}`,
      display: 'Dr Salma Haddad',
    });
    for (const username of ['infirmier', 'radiologue', 'admin']) {
      const signedIn = await ws.rendererCall<AuthStatus>('auth.signIn', {
        username,
        password: DEMO_PASSWORD,
      });
      const [type, id] = signedIn.user!.practitioner.reference.split('/') as [string, string];
      expect(type).toBe('Practitioner');
      expect((await ws.host.services.record.open()).store.read('Practitioner', id)).not.toBeNull();
    }
    await ws.rendererCall('auth.signOut');
  });

  it('opens every seeded patient’s chart without a reason: the demonstration’s patients are the facility’s', async () => {
    await ws.rendererCall('auth.signIn', { username: 'medecin', password: DEMO_PASSWORD });
    const record = await ws.host.services.record.open();
    const seeded = record.queries
      .statement(`select id from resource where type = 'Patient' and deleted = 0 and id != ?`)
      .all(outsiderId) as { id: string }[];
    expect(seeded.length).toBe(300);
    const context = await ws.host.services.auth.facilityContext();
    expect(seeded.filter(({ id }) => facilityListRule(record, id, context) !== 'managed')).toEqual([]);
    const header = await ws.rendererCall<ChartHeader>('patients.openChart', { patientId: seeded[0]!.id });
    expect(header.patient.id).toBe(seeded[0]!.id);
  });

  it('refuses a chart outside the list without a reason, and audits the opening with one as break-the-glass', async () => {
    const doctor = await ws.rendererCall<AuthStatus>('auth.signIn', {
      username: 'medecin',
      password: DEMO_PASSWORD,
    });
    // The search finds them (finding is not opening).
    const found = await ws.rendererCall<PatientSearchResult>('patients.search', {
      query: 'Outsider Youssef',
    });
    expect(found.hits.map((hit) => hit.id)).toContain(outsiderId);
    expect(await failure(ws.rendererCall('patients.openChart', { patientId: outsiderId }))).toMatchObject({
      code: 'BREAK_GLASS_REQUIRED',
      details: { patientId: outsiderId },
    });
    expect(
      await failure(ws.rendererCall('patients.openChart', { patientId: outsiderId, reason: '   ' })),
    ).toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    const reason = 'Urgence : malaise en salle d’attente, dossier habituel inaccessible';
    const header = await ws.rendererCall<ChartHeader>('patients.openChart', {
      patientId: outsiderId,
      reason,
    });
    expect(header.patient.id).toBe(outsiderId);

    const record = await ws.host.services.record.open();
    const rows = record.queries
      .statement(`select practitioner, json from audit_event where patient_id = ? and action = 'R'`)
      .all(outsiderId) as { practitioner: string; json: string }[];
    expect(rows).toHaveLength(1);
    const event = JSON.parse(rows[0]!.json) as AuditEvent;
    const btg = {
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
      code: 'BTG',
      display: 'break the glass',
    };
    expect(rows[0]!.practitioner).toBe(doctor.user!.practitioner.reference);
    expect(event).toMatchObject({
      action: 'R',
      outcomeDesc: reason,
      purposeOfEvent: [{ coding: [btg] }],
      agent: [{ who: doctor.user!.practitioner, purposeOfUse: [{ coding: [btg] }] }],
      entity: [{ what: { reference: `Patient/${outsiderId}` } }],
    });
    // Opening it once does not put the patient on the list: the next opening asks again.
    expect(await failure(ws.rendererCall('patients.openChart', { patientId: outsiderId }))).toMatchObject({
      code: 'BREAK_GLASS_REQUIRED',
    });
    // A patient who is not in the record is not found, reason or not.
    expect(
      await failure(ws.rendererCall('patients.openChart', { patientId: 'no-such-patient', reason: 'x' })),
    ).toMatchObject({ code: 'RESOURCE_NOT_FOUND' });
  });

  it('lists break-the-glass openings for administrators only, with who, whom and why', async () => {
    await ws.rendererCall('auth.signIn', { username: 'infirmier', password: DEMO_PASSWORD });
    await ws.rendererCall('patients.openChart', { patientId: outsiderId, reason: 'Vaccination urgente' });
    expect(await failure(ws.rendererCall('audit.breakGlass', {}))).toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await ws.rendererCall('auth.signIn', { username: 'admin', password: DEMO_PASSWORD });
    const accesses = await ws.rendererCall<BreakGlassAccess[]>('audit.breakGlass', {});
    expect(
      accesses.map((access) => [
        access.practitioner.display,
        access.patientId,
        access.reason,
        access.patient?.latin,
      ]),
    ).toEqual([
      ['Hicham Ait Taleb', outsiderId, 'Vaccination urgente', { given: 'Youssef', family: 'Outsider' }],
      [
        'Dr Salma Haddad',
        outsiderId,
        'Urgence : malaise en salle d’attente, dossier habituel inaccessible',
        { given: 'Youssef', family: 'Outsider' },
      ],
    ]);
    expect(await ws.rendererCall<BreakGlassAccess[]>('audit.breakGlass', { limit: 1 })).toHaveLength(1);
    // Ordinary openings are not listed (the partial index's expression holds only BTG).
    const plan = (await ws.host.services.record.open()).sqlite
      .prepare(
        `explain query plan select id from audit_event
          where json_extract(json, '$.purposeOfEvent[0].coding[0].code') = 'BTG' order by recorded desc`,
      )
      .all() as { detail: string }[];
    expect(plan.map((step) => step.detail).join(' ')).toContain('audit_break_glass');
  });
});

describe('the facility’s list, rule by rule', () => {
  const ws = testWorkstation({
    prefix: 'tabib-facility-list-',
    userConfig: enrolled,
  });
  afterAll(() => ws.close());

  it('puts on it the managed, the registered here, the followed, those seen here, those with an appointment here', async () => {
    await ws.rendererCall('auth.createAdministrator', {
      username: 'admin',
      displayName: 'Omar Saïdi',
      password: testPassword('admin'),
    });
    const doctor = (await ws.signInAs('doctor')).user!;
    const record = await ws.host.services.record.open();
    const actor = ws.host.services.record.actor();
    const pulled = (id: string, family: string) => {
      record.store.importRemote([outsider(id, family)], actor, { description: 'national record pull' });
      return id;
    };
    const rule = async (id: string) =>
      facilityListRule(record, id, await ws.host.services.auth.facilityContext());

    // 1. Managed by the facility, by a logical reference (its code) or by its Organization in the record.
    const managed = pulled('a0000000-0000-4000-8000-000000000001', 'Managed');
    record.store.importRemote(
      [
        {
          ...outsider(managed, 'Managed'),
          managingOrganization: { identifier: { system: 'urn:tabib:facility', value: 'CS-0417' } },
        },
      ],
      actor,
      { description: 'national record pull' },
    );
    expect(await rule(managed)).toBe('managed');
    record.store.importRemote(
      [
        {
          resourceType: 'Organization',
          id: 'org-agdal',
          meta: { versionId: '1' },
          identifier: [{ system: 'urn:tabib:facility', value: 'CS-0417' }],
          name: 'Centre de santé urbain Agdal',
        },
        {
          ...outsider('a0000000-0000-4000-8000-000000000007', 'ByOrganization'),
          managingOrganization: { reference: 'Organization/org-agdal' },
        },
      ],
      actor,
      { description: 'national record pull' },
    );
    expect(await rule('a0000000-0000-4000-8000-000000000007')).toBe('managed');

    // 2. Registered on this workstation, not yet sent.
    const registered = record.store.create<Patient>(
      { resourceType: 'Patient', name: [{ family: 'Registered', given: ['Here'] }] },
      actor,
    ).resource.id!;
    expect(await rule(registered)).toBe('registeredHere');

    // 3. Followed because fetched here by identifier; merely opened does not count.
    const fetched = pulled('a0000000-0000-4000-8000-000000000002', 'Fetched');
    const opened = pulled('a0000000-0000-4000-8000-000000000003', 'Opened');
    followPatient(record, fetched, 'fetched');
    followPatient(record, opened, 'opened');
    expect(await rule(fetched)).toBe('followed');
    expect(await rule(opened)).toBeNull();

    // 4. An encounter here.
    const seen = pulled('a0000000-0000-4000-8000-000000000004', 'Seen');
    const encounter: Encounter = {
      resourceType: 'Encounter',
      id: 'enc-seen',
      meta: { versionId: '1' },
      status: 'finished',
      class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
      subject: { reference: `Patient/${seen}` },
      serviceProvider: { reference: 'Organization/org-agdal' },
    };
    record.store.importRemote([encounter], actor, { description: 'national record pull' });
    expect(await rule(seen)).toBe('encounter');

    // 5. An appointment with a practitioner who has an account here.
    const booked = pulled('a0000000-0000-4000-8000-000000000005', 'Booked');
    const appointment: Appointment = {
      resourceType: 'Appointment',
      id: 'appt-booked',
      meta: { versionId: '1' },
      status: 'booked',
      participant: [
        { actor: { reference: `Patient/${booked}` }, status: 'accepted' },
        { actor: { reference: doctor.practitioner.reference }, status: 'accepted' },
      ],
    };
    record.store.importRemote([appointment], actor, { description: 'national record pull' });
    expect(await rule(booked)).toBe('appointment');

    // Anyone else needs break-the-glass.
    const stranger = pulled('a0000000-0000-4000-8000-000000000006', 'Stranger');
    expect(await rule(stranger)).toBeNull();
    for (const id of [managed, registered, fetched, seen, booked])
      expect((await ws.rendererCall<ChartHeader>('patients.openChart', { patientId: id })).patient.id).toBe(
        id,
      );
    for (const id of [opened, stranger])
      expect(await failure(ws.rendererCall('patients.openChart', { patientId: id }))).toMatchObject({
        code: 'BREAK_GLASS_REQUIRED',
      });
  });
});

describe('a demonstration set up before accounts existed', () => {
  const ws = testWorkstation({
    prefix: 'tabib-demo-accounts-',
    userConfig: { mode: 'demo', country: 'TN', facility: { id: 'demo', name: 'Tabib — démonstration' } },
  });
  afterAll(() => ws.close());

  it('gets its demo accounts, and their Practitioners, the first time the session is asked about', async () => {
    const status = await ws.rendererCall<AuthStatus>('auth.status');
    expect(status.state).toBe('signedOut');
    expect(status.demo?.accounts.map((account) => account.username)).toEqual([
      'medecin',
      'infirmier',
      'radiologue',
      'admin',
    ]);
    // The Tunisian centre's nurse.
    expect(status.demo?.accounts[1]?.displayName).toBe('Bilel Jlassi');
    const nurse = await ws.rendererCall<AuthStatus>('auth.signIn', {
      username: 'infirmier',
      password: DEMO_PASSWORD,
    });
    const record = await ws.host.services.record.open();
    const practitionerId = nurse.user!.practitioner.reference.split('/')[1]!;
    expect(record.store.read('Practitioner', practitionerId)).toMatchObject({ gender: 'male' });
    // Asked again (a second window, a restart of the services): nothing more is made.
    const accounts = record.queries.statement('select count(*) as n from practitioner_account').get() as {
      n: number;
    };
    await ws.rendererCall('auth.signOut');
    await ws.rendererCall('auth.status');
    expect(record.queries.statement('select count(*) as n from practitioner_account').get()).toEqual(
      accounts,
    );
    expect(accounts.n).toBe(4);
  });
});
