/**
 * A simulated national record service for the e2e harness (test/e2e/harness.ts): the `push` and
 * `pull` the sync engine runs, driven by a control file (test/sync/harness-sync-control.ts) so a
 * test can show each state of the sync indicator. The services run in a worker thread, so the
 * environment names this module (built to out/test/harness-sync.cjs by test/e2e/global-setup.ts)
 * and the worker calls createSyncFunctions. The real pull.ts and push.ts replace it in the app.
 *
 * The push acknowledges the outbox as a server would (the entries go, the resources get a server
 * version), except resources held by an open conflict; the pull applies nothing but its count.
 *
 * The on-demand fetch is simulated one level lower, at HTTP (`createNationalFetch`): the services'
 * real FhirClient and patient-fetch.ts run over it, as they do against the national service.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Bundle, CapabilityStatement, Resource } from '@medplum/fhirtypes';
import type { FetchLike, RequestInitLike, ResponseLike } from '../../main/sync/http-transport';
import type { PullReport, PushReport, SyncContext } from '../../main/sync/sync-types';
import { defaultHarnessSyncControl, type HarnessSyncControl } from './harness-sync-control';

const POLL_MS = 50;

/** Errors as main/errors.ts shapes them (this module is bundled apart; the engine keeps the code). */
function syncError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

function readControl(controlFile: string): HarnessSyncControl {
  if (!existsSync(controlFile)) return defaultHarnessSyncControl;
  return {
    ...defaultHarnessSyncControl,
    ...(JSON.parse(readFileSync(controlFile, 'utf8')) as HarnessSyncControl),
  };
}

function reachable(control: HarnessSyncControl): void {
  if (control.service === 'unreachable')
    throw syncError(
      'SYNC_UNREACHABLE',
      'POST https://dossier.sante.example/fhir: cannot connect (ECONNREFUSED)',
    );
  if (control.service === 'serverError')
    throw syncError('SYNC_SERVER_ERROR', 'POST https://dossier.sante.example/fhir: 503 Service Unavailable');
}

export function createSyncFunctions(controlFile: string): {
  push(context: SyncContext): Promise<PushReport>;
  pull(context: SyncContext): Promise<PullReport>;
} {
  return {
    async push(context) {
      const { queries } = context.record;
      const waiting = () =>
        queries
          .statement(
            `select distinct resource_type as type, resource_id as id from outbox o
             where not exists (select 1 from sync_conflict c where c.status = 'open'
               and c.resource_type = o.resource_type and c.resource_id = o.resource_id)`,
          )
          .all() as { type: string; id: string }[];
      const total = waiting().length;
      context.progress?.({ phase: 'push', done: 0, total });
      while (readControl(controlFile).holdPush) {
        context.progress?.({ phase: 'push', done: Math.min(1, total), total });
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      reachable(readControl(controlFile));
      const sent = waiting();
      queries.transaction(() => {
        for (const { type, id } of sent) {
          queries.statement('delete from outbox where resource_type = ? and resource_id = ?').run(type, id);
          queries
            .statement(
              `update resource set remote_version = cast(coalesce(cast(remote_version as integer), 0) + 1 as text)
               where type = ? and id = ?`,
            )
            .run(type, id);
        }
      });
      context.progress?.({ phase: 'push', done: sent.length, total });
      const remaining = queries.statement('select count(*) as n from outbox').get() as { n: number };
      return { pushed: sent.length, bundles: sent.length > 0 ? 1 : 0, conflicts: 0, remaining: remaining.n };
    },
    async pull() {
      const control = readControl(controlFile);
      reachable(control);
      return { applied: control.pulled ?? 0, deleted: 0, pages: 1, conflicts: 0 };
    },
  };
}

const FHIR_JSON = { 'content-type': 'application/fhir+json' };

function fhirResponse(body: unknown, status = 200): ResponseLike {
  return new Response(JSON.stringify(body), { status, headers: FHIR_JSON }) as unknown as ResponseLike;
}

/** What the simulated service declares: Patient search by identifier, and $everything. */
const capabilityStatement: CapabilityStatement = {
  resourceType: 'CapabilityStatement',
  status: 'active',
  date: '2026-11-01',
  kind: 'instance',
  fhirVersion: '4.0.1',
  format: ['json'],
  software: { name: 'Tabib harness national record' },
  rest: [
    {
      mode: 'server',
      resource: [
        {
          type: 'Patient',
          interaction: [{ code: 'read' }, { code: 'search-type' }],
          searchParam: [{ name: 'identifier', type: 'token' }],
          operation: [
            { name: 'everything', definition: 'http://hl7.org/fhir/OperationDefinition/Patient-everything' },
          ],
        },
      ],
    },
  ],
};

function searchset(base: string, resources: Resource[], total: number, next: string | null): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total,
    ...(next ? { link: [{ relation: 'next', url: `${base}/${next}` }] } : {}),
    entry: resources.map((resource) => ({
      fullUrl: `${base}/${resource.resourceType}/${String(resource.id)}`,
      resource,
      search: { mode: 'match' as const },
    })),
  };
}

