/**
 * Editing a patient: the form's data with its versions (patients.get), saved against them
 * (patients.update): a stale version is a VERSION_CONFLICT and nothing is written; what the form
 * does not show is kept; the Coverage goes through its whole life (created, changed, replaced by
 * another plan, ended) and is pushed after its Patient.
 */
import type { Coverage, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PatientDraft, PatientEditView } from '../../main/contract/features/registration-contract';
import type { RegistrationResult } from '../../main/contract/registration-types';
import type { PatientSearchResult } from '../../main/contract/types';
import { planOutbox } from '../../main/sync/outbox-plan';
import { draft, registrationWorkstation, sample, type Station } from './registration-fixture';

let station: Station;
beforeAll(async () => {
  station = await registrationWorkstation('MA', { seedPatients: 5 });
});
afterAll(() => station.close());

const cnss = { plan: 'MA-AMO-CNSS', memberId: '123456789', relationship: 'self' as const, insurer: '' };

async function registered(changes: Partial<PatientDraft> = {}) {
  const result = await station.call<RegistrationResult>('patients.register', {
    draft: draft({ arabic: { family: '', given: '' }, ...changes }),
    acknowledgedDuplicates: (
      await station.call<{ similar: { id: string }[] }>('patients.findDuplicates', {
        draft: draft({ arabic: { family: '', given: '' }, ...changes }),
      })
    ).similar.map((candidate) => candidate.id),
  });
  return result;
}

const edit = (patientId: string) => station.call<PatientEditView>('patients.get', { patientId });

const save = (view: PatientEditView, changes: Partial<PatientDraft>) =>
  station.call<RegistrationResult>('patients.update', {
    patientId: view.patientId,
    version: view.version,
    coverageVersion: view.coverage?.version ?? null,
    draft: { ...view.draft, ...changes },
  });

