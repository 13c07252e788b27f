/**
 * What the push tests share: a FHIR client as the sync builds it (accepting AuditEvents in
 * transaction answers), a sync context over a record, and a comparison of the record with the
 * server (every local change there once, with the same content).
 */
import type { Resource } from '@medplum/fhirtypes';
import type { LocalRecord } from '../../../main/record/local-record';
import { FhirClient } from '../../../main/sync/fhir-client';
import type { FetchLike } from '../../../main/sync/http-transport';
import { sameContent } from '../../../main/record/resource-content';
import { pushedResourceTypes } from '../../../main/sync/outbox-plan';
import type { SyncContext } from '../../../main/sync/sync-types';

export const workstationActor = { reference: 'Device/ws-test', display: 'Test workstation' };

export function pushClient(baseUrl: string, fetch: FetchLike, maxAttempts = 3): FhirClient {
  return new FhirClient({
    baseUrl,
    fetch,
    acceptedResourceTypes: pushedResourceTypes,
    timeoutMs: 20_000,
    retry: { maxAttempts, baseDelayMs: 5, maxDelayMs: 20 },
  });
}

export function syncContext(
  record: LocalRecord,
  client: FhirClient,
  extra: Partial<SyncContext> = {},
): SyncContext {
  return {
    record,
    client,
    scope: { facilityPatients: null },
    clock: () => new Date(),
    actor: workstationActor,
    ...extra,
  };
}

export function outboxCount(record: LocalRecord): number {
  return (record.sqlite.prepare('select count(*) as n from outbox').get() as { n: number }).n;
}

/**
 * Differences between the record and the server: every live local resource on the server with
 * the same content and version, every locally deleted one absent, every audit event there.
 */
export function differences(
  record: LocalRecord,
  snapshot: Record<string, Record<string, Resource>>,
): string[] {
  const problems: string[] = [];
  const rows = record.sqlite
    .prepare('select type, id, deleted, remote_version, json from resource')
    .all() as { type: string; id: string; deleted: number; remote_version: string | null; json: string }[];
  for (const row of rows) {
    const remote = snapshot[row.type]?.[row.id];
    if (row.deleted) {
      if (remote) problems.push(`${row.type}/${row.id} deleted here, still on the server`);
      continue;
    }
    if (!remote) problems.push(`${row.type}/${row.id} missing on the server`);
    else if (!sameContent(remote, JSON.parse(row.json) as Resource))
      problems.push(`${row.type}/${row.id} differs`);
    else if (remote.meta?.versionId !== row.remote_version)
      problems.push(`${row.type}/${row.id} remote_version ${row.remote_version} ≠ ${remote.meta?.versionId}`);
  }
  const audits = record.sqlite.prepare('select id, json from audit_event').all() as {
    id: string;
    json: string;
  }[];
  for (const audit of audits) {
    const remote = snapshot.AuditEvent?.[audit.id];
    if (!remote) problems.push(`AuditEvent/${audit.id} missing on the server`);
    else if (!sameContent(remote, JSON.parse(audit.json) as Resource))
      problems.push(`AuditEvent/${audit.id} differs`);
  }
  const localAudits = new Set(audits.map((audit) => audit.id));
  for (const id of Object.keys(snapshot.AuditEvent ?? {}))
    if (!localAudits.has(id)) problems.push(`AuditEvent/${id} on the server, not here`);
  return problems;
}
