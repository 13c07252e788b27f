/**
 * The FHIR peer behaves as a full FHIR R4 server where Medplum's router alone would not:
 * real HTTP against it on loopback.
 */
import type {
  Bundle,
  BundleEntry,
  CapabilityStatement,
  Observation,
  OperationOutcome,
  Patient,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FhirPeer, startFhirPeer } from './fhir-peer';

const JSON_HEADERS = { 'content-type': 'application/fhir+json', accept: 'application/fhir+json' };
const SYSTEM = 'urn:oid:2.16.504.1.1'; // a national ID system URI (test value)

let peer: FhirPeer;

beforeAll(async () => {
  peer = await startFhirPeer({ maxBundleEntries: 120 });
});

afterAll(async () => {
  await peer?.stop();
});

async function call<T = unknown>(
  path: string,
  init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: T }> {
  const url = path.startsWith('http') ? path : `${peer.baseUrl}/${path}`;
  const response = await fetch(url, {
    method: init.method ?? 'GET',
    headers: { ...JSON_HEADERS, ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text ? JSON.parse(text) : undefined) as T,
  };
}

function patient(value: string, family = 'Benali'): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: SYSTEM, value }],
    name: [{ family, given: ['Amina'] }],
  };
}

/** Follows link[next] to the end; returns every entry in order. */
async function allPages(first: string): Promise<{ entries: BundleEntry[]; pages: number }> {
  const entries: BundleEntry[] = [];
  let next: string | undefined = first;
  let pages = 0;
  while (next) {
    const page: { status: number; body: Bundle } = await call<Bundle>(next);
    const { status, body } = page;
    expect(status).toBe(200);
    pages += 1;
    entries.push(...(body.entry ?? []));
    next = body.link?.find((link) => link.relation === 'next')?.url;
  }
  return { entries, pages };
}

describe('CapabilityStatement', () => {
  it('lists what the peer serves, including type history and Patient/$everything', async () => {
    const { status, body } = await call<CapabilityStatement>('metadata');
    expect(status).toBe(200);
    expect(body.fhirVersion).toBe('4.0.1');
    const patientCaps = body.rest![0]!.resource!.find((r) => r.type === 'Patient')!;
    expect(patientCaps.interaction!.map((i) => i.code)).toEqual(
      expect.arrayContaining(['read', 'vread', 'update', 'delete', 'history-type', 'create', 'search-type']),
    );
    expect(patientCaps.updateCreate).toBe(true);
    expect(patientCaps.conditionalCreate).toBe(true);
    expect(patientCaps.searchParam!.map((p) => p.name)).toEqual(
      expect.arrayContaining(['identifier', '_lastUpdated']),
    );
    expect(patientCaps.operation?.[0]?.name).toBe('everything');
    expect(body.rest![0]!.interaction!.map((i) => i.code)).toEqual([
      'transaction',
      'batch',
      'history-system',
    ]);
  });
});

