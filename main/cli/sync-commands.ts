/**
 * `tabib sync --once` (one sync now, as the background would run it, recorded as the CLI's) and
 * `tabib sync status` (the state, counts and run history the Sync page shows).
 */
import { parseArgs } from 'node:util';
import type { SyncRunView, SyncStatus } from '../contract/types';
import type { ServiceHost } from '../services/service-host';

export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export const syncUsage = `  sync --once [--json]  sync with the national record service now: push local changes, then pull
  sync status [--json]  last success and attempt, changes waiting, open conflicts, last error, run history`;

async function call<T>(host: ServiceHost, name: string, args: unknown = {}): Promise<T> {
  const envelope = await host.invoke(name, args);
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

const stateText: Record<SyncStatus['state'], string> = {
  disabled: 'disabled',
  syncing: 'syncing',
  conflicts: 'conflicts waiting for a clinician',
  offline: 'national service unreachable',
  failed: 'last sync failed',
  pending: 'local changes waiting',
  upToDate: 'up to date',
  never: 'never synced',
};

export function formatSyncRun(run: SyncRunView): string {
  const error = run.error ? `  ${run.error.code}: ${run.error.message}` : '';
  return `#${run.seq}  ${run.started}  ${run.trigger.padEnd(9)} ${run.outcome.padEnd(11)} pushed ${run.pushed}, pulled ${run.pulled}, conflicts ${run.conflicts}${error}`;
}

export function formatSyncStatus(status: SyncStatus): string[] {
  const disabled =
    status.disabledReason === 'demo'
      ? ' (a demonstration: not connected to a national record service)'
      : status.disabledReason === 'notEnrolled'
        ? ' (not enrolled with a national record service)'
        : '';
  return [
    `Sync: ${stateText[status.state]}${disabled}`,
    `  last success      ${status.lastSuccess ?? 'never'}`,
    `  last attempt      ${status.lastAttempt ?? 'never'}`,
    `  pending changes   ${status.pendingChanges}`,
    `  open conflicts    ${status.openConflicts}`,
    `  last error        ${status.lastError ? `${status.lastError.code}: ${status.lastError.message} (${status.lastError.at})` : 'none'}`,
    `  interval          ${status.intervalSeconds} s${status.nextRun ? `, next run ${status.nextRun}` : ''}`,
    '',
    `Runs (newest first, ${status.history.length} shown):`,
    ...status.history.map((run) => `  ${formatSyncRun(run)}`),
  ];
}

/** Returns the process exit code: 1 when the sync failed. */
export async function runSyncCommand(
  argv: string[],
  host: ServiceHost,
  output: CommandOutput,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { once: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const [sub] = positionals;
  if (values.once && positionals.length === 0) {
    const run = await call<SyncRunView>(host, 'sync.runOnce');
    if (values.json) output.out(JSON.stringify(run, null, 2));
    else output.out(formatSyncRun(run));
    return run.outcome === 'ok' ? 0 : 1;
  }
  if (sub === 'status' && positionals.length === 1 && !values.once) {
    const status = await call<SyncStatus>(host, 'sync.status');
    if (values.json) output.out(JSON.stringify(status, null, 2));
    else for (const line of formatSyncStatus(status)) output.out(line);
    return 0;
  }
  output.err(`Usage:\n${syncUsage}`);
  return 2;
}
