/**
 * The world of the sync property test (test/sync/sync.property.test.ts): one national record
 * service (the Medplum FHIR peer), two workstations (each an encrypted LocalRecord in a temporary
 * folder, with its own FhirClient behind its own fault proxy), all on loopback free ports.
 *
 * A World runs commands (local edits, edits by another facility, offline periods, faults, syncs)
 * and checks, as it goes and at the end, what issue 4 promises:
 * - what a push acknowledged (outbox entry gone, no conflict) is on the server, as sent;
 * - a local change made on a version of the resource the server has since moved past (by someone
 *   else) becomes a conflict when the sync meets it, never an overwrite (`expectConflicts`);
 * - at the end: every replica equals the server, nothing duplicated, integrity ok, outbox empty.
 *
 * Every process started here is stopped by `stop()`.
 */
import type { Condition, Observation, Patient, Resource } from '@medplum/fhirtypes';
import type { LocalRecord } from '../../../main/record/local-record';
import { uniqueSyntheticNationalId } from '../../../main/record/identity/national-id';
import { contentKey, sameContent } from '../../../main/record/resource-content';
import { resolveConflict } from '../../../main/sync/conflict-resolution';
import { ConflictLog } from '../../../main/sync/conflict-log';
import { FhirClient } from '../../../main/sync/fhir-client';
import type { FetchLike } from '../../../main/sync/http-transport';
import { pushedResourceTypes } from '../../../main/sync/outbox-plan';
import { pull } from '../../../main/sync/pull';
import { pushOutbox } from '../../../main/sync/push';
import type { SyncContext } from '../../../main/sync/sync-types';
import { startFaultProxy, type Fault, type FaultProxy } from '../../peers/fault-proxy/fault-proxy';
import { startFhirPeer, type FhirPeer } from '../../peers/fhir/fhir-peer';
import { doctor, recordFixture, type RecordFixture } from '../../record/record-fixture';
import { seededRandom } from '../../support/seeded-random';

export type Side = 'A' | 'B';
export const SIDES: readonly Side[] = ['A', 'B'];

export const ORGANIZATION_ID = 'org-prop-facility';
const workstationActor = { reference: 'Device/ws-property', display: 'property test workstation' };
const nurse = { reference: 'Practitioner/inf-property', display: 'Inf. Property' };

/** The fault injected during a sync, at the `at`-th request of that sync (from 0). */
export type SyncFault =
  | { kind: 'drop'; at: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'burst'; at: number; status: 503 | 429; times: number }
  | { kind: 'lost-answer'; at: number };

export interface Workstation {
  side: Side;
  fixture: RecordFixture;
  record: LocalRecord;
  proxy: FaultProxy;
  client: FhirClient;
  offline: boolean;
  /** contentKey of every version this workstation wrote locally, per `Type/id` (its own writes). */
  own: Map<string, Set<string>>;
}

interface Candidate {
  key: string;
  reason: string;
}

export interface Stats {
  syncs: number;
  failedSyncs: number;
  acknowledged: number;
  requiredConflicts: number;
  concurrentEdits: number;
}

const key = (type: string, id: string) => `${type}/${id}`;
const split = (ref: string) => ref.split('/') as [string, string];

/** The retry waits, shortened: a Retry-After of seconds becomes a few ms (the order is kept). */
function fastEnvironment(seed: number) {
  const random = seededRandom(seed);
  return {
    now: () => Date.now(),
    random,
    sleep: (ms: number, signal?: AbortSignal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason as Error);
        setTimeout(resolve, Math.min(ms, 3));
      }),
  };
}

interface Row {
  type: string;
  id: string;
  version: number;
  remote_version: string | null;
  deleted: number;
  json: string;
}