describe('editing a patient', () => {
  it('gives the form what registration saved, and saves the changes as a new version', async () => {
    const original = draft({
      arabic: { family: '', given: '' },
      nationalId: 'K654321',
      phone: sample.MA.phone,
      address: { path: ['MA-04', 'MA-RAB', 'MA-RAB.rabat'], locality: '', line: 'Hay Riad, rue 7' },
      coverage: cnss,
    });
    const created = await registered(original);
    const view = await edit(created.patient.id);
    expect(view).toMatchObject({ patientId: created.patient.id, version: 1, coverage: { version: 1 } });
    expect(view.draft).toEqual({
      ...original,
      phone: sample.MA.e164,
      coverage: cnss,
    });

    const saved = await save(view, {
      phone: '0708091011',
      address: { path: ['MA-04', 'MA-SKH'], locality: 'Oued Yquem', line: '' },
      arabic: { family: 'بنعلي', given: 'أحمد' },
    });
    expect(saved).toMatchObject({ version: 2, patient: { phone: '+212708091011' }, coverage: view.coverage });
    const again = await edit(created.patient.id);
    expect(again.draft.address).toEqual({ path: ['MA-04', 'MA-SKH'], locality: 'Oued Yquem', line: '' });
    expect(again.draft.arabic).toEqual({ family: 'بنعلي', given: 'أحمد' });
    const patient = station.read<Patient>('Patient', created.patient.id) as Patient;
    expect(patient.address).toEqual([
      expect.objectContaining({
        state: 'Rabat-Salé-Kénitra',
        district: 'Skhirate-Témara',
        city: 'Oued Yquem',
      }),
    ]);
    // The index follows: the new phone finds the patient, the old one no more.
    const byPhone = async (query: string) =>
      (await station.call<PatientSearchResult>('patients.search', { query })).hits.map((hit) => hit.id);
    expect(await byPhone('0708091011')).toContain(created.patient.id);
    expect(await byPhone(sample.MA.phone)).not.toContain(created.patient.id);
    expect(station.outbox('Patient', created.patient.id).map((row) => row.operation)).toEqual([
      'create',
      'update',
    ]);
  });

  it('refuses a save against a stale version, writing nothing, and takes it against the current one', async () => {
    const created = await registered({ latin: { family: 'Tazi', given: 'Omar' }, coverage: cnss });
    const first = await edit(created.patient.id);
    const second = await edit(created.patient.id);
    await save(first, { phone: '0612121212' });

    const before = station.counts();
    const stale = await station.refusal('patients.update', {
      patientId: second.patientId,
      version: second.version,
      coverageVersion: second.coverage?.version ?? null,
      draft: { ...second.draft, phone: '0613131313' },
    });
    expect(stale.code).toBe('VERSION_CONFLICT');
    expect(stale.details).toEqual({ expected: 1, current: 2 });
    expect(station.counts()).toEqual(before);

    // The coverage has its own version: someone changed the member number meanwhile.
    const current = await edit(created.patient.id);
    await save(current, { coverage: { ...cnss, memberId: '999' } });
    const staleCoverage = await station.refusal('patients.update', {
      patientId: current.patientId,
      version: current.version,
      coverageVersion: current.coverage?.version ?? null,
      draft: { ...current.draft, phone: '0613131313' },
    });
    expect(staleCoverage.code).toBe('VERSION_CONFLICT');

    const fresh = await edit(created.patient.id);
    expect(fresh.draft.coverage?.memberId).toBe('999');
    expect((await save(fresh, { phone: '0613131313' })).patient.phone).toBe('+212613131313');
  });

  it('writes nothing when nothing changed', async () => {
    const created = await registered({
      latin: { family: 'Chraibi', given: 'Nadia' },
      gender: 'female',
      coverage: cnss,
    });
    const view = await edit(created.patient.id);
    const before = station.counts();
    expect(await save(view, {})).toMatchObject({ version: view.version, coverage: view.coverage });
    expect(station.counts()).toEqual({ ...before, audit: before.audit });
  });

  it('refuses an identifier another patient holds', async () => {
    const holder = await registered({ latin: { family: 'Fassi', given: 'Mehdi' }, nationalId: 'JB111111' });
    const other = await registered({ latin: { family: 'Fassi', given: 'Rachid' } });
    const view = await edit(other.patient.id);
    const error = await station.refusal('patients.update', {
      patientId: view.patientId,
      version: view.version,
      coverageVersion: null,
      draft: { ...view.draft, nationalId: 'jb111111' },
    });
    expect(error).toMatchObject({
      code: 'PATIENT_IDENTIFIER_TAKEN',
      details: { patientIds: [holder.patient.id] },
    });
    // The holder may keep their own.
    const holderView = await edit(holder.patient.id);
    await expect(save(holderView, { phone: '0600000001' })).resolves.toMatchObject({ version: 2 });
  });

  it('keeps what the form does not show: other identifiers, former names, other phones, language, doctor', async () => {
    const seeded = station.record.sqlite
      .prepare(
        "select id from resource where type = 'Patient' and json like '%generalPractitioner%' and json like '%communication%' order by rowid limit 1",
      )
      .get() as { id: string };
    const before = station.read<Patient>('Patient', seeded.id) as Patient;
    const enriched: Patient = {
      ...before,
      identifier: [...(before.identifier ?? []), { system: 'urn:tabib:ma:cnie-card', value: 'ZT0001234' }],
      name: [...(before.name ?? []), { use: 'maiden', family: 'Kettani', given: ['Samira'] }],
      telecom: [...(before.telecom ?? []), { system: 'email', value: 'patient@example.org' }],
    };
    station.record.store.update(enriched, station.host.services.record.actor());
    const view = await edit(seeded.id);
    expect(view.draft.latin.family).not.toBe('');
    await save(view, { latin: { ...view.draft.latin, given: 'Zineb' }, phone: '0655443322' });
    const after = station.read<Patient>('Patient', seeded.id) as Patient;
    expect(after.identifier).toContainEqual({ system: 'urn:tabib:ma:cnie-card', value: 'ZT0001234' });
    expect(after.identifier?.filter((identifier) => identifier.system === 'urn:tabib:ma:cin')).toHaveLength(
      1,
    );
    expect(after.name).toContainEqual({ use: 'maiden', family: 'Kettani', given: ['Samira'] });
    expect(after.name?.filter((name) => name.use === 'official')).toHaveLength(2);
    expect(after.telecom).toEqual([
      { system: 'phone', value: '+212655443322', use: 'mobile' },
      { system: 'email', value: 'patient@example.org' },
    ]);
    expect(after.communication).toEqual(before.communication);
    expect(after.generalPractitioner).toEqual(before.generalPractitioner);
    expect(after.managingOrganization).toEqual(before.managingOrganization);
  });

  it('reads back a seeded address written without codes, by its names', async () => {
    const rows = station.record.sqlite
      .prepare("select id, json from resource where type = 'Patient' and json like '%\"address\"%'")
      .all() as { id: string; json: string }[];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      const address = (JSON.parse(row.json) as Patient).address?.[0];
      const view = await edit(row.id);
      // The demonstration's region and province are in the list; its city is a commune or typed.
      expect(view.draft.address.path.length, JSON.stringify(address)).toBeGreaterThanOrEqual(2);
      const cityKept =
        view.draft.address.path.length === 3 ? true : view.draft.address.locality === address?.city;
      expect(cityKept, JSON.stringify(address)).toBe(true);
    }
  });
});

