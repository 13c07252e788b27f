/**
 * Resolving a conflict against a real encrypted record: each choice leaves the right replica,
 * outbox and audit rows, closes the conflict, and does it all in one transaction (or nothing).
 * The national record's version is taken as is; this workstation's version or a merge becomes a
 * new local change based on the server's version, so the push sends it with If-Match on it.
 */
import type { AuditEvent, Observation, Patient, Resource } from '@medplum/fhirtypes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LocalRecord } from '../../main/record/local-record';
import { ConflictLog } from '../../main/sync/conflict-log';
import { resolveConflict, type ConflictResolution } from '../../main/sync/conflict-resolution';
import { doctor, patient, recordFixture, type RecordFixture } from '../record/record-fixture';

const NOW = '2026-11-22T09:00:00.000Z';
const nurse = { reference: 'Practitioner/inf-haddad', display: 'Inf. Karim Haddad' };

let fixture: RecordFixture;
let record: LocalRecord;

beforeEach(async () => {
  fixture = recordFixture();
  record = await fixture.open();
});
afterEach(() => {
  record.close();
  fixture.cleanup();
});

interface Row {
  version: number;
  remote_version: string | null;
  deleted: number;
  json: string;
}

const rowOf = (type: string, id: string) =>
  record.queries
    .statement('select version, remote_version, deleted, json from resource where type = ? and id = ?')
    .get(type, id) as Row;
const outboxOf = (type: string, id: string) =>
  record.queries
    .statement(
      'select operation, version, practitioner from outbox where resource_type = ? and resource_id = ? order by seq',
    )
    .all(type, id) as { operation: string; version: number; practitioner: string }[];
const lastAudit = () => {
  const row = record.queries
    .statement('select action, practitioner, patient_id, json from audit_event order by seq desc limit 1')
    .get() as {
    action: string;
    practitioner: string;
    patient_id: string | null;
    json: string;
  };
  return { ...row, event: JSON.parse(row.json) as AuditEvent };
};
const auditCount = () =>
  (record.queries.statement('select count(*) as n from audit_event').get() as { n: number }).n;

/** As a push acknowledging it would leave it: a server version, no outbox entry. */
function acknowledged(type: string, id: string, versionId: string): void {
  record.queries.transaction(() => {
    record.queries.statement('delete from outbox where resource_type = ? and resource_id = ?').run(type, id);
    const row = rowOf(type, id);
    const resource = JSON.parse(row.json) as Resource;
    record.queries
      .statement('update resource set remote_version = ?, json = ? where type = ? and id = ?')
      .run(versionId, JSON.stringify({ ...resource, meta: { ...resource.meta, versionId } }), type, id);
  });
}

function conflictOn(type: string, id: string, remote: Resource | null, remoteVersion: string | null): number {
  return record.queries.transaction(() => {
    const row = rowOf(type, id);
    return new ConflictLog(record.queries).record({
      resourceType: type,
      resourceId: id,
      cause: 'remote-change',
      localVersion: row.version,
      local: row.deleted ? null : (JSON.parse(row.json) as Resource),
      remote,
      remoteVersion,
      detected: '2026-11-22T08:45:00.000Z',
    }).seq;
  });
}

const resolve = (
  request: Omit<ConflictResolution, 'now' | 'actor'> & { actor?: ConflictResolution['actor'] },
) => resolveConflict(record, { actor: doctor, now: NOW, ...request });

const benali = patient('p1', ['Mohamed', 'Benali'], ['محمد', 'بن علي'], {
  identifier: [{ system: 'urn:tabib:ma:cin', value: 'BE123456' }],
  birthDate: '1985-06-02',
  gender: 'male',
});

/** Patient p1, synced at server version 1; edited here (a phone) and on the national record (an address, version 2). */
function patientConflict(): { seq: number; local: Patient; remote: Patient } {
  record.store.create(benali, nurse);
  acknowledged('Patient', 'p1', '1');
  const local = record.store.update<Patient>(
    { ...benali, telecom: [{ system: 'phone', value: '+212661234567' }] },
    nurse,
  ).resource;
  const remote: Patient = {
    ...benali,
    name: [{ use: 'official', given: ['Mohammed'], family: 'Benalli' }, benali.name![1]!],
    address: [{ city: 'Fès', line: ['12 rue Talaa Kebira'] }],
    meta: { versionId: '2', lastUpdated: '2026-11-22T08:40:00.000Z' },
  };
  return { seq: conflictOn('Patient', 'p1', remote, '2'), local, remote };
}