describe('paging', () => {
  it('follows link[next] over 2,500 resources sharing one lastUpdated, without skip or repeat while data changes', async () => {
    const frozen = new Date('2026-11-23T08:00:00.000Z');
    const shared = await startFhirPeer({ clock: () => frozen });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 2500; i++) ids.push((await shared.write(patient(`P${i}`))).id);
      const lastUpdated = new Set(Object.values(shared.snapshot().Patient!).map((p) => p.meta!.lastUpdated));
      expect(lastUpdated).toEqual(new Set([frozen.toISOString()]));

      const url = `${shared.baseUrl}/Patient?_lastUpdated=ge${frozen.toISOString()}&_sort=_lastUpdated&_count=100`;
      const seen: string[] = [];
      let next: string | undefined = url;
      let page = 0;
      while (next) {
        const response = await fetch(next, { headers: JSON_HEADERS });
        expect(response.status).toBe(200);
        const bundle = (await response.json()) as Bundle<Patient>;
        expect(bundle.total).toBe(2500);
        for (const entry of bundle.entry ?? []) seen.push(entry.resource!.id!);
        next = bundle.link?.find((link) => link.relation === 'next')?.url;
        // Between pages other facilities keep writing: updates of resources not yet seen, new ones.
        page += 1;
        await shared.write({ ...shared.read('Patient', ids[2499 - page]!)!, gender: 'female' } as Patient);
        await shared.write(patient(`new-${page}`));
      }
      expect(page).toBe(25);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.sort()).toEqual([...ids].sort());
    } finally {
      await shared.stop();
    }
  });

  it('keeps Medplum’s shared timestamps: a burst of writes has far fewer distinct lastUpdated than resources', async () => {
    const burst = await startFhirPeer();
    try {
      for (let i = 0; i < 2000; i++) await burst.write(patient(`B${i}`));
      const stamps = new Set(Object.values(burst.snapshot().Patient!).map((p) => p.meta!.lastUpdated));
      expect(stamps.size).toBeLessThan(1000);
    } finally {
      await burst.stop();
    }
  });

  it('pages without _count at the default size, and answers 410 for an expired search', async () => {
    const small = await startFhirPeer({ defaultPageSize: 7 });
    try {
      for (let i = 0; i < 20; i++) await small.write(patient(`S${i}`));
      const first = await fetch(`${small.baseUrl}/Patient`, { headers: JSON_HEADERS });
      const bundle = (await first.json()) as Bundle;
      expect(bundle.entry).toHaveLength(7);
      const next = bundle.link!.find((link) => link.relation === 'next')!.url!;
      expect(next.startsWith(small.baseUrl)).toBe(true);
      small.expireSearches();
      expect((await fetch(next, { headers: JSON_HEADERS })).status).toBe(410);
    } finally {
      await small.stop();
    }
  });

  it('sorts by several keys in the order given (Medplum alone makes the last primary)', async () => {
    const sorted = await startFhirPeer();
    try {
      await sorted.write({ ...patient('x1', 'Zeroual'), birthDate: '1990-01-01' });
      await sorted.write({ ...patient('x2', 'Alaoui'), birthDate: '1990-01-01' });
      await sorted.write({ ...patient('x3', 'Alaoui'), birthDate: '1980-01-01' });
      const { entries } = await allPages(`${sorted.baseUrl}/Patient?_sort=family,-birthdate`);
      expect(entries.map((e) => (e.resource as Patient).identifier![0]!.value)).toEqual(['x2', 'x3', 'x1']);
    } finally {
      await sorted.stop();
    }
  });

  it('refuses search parameters Medplum would silently match nothing for', async () => {
    for (const query of [
      '_has:Observation:patient:code=1234',
      'general-practitioner.name=x',
      '_include=Patient:organization',
      'nosuch=1',
    ]) {
      const { status, body } = await call<OperationOutcome>(`Patient?${query}`);
      expect(status, query).toBe(400);
      expect(body.resourceType).toBe('OperationOutcome');
    }
  });
});

describe('searches the sync uses', () => {
  it('matches identifier system|value, subject and patient references, and _lastUpdated ranges', async () => {
    const p = await peer.write(patient('Q1'));
    const obs = await peer.write<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'pouls' },
      subject: { reference: `Patient/${p.id}` },
    });
    const byIdentifier = await call<Bundle>(`Patient?identifier=${SYSTEM}|Q1`);
    expect(byIdentifier.body.entry!.map((e) => e.resource!.id)).toEqual([p.id]);
    for (const query of [
      `subject=Patient/${p.id}`,
      `patient=Patient/${p.id}`,
      `patient=${p.id}`,
      `subject=${p.id}`,
    ]) {
      const found = await call<Bundle>(`Observation?${query}`);
      expect(found.status, query).toBe(200);
      expect(
        found.body.entry?.map((e) => e.resource!.id),
        query,
      ).toEqual([obs.id]);
    }
    const at = obs.meta!.lastUpdated!;
    const ge = await call<Bundle>(`Observation?_lastUpdated=ge${at}&_id=${obs.id}`);
    expect(ge.body.total).toBe(1);
    const gt = await call<Bundle>(`Observation?_lastUpdated=gt${at}&_id=${obs.id}`);
    expect(gt.body.total).toBe(0);
  });
});

