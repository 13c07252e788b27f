/**
 * The push's plan, without I/O: the outbox squashed per resource (the current row decides),
 * ordered so that references resolve, cut into bundles, each change written as a bundle entry.
 */
import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import {
  bundleEntryFor,
  chunk,
  CLIENT_ID_SYSTEM,
  orderChanges,
  planOutbox,
  referencesOf,
  type LocalResourceState,
  type OutboxRow,
  type PlannedChange,
} from '../../main/sync/outbox-plan';
import { sameContent } from '../../main/record/resource-content';

let seq = 0;
const row = (
  resourceType: string,
  resourceId: string,
  operation: OutboxRow['operation'],
  version = 1,
): OutboxRow => ({
  seq: ++seq,
  resourceType,
  resourceId,
  version,
  operation,
});

function plan(
  outbox: OutboxRow[],
  rows: Record<string, LocalResourceState>,
  extra: { maybeOnServer?: string[]; hold?: string[] } = {},
) {
  return planOutbox({
    outbox,
    current: (type, id) => rows[`${type}/${id}`] ?? null,
    maybeOnServer: (key) => extra.maybeOnServer?.includes(key) ?? false,
    hold: (key) => extra.hold?.includes(key) ?? false,
  });
}

const state = (resource: Resource, over: Partial<LocalResourceState> = {}): LocalResourceState => ({
  version: 1,
  remoteVersion: null,
  deleted: false,
  resource,
  ...over,
});

const patient = (id: string): Resource => ({
  resourceType: 'Patient',
  id,
  meta: { lastUpdated: '2026-01-01T00:00:00Z' },
});
const encounter = (id: string, patientId: string): Resource => ({
  resourceType: 'Encounter',
  id,
  status: 'finished',
  class: { code: 'AMB' },
  subject: { reference: `Patient/${patientId}` },
});
const observation = (
  id: string,
  patientId: string,
  encounterId?: string,
  extra: Record<string, unknown> = {},
): Resource =>
  ({
    resourceType: 'Observation',
    id,
    status: 'final',
    code: { text: 'pulse' },
    subject: { reference: `Patient/${patientId}` },
    ...(encounterId ? { encounter: { reference: `Encounter/${encounterId}` } } : {}),
    ...extra,
  }) as Resource;

describe('squashing the outbox per resource', () => {
  it('sends one PUT of the current JSON for a create followed by updates', () => {
    const result = plan(
      [row('Patient', 'p1', 'create'), row('Patient', 'p1', 'update', 2), row('Patient', 'p1', 'update', 3)],
      { 'Patient/p1': state(patient('p1'), { version: 3 }) },
    );
    expect(result.dropped).toEqual([]);
    expect(result.changes).toHaveLength(1);
    expect(result.changes[0]).toMatchObject({ kind: 'put', key: 'Patient/p1', version: 3, ifMatch: null });
    expect(result.changes[0]!.lastSeq - result.changes[0]!.firstSeq).toBe(2);
  });

  it('drops a create followed by a delete that never reached the server', () => {
    const result = plan([row('Patient', 'p2', 'create'), row('Patient', 'p2', 'delete', 2)], {
      'Patient/p2': state(patient('p2'), { version: 2, deleted: true }),
    });
    expect(result.changes).toEqual([]);
    expect(result.dropped).toMatchObject([{ key: 'Patient/p2', reason: 'created-and-deleted' }]);
  });

  it('deletes on the server a create an interrupted push may have sent', () => {
    const result = plan(
      [row('Patient', 'p3', 'create'), row('Patient', 'p3', 'delete', 2)],
      { 'Patient/p3': state(patient('p3'), { version: 2, deleted: true }) },
      { maybeOnServer: ['Patient/p3'] },
    );
    expect(result.changes).toMatchObject([{ kind: 'delete', ifMatch: null }]);
  });

  it('sends a DELETE with If-Match for updates then a delete of a synced resource', () => {
    const result = plan([row('Patient', 'p4', 'update', 2), row('Patient', 'p4', 'delete', 3)], {
      'Patient/p4': state(patient('p4'), { version: 3, deleted: true, remoteVersion: '7' }),
    });
    expect(result.changes).toMatchObject([{ kind: 'delete', ifMatch: '7', version: 3 }]);
    expect(bundleEntryFor(result.changes[0]!, 'update-as-create').entry).toEqual({
      request: { method: 'DELETE', url: 'Patient/p4', ifMatch: 'W/"7"' },
    });
  });

  it('leaves held resources alone and drops entries without a local row', () => {
    const result = plan(
      [row('Patient', 'p5', 'update', 2), row('Observation', 'gone', 'create')],
      {
        'Patient/p5': state(patient('p5'), { remoteVersion: '1' }),
      },
      { hold: ['Patient/p5'] },
    );
    expect(result.held).toEqual([{ key: 'Patient/p5', entries: 1 }]);
    expect(result.dropped).toMatchObject([{ key: 'Observation/gone', reason: 'no-local-row' }]);
  });
});

const put = (resource: Resource, firstSeq: number): PlannedChange => ({
  kind: 'put',
  key: `${resource.resourceType}/${resource.id}`,
  resourceType: resource.resourceType,
  id: resource.id as string,
  firstSeq,
  lastSeq: firstSeq,
  version: 1,
  ifMatch: null,
  resource,
});
const del = (resource: Resource, firstSeq: number): PlannedChange => ({
  ...put(resource, firstSeq),
  kind: 'delete',
  ifMatch: '1',
});
const keys = (changes: PlannedChange[]) => changes.map((change) => `${change.kind} ${change.key}`);

