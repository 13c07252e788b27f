/**
 * `tabib release …` (the ministry's release machine: keys, signing, verification of what is
 * published) and `tabib update status` (a workstation's update state and decision log).
 *
 * keygen, keys and sign work on local files and need no services; verify goes through the
 * services, so it judges a release with the workstation's own trusted keys, and status reads the
 * same log the Administration screen shows.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ReleaseVerification, UpdateChannel, UpdateLogEntry, UpdateStatus } from '../contract/types';
import { updateChannels } from '../contract/types';
import { TabibError } from '../errors';
import type { ServiceHost } from '../services/service-host';
import { keygen, makeKeyList, signRelease } from '../update/release-tool';

export interface CommandOutput {
  out(line: string): void;
  err(line: string): void;
}

export const releaseUsage = `  release keygen [--out <dir>] [--name <holder>]
                       make an Ed25519 signing key pair (private key PEM, public key JSON)
  release keys --add <public.json>... [--from <keys.json>] [--retire <keyId>...] [--key <private.pem>...] --out <file>
                       make the first key list, or the next one of the rotation chain
  release sign --channel <stable|pilot> [--key <private.pem>] [--rollout <0-100>] [--expires-days <n>]
               [--minimum-version <v>] [--version <v>] <dir>
                       sign the release in <dir> (TABIB_RELEASE_KEY names the key if --key is absent)
  release verify [--keys <keys.json>] [--json] <url>
                       check a published release as a workstation would: keys, signature, files, feeds
  update status [--json]
                       this workstation's update policy, state and decision log`;

async function call<T>(host: ServiceHost, name: string, args: unknown = {}): Promise<T> {
  const envelope = await host.invoke(name, args);
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as T;
}

function integer(value: string | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new Error(`${option} must be a whole number`);
  return Number(value);
}

export function formatVerification(result: ReleaseVerification): string[] {
  const lines = [`Release ${result.manifestUrl}`];
  if (result.manifest) {
    const m = result.manifest;
    lines.push(
      `  version         ${m.version} (${m.channel})`,
      `  signed by       ${result.keyId ?? '—'} (key list version ${result.trustedKeysVersion ?? '—'})`,
      `  release date    ${m.releaseDate}`,
      `  expires         ${m.expires}`,
      `  minimum version ${m.minimumVersion ?? '—'}`,
      `  rollout         ${m.rollout} %${m.rollout === 0 ? ' (halted)' : ''}`,
      `  this workstation bucket ${result.thisInstallation.bucket.toFixed(2)}: ${result.thisInstallation.inRollout ? 'takes it' : 'does not take it'}`,
    );
  }
  for (const file of result.files) {
    lines.push(
      `  [${file.status === 'ok' ? 'ok  ' : 'FAIL'}] ${file.url} ${file.size} bytes${file.detail ? ` — ${file.detail}` : ''}`,
    );
  }
  for (const feed of result.feeds) {
    lines.push(
      `  [${feed.status === 'ok' ? 'ok  ' : 'FAIL'}] ${feed.name}${feed.detail ? ` — ${feed.detail}` : ''}`,
    );
  }
  lines.push(
    result.ok
      ? 'Verified: workstations will accept this release.'
      : `REFUSED: ${result.reason ?? 'unknown'}${result.detail ? ` — ${result.detail}` : ''}`,
  );
  return lines;
}

function formatEntry(entry: UpdateLogEntry): string {
  const facts = Object.entries(entry.details)
    .filter(([, value]) => value !== null && value !== '')
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(' ');
  return [entry.at, entry.event.padEnd(15), entry.reason ?? '', entry.version ?? '', facts]
    .filter(Boolean)
    .join('  ');
}

export function formatUpdateStatus(status: UpdateStatus): string[] {
  const policy = status.policy;
  const window = policy.maintenanceWindow
    ? `${policy.maintenanceWindow.start}–${policy.maintenanceWindow.end}`
    : 'none (at the next restart)';
  return [
    `Installed version  ${status.installedVersion}`,
    `Update server      ${policy.url ?? 'not configured (machine-wide configuration, key "update")'}`,
    `Channel            ${policy.channel}, checked every ${policy.checkIntervalHours} h, maintenance window ${window}`,
    `State              ${status.state}${status.ready ? ` — ${status.ready.version} ready to install` : ''}`,
    `Rollout bucket     ${status.rolloutBucket.toFixed(2)} (installation ${status.installationId})`,
    `Trusted keys       list version ${status.trustedKeys.version}: ${status.trustedKeys.keyIds.join(', ') || 'none'}`,
    '',
    `Decision log (newest first, ${status.history.length} shown):`,
    ...status.history.map((entry) => `  ${formatEntry(entry)}`),
  ];
}

/** Returns the process exit code. */
export async function runReleaseCommand(
  argv: string[],
  host: ServiceHost,
  output: CommandOutput,
): Promise<number> {
  try {
    return await releaseCommand(argv, host, output);
  } catch (error) {
    // The release tool's refusals carry a code, as the services' errors do (`CODE: message`).
    if (!(error instanceof TabibError)) throw error;
    output.err(`${error.code}: ${error.message}`);
    return 1;
  }
}