describe('versions and concurrency', () => {
  it('sends ETag and Location, and answers 412 to a stale If-Match (quoted or not) on PUT, PATCH and DELETE', async () => {
    const created = await call<Patient>('Patient', { method: 'POST', body: patient('E1') });
    expect(created.status).toBe(201);
    const v1 = created.body.meta!.versionId!;
    expect(created.headers.get('etag')).toBe(`W/"${v1}"`);
    expect(created.headers.get('location')).toBe(`${peer.baseUrl}/Patient/${created.body.id}/_history/${v1}`);

    const read = await call<Patient>(`Patient/${created.body.id}`);
    expect(read.headers.get('etag')).toBe(`W/"${v1}"`);
    expect(read.headers.get('last-modified')).toBe(new Date(created.body.meta!.lastUpdated!).toUTCString());

    const updated = await call<Patient>(`Patient/${created.body.id}`, {
      method: 'PUT',
      body: { ...created.body, gender: 'female' },
      headers: { 'if-match': `W/"${v1}"` },
    });
    expect(updated.status).toBe(200);
    const v2 = updated.body.meta!.versionId!;
    expect(v2).not.toBe(v1);
    expect(updated.headers.get('etag')).toBe(`W/"${v2}"`);

    for (const ifMatch of [`W/"${v1}"`, `"${v1}"`, v1]) {
      const stale = await call<OperationOutcome>(`Patient/${created.body.id}`, {
        method: 'PUT',
        body: { ...created.body, gender: 'male' },
        headers: { 'if-match': ifMatch },
      });
      expect(stale.status, ifMatch).toBe(412);
    }
    const stalePatch = await call(`Patient/${created.body.id}`, {
      method: 'PATCH',
      body: [{ op: 'replace', path: '/gender', value: 'male' }],
      headers: { 'content-type': 'application/json-patch+json', 'if-match': `W/"${v1}"` },
    });
    expect(stalePatch.status).toBe(412);
    const staleDelete = await call(`Patient/${created.body.id}`, {
      method: 'DELETE',
      headers: { 'if-match': v1 },
    });
    expect(staleDelete.status).toBe(412);
    expect(peer.read('Patient', created.body.id!)!.meta!.versionId).toBe(v2);

    const unquoted = await call<Patient>(`Patient/${created.body.id}`, {
      method: 'PUT',
      body: { ...updated.body, gender: 'other' },
      headers: { 'if-match': v2 },
    });
    expect(unquoted.status).toBe(200);
  });

  it('creates on PUT with a client-assigned id (201), and ignores a client id on POST', async () => {
    const id = '0193a3b4-7c1e-7d2a-9f00-5a1b2c3d4e5f';
    const put = await call<Patient>(`Patient/${id}`, { method: 'PUT', body: { ...patient('U1'), id } });
    expect(put.status).toBe(201);
    expect(put.body.id).toBe(id);
    expect(put.headers.get('location')).toContain(`/Patient/${id}/_history/`);
    const again = await call<Patient>(`Patient/${id}`, {
      method: 'PUT',
      body: { ...patient('U1'), id, gender: 'male' },
    });
    expect(again.status).toBe(200);
    expect((await call<Patient>(`Patient/${id}`)).body.gender).toBe('male');

    const minimal = await call(`Patient/${id}`, {
      method: 'PUT',
      body: { ...patient('U1'), id, gender: 'female' },
      headers: { prefer: 'return=minimal' },
    });
    expect(minimal.status).toBe(200);
    expect(minimal.body).toBeUndefined();
    expect(minimal.headers.get('etag')).toBe(`W/"${peer.read('Patient', id)!.meta!.versionId}"`);

    const post = await call<Patient>('Patient', {
      method: 'POST',
      body: { ...patient('U2'), id: 'client-chosen' },
    });
    expect(post.status).toBe(201);
    expect(post.body.id).not.toBe('client-chosen');
  });

  it('conditional create (If-None-Exist) never duplicates, over HTTP and in transactions', async () => {
    const ifNoneExist = `identifier=${SYSTEM}|C1`;
    const first = await call<Patient>('Patient', {
      method: 'POST',
      body: patient('C1'),
      headers: { 'if-none-exist': ifNoneExist },
    });
    const second = await call<Patient>('Patient', {
      method: 'POST',
      body: patient('C1'),
      headers: { 'if-none-exist': ifNoneExist },
    });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);

    const transaction: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          fullUrl: 'urn:uuid:9b0c6d52-1a3e-4d3c-8f0e-2f1a3b4c5d6e',
          resource: patient('C2'),
          request: { method: 'POST', url: 'Patient', ifNoneExist: `identifier=${SYSTEM}|C2` },
        },
      ],
    };
    const t1 = await call<Bundle>('', { method: 'POST', body: transaction });
    const t2 = await call<Bundle>('', { method: 'POST', body: transaction });
    expect(t1.status).toBe(200);
    expect(t1.body.entry![0]!.response!.status).toMatch(/^201/);
    expect(t2.body.entry![0]!.response!.status).toMatch(/^200/);
    const matches = Object.values(peer.snapshot().Patient!).filter((p) =>
      (p as Patient).identifier?.some((i) => i.value === 'C1' || i.value === 'C2'),
    );
    expect(matches).toHaveLength(2);
  });
});

