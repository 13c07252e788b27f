/** The resource store: writes are atomic with their outbox and audit entries, validated, paged. */
import type { Condition, Observation, Patient } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { doctor, patient, recordFixture, type RecordFixture } from './record-fixture';

let fixture: RecordFixture;
let record: LocalRecord | null = null;
afterEach(() => {
  record?.close();
  record = null;
  fixture?.cleanup();
});

async function openWithPatient(): Promise<LocalRecord> {
  fixture = recordFixture();
  record = await fixture.open();
  record.store.create(
    patient('p1', ['Mohamed', 'Benali'], ['محمد', 'بن علي'], {
      identifier: [{ system: 'urn:tabib:ma:cin', value: 'BE123456' }],
      birthDate: '1985-06-02',
      gender: 'male',
    }),
    doctor,
  );
  return record;
}

const pulse = (value: number, date: string): Observation => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: date,
  valueQuantity: { value, unit: '/min' },
});

const count = (r: LocalRecord, sql: string, ...parameters: unknown[]) =>
  (r.sqlite.prepare(sql).get(...parameters) as { n: number }).n;

describe('the resource store', () => {
  it('creates with a client-assigned, time-ordered UUID (v7), one outbox entry and one audit entry stamped with the practitioner', async () => {
    const r = await openWithPatient();
    const { resource, version } = r.store.create(pulse(72, '2026-10-01T09:00:00Z'), doctor);
    expect(resource.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(version).toBe(1);
    expect(r.store.read('Observation', resource.id as string)).toEqual(resource);
    const outbox = r.sqlite.prepare("select * from outbox where resource_type = 'Observation'").all();
    expect(outbox).toMatchObject([
      { resource_id: resource.id, version: 1, operation: 'create', practitioner: doctor.reference },
    ]);
    const trail = r.audit.forPatient('p1');
    expect(trail.at(-1)).toMatchObject({
      action: 'C',
      practitioner: doctor.reference,
      practitionerDisplay: doctor.display,
      entity: `Observation/${resource.id}`,
      workstation: fixture.options.workstation.id,
    });
  });

  it('updates with optimistic concurrency and refuses a stale version (VERSION_CONFLICT), changing nothing', async () => {
    const r = await openWithPatient();
    const { resource } = r.store.create(pulse(72, '2026-10-01T09:00:00Z'), doctor);
    const updated = r.store.update({ ...resource, valueQuantity: { value: 75, unit: '/min' } }, doctor, 1);
    expect(updated.version).toBe(2);
    const outboxBefore = count(r, 'select count(*) as n from outbox');
    expect(() =>
      r.store.update({ ...resource, valueQuantity: { value: 99, unit: '/min' } }, doctor, 1),
    ).toThrow(expect.objectContaining({ code: 'VERSION_CONFLICT' }));
    expect(r.store.read<Observation>('Observation', resource.id as string)?.valueQuantity?.value).toBe(75);
    expect(count(r, 'select count(*) as n from outbox')).toBe(outboxBefore);
  });

  it('validates on write: required elements, unresolved references, identifier formats — nothing half-written', async () => {
    const r = await openWithPatient();
    const before = {
      resources: count(r, 'select count(*) as n from resource'),
      outbox: count(r, 'select count(*) as n from outbox'),
      audit: count(r, 'select count(*) as n from audit_event'),
    };
    const noStatus = { ...pulse(70, '2026-10-01'), status: undefined } as unknown as Observation;
    expect(() => r.store.create(noStatus, doctor)).toThrow(
      expect.objectContaining({
        code: 'RESOURCE_INVALID',
        details: expect.objectContaining({ issues: [{ path: 'status', problem: 'required' }] }),
      }),
    );
    const orphan: Condition = { resourceType: 'Condition', subject: { reference: 'Patient/nobody' } };
    expect(() => r.store.create(orphan, doctor)).toThrow(
      expect.objectContaining({ code: 'REFERENCE_UNRESOLVED' }),
    );
    const badCin = patient('p2', ['Amina', 'Tazi'], null, {
      identifier: [{ system: 'urn:tabib:ma:cin', value: '12-ABC' }],
    });
    expect(() => r.store.create(badCin, doctor)).toThrow(
      expect.objectContaining({ code: 'IDENTIFIER_INVALID' }),
    );
    const unknown = { resourceType: 'Basic', id: 'x' } as unknown as Patient;
    expect(() => r.store.create(unknown, doctor)).toThrow(
      expect.objectContaining({ code: 'RESOURCE_INVALID' }),
    );
    expect({
      resources: count(r, 'select count(*) as n from resource'),
      outbox: count(r, 'select count(*) as n from outbox'),
      audit: count(r, 'select count(*) as n from audit_event'),
    }).toEqual(before);
  });

  it('lists a patient’s resources newest first, by type, page by page, without gaps or repeats', async () => {
    const r = await openWithPatient();
    const created = [];
    for (let day = 1; day <= 25; day++) {
      created.push(
        r.store.create(pulse(60 + day, `2026-09-${String(day).padStart(2, '0')}T08:00:00Z`), doctor).resource
          .id,
      );
    }
    // Several on one date: the keyset must still not skip or repeat.
    for (let k = 0; k < 5; k++)
      created.push(r.store.create(pulse(80 + k, '2026-09-10T08:00:00Z'), doctor).resource.id);
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = r.store.listByPatient('p1', {
        types: ['Observation'],
        limit: 7,
        ...(after ? { after } : {}),
      });
      seen.push(...page.resources.map((resource) => resource.id as string));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toHaveLength(created.length);
    expect(new Set(seen)).toEqual(new Set(created));
    const dates = r.store
      .listByPatient('p1', { types: ['Observation'], limit: 1000 })
      .resources.map((resource) => (resource as Observation).effectiveDateTime as string);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(() => r.store.listByPatient('p1', { after: 'not-a-cursor' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('deletes softly with an outbox entry for the sync, and refuses to delete a patient who still has a record', async () => {
    const r = await openWithPatient();
    const { resource } = r.store.create(pulse(70, '2026-10-01'), doctor);
    expect(() => r.store.delete('Patient', 'p1', doctor)).toThrow(
      expect.objectContaining({ code: 'RESOURCE_INVALID' }),
    );
    r.store.delete('Observation', resource.id as string, doctor);
    expect(r.store.read('Observation', resource.id as string)).toBeNull();
    expect(
      r.sqlite
        .prepare('select operation, version from outbox where resource_id = ? order by seq')
        .all(resource.id),
    ).toEqual([
      { operation: 'create', version: 1 },
      { operation: 'delete', version: 2 },
    ]);
    expect(r.audit.forPatient('p1').at(-1)).toMatchObject({
      action: 'D',
      entity: `Observation/${resource.id}`,
    });
  });

  it('keeps the audit log append-only, even against the application’s own SQL', async () => {
    const r = await openWithPatient();
    expect(() =>
      r.sqlite.prepare("update audit_event set practitioner = 'Practitioner/someone-else'").run(),
    ).toThrow(/append-only/);
    expect(() => r.sqlite.prepare('delete from audit_event').run()).toThrow(/append-only/);
  });

  it('audits the opening of a chart (who, which patient, when, which workstation) and returns its header', async () => {
    const r = await openWithPatient();
    r.store.create(
      {
        resourceType: 'AllergyIntolerance',
        patient: { reference: 'Patient/p1' },
        code: { text: 'Pénicilline' },
        clinicalStatus: { coding: [{ code: 'active' }] },
      },
      doctor,
    );
    const nurse = { reference: 'Practitioner/inf-idrissi', display: 'Khadija Idrissi' };
    const header = r.openChart('p1', nurse);
    expect(header.patient).toMatchObject({
      id: 'p1',
      latin: { given: 'Mohamed', family: 'Benali' },
      arabic: { given: 'محمد', family: 'بن علي' },
      identifier: { system: 'urn:tabib:ma:cin', value: 'BE123456' },
    });
    expect(header.allergies).toEqual([{ text: 'Pénicilline', code: null, labels: {} }]);
    expect(header.counts).toMatchObject({ Patient: 1, AllergyIntolerance: 1 });
    const opened = r.audit.forPatient('p1').filter((entry) => entry.action === 'R');
    expect(opened).toMatchObject([
      {
        practitioner: nurse.reference,
        practitionerDisplay: nurse.display,
        workstation: fixture.options.workstation.id,
      },
    ]);
    expect(() => r.openChart('nobody', nurse)).toThrow(
      expect.objectContaining({ code: 'RESOURCE_NOT_FOUND' }),
    );
  });

  it('imports remote resources in one transaction, out of order, without outbox entries', async () => {
    fixture = recordFixture();
    record = await fixture.open();
    const p = patient('remote-1', ['Youssef', 'El Idrissi'], ['يوسف', 'الإدريسي']);
    record.store.importRemote(
      [pulse(70, '2026-01-01') as Observation & { id: string }, p].map((resource, index) => ({
        ...resource,
        id: resource.id ?? `obs-${index}`,
        ...(resource.resourceType === 'Observation' ? { subject: { reference: 'Patient/remote-1' } } : {}),
      })),
      doctor,
      {
        description: 'national record pull',
      },
    );
    expect(record.store.counts()).toMatchObject({ patients: 1, resources: 2, pendingChanges: 1 });
    expect(count(record, "select count(*) as n from outbox where resource_type != 'AuditEvent'")).toBe(0);
    expect(record.search.search('idrissi').hits.map((hit) => hit.id)).toEqual(['remote-1']);
    // A page that fails validation is applied not at all.
    expect(() =>
      record!.store.importRemote(
        [
          patient('remote-2', ['Sara', 'Alaoui'], null),
          { ...pulse(1, '2026-01-01'), id: 'bad', subject: { reference: 'Patient/ghost' } },
        ],
        doctor,
        { description: 'national record pull' },
      ),
    ).toThrow(expect.objectContaining({ code: 'REFERENCE_UNRESOLVED' }));
    expect(record.store.read('Patient', 'remote-2')).toBeNull();
  });
});