const pulse = (value: number, extra: Partial<Observation> = {}): Observation => ({
  resourceType: 'Observation',
  id: 'obs-1',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8867-4' }] },
  subject: { reference: 'Patient/p1' },
  effectiveDateTime: '2026-11-20T10:00:00Z',
  valueQuantity: { value, unit: '/min' },
  ...extra,
});

/** Patient p1 and its pulse obs-1, both synced (obs-1 at server version 4). */
function syncedPulse(): void {
  record.store.create(benali, nurse);
  acknowledged('Patient', 'p1', '1');
  record.store.create(pulse(72), nurse);
  acknowledged('Observation', 'obs-1', '4');
}

function expectClosed(seq: number, resolution: 'local' | 'remote' | 'merged', by = doctor.reference): void {
  expect(new ConflictLog(record.queries).get(seq)).toMatchObject({
    status: 'resolved',
    resolution,
    resolvedBy: by,
    resolved: NOW,
  });
  expect(new ConflictLog(record.queries).openCount()).toBe(0);
}

describe('resolving a conflict', () => {
  it('"keep the national record’s": the replica takes the server’s version, the outbox entries go, an audit entry says so', async () => {
    const { seq, remote } = patientConflict();
    const before = rowOf('Patient', 'p1');
    resolve({ seq, choice: 'remote' });
    const after = rowOf('Patient', 'p1');
    expect(JSON.parse(after.json)).toEqual(remote);
    expect(after).toMatchObject({ remote_version: '2', deleted: 0, version: before.version + 1 });
    expect(outboxOf('Patient', 'p1')).toEqual([]);
    const audit = lastAudit();
    expect(audit).toMatchObject({ action: 'U', practitioner: doctor.reference, patient_id: 'p1' });
    expect(audit.event.outcomeDesc).toBe(`sync conflict ${seq} resolved: the national record's version kept`);
    expect(audit.event.agent?.[0]?.who).toEqual({ reference: doctor.reference, display: doctor.display });
    expectClosed(seq, 'remote');
    // The patient index follows: the national record's spelling finds the patient, the phone is gone.
    expect(record.search.search('Benalli').hits.map((hit) => hit.id)).toEqual(['p1']);
    expect(record.search.search('0661234567').hits).toEqual([]);
  });

  it('"keep this workstation’s": a new local change based on the server’s version, one outbox entry, audited', async () => {
    const { seq, local } = patientConflict();
    const audits = auditCount();
    resolve({ seq, choice: 'local' });
    const after = rowOf('Patient', 'p1');
    const stored = JSON.parse(after.json) as Patient;
    expect(stored.telecom).toEqual(local.telecom);
    expect(stored.address).toBeUndefined();
    expect(stored.meta).toEqual({ versionId: '2', lastUpdated: expect.any(String) });
    // remote_version is the base the push will send as If-Match.
    expect(after.remote_version).toBe('2');
    expect(outboxOf('Patient', 'p1')).toEqual([
      { operation: 'update', version: after.version, practitioner: doctor.reference },
    ]);
    expect(auditCount()).toBe(audits + 1);
    expect(lastAudit()).toMatchObject({ action: 'U', practitioner: doctor.reference, patient_id: 'p1' });
    expectClosed(seq, 'local');
  });

  it('"merge": the merged resource, validated, as a local change on the server’s version', async () => {
    const { seq, local, remote } = patientConflict();
    const merged: Patient = { ...local, name: remote.name, address: remote.address };
    resolve({ seq, choice: 'merged', merged, actor: nurse });
    const after = rowOf('Patient', 'p1');
    const stored = JSON.parse(after.json) as Patient;
    expect(stored).toMatchObject({ telecom: local.telecom, address: remote.address, name: remote.name });
    expect(stored.meta?.versionId).toBe('2');
    expect(after.remote_version).toBe('2');
    expect(outboxOf('Patient', 'p1')).toEqual([
      { operation: 'update', version: after.version, practitioner: nurse.reference },
    ]);
    expect(lastAudit()).toMatchObject({ action: 'U', practitioner: nurse.reference });
    expectClosed(seq, 'merged', nurse.reference);
    expect(record.search.search('Benalli').hits.map((hit) => hit.id)).toEqual(['p1']);
  });

  it('keeps a deletion made here: sent as a delete on the server’s version', async () => {
    syncedPulse();
    record.store.delete('Observation', 'obs-1', nurse);
    const seq = conflictOn('Observation', 'obs-1', { ...pulse(80), meta: { versionId: '5' } }, '5');
    const before = rowOf('Observation', 'obs-1');
    resolve({ seq, choice: 'local' });
    const after = rowOf('Observation', 'obs-1');
    expect(after).toMatchObject({ deleted: 1, remote_version: '5', version: before.version + 1 });
    expect(outboxOf('Observation', 'obs-1')).toEqual([
      { operation: 'delete', version: after.version, practitioner: doctor.reference },
    ]);
    expect(lastAudit()).toMatchObject({ action: 'D', patient_id: 'p1', practitioner: doctor.reference });
    expectClosed(seq, 'local');
  });

  it('undoes a deletion made here when the national record’s version is kept', async () => {
    syncedPulse();
    record.store.delete('Observation', 'obs-1', nurse);
    const remote = { ...pulse(80), meta: { versionId: '5' } };
    const seq = conflictOn('Observation', 'obs-1', remote, '5');
    resolve({ seq, choice: 'remote' });
    expect(rowOf('Observation', 'obs-1')).toMatchObject({
      deleted: 0,
      remote_version: '5',
      json: JSON.stringify(remote),
    });
    expect(record.store.read('Observation', 'obs-1')).toEqual(remote);
    expect(outboxOf('Observation', 'obs-1')).toEqual([]);
    expectClosed(seq, 'remote');
  });

  it('takes the national record’s deletion: the resource leaves the replica, nothing is sent', async () => {
    syncedPulse();
    record.store.update(pulse(95), nurse);
    const seq = conflictOn('Observation', 'obs-1', null, null);
    resolve({ seq, choice: 'remote' });
    expect(rowOf('Observation', 'obs-1')).toMatchObject({ deleted: 1, remote_version: null });
    expect(record.store.read('Observation', 'obs-1')).toBeNull();
    expect(outboxOf('Observation', 'obs-1')).toEqual([]);
    expect(lastAudit()).toMatchObject({ action: 'D', patient_id: 'p1' });
    expectClosed(seq, 'remote');
  });

  it('keeps a version the national record deleted: sent anew as a create, with no base version', async () => {
    syncedPulse();
    record.store.update(pulse(95), nurse);
    const seq = conflictOn('Observation', 'obs-1', null, null);
    resolve({ seq, choice: 'local' });
    const after = rowOf('Observation', 'obs-1');
    expect(after).toMatchObject({ deleted: 0, remote_version: null });
    const stored = JSON.parse(after.json) as Observation;
    expect(stored.valueQuantity?.value).toBe(95);
    expect(stored.meta?.versionId).toBeUndefined();
    expect(outboxOf('Observation', 'obs-1')).toEqual([
      { operation: 'create', version: after.version, practitioner: doctor.reference },
    ]);
    expectClosed(seq, 'local');
  });

  it('changes nothing when the merge is for another resource, or invalid, or the conflict is not open', async () => {
    const { seq, local } = patientConflict();
    const snapshot = () => ({
      row: rowOf('Patient', 'p1'),
      outbox: outboxOf('Patient', 'p1'),
      audits: auditCount(),
      open: new ConflictLog(record.queries).openCount(),
    });
    const before = snapshot();
    expect(() => resolve({ seq, choice: 'merged', merged: { ...local, id: 'p2' } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => resolve({ seq, choice: 'merged' })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() =>
      resolve({
        seq,
        choice: 'merged',
        merged: { ...local, identifier: [{ system: 'urn:tabib:ma:cin', value: '??' }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'IDENTIFIER_INVALID' }));
    expect(snapshot()).toEqual(before);
    expect(() => resolve({ seq: 999, choice: 'remote' })).toThrow(
      expect.objectContaining({ code: 'RESOURCE_NOT_FOUND' }),
    );
    resolve({ seq, choice: 'remote' });
    expect(() => resolve({ seq, choice: 'local' })).toThrow(
      expect.objectContaining({ code: 'VERSION_CONFLICT' }),
    );
  });

  it('rolls everything back when the conflict cannot be closed', async () => {
    const { seq } = patientConflict();
    const before = { row: rowOf('Patient', 'p1'), outbox: outboxOf('Patient', 'p1'), audits: auditCount() };
    record.sqlite.exec(`create temp trigger refuse_close before update of status on sync_conflict
      begin select raise(abort, 'disk on fire'); end`);
    expect(() => resolve({ seq, choice: 'local' })).toThrow('disk on fire');
    expect({ row: rowOf('Patient', 'p1'), outbox: outboxOf('Patient', 'p1'), audits: auditCount() }).toEqual(
      before,
    );
    expect(new ConflictLog(record.queries).get(seq)?.status).toBe('open');
  });
});
