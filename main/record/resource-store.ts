/**
 * The resource store: FHIR R4 resources as JSON plus indexed columns. Every local write is ONE
 * transaction holding the resource, its outbox entry and its audit entry (architecture.md, "The
 * record"): after a crash, all three are there or none is.
 */
import type { Patient, Resource } from '@medplum/fhirtypes';
import type { Kysely } from 'kysely';
import { TabibError } from '../errors';
import { timeOrderedId } from './time-ordered-id';
import type { Actor } from './actor';
import type { AuditLog } from './audit-log';
import type { RecordDatabase } from './database/schema';
import type { SyncQueries } from './database/sync-queries';
import type { PatientIndex } from './patient-index';
import {
  clinicalDateOf,
  isRecordResourceType,
  patientOf,
  statusOf,
  type RecordResourceType,
} from './resource-types';
import { assertValid, type ValidationContext } from './resource-validation';
import type { SearchRules } from './search-rules';

export interface StoredResource<T extends Resource = Resource> {
  resource: T;
  /** The local version: pass it back to update() for optimistic concurrency. */
  version: number;
}

export interface ResourcePage {
  resources: Resource[];
  /** Opaque; pass it to get the next page, null at the end. */
  next: string | null;
}

export interface ImportOptions {
  /** What the audit entry says about the import (e.g. "national record pull", "demonstration seed"). */
  description: string;
}

interface PageCursor {
  date: string | null;
  rowid: number;
}

function encodeCursor(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(value: string): PageCursor {
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as PageCursor;
    if (typeof parsed.rowid === 'number' && (parsed.date === null || typeof parsed.date === 'string'))
      return parsed;
  } catch {
    // fall through
  }
  throw new TabibError('INVALID_ARGUMENT', 'Invalid page cursor');
}

/**
 * A resource as the national record has it (a pull page, an import): inserted, or replacing the
 * local row with the next local version. Values: type, id, remote_version, remote_updated,
 * last_updated, patient_id, status, date, json.
 */
export const UPSERT_REMOTE = `insert into resource (type, id, version, remote_version, remote_updated, last_updated, patient_id, status, date, deleted, json)
       values (?, ?, 1, ?, ?, ?, ?, ?, ?, 0, ?)
       on conflict (type, id) do update set version = version + 1, remote_version = excluded.remote_version,
         remote_updated = excluded.remote_updated, last_updated = excluded.last_updated,
         patient_id = excluded.patient_id, status = excluded.status, date = excluded.date, deleted = 0,
         json = excluded.json`;

export class ResourceStore {
  private readonly existsStatement;
  private readonly patientStatement;

  constructor(
    private readonly kysely: Kysely<RecordDatabase>,
    private readonly queries: SyncQueries,
    private readonly patients: PatientIndex,
    private readonly audit: AuditLog,
    private readonly rules: SearchRules,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.existsStatement = queries.statement(
      'select 1 from resource where type = ? and id = ? and deleted = 0',
    );
    // Through the by-patient index (a Patient's patient_id is its own id): the chart's other
    // reads then find the index page already decrypted in the cache.
    this.patientStatement = queries.statement(
      "select json from resource indexed by resource_by_patient where patient_id = ? and type = 'Patient' and id = ? and deleted = 0",
    );
  }

  /** For one write (or one imported batch, inside its transaction): a reference found once stays found. */
  private validationContext(batch?: Set<string>): ValidationContext {
    const found = new Set<string>();
    return {
      exists: (type, id) => {
        const key = `${type}/${id}`;
        if (batch?.has(key) || found.has(key)) return true;
        if (this.existsStatement.get(type, id) === undefined) return false;
        found.add(key);
        return true;
      },
      identifierProblem: (system, value) => this.rules.identifierProblem(system, value),
    };
  }

  private row(type: string, id: string) {
    return this.queries.first(
      this.kysely
        .selectFrom('resource')
        .select(['rowid', 'version', 'remote_version', 'remote_updated', 'deleted', 'json'])
        .where('type', '=', type)
        .where('id', '=', id),
    );
  }

  readStored<T extends Resource = Resource>(type: RecordResourceType, id: string): StoredResource<T> | null {
    const row = this.row(type, id);
    if (!row || row.deleted) return null;
    return { resource: JSON.parse(row.json) as T, version: row.version };
  }

  read<T extends Resource = Resource>(type: RecordResourceType, id: string): T | null {
    return this.readStored<T>(type, id)?.resource ?? null;
  }