async function waitWhileHeld(controlFile: string, signal: AbortSignal): Promise<void> {
  while (readControl(controlFile).holdFetch) {
    signal.throwIfAborted();
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * The simulated national service over HTTP, for the services' FhirClient: `GET metadata`,
 * `GET Patient?identifier=system|value`, `GET Patient/[id]/$everything` (paged by `_page`).
 * Unreachable: the connection is refused, as undici reports it.
 */
export function createNationalFetch(controlFile: string): FetchLike {
  return async (url: string, init: RequestInitLike) => {
    const control = readControl(controlFile);
    if (control.service === 'unreachable')
      throw Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error(`connect ECONNREFUSED ${new URL(url).host}`), {
          code: 'ECONNREFUSED',
        }),
      });
    if (control.service === 'serverError')
      return fhirResponse(
        {
          resourceType: 'OperationOutcome',
          issue: [{ severity: 'error', code: 'transient', diagnostics: 'Service Unavailable' }],
        },
        503,
      );
    const parsed = new URL(url);
    // The base is what comes before the interaction: `[base]/metadata`, `[base]/Patient…`.
    const at = Math.max(0, parsed.pathname.search(/\/(metadata|Patient)(\/|$)/));
    const base = parsed.origin + parsed.pathname.slice(0, at);
    const path = parsed.pathname.slice(at + 1).split('/');
    const national = control.national ?? [];
    if (path[0] === 'metadata') return fhirResponse(capabilityStatement);
    if (path.length === 1 && path[0] === 'Patient' && parsed.searchParams.has('identifier')) {
      const [system, value] = (parsed.searchParams.get('identifier') as string).split('|');
      const found = national
        .map((entry) => entry.patient)
        .filter((patient) =>
          (patient.identifier ?? []).some(
            (identifier) => identifier.system === system && identifier.value === value,
          ),
        );
      return fhirResponse(searchset(base, found, found.length, null));
    }
    if (path[0] === 'Patient' && path[2] === '$everything') {
      const entry = national.find(
        (candidate) => candidate.patient.id === decodeURIComponent(path[1] as string),
      );
      if (!entry)
        return fhirResponse(
          { resourceType: 'OperationOutcome', issue: [{ severity: 'error', code: 'not-found' }] },
          404,
        );
      const all: Resource[] = [entry.patient, ...entry.record];
      const size = control.pageSize ?? 2;
      const page = Number(parsed.searchParams.get('_page') ?? '1');
      if (page > 1) await waitWhileHeld(controlFile, init.signal);
      const next =
        page * size < all.length ? `Patient/${String(entry.patient.id)}/$everything?_page=${page + 1}` : null;
      return fhirResponse(searchset(base, all.slice((page - 1) * size, page * size), all.length, next));
    }
    return fhirResponse(
      {
        resourceType: 'OperationOutcome',
        issue: [{ severity: 'error', code: 'not-supported', diagnostics: url }],
      },
      400,
    );
  };
}