export class World {
  readonly violations: string[] = [];
  readonly stats: Stats = {
    syncs: 0,
    failedSyncs: 0,
    acknowledged: 0,
    requiredConflicts: 0,
    concurrentEdits: 0,
  };
  /** `side|Type/id` → why a conflict must be recorded there. */
  readonly requiredConflicts = new Map<string, string>();
  /** `side|Type/id` → the concurrent edit (`concurrent`, with another facility) that must be a conflict there. */
  readonly concurrentConflicts = new Map<string, string>();
  /** Concurrent edits of one version on A and B: at least one of them must record a conflict. */
  readonly eitherConflict: { key: string; what: string }[] = [];
  /** Patients (id, national identifier value) created anywhere. */
  readonly patients: { id: string; nationalId: string }[] = [];
  /** Every id a side created (the only ids the server may hold). */
  readonly createdIds = new Set<string>();
  private counter = 0;
  private choice = 0;

  private constructor(
    readonly peer: FhirPeer,
    readonly ws: Record<Side, Workstation>,
    private readonly run: number,
    private readonly pageSize: number,
  ) {}

  static async start(transport: FetchLike, run: number, pageSize: number): Promise<World> {
    const started: { stop(): Promise<void> }[] = [];
    const fixtures: RecordFixture[] = [];
    const records: LocalRecord[] = [];
    try {
      const peer = await startFhirPeer({ maxPageSize: 1000 });
      started.push(peer);
      const organization = await peer.write({
        resourceType: 'Organization',
        id: ORGANIZATION_ID,
        name: 'Centre de santé (property test)',
      });
      const ws = {} as Record<Side, Workstation>;
      for (const side of SIDES) {
        const proxy = await startFaultProxy(peer.baseUrl);
        started.push(proxy);
        const fixture = recordFixture('MA');
        fixtures.push(fixture);
        const record = await fixture.open();
        records.push(record);
        // The facility's organisation, as the enrolment leaves it in the replica.
        record.store.importRemote([organization], workstationActor, { description: 'enrolment' });
        const client = new FhirClient({
          baseUrl: proxy.baseUrl,
          fetch: transport,
          acceptedResourceTypes: pushedResourceTypes,
          timeoutMs: 10_000,
          retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 4, maxTotalMs: 10_000 },
          environment: fastEnvironment(run * 2 + (side === 'A' ? 0 : 1)),
        });
        ws[side] = { side, fixture, record, proxy, client, offline: false, own: new Map() };
      }
      return new World(peer, ws, run, pageSize);
    } catch (error) {
      for (const record of records) record.close();
      for (const fixture of fixtures) fixture.cleanup();
      for (const process of started.reverse()) await process.stop().catch(() => undefined);
      throw error;
    }
  }

  async stop(): Promise<void> {
    for (const side of SIDES) {
      const w = this.ws[side];
      await w.proxy.stop().catch(() => undefined);
      w.record.close();
      w.fixture.cleanup();
    }
    await this.peer.stop();
  }

  private next(): number {
    return ++this.counter;
  }

  private newId(prefix: string): string {
    const id = `${prefix}-${this.run}-${this.next()}`;
    this.createdIds.add(id);
    return id;
  }

  // ------------------------------------------------------------------ reading the state

  row(side: Side, type: string, id: string): Row | undefined {
    return this.ws[side].record.queries
      .statement(
        'select type, id, version, remote_version, deleted, json from resource where type = ? and id = ?',
      )
      .get(type, id) as Row | undefined;
  }

  /** Live resources of a workstation (Patient, Observation, Condition) as `Type/id`. */
  live(side: Side, types: readonly string[] = ['Patient', 'Observation', 'Condition']): string[] {
    const rows = this.ws[side].record.queries
      .statement(
        `select type, id from resource where deleted = 0 and type in (select value from json_each(?)) order by type, id`,
      )
      .all(JSON.stringify(types)) as { type: string; id: string }[];
    return rows.map((row) => key(row.type, row.id));
  }

  /** Live resources on the server (Patient, Observation, Condition) as `Type/id`. */
  serverLive(types: readonly string[] = ['Patient', 'Observation', 'Condition']): string[] {
    const snapshot = this.peer.snapshot();
    return types.flatMap((type) =>
      Object.keys(snapshot[type] ?? {})
        .sort()
        .map((id) => key(type, id)),
    );
  }

  private pendingKeys(side: Side): Set<string> {
    const rows = this.ws[side].record.queries
      .statement('select distinct resource_type as type, resource_id as id from outbox')
      .all() as { type: string; id: string }[];
    return new Set(rows.map((row) => key(row.type, row.id)));
  }

  private openConflict(side: Side, ref: string): boolean {
    const [type, id] = split(ref);
    return new ConflictLog(this.ws[side].record.queries).openFor(type, id) !== null;
  }

  conflictRows(side: Side, ref: string): number {
    const [type, id] = split(ref);
    return (
      this.ws[side].record.queries
        .statement('select count(*) as n from sync_conflict where resource_type = ? and resource_id = ?')
        .get(type, id) as { n: number }
    ).n;
  }

  /** Clean: no unpushed change and no open conflict; its base is then the server version it has. */
  clean(side: Side, ref: string): boolean {
    return !this.pendingKeys(side).has(ref) && !this.openConflict(side, ref);
  }

  private remember(side: Side, resource: Resource): void {
    const ref = key(resource.resourceType, resource.id as string);
    const own = this.ws[side].own.get(ref) ?? new Set<string>();
    own.add(contentKey(resource));
    this.ws[side].own.set(ref, own);
  }

  // ------------------------------------------------------------------ resources

  private patientResource(id: string, nationalId: Patient['identifier']): Patient {
    return {
      resourceType: 'Patient',
      id,
      identifier: nationalId,
      name: [{ use: 'official', family: `Famille${this.counter}`, given: ['Amina'] }],
      gender: 'female',
      birthDate: this.birthDate(),
      managingOrganization: { reference: `Organization/${ORGANIZATION_ID}` },
    };
  }

  /** A distinct date per edit: two edits never write the same content. */
  private birthDate(): string {
    return new Date(Date.UTC(1950, 0, 1) + this.next() * 86_400_000).toISOString().slice(0, 10);
  }

  private clinical(kind: 'Observation' | 'Condition', id: string, patientId: string): Resource {
    const n = this.next();
    if (kind === 'Observation')
      return {
        resourceType: 'Observation',
        id,
        status: 'final',
        code: { coding: [{ system: 'http://loinc.org', code: '8867-4', display: 'Heart rate' }] },
        subject: { reference: `Patient/${patientId}` },
        effectiveDateTime: '2026-11-20T09:05:00Z',
        valueQuantity: { value: n, unit: '/min', system: 'http://unitsofmeasure.org', code: '/min' },
      } satisfies Observation;
    return {
      resourceType: 'Condition',
      id,
      clinicalStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
      },
      code: { text: 'Hypertension' },
      subject: { reference: `Patient/${patientId}` },
      note: [{ text: `note ${n}` }],
    } satisfies Condition;
  }

  /** The same resource with a new, never-seen content. */
  private edited(resource: Resource): Resource {
    const n = this.next();
    switch (resource.resourceType) {
      case 'Patient':
        return { ...resource, birthDate: this.birthDate() };
      case 'Observation':
        return { ...resource, valueQuantity: { ...resource.valueQuantity, value: n } };
      case 'Condition':
        return { ...resource, note: [{ text: `note ${n}` }] };
      default:
        throw new Error(`no edit for ${resource.resourceType}`);
    }
  }

  private nationalId(): Patient['identifier'] {
    const serial = this.run * 1000 + this.patients.length;
    const identifier = uniqueSyntheticNationalId('MA', serial, seededRandom(serial + 1));
    return [identifier];
  }

  // ------------------------------------------------------------------ commands: local edits

  createPatient(side: Side | 'server'): Promise<void> | void {
    const id = this.newId('pat');
    const identifier = this.nationalId();
    this.patients.push({ id, nationalId: identifier?.[0]?.value as string });
    const patient = this.patientResource(id, identifier);
    if (side === 'server') return this.peer.write(patient).then(() => undefined);
    const stored = this.ws[side].record.store.create(patient, doctor);
    this.remember(side, stored.resource);
  }

  /** Adds an Observation or a Condition to the `pick`-th patient the side holds. */
  async addClinical(
    side: Side | 'server',
    kind: 'Observation' | 'Condition',
    pick: number,
  ): Promise<boolean> {
    const patients = side === 'server' ? this.serverLive(['Patient']) : this.live(side, ['Patient']);
    if (patients.length === 0) return false;
    const [, patientId] = split(patients[pick % patients.length] as string);
    const resource = this.clinical(kind, this.newId(kind === 'Observation' ? 'obs' : 'cond'), patientId);
    if (side === 'server') {
      await this.peer.write(resource);
      return true;
    }
    const stored = this.ws[side].record.store.create(resource, doctor);
    this.remember(side, stored.resource);
    return true;
  }

  /** Picks the `pick`-th live resource of the side (non-patients only for a delete). */
  target(side: Side | 'server', pick: number, op: 'update' | 'delete'): string | null {
    const types = op === 'delete' ? ['Observation', 'Condition'] : ['Patient', 'Observation', 'Condition'];
    const live = side === 'server' ? this.serverLive(types) : this.live(side, types);
    return live.length === 0 ? null : (live[pick % live.length] as string);
  }

  /** A clinician's edit on a workstation (or another facility's on the server). */
  async edit(side: Side | 'server', ref: string, op: 'update' | 'delete'): Promise<void> {
    const [type, id] = split(ref);
    if (side === 'server') {
      // A later edit by another facility may make a workstation's change agree with the server
      // (both deleted it): what `concurrent` expected no longer holds; the check at sync time does.
      this.forgetConcurrent(ref);
      if (op === 'delete') await this.peer.remove(type, id);
      else {
        const current = this.peer.read(type, id);
        if (current) await this.peer.write(this.edited(current));
      }
      return;
    }
    const w = this.ws[side];
    const current = w.record.store.read(type as 'Patient', id);
    if (!current) return;
    if (op === 'delete') w.record.store.delete(type as 'Observation', id, nurse);
    else this.remember(side, w.record.store.update(this.edited(current), nurse).resource);
  }

  /**
   * The same resource edited on A and on B (and by another facility) between syncs. When both
   * workstations had the server's current version, at least one must end in a conflict (unless
   * every edit deletes it); with another facility's edit too, each workstation must.
   */
  async concurrent(
    pick: number,
    opA: 'update' | 'delete',
    opB: 'update' | 'delete',
    server: 'update' | 'delete' | null,
  ) {
    const both = this.live('A').filter((ref) => this.live('B').includes(ref));
    const candidates = both.filter(
      (ref) => !ref.startsWith('Patient/') || (opA === 'update' && opB === 'update' && server !== 'delete'),
    );
    if (candidates.length === 0) return;
    const ref = candidates[pick % candidates.length] as string;
    const [type, id] = split(ref);
    const serverVersion = this.peer.read(type, id)?.meta?.versionId ?? null;
    const sameBase =
      serverVersion !== null &&
      SIDES.every(
        (side) => this.clean(side, ref) && this.row(side, type, id)?.remote_version === serverVersion,
      );
    await this.edit('A', ref, opA);
    await this.edit('B', ref, opB);
    if (server) await this.edit('server', ref, server);
    if (!sameBase) return;
    this.stats.concurrentEdits++;
    const ops = { A: opA, B: opB };
    if (server) {
      for (const side of SIDES)
        if (!(ops[side] === 'delete' && server === 'delete'))
          this.concurrentConflicts.set(
            `${side}|${ref}`,
            `concurrent ${ops[side]} on ${side} and ${server} by another facility`,
          );
    } else if (!(opA === 'delete' && opB === 'delete'))
      this.eitherConflict.push({ key: ref, what: `concurrent ${opA} on A and ${opB} on B` });
  }

  private forgetConcurrent(ref: string): void {
    for (const side of SIDES) this.concurrentConflicts.delete(`${side}|${ref}`);
    for (let index = this.eitherConflict.length - 1; index >= 0; index--)
      if (this.eitherConflict[index]?.key === ref) this.eitherConflict.splice(index, 1);
  }

  // ------------------------------------------------------------------ network

  setOffline(side: Side, offline: boolean): void {
    const w = this.ws[side];
    w.offline = offline;
    w.proxy.clear();
    if (offline) w.proxy.plan({ fault: { kind: 'reset' }, times: Number.POSITIVE_INFINITY });
  }

  /** Queues a fault for the `at`-th request of the next sync of `side`. */
  fault(side: Side, fault: SyncFault): void {
    const w = this.ws[side];
    const request = w.proxy.log.length + 1 + fault.at;
    const plan = (f: Fault) => w.proxy.plan({ fault: f, request });
    switch (fault.kind) {
      case 'drop':
        plan({ kind: 'drop', afterBytes: 40 });
        break;
      case 'truncate':
        plan({ kind: 'truncate', keepBytes: 60 });
        break;
      case 'lost-answer':
        plan({ kind: 'status', status: 504, afterForward: true });
        break;
      case 'burst':
        // A burst: this request and the next ones (whatever they are) answered with the status.
        for (let i = 0; i < fault.times; i++)
          w.proxy.plan({
            fault:
              fault.status === 429 ? { kind: 'rate-limit', retryAfter: 1 } : { kind: 'status', status: 503 },
            request: request + i,
          });
        break;
    }
  }

  private context(side: Side): SyncContext {
    return {
      record: this.ws[side].record,
      client: this.ws[side].client,
      scope: { facilityPatients: { organization: `Organization/${ORGANIZATION_ID}` } },
      clock: () => new Date(),
      actor: workstationActor,
    };
  }

  /**
   * The changes of `side` that met a concurrent change on the server: unpushed, no open conflict,
   * and the server's version is no longer the one the change was made on, moved by someone else
   * (its content is none this workstation wrote), unless both deleted it.
   */
  private concurrentChanges(side: Side): Candidate[] {
    const candidates: Candidate[] = [];
    for (const ref of this.pendingKeys(side)) {
      const [type, id] = split(ref);
      if (type === 'AuditEvent' || this.openConflict(side, ref)) continue;
      const row = this.row(side, type, id);
      if (!row) continue;
      const server = this.peer.read(type, id);
      const serverVersion = server?.meta?.versionId ?? null;
      if (serverVersion === row.remote_version) continue;
      if (row.deleted && !server) continue;
      if (server && this.ws[side].own.get(ref)?.has(contentKey(server))) continue;
      if (server && !row.deleted && sameContent(server, JSON.parse(row.json) as Resource)) continue;
      candidates.push({
        key: ref,
        reason: `${side} ${row.deleted ? 'deleted' : 'changed'} ${ref} on version ${row.remote_version}; the server has ${server ? `version ${serverVersion} by someone else` : 'deleted it'}`,
      });
    }
    return candidates;
  }

  /** One sync as the engine runs it: push, then (if the push went through) pull. Never throws. */
  async sync(side: Side): Promise<{ ok: boolean; quiet: boolean; error?: unknown }> {
    const w = this.ws[side];
    const pendingBefore = this.pendingKeys(side);
    const candidates = this.concurrentChanges(side);
    const context = this.context(side);
    let ok = false;
    let quiet = false;
    let failure: unknown;
    this.stats.syncs++;
    try {
      const pushed = await pushOutbox(context);
      const pulled = await pull(context, { pageSize: this.pageSize });
      ok = true;
      quiet =
        pushed.pushed === 0 &&
        pushed.conflicts === 0 &&
        pulled.applied === 0 &&
        pulled.deleted === 0 &&
        pulled.conflicts === 0;
    } catch (error) {
      failure = error;
      this.stats.failedSyncs++;
    }
    // Faults planned for this sync and not met do not linger; an offline workstation stays so.
    this.setOffline(side, w.offline);

    const pendingAfter = this.pendingKeys(side);
    for (const candidate of candidates) {
      if (this.openConflict(side, candidate.key)) {
        this.requiredConflicts.set(`${side}|${candidate.key}`, candidate.reason);
        this.stats.requiredConflicts++;
      } else if (!pendingAfter.has(candidate.key))
        this.violations.push(`no conflict: ${candidate.reason}; the sync acknowledged it`);
    }
    // What the push acknowledged is on the server, as this workstation has it.
    for (const ref of pendingBefore) {
      if (pendingAfter.has(ref) || this.openConflict(side, ref)) continue;
      const [type, id] = split(ref);
      const server = this.peer.read(type, id);
      if (type === 'AuditEvent') {
        const audit = w.record.queries.statement('select json from audit_event where id = ?').get(id) as
          { json: string } | undefined;
        if (!audit || !server || !sameContent(server, JSON.parse(audit.json) as Resource))
          this.violations.push(`${side}: acknowledged ${ref} is not on the server as recorded`);
        continue;
      }
      this.stats.acknowledged++;
      const row = this.row(side, type, id);
      if (!row) continue;
      if (row.deleted) {
        if (server) this.violations.push(`${side}: acknowledged deletion of ${ref}, the server still has it`);
      } else if (!server) this.violations.push(`${side}: acknowledged ${ref} is not on the server`);
      else if (!sameContent(server, JSON.parse(row.json) as Resource))
        this.violations.push(`${side}: acknowledged ${ref} differs on the server`);
      else if (server.meta?.versionId !== row.remote_version)
        this.violations.push(
          `${side}: acknowledged ${ref} at ${row.remote_version}, server ${server.meta?.versionId}`,
        );
    }
    return { ok, quiet, ...(failure === undefined ? {} : { error: failure }) };
  }

  // ------------------------------------------------------------------ the end

  /** Syncs A and B in turn until a round changes nothing (at most `rounds`); false if never quiet. */
  async syncUntilQuiet(rounds: number): Promise<boolean> {
    for (let round = 0; round < rounds; round++) {
      let quiet = true;
      for (const side of SIDES) {
        const result = await this.sync(side);
        if (!result.ok) throw new Error(`sync of ${side} failed with no fault: ${String(result.error)}`);
        quiet &&= result.quiet;
      }
      if (quiet) return true;
    }
    return false;
  }

  /** Resolves every open conflict, alternating 'local' and 'remote', as a clinician would. */
  resolveAll(): number {
    let resolved = 0;
    for (const side of SIDES) {
      const record = this.ws[side].record;
      for (const conflict of new ConflictLog(record.queries).list({ status: 'open', limit: 1000 })) {
        const choice = this.choice++ % 2 === 0 ? 'local' : 'remote';
        resolveConflict(record, { seq: conflict.seq, choice, actor: doctor, now: new Date().toISOString() });
        const row = this.row(side, conflict.resourceType, conflict.resourceId);
        if (choice === 'local' && row && !row.deleted) this.remember(side, JSON.parse(row.json) as Resource);
        resolved++;
      }
    }
    return resolved;
  }

  async finish(): Promise<void> {
    for (const side of SIDES) this.setOffline(side, false);
    if (!(await this.syncUntilQuiet(8))) this.violations.push('never quiet before resolving');
    for (let round = 0; round < 4 && this.resolveAll() > 0; round++)
      if (!(await this.syncUntilQuiet(8))) this.violations.push('never quiet after resolving');
    for (const side of SIDES) {
      const open = new ConflictLog(this.ws[side].record.queries).openCount();
      if (open > 0)
        this.violations.push(`${side}: ${open} conflicts still open after 4 rounds of resolution`);
    }
    this.checkEnd();
  }

  private checkEnd(): void {
    const snapshot = this.peer.snapshot();
    const types = ['Organization', 'Patient', 'Observation', 'Condition'];
    // (1) every replica equals the server, deletions included.
    for (const side of SIDES) {
      const record = this.ws[side].record;
      const rows = record.queries
        .statement('select type, id, version, remote_version, deleted, json from resource')
        .all() as Row[];
      const byKey = new Map(rows.map((row) => [key(row.type, row.id), row]));
      for (const type of types)
        for (const [id, resource] of Object.entries(snapshot[type] ?? {})) {
          const row = byKey.get(key(type, id));
          const label = `${side}: ${type}/${id}`;
          if (!row || row.deleted) {
            this.violations.push(`${label} is on the server, not in the replica`);
            continue;
          }
          const local = JSON.parse(row.json) as Resource;
          if (row.remote_version !== resource.meta?.versionId)
            this.violations.push(
              `${label}: replica version ${row.remote_version}, server ${resource.meta?.versionId}`,
            );
          else if (local.meta?.versionId !== resource.meta?.versionId)
            this.violations.push(
              `${label}: stored meta.versionId ${local.meta?.versionId}, server ${resource.meta?.versionId}`,
            );
          if (contentKey(withoutLastUpdated(local)) !== contentKey(withoutLastUpdated(resource)))
            this.violations.push(`${label}: content differs from the server's`);
        }
      for (const row of rows)
        if (!row.deleted && !snapshot[row.type]?.[row.id])
          this.violations.push(`${side}: ${row.type}/${row.id} is live in the replica, not on the server`);
      // (5) integrity, empty outbox.
      const integrity = record.sqlite.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') this.violations.push(`${side}: integrity_check ${String(integrity)}`);
      const outbox = (record.queries.statement('select count(*) as n from outbox').get() as { n: number }).n;
      if (outbox !== 0) this.violations.push(`${side}: ${outbox} outbox entries left`);
    }
    // (3) nothing duplicated: only ids a side created, each national identifier once.
    const identifiers = new Map<string, number>();
    for (const type of types.slice(1))
      for (const [id, resource] of Object.entries(snapshot[type] ?? {})) {
        if (!this.createdIds.has(id))
          this.violations.push(`server: ${type}/${id} was created by no one (a duplicate?)`);
        if (type === 'Patient')
          for (const identifier of (resource as Patient).identifier ?? [])
            if (identifier.value)
              identifiers.set(identifier.value, (identifiers.get(identifier.value) ?? 0) + 1);
      }
    for (const [value, count] of identifiers)
      if (count > 1) this.violations.push(`server: national identifier ${value} on ${count} patients`);
    const created = new Set(
      this.peer
        .changes()
        .filter((change) => change.created)
        .map((change) => key(change.resourceType, change.id)),
    );
    for (const ref of created) {
      const [type, id] = split(ref);
      if (types.slice(1).includes(type) && !this.createdIds.has(id))
        this.violations.push(`server: ${ref} was created by no one (a duplicate?)`);
    }
    for (const patient of this.patients)
      if (
        snapshot.Patient?.[patient.id] === undefined &&
        this.peer.changes().some((change) => change.id === patient.id)
      )
        this.violations.push(`server: Patient/${patient.id} was deleted (no one deletes patients)`);
    // (4) every concurrent edit recorded as a conflict.
    for (const [where, reason] of [...this.requiredConflicts, ...this.concurrentConflicts]) {
      const [side, ref] = where.split('|') as [Side, string];
      if (this.conflictRows(side, ref) === 0)
        this.violations.push(`${side}: no conflict recorded for ${ref} (${reason})`);
    }
    for (const { key: ref, what } of this.eitherConflict)
      if (SIDES.every((side) => this.conflictRows(side, ref) === 0))
        this.violations.push(`no conflict recorded on either workstation for ${ref} (${what})`);
  }
}

function withoutLastUpdated(resource: Resource): Resource {
  const meta = { ...resource.meta };
  delete meta.lastUpdated;
  return { ...resource, meta };
}
