/**
 * Medplum's in-memory repository with what a full FHIR server keeps and Medplum 4.5.2 does not:
 *
 * - a change log: every create, update and delete, in commit order, with the version it made.
 *   Type and system `_history` (with `_since`), deletes in history, vread of any version and
 *   rollback of a transaction all read it (FHIR R4 http.html#history). Medplum keeps no history of
 *   deletes and serves no type/system history; its batch processor calls the repository directly,
 *   which is why the log lives here and not in the HTTP layer.
 * - server-assigned versions: every write gets a new versionId and lastUpdated from the server
 *   (Medplum keeps whatever meta a POST carries), and a POST gets a server id unless Medplum's batch
 *   processor assigned one (FHIR R4 http.html#create: "If an id is provided, the server SHALL ignore it").
 * - If-Match on update checked whenever it is given, against the stored version.
 *
 * lastUpdated stays Medplum's millisecond `new Date().toISOString()` (or the peer's clock): many
 * resources written in one burst share it, as on a busy server; the sync must cope.
 */
import {
  OperationOutcomeError,
  badRequest,
  deepClone,
  generateId,
  notFound,
  preconditionFailed,
} from '@medplum/core';
import type { CreateResourceOptions, UpdateResourceOptions } from '@medplum/fhir-router';
import { MemoryRepository } from '@medplum/fhir-router';
import type { Resource } from '@medplum/fhirtypes';

export type ChangeMethod = 'POST' | 'PUT' | 'DELETE';

export interface ChangeLogEntry {
  /** Commit order, from 1. */
  readonly seq: number;
  readonly resourceType: string;
  readonly id: string;
  /** The version this change made (a delete makes a version too, as in HAPI). */
  readonly versionId: string;
  readonly lastUpdated: string;
  readonly method: ChangeMethod;
  /** True when this change brought the resource into existence (first create, or re-create after a delete). */
  readonly created: boolean;
  /** The stored version; absent for a delete. */
  readonly resource?: Resource;
  /** The version before this change (absent when `created`), kept for rollback. */
  readonly previous?: Resource;
}

/** A point in the log to roll back to. */
export interface ChangeLogMark {
  readonly length: number;
}

export class ChangeLogRepository extends MemoryRepository {
  private readonly log: ChangeLogEntry[] = [];
  private readonly current = new Map<string, Resource>();
  /** Each resource's changes, oldest first (an index over `log`). */
  private readonly versions = new Map<string, ChangeLogEntry[]>();

  constructor(private readonly clock: () => Date = () => new Date()) {
    super();
  }

  /** The whole change log, oldest first. */
  changes(): readonly ChangeLogEntry[] {
    return this.log;
  }

  /** The latest change to a resource, if it ever existed. */
  lastChange(resourceType: string, id: string): ChangeLogEntry | undefined {
    return this.versions.get(`${resourceType}/${id}`)?.at(-1);
  }

  /** Every change to one resource, oldest first (empty if it never existed). */
  changesOf(resourceType: string, id: string): readonly ChangeLogEntry[] {
    return this.versions.get(`${resourceType}/${id}`) ?? [];
  }

  /** The current version of a resource (not a copy: do not mutate). */
  peek(resourceType: string, id: string): Resource | undefined {
    return this.current.get(`${resourceType}/${id}`);
  }

  /** Every current resource (not copies). */
  currentResources(): IterableIterator<Resource> {
    return this.current.values();
  }

  mark(): ChangeLogMark {
    return { length: this.log.length };
  }

  /** Undoes every change after `mark`, newest first: a failed transaction leaves nothing behind. */
  async rollback(mark: ChangeLogMark): Promise<void> {
    while (this.log.length > mark.length) {
      const entry = this.log.pop()!;
      const key = `${entry.resourceType}/${entry.id}`;
      const versions = this.versions.get(key)!;
      versions.pop();
      if (versions.length === 0) this.versions.delete(key);
      if (entry.previous) {
        await super.createResource(entry.previous);
        this.current.set(key, entry.previous);
      } else {
        if (this.current.has(key)) await super.deleteResource(entry.resourceType, entry.id);
        this.current.delete(key);
      }
    }
  }

  override async createResource<T extends Resource>(
    resource: T,
    options?: CreateResourceOptions,
  ): Promise<T & { id: string }> {
    const id = options?.assignedId && resource.id ? resource.id : this.generateId();
    return this.store(resource, id, 'POST');
  }

  override async updateResource<T extends Resource>(
    resource: T,
    options?: UpdateResourceOptions,
  ): Promise<T & { id: string }> {
    if (!resource.id) throw new OperationOutcomeError(badRequest('Missing id'));
    if (options?.ifMatch !== undefined) {
      const existing = this.current.get(`${resource.resourceType}/${resource.id}`);
      // FHIR R4 http.html#concurrency: a version that does not match is 412, whatever the quoting.
      if (existing?.meta?.versionId !== options.ifMatch) throw new OperationOutcomeError(preconditionFailed);
    }
    return this.store(resource, resource.id, 'PUT');
  }

  override async deleteResource(resourceType: string, id: string): Promise<void> {
    const key = `${resourceType}/${id}`;
    const previous = this.current.get(key);
    if (!previous) {
      // FHIR R4 http.html#delete: deleting a deleted resource succeeds and changes nothing (so a
      // resent transaction with a delete goes through); one that never existed is 404.
      if (this.lastChange(resourceType, id)) return;
      throw new OperationOutcomeError(notFound);
    }
    await super.deleteResource(resourceType, id);
    this.current.delete(key);
    this.append({
      seq: this.log.length + 1,
      resourceType,
      id,
      versionId: generateId(),
      lastUpdated: this.clock().toISOString(),
      method: 'DELETE',
      created: false,
      previous,
    });
  }

  private append(entry: ChangeLogEntry): void {
    this.log.push(entry);
    const key = `${entry.resourceType}/${entry.id}`;
    const versions = this.versions.get(key);
    if (versions) versions.push(entry);
    else this.versions.set(key, [entry]);
  }

  private async store<T extends Resource>(
    resource: T,
    id: string,
    method: ChangeMethod,
  ): Promise<T & { id: string }> {
    const key = `${resource.resourceType}/${id}`;
    const previous = this.current.get(key);
    const version = deepClone(resource) as T & { id: string };
    version.id = id;
    version.meta = { ...version.meta, versionId: generateId(), lastUpdated: this.clock().toISOString() };
    // MemoryRepository.createResource stores the object as given when id, versionId and lastUpdated are set.
    const stored = (await super.createResource(version)) as T & { id: string };
    const frozen = deepClone(stored);
    this.current.set(key, frozen);
    this.append({
      seq: this.log.length + 1,
      resourceType: resource.resourceType,
      id,
      versionId: stored.meta!.versionId!,
      lastUpdated: stored.meta!.lastUpdated!,
      method,
      created: previous === undefined,
      resource: frozen,
      ...(previous ? { previous } : {}),
    });
    return stored;
  }
}
