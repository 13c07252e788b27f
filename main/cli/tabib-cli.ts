/**
 * The `tabib` administrator CLI: the same services as the app, no window. Commands are plain
 * functions of (argv, host, output) so tests run them in-process.
 */
import { parseArgs } from 'node:util';
import type {
  AppInfo,
  AuditTrailEntry,
  HealthCheck,
  HealthReport,
  RecordStatus,
  SeedReport,
} from '../contract/types';
import { PcscCardReaders } from '../../native/card/pcsc-transport';
import { readIdentityDocument } from '../card/read-document';
import type { ServiceHost } from '../services/service-host';
import { type CardCommandDependencies, cardUsage, runCardCommand } from './card-commands';
import { imagingDependencies, imagingUsage, runImagingCommand } from './imaging-commands';
import { runSyncCommand, syncUsage } from './sync-commands';
import { releaseUsage, runReleaseCommand, runUpdateCommand } from './update-commands';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const usage = `Usage: tabib <command> [options]

Commands:
  --version            print the version
  doctor [--json]      check the data folder, keychain, database, national service and card readers
  record status [--json]
                       the local record: size, patients, resources, changes waiting for sync, cipher
  record rekey         re-encrypt the local record under a new random key
  audit --patient <id> [--json]
                       who opened or changed a patient's record
  demo seed --patients <n> [--seed <s>]
                       add synthetic patients (demonstration workstations only)
${syncUsage}
${releaseUsage}
${cardUsage}
${imagingUsage}
  help                 this text`;

const actionNames: Record<AuditTrailEntry['action'], string> = {
  C: 'create',
  R: 'open',
  U: 'update',
  D: 'delete',
  E: 'other',
};

export function formatAuditTrail(patientId: string, entries: AuditTrailEntry[]): string[] {
  const lines = [`Audit trail of Patient/${patientId}: ${entries.length} entries`];
  for (const entry of entries) {
    const who = entry.practitionerDisplay
      ? `${entry.practitionerDisplay} (${entry.practitioner})`
      : entry.practitioner;
    const what = [entry.entity, entry.description].filter(Boolean).join(' — ');
    lines.push(
      `${entry.recorded}  ${actionNames[entry.action].padEnd(6)}  ${who}  workstation ${entry.workstation}${what ? `  ${what}` : ''}`,
    );
  }
  return lines;
}

export function formatRecordStatus(status: RecordStatus): string[] {
  return [
    `Record: ${status.state}`,
    `  patients          ${status.patients}`,
    `  resources         ${status.resources}`,
    `  pending changes   ${status.pendingChanges}`,
    `  cipher            ${status.cipher} (key wrapped by ${status.keychainBackend})`,
    `  size              ${(status.sizeBytes / 2 ** 20).toFixed(1)} MiB`,
  ];
}

const statusMark = { ok: 'ok  ', warning: 'WARN', error: 'FAIL' } as const;

const checkTitles: Record<HealthCheck['id'], string> = {
  dataFolder: 'Data folder',
  configuration: 'Configuration',
  keychain: 'OS keychain',
  database: 'Record database',
  nationalService: 'National record service',
  cardReaders: 'Card readers (PC/SC)',
};

function formatFacts(facts: HealthCheck['facts']): string {
  return Object.entries(facts)
    .filter(([, value]) => value !== null && value !== '')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join('  ');
}

export function formatHealthReport(info: AppInfo, report: HealthReport): string[] {
  const runtime = `node ${info.runtime.node}${info.runtime.electron ? `, electron ${info.runtime.electron}` : ''}`;
  const lines = [
    `Tabib ${info.version} — ${runtime}, ${info.runtime.platform}/${info.runtime.arch}`,
    `Checked ${report.checkedAt}`,
    '',
  ];
  for (const check of report.checks) {
    lines.push(`[${statusMark[check.status]}] ${checkTitles[check.id].padEnd(26)} ${check.reason}`);
    const facts = formatFacts(check.facts);
    if (facts) lines.push(`       ${facts}`);
  }
  lines.push('', `Overall: ${report.status}`);
  return lines;
}