async function releaseCommand(argv: string[], host: ServiceHost, output: CommandOutput): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'keygen': {
      const { values } = parseArgs({
        args: rest,
        options: { out: { type: 'string', default: '.' }, name: { type: 'string' } },
        strict: true,
      });
      const key = keygen({ outDir: resolve(values.out), ...(values.name ? { name: values.name } : {}) });
      output.out(`Key ${key.keyId}`);
      output.out(`  private key  ${key.privateKeyFile}  (keep it offline; it signs releases)`);
      output.out(`  public key   ${key.publicKeyFile}  (add it to a key list: tabib release keys --add)`);
      return 0;
    }
    case 'keys': {
      const { values } = parseArgs({
        args: rest,
        options: {
          from: { type: 'string' },
          add: { type: 'string', multiple: true, default: [] },
          retire: { type: 'string', multiple: true, default: [] },
          key: { type: 'string', multiple: true, default: [] },
          out: { type: 'string' },
        },
        strict: true,
      });
      if (!values.out) {
        output.err(`release keys needs --out <file>\n\n${releaseUsage}`);
        return 2;
      }
      const envelope = makeKeyList({
        ...(values.from ? { from: values.from } : {}),
        add: values.add,
        retire: values.retire,
        signWith: values.key,
        out: values.out,
      });
      output.out(
        `Key list version ${envelope.signed.version} (${envelope.signed.keys.map((key) => key.keyId).join(', ')}), ` +
          `signed by ${envelope.signatures.map((item) => item.keyId).join(', ') || 'nobody'}: ${values.out}`,
      );
      if (envelope.signed.version > 1) {
        output.out(
          `Publish it as <server>/keys/${envelope.signed.version}.json, and ship it in resources/update/keys.json.`,
        );
      }
      return 0;
    }
    case 'sign': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: {
          channel: { type: 'string' },
          key: { type: 'string' },
          rollout: { type: 'string' },
          'expires-days': { type: 'string' },
          'minimum-version': { type: 'string' },
          version: { type: 'string' },
        },
        allowPositionals: true,
        strict: true,
      });
      const dir = positionals[0];
      const keyFile = values.key ?? process.env.TABIB_RELEASE_KEY;
      if (
        !dir ||
        !values.channel ||
        !(updateChannels as readonly string[]).includes(values.channel) ||
        !keyFile
      ) {
        output.err(
          `release sign needs --channel <stable|pilot>, a key (--key or TABIB_RELEASE_KEY) and <dir>\n\n${releaseUsage}`,
        );
        return 2;
      }
      const signed = await signRelease({
        dir,
        channel: values.channel as UpdateChannel,
        keyFile,
        rollout: integer(values.rollout, 100, '--rollout'),
        expiresDays: integer(values['expires-days'], 30, '--expires-days'),
        minimumVersion: values['minimum-version'] ?? null,
        ...(values.version ? { version: values.version } : {}),
        now: new Date(),
      });
      const m = signed.manifest;
      output.out(`Signed ${m.version} for ${m.channel} with key ${signed.keyId}: ${signed.manifestFile}`);
      output.out(
        `  rollout ${m.rollout} %, expires ${m.expires}${m.minimumVersion ? `, minimum version ${m.minimumVersion}` : ''}`,
      );
      for (const file of m.files) output.out(`  ${file.url}  ${file.size} bytes`);
      if (signed.feedsChecked.length > 0) output.out(`  feeds checked: ${signed.feedsChecked.join(', ')}`);
      if (signed.feedsWritten.length > 0) output.out(`  feeds written: ${signed.feedsWritten.join(', ')}`);
      output.out(
        `Upload the folder's files to <server>/${m.channel}/, then: tabib release verify <server>/${m.channel}/`,
      );
      return 0;
    }
    case 'verify': {
      const { values, positionals } = parseArgs({
        args: rest,
        options: { keys: { type: 'string' }, json: { type: 'boolean', default: false } },
        allowPositionals: true,
        strict: true,
      });
      const url = positionals[0];
      if (!url) {
        output.err(`release verify needs <url>\n\n${releaseUsage}`);
        return 2;
      }
      const result = await call<ReleaseVerification>(host, 'release.verify', {
        url,
        ...(values.keys ? { keysFile: resolve(values.keys) } : {}),
      });
      if (values.json) output.out(JSON.stringify(result, null, 2));
      else for (const line of formatVerification(result)) output.out(line);
      return result.ok ? 0 : 1;
    }
    default:
      output.err(`Unknown release command: ${sub ?? ''}\n\n${releaseUsage}`);
      return 2;
  }
}

export async function runUpdateCommand(
  argv: string[],
  host: ServiceHost,
  output: CommandOutput,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'status') {
    output.err(`Unknown update command: ${sub ?? ''}\n\n${releaseUsage}`);
    return 2;
  }
  const { values } = parseArgs({
    args: rest,
    options: { json: { type: 'boolean', default: false } },
    strict: true,
  });
  const status = await call<UpdateStatus>(host, 'update.status');
  if (values.json) output.out(JSON.stringify(status, null, 2));
  else for (const line of formatUpdateStatus(status)) output.out(line);
  return 0;
}