describe('the coverage', () => {
  it('goes through its life: created, changed, replaced by another plan, ended', async () => {
    const created = await registered({ latin: { family: 'Berrada', given: 'Hamza' }, coverage: cnss });
    const patientId = created.patient.id;
    const first = created.coverage?.id as string;

    let view = await edit(patientId);
    expect(view.draft.coverage).toEqual(cnss);
    await save(view, { coverage: { ...cnss, memberId: '555', relationship: 'child' } });
    view = await edit(patientId);
    expect(view.coverage).toEqual({ id: first, version: 2 });
    expect(view.draft.coverage).toEqual({ ...cnss, memberId: '555', relationship: 'child' });

    const privatePlan = {
      plan: 'MA-PRIVATE',
      memberId: 'POL-778',
      relationship: 'self' as const,
      insurer: 'Wafa Assurance',
    };
    const replaced = await save(view, { coverage: privatePlan });
    const second = replaced.coverage?.id as string;
    expect(second).not.toBe(first);
    expect(station.read<Coverage>('Coverage', first)).toMatchObject({
      status: 'cancelled',
      period: { start: '2026-11-22', end: '2026-11-22' },
    });
    expect(station.read<Coverage>('Coverage', second)).toMatchObject({
      status: 'active',
      payor: [{ display: 'Wafa Assurance', identifier: { value: 'PRIVATE' } }],
      identifier: [{ system: 'urn:tabib:ma:private-insurance:member', value: 'POL-778' }],
    });
    view = await edit(patientId);
    expect(view.draft.coverage).toEqual(privatePlan);

    await save(view, { coverage: null });
    expect(station.read<Coverage>('Coverage', second)?.status).toBe('cancelled');
    view = await edit(patientId);
    expect(view.coverage).toBeNull();
    expect(view.draft.coverage).toBeNull();

    // Pushed after the Patient it refers to, like every other resource (outbox-plan.ts).
    const rows = station.record.sqlite
      .prepare(
        "select seq, resource_type as resourceType, resource_id as resourceId, version, operation from outbox where resource_type in ('Patient', 'Coverage')",
      )
      .all() as {
      seq: number;
      resourceType: string;
      resourceId: string;
      version: number;
      operation: 'create' | 'update' | 'delete';
    }[];
    const plan = planOutbox({
      outbox: rows,
      current: (type, id) => {
        const stored = station.record.store.readStored(type as 'Patient', id);
        return stored
          ? { version: stored.version, remoteVersion: null, deleted: false, resource: stored.resource }
          : null;
      },
    });
    const keys = plan.changes.map((change) => change.key);
    for (const coverage of [first, second])
      expect(keys.indexOf(`Coverage/${coverage}`)).toBeGreaterThan(keys.indexOf(`Patient/${patientId}`));
  });
});
