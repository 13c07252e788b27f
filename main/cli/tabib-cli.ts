/**
 * The `tabib` administrator CLI: the same services as the app, no window. Commands are plain
 * functions of (argv, host, output) so tests run them in-process.
 */
import { parseArgs } from 'node:util';
import type { AppInfo, HealthCheck, HealthReport } from '../contract/types';
import type { ServiceHost } from '../services/service-host';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

const usage = `Usage: tabib <command> [options]

Commands:
  --version            print the version
  doctor [--json]      check the data folder, keychain, database, national service and card readers
  help                 this text`;

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

async function call<T>(host: ServiceHost, name: string): Promise<T> {
  const envelope = await host.invoke(name, {});
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

/** Returns the process exit code. */
export async function runCli(argv: string[], host: ServiceHost, output: CliOutput): Promise<number> {
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
    output.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
}