  /** The patient, read as the chart reads the rest of the record (listByPatient). */
  readPatient(id: string): Patient | null {
    const row = this.patientStatement.get(id, id) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as Patient) : this.read<Patient>('Patient', id);
  }

  /** A patient's resources, newest first, optionally of some types only, page by page. */
  listByPatient(
    patientId: string,
    options: { types?: RecordResourceType[]; limit?: number; after?: string } = {},
  ): ResourcePage {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    let query = this.kysely
      .selectFrom('resource')
      .select(['rowid', 'date', 'json'])
      .where('patient_id', '=', patientId)
      .where('deleted', '=', 0);
    if (options.types?.length) query = query.where('type', 'in', options.types);
    if (options.after) {
      const cursor = decodeCursor(options.after);
      // Keyset paging on (date desc nulls last, rowid desc): stable while others write.
      query =
        cursor.date === null
          ? query.where((eb) => eb.and([eb('date', 'is', null), eb('rowid', '<', cursor.rowid)]))
          : query.where((eb) =>
              eb.or([
                eb('date', '<', cursor.date),
                eb('date', 'is', null),
                eb.and([eb('date', '=', cursor.date), eb('rowid', '<', cursor.rowid)]),
              ]),
            );
    }
    const rows = this.queries.all(
      query
        .orderBy((eb) => eb.case().when('date', 'is', null).then(1).else(0).end())
        .orderBy('date', 'desc')
        .orderBy('rowid', 'desc')
        .limit(limit + 1),
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      resources: page.map((row) => JSON.parse(row.json) as Resource),
      next: rows.length > limit && last ? encodeCursor({ date: last.date, rowid: last.rowid }) : null,
    };
  }

  countByPatient(patientId: string): Record<string, number> {
    const rows = this.queries.all(
      this.kysely
        .selectFrom('resource')
        .select((eb) => ['type', eb.fn.countAll<number>().as('n')])
        .where('patient_id', '=', patientId)
        .where('deleted', '=', 0)
        .groupBy('type'),
    );
    return Object.fromEntries(rows.map((row) => [row.type, row.n]));
  }

  private columns(resource: Resource) {
    return {
      patient_id: patientOf(resource),
      status: statusOf(resource),
      date: clinicalDateOf(resource),
    };
  }

  /** Creates a resource (a client-assigned, time-ordered UUID unless it has an id): resource + outbox + audit, atomically. */
  create<T extends Resource>(input: T, actor: Actor): StoredResource<T> {
    const now = this.clock().toISOString();
    const resource = {
      ...input,
      id: input.id ?? timeOrderedId(),
      meta: { ...input.meta, lastUpdated: now },
    } as T & { id: string };
    delete (resource.meta as { versionId?: string }).versionId;
    return this.queries.transaction(() => {
      const previous = this.row(resource.resourceType, resource.id);
      if (previous && !previous.deleted)
        throw new TabibError('VERSION_CONFLICT', `${resource.resourceType}/${resource.id} already exists`);
      assertValid(resource, this.validationContext());
      const version = (previous?.version ?? 0) + 1;
      const values = {
        type: resource.resourceType,
        id: resource.id,
        version,
        remote_version: previous?.remote_version ?? null,
        remote_updated: previous?.remote_updated ?? null,
        last_updated: now,
        ...this.columns(resource),
        deleted: 0,
        json: JSON.stringify(resource),
      };
      if (previous)
        this.queries.run(this.kysely.updateTable('resource').set(values).where('rowid', '=', previous.rowid));
      else this.queries.run(this.kysely.insertInto('resource').values(values));
      this.afterWrite(resource, version, previous ? 'update' : 'create', actor, now);
      return { resource, version };
    });
  }

  /** Updates a resource; with `expectedVersion`, refuses if someone changed it meanwhile. */
  update<T extends Resource>(input: T, actor: Actor, expectedVersion?: number): StoredResource<T> {
    if (!input.id || !isRecordResourceType(input.resourceType))
      throw new TabibError('RESOURCE_INVALID', 'An update needs a known resourceType and an id');
    const now = this.clock().toISOString();
    return this.queries.transaction(() => {
      const previous = this.row(input.resourceType, input.id as string);
      if (!previous || previous.deleted)
        throw new TabibError('RESOURCE_NOT_FOUND', `${input.resourceType}/${input.id} does not exist`);
      if (expectedVersion !== undefined && expectedVersion !== previous.version)
        throw new TabibError('VERSION_CONFLICT', `${input.resourceType}/${input.id} changed meanwhile`, {
          expected: expectedVersion,
          current: previous.version,
        });
      const stored = JSON.parse(previous.json) as Resource;
      const resource = {
        ...input,
        meta: { ...input.meta, versionId: stored.meta?.versionId, lastUpdated: now },
      } as T;
      if (!resource.meta?.versionId) delete (resource.meta as { versionId?: string }).versionId;
      assertValid(resource, this.validationContext());
      const version = previous.version + 1;
      this.queries.run(
        this.kysely
          .updateTable('resource')
          .set({ version, last_updated: now, ...this.columns(resource), json: JSON.stringify(resource) })
          .where('rowid', '=', previous.rowid),
      );
      this.afterWrite(resource, version, 'update', actor, now);
      return { resource, version };
    });
  }

  /** Marks a resource deleted (kept for the sync to propagate), with outbox and audit entries. */
  delete(type: RecordResourceType, id: string, actor: Actor): void {
    const now = this.clock().toISOString();
    this.queries.transaction(() => {
      const previous = this.row(type, id);
      if (!previous || previous.deleted)
        throw new TabibError('RESOURCE_NOT_FOUND', `${type}/${id} does not exist`);
      if (type === 'Patient') {
        const counts = this.countByPatient(id);
        const others = Object.entries(counts).filter(([resourceType]) => resourceType !== 'Patient');
        if (others.length > 0)
          throw new TabibError('RESOURCE_INVALID', `Patient/${id} still has resources in the record`, {
            counts,
          });
      }
      const resource = JSON.parse(previous.json) as Resource;
      const version = previous.version + 1;
      this.queries.run(
        this.kysely
          .updateTable('resource')
          .set({ version, deleted: 1, last_updated: now })
          .where('rowid', '=', previous.rowid),
      );
      if (type === 'Patient') this.patients.remove(id);
      this.queries.run(
        this.kysely.insertInto('outbox').values({
          resource_type: type,
          resource_id: id,
          version,
          operation: 'delete',
          recorded: now,
          practitioner: actor.reference,
        }),
      );
      this.audit.append(
        actor,
        { action: 'D', patientId: patientOf(resource), entity: type === 'Patient' ? null : { type, id } },
        now,
      );
    });
  }

  private afterWrite(
    resource: Resource,
    version: number,
    operation: 'create' | 'update',
    actor: Actor,
    now: string,
  ): void {
    if (resource.resourceType === 'Patient') this.patients.put(resource as Patient);
    this.queries.run(
      this.kysely.insertInto('outbox').values({
        resource_type: resource.resourceType,
        resource_id: resource.id as string,
        version,
        operation,
        recorded: now,
        practitioner: actor.reference,
      }),
    );
    const patientId = patientOf(resource);
    this.audit.append(
      actor,
      {
        action: operation === 'create' ? 'C' : 'U',
        patientId,
        entity:
          resource.resourceType === 'Patient'
            ? null
            : { type: resource.resourceType, id: resource.id as string },
      },
      now,
    );
  }

  /**
   * Resources that come from the national record (a pull page, the demonstration seed), applied
   * in one transaction: validated against the record plus the batch, stored with their server
   * version, no outbox entry (they are already there), one audit entry per patient touched.
   * Replayable: it commits without waiting for the disk (they can be fetched again).
   */
  importRemote(resources: Resource[], actor: Actor, options: ImportOptions): void {
    const now = this.clock().toISOString();
    const batch = new Set(resources.map((resource) => `${resource.resourceType}/${resource.id}`));
    const context = this.validationContext(batch);
    const upsert = this.queries.statement(UPSERT_REMOTE);
    this.queries.transaction(
      () => {
        const touched = new Map<string, number>();
        for (const resource of resources) {
          const json = JSON.stringify(resource);
          assertValid(resource, context, json);
          const columns = this.columns(resource);
          upsert.run(
            resource.resourceType,
            resource.id,
            resource.meta?.versionId ?? null,
            resource.meta?.lastUpdated ?? null,
            resource.meta?.lastUpdated ?? now,
            columns.patient_id,
            columns.status,
            columns.date,
            json,
          );
          if (resource.resourceType === 'Patient') this.patients.put(resource as Patient);
          if (columns.patient_id) touched.set(columns.patient_id, (touched.get(columns.patient_id) ?? 0) + 1);
        }
        for (const [patientId, count] of touched) {
          this.audit.append(
            actor,
            { action: 'C', patientId, description: `${options.description}: ${count}` },
            now,
          );
        }
      },
      { replayable: true },
    );
  }

  counts(): { patients: number; resources: number; pendingChanges: number } {
    const resources = this.queries
      .statement('select count(*) as n from resource where deleted = 0')
      .get() as { n: number };
    const patients = this.queries.statement('select count(*) as n from patient_search').get() as {
      n: number;
    };
    const pending = this.queries.statement('select count(*) as n from outbox').get() as { n: number };
    return { patients: patients.n, resources: resources.n, pendingChanges: pending.n };
  }
}