describe('history', () => {
  it('serves system and type _history with _since, deletes included as request.method DELETE', async () => {
    const before = await call<Bundle>('_history?_count=1');
    const since = before.body.meta!.lastUpdated!;
    const created = await peer.write(patient('H1'));
    const obs = await peer.write<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'poids' },
      subject: { reference: `Patient/${created.id}` },
    });
    await peer.write({ ...created, gender: 'female' });
    await peer.remove('Observation', obs.id);
    const deleted = await call(`Observation/${obs.id}`);
    expect(deleted.status).toBe(410);

    const system = await allPages(`${peer.baseUrl}/_history?_since=${since}&_count=2`);
    const ours = system.entries.filter((e) => e.fullUrl?.endsWith(created.id) || e.fullUrl?.endsWith(obs.id));
    expect(ours.map((e) => e.request!.method)).toEqual(['DELETE', 'PUT', 'POST', 'POST']);
    expect(ours[0]!.resource).toBeUndefined();
    expect(ours[0]!.request!.url).toBe(`Observation/${obs.id}`);

    const typed = await allPages(`${peer.baseUrl}/Observation/_history?_since=${since}`);
    expect(typed.entries.map((e) => e.request!.method)).toEqual(['DELETE', 'POST']);
    const ascending = await allPages(
      `${peer.baseUrl}/Observation/_history?_since=${since}&_sort=_lastUpdated`,
    );
    expect(ascending.entries.map((e) => e.request!.method)).toEqual(['POST', 'DELETE']);

    const later = await call<Bundle>(
      `Observation/_history?_since=${new Date(Date.parse(peer.changes().at(-1)!.lastUpdated) + 1).toISOString()}`,
    );
    expect(later.body.entry ?? []).toHaveLength(0);

    const instance = await allPages(`${peer.baseUrl}/Patient/${created.id}/_history`);
    expect(instance.entries).toHaveLength(2);
    const vread = await call<Patient>(`Patient/${created.id}/_history/${created.meta!.versionId}`);
    expect(vread.status).toBe(200);
    expect(vread.body.gender).toBeUndefined();
    expect((await call(`Observation/${obs.id}`, { method: 'DELETE' })).status).toBe(204);
  });
});

