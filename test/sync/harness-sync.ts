/**
 * A simulated national record service for the e2e harness (test/e2e/harness.ts): the `push` and
 * `pull` the sync engine runs, driven by a control file (test/sync/harness-sync-control.ts) so a
 * test can show each state of the sync indicator. The services run in a worker thread, so the
 * environment names this module (built to out/test/harness-sync.cjs by test/e2e/global-setup.ts)
 * and the worker calls createSyncFunctions. The real pull.ts and push.ts replace it in the app.
 *
 * The push acknowledges the outbox as a server would (the entries go, the resources get a server
 * version), except resources held by an open conflict; the pull applies nothing but its count.
 */
import { existsSync, readFileSync } from 'node:fs';
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