describe('ordering so that references resolve', () => {
  it('finds references at any depth, not to itself, only Type/id (versioned too)', () => {
    expect(
      referencesOf({
        resourceType: 'Observation',
        id: 'o',
        subject: { reference: 'Patient/p' },
        performer: [{ reference: 'Practitioner/d/_history/2' }],
        hasMember: [
          { reference: 'Observation/o' },
          { reference: 'urn:uuid:1234' },
          { reference: '#contained' },
        ],
      } as Resource).sort(),
    ).toEqual(['Patient/p', 'Practitioner/d']);
  });

  it('puts a Patient before its Encounter before its Observations, whatever the outbox order', () => {
    const ordered = orderChanges([
      put(observation('o1', 'p', 'e'), 1),
      put(encounter('e', 'p'), 2),
      put(observation('o2', 'p'), 3),
      put(patient('p'), 4),
    ]);
    expect(keys(ordered)).toEqual([
      'put Patient/p',
      'put Encounter/e',
      'put Observation/o1',
      'put Observation/o2',
    ]);
  });

  it('keeps the outbox order where nothing depends on anything, and ignores references outside the batch', () => {
    const ordered = orderChanges([
      put(observation('o1', 'on-server'), 1),
      put(observation('o2', 'on-server', 'also-on-server'), 2),
      put(patient('q'), 3),
    ]);
    expect(keys(ordered)).toEqual(['put Observation/o1', 'put Observation/o2', 'put Patient/q']);
  });

  it('cuts a reference cycle instead of looping, keeping every change once', () => {
    const a = observation('a', 'p', undefined, { hasMember: [{ reference: 'Observation/b' }] });
    const b = observation('b', 'p', undefined, { hasMember: [{ reference: 'Observation/a' }] });
    const ordered = orderChanges([put(a, 1), put(b, 2), put(patient('p'), 3)]);
    expect(keys(ordered)).toEqual(['put Patient/p', 'put Observation/b', 'put Observation/a']);
  });

  it('deletes referrers before what they refer to, after the PUTs, AuditEvents last', () => {
    const audit = {
      resourceType: 'AuditEvent',
      id: 'ae1',
      entity: [{ what: { reference: 'Patient/p' } }],
    } as Resource;
    const ordered = orderChanges([
      put(audit, 1),
      del(encounter('e', 'p'), 2),
      del(observation('o', 'p', 'e'), 3),
      put(patient('p'), 4),
    ]);
    expect(keys(ordered)).toEqual([
      'put Patient/p',
      'delete Observation/o',
      'delete Encounter/e',
      'put AuditEvent/ae1',
    ]);
  });
});

describe('bundles and entries', () => {
  it('cuts in consecutive slices of at most the size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(() => chunk([1], 0)).toThrow();
  });

  it('creates by PUT under the client id without If-Match, updates with If-Match; meta.versionId/lastUpdated stay home', () => {
    const resource = {
      ...patient('p'),
      meta: { versionId: '3', lastUpdated: '2026-01-01T00:00:00Z', tag: [{ code: 'x' }] },
    } as Resource;
    const create = bundleEntryFor(put(resource, 1), 'update-as-create');
    expect(create.entry.request).toEqual({ method: 'PUT', url: 'Patient/p' });
    expect(create.entry.resource?.meta).toEqual({ tag: [{ code: 'x' }] });
    const update = bundleEntryFor({ ...put(resource, 1), ifMatch: '3' }, 'conditional-create');
    expect(update.entry.request).toEqual({ method: 'PUT', url: 'Patient/p', ifMatch: 'W/"3"' });
  });

  it('creates conditionally by identifier where update-as-create is not offered', () => {
    const withId = {
      resourceType: 'Patient',
      id: 'p',
      identifier: [{ system: 'urn:tabib:ma:cin', value: 'BE1' }],
    } as Resource;
    expect(bundleEntryFor(put(withId, 1), 'conditional-create').entry.request).toEqual({
      method: 'POST',
      url: 'Patient',
      ifNoneExist: `identifier=${encodeURIComponent('urn:tabib:ma:cin|BE1')}`,
    });
    const without = bundleEntryFor(put(observation('0190-abc', 'p'), 1), 'conditional-create');
    expect(without.sent).toMatchObject({
      identifier: [{ system: CLIENT_ID_SYSTEM, value: 'urn:uuid:0190-abc' }],
    });
    expect(without.entry.request?.ifNoneExist).toContain(encodeURIComponent('urn:uuid:0190-abc'));
  });

  it('recognises the same content whatever the meta and the key order', () => {
    const a = {
      resourceType: 'Patient',
      id: 'p',
      gender: 'female',
      name: [{ family: 'A', given: ['B'] }],
    } as Resource;
    const b = {
      meta: { versionId: '9', author: { reference: 'x' } },
      name: [{ given: ['B'], family: 'A' }],
      gender: 'female',
      id: 'p',
      resourceType: 'Patient',
    } as Resource;
    expect(sameContent(a, b)).toBe(true);
    expect(sameContent(a, { ...b, gender: 'male' } as Resource)).toBe(false);
  });
});