async function call<T>(host: ServiceHost, name: string, args: unknown = {}): Promise<T> {
  const envelope = await host.invoke(name, args);
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

/** PC/SC readers and the ICAO 9303 read; the trust list's folder comes from the caller (resources/). */
const defaultCardDependencies: CardCommandDependencies = {
  openReaders: () => new PcscCardReaders(),
  readIdentityDocument,
  trustDir: null,
};

/** Returns the process exit code. */
export async function runCli(
  argv: string[],
  host: ServiceHost,
  output: CliOutput,
  devices: { card?: Partial<CardCommandDependencies> } = {},
): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case '--version':
      case 'version': {
        const info = await call<AppInfo>(host, 'app.info');
        output.out(info.version);
        return 0;
      }
      case 'doctor': {
        const { values } = parseArgs({
          args: rest,
          options: { json: { type: 'boolean', default: false } },
          strict: true,
        });
        const info = await call<AppInfo>(host, 'app.info');
        const report = await call<HealthReport>(host, 'app.health');
        if (values.json) output.out(JSON.stringify({ info, report }, null, 2));
        else for (const line of formatHealthReport(info, report)) output.out(line);
        return report.status === 'error' ? 1 : 0;
      }
      case 'record': {
        const [sub, ...options] = rest;
        const { values } = parseArgs({
          args: options,
          options: { json: { type: 'boolean', default: false } },
          strict: true,
        });
        if (sub === 'status') {
          const status = await call<RecordStatus>(host, 'record.status');
          if (values.json) output.out(JSON.stringify(status, null, 2));
          else for (const line of formatRecordStatus(status)) output.out(line);
          return 0;
        }
        if (sub === 'rekey') {
          const { pages } = await call<{ pages: number }>(host, 'record.rekey');
          output.out(`The record was re-encrypted under a new key (${pages} pages).`);
          return 0;
        }
        output.err(`Unknown record command: ${sub ?? ''}\n\n${usage}`);
        return 2;
      }
      case 'audit': {
        const { values } = parseArgs({
          args: rest,
          options: { patient: { type: 'string' }, json: { type: 'boolean', default: false } },
          strict: true,
        });
        if (!values.patient) {
          output.err(`audit needs --patient <id>\n\n${usage}`);
          return 2;
        }
        const entries = await call<AuditTrailEntry[]>(host, 'record.auditTrail', {
          patientId: values.patient,
        });
        if (values.json) output.out(JSON.stringify(entries, null, 2));
        else for (const line of formatAuditTrail(values.patient, entries)) output.out(line);
        return 0;
      }
      case 'demo': {
        const [sub, ...options] = rest;
        const { values } = parseArgs({
          args: options,
          options: { patients: { type: 'string' }, seed: { type: 'string' } },
          strict: true,
        });
        if (sub !== 'seed' || !values.patients) {
          output.err(`Usage: demo seed --patients <n> [--seed <s>]\n\n${usage}`);
          return 2;
        }
        const report = await call<SeedReport>(host, 'demo.seed', {
          patients: Number(values.patients),
          ...(values.seed !== undefined ? { seed: Number(values.seed) } : {}),
        });
        output.out(
          `Seeded ${report.patients} synthetic patients (${report.resources} resources) in ${(report.milliseconds / 1000).toFixed(1)} s.`,
        );
        return 0;
      }
      case 'release':
        return await runReleaseCommand(rest, host, output);
      case 'update':
        return await runUpdateCommand(rest, host, output);
      case 'sync':
        return await runSyncCommand(rest, host, output);
      case 'imaging':
        return await runImagingCommand(rest, imagingDependencies(host), output);
      case 'card':
        return await runCardCommand(rest, { ...defaultCardDependencies, ...devices.card }, output);
      case undefined:
      case 'help':
      case '--help':
        output.out(usage);
        return command === undefined ? 2 : 0;
      default:
        output.err(`Unknown command: ${command}\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    // An unknown option or a missing value (node:util parseArgs): the caller's words, not a failure.
    if ((error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS_')) {
      output.err(`${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    output.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