describe('bundles', () => {
  it('resolves urn:uuid references in a transaction and answers 201 with versioned locations', async () => {
    const patientUrl = 'urn:uuid:4f1b2c3d-0000-4000-8000-000000000001';
    const { status, body } = await call<Bundle>('', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { fullUrl: patientUrl, resource: patient('T1'), request: { method: 'POST', url: 'Patient' } },
          {
            resource: {
              resourceType: 'Observation',
              status: 'final',
              code: { text: 'tension' },
              subject: { reference: patientUrl },
            },
            request: { method: 'POST', url: 'Observation' },
          },
        ],
      },
    });
    expect(status).toBe(200);
    expect(body.type).toBe('transaction-response');
    const [p, o] = body.entry!;
    expect(p!.response!.status).toMatch(/^201/);
    expect(p!.response!.etag).toBe(`W/"${p!.resource!.meta!.versionId}"`);
    expect(p!.response!.location).toBe(`Patient/${p!.resource!.id}/_history/${p!.resource!.meta!.versionId}`);
    expect((o!.resource as Observation).subject!.reference).toBe(`Patient/${p!.resource!.id}`);
  });

  it('rolls a failed transaction back entirely (Medplum alone keeps the entries done before the failure)', async () => {
    const existing = await peer.write(patient('R1'));
    const logLength = peer.changes().length;
    const before = peer.snapshot();
    const { status } = await call<OperationOutcome>('', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: patient('R2'), request: { method: 'POST', url: 'Patient' } },
          {
            resource: { ...existing, id: 'new-in-tx' },
            request: { method: 'PUT', url: 'Patient/new-in-tx' },
          },
          // Wrong resource type for the URL: Medplum refuses this entry (400).
          { resource: patient('R3'), request: { method: 'PUT', url: `Observation/${existing.id}` } },
        ],
      },
    });
    expect(status).toBe(400);
    expect(peer.changes()).toHaveLength(logLength);
    expect(peer.snapshot()).toEqual(before);

    const stale = await call('', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'transaction',
        entry: [
          { resource: patient('R4'), request: { method: 'POST', url: 'Patient' } },
          {
            resource: { ...existing, gender: 'male' },
            request: { method: 'PUT', url: `Patient/${existing.id}`, ifMatch: 'W/"stale"' },
          },
        ],
      },
    });
    expect(stale.status).toBe(412);
    expect(peer.changes()).toHaveLength(logLength);
  });

  it('takes a resent transaction of client-id PUTs and deletes without duplicating anything', async () => {
    const gone = await peer.write(patient('RS0'));
    const transaction: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        ...['rs-1', 'rs-2'].map((id) => ({
          resource: { ...patient(id), id },
          request: { method: 'PUT' as const, url: `Patient/${id}` },
        })),
        { request: { method: 'DELETE', url: `Patient/${gone.id}` } },
      ],
    };
    const first = await call<Bundle>('', { method: 'POST', body: transaction });
    const resent = await call<Bundle>('', { method: 'POST', body: transaction });
    expect(first.status).toBe(200);
    expect(resent.status).toBe(200);
    expect(first.body.entry!.map((e) => e.response!.status.slice(0, 3))).toEqual(['201', '201', '200']);
    expect(resent.body.entry!.map((e) => e.response!.status.slice(0, 3))).toEqual(['200', '200', '200']);
    const all = Object.values(peer.snapshot().Patient!) as Patient[];
    expect(all.filter((p) => ['rs-1', 'rs-2'].includes(p.identifier![0]!.value!))).toHaveLength(2);
    expect(peer.read('Patient', gone.id)).toBeUndefined();
    expect(peer.changes().filter((c) => c.id === gone.id && c.method === 'DELETE')).toHaveLength(1);
  });

  it('runs a batch entry by entry: a stale entry fails alone', async () => {
    const existing = await peer.write(patient('BA1'));
    const { body } = await call<Bundle>('', {
      method: 'POST',
      body: {
        resourceType: 'Bundle',
        type: 'batch',
        entry: [
          {
            resource: { ...existing, gender: 'male' },
            request: { method: 'PUT', url: `Patient/${existing.id}`, ifMatch: 'stale' },
          },
          { resource: patient('BA2'), request: { method: 'POST', url: 'Patient' } },
        ],
      },
    });
    expect(body.type).toBe('batch-response');
    expect(body.entry!.map((e) => e.response!.status.slice(0, 3))).toEqual(['412', '201']);
  });

  it('accepts more than Medplum’s 50 updates per transaction, and refuses bundles over maxBundleEntries with 413', async () => {
    const entries = (n: number) =>
      Array.from({ length: n }, (_, i) => {
        const id = `bulk-${n}-${i}`;
        return {
          resource: { ...patient(`bulk-${n}-${i}`), id },
          request: { method: 'PUT', url: `Patient/${id}` },
        };
      });
    const ok = await call<Bundle>('', {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'transaction', entry: entries(120) },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.entry!.every((e) => e.response!.status.startsWith('201'))).toBe(true);
    const tooBig = await call<OperationOutcome>('', {
      method: 'POST',
      body: { resourceType: 'Bundle', type: 'transaction', entry: entries(121) },
    });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.issue![0]!.code).toBe('too-costly');
    expect(peer.read('Patient', 'bulk-121-0')).toBeUndefined();
  });
});

describe('Patient/$everything', () => {
  it('returns the patient and what refers to it, paged; absent from a peer that does not offer it', async () => {
    const p = await peer.write(patient('EV1'));
    const other = await peer.write(patient('EV2'));
    for (let i = 0; i < 5; i++) {
      await peer.write<Observation>({
        resourceType: 'Observation',
        status: 'final',
        code: { text: `o${i}` },
        subject: { reference: `Patient/${p.id}` },
      });
    }
    await peer.write<Observation>({
      resourceType: 'Observation',
      status: 'final',
      code: { text: 'x' },
      subject: { reference: `Patient/${other.id}` },
    });
    const { entries, pages } = await allPages(`${peer.baseUrl}/Patient/${p.id}/$everything?_count=2`);
    expect(pages).toBe(3);
    expect(entries.map((e) => e.resource!.resourceType).sort()).toEqual([
      'Observation',
      'Observation',
      'Observation',
      'Observation',
      'Observation',
      'Patient',
    ]);

    const without = await startFhirPeer({ everything: false });
    try {
      const caps = (await (await fetch(`${without.baseUrl}/metadata`)).json()) as CapabilityStatement;
      expect(caps.rest![0]!.resource!.find((r) => r.type === 'Patient')!.operation).toBeUndefined();
      const q = await without.write(patient('EV3'));
      expect((await fetch(`${without.baseUrl}/Patient/${q.id}/$everything`)).status).toBe(404);
    } finally {
      await without.stop();
    }
  });
});
