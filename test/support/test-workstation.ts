/**
 * A workstation for tests that go through the services as the CLI does: the services in-process
 * (InProcessHost) on a temporary data folder, with the key-file keychain; `call` is a contract
 * call (its error thrown with code and details), `run` the `tabib` command as an administrator types it.
 * `rendererCall` makes the call as the window would, checked against the session
 * (main/auth/call-guard.ts); `signInAs(role)` signs a practitioner of that role in (their account
 * made first), so what the test then writes is theirs in the audit trail.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../main/cli/tabib-cli';
import type { ConfigFile } from '../../main/config/schema';
import type { AuthStatus } from '../../main/contract/auth-types';
import type { Envelope } from '../../main/contract/errors';
import type { Role } from '../../main/contract/permissions';
import { InProcessHost } from '../../main/services/in-process-host';
import type { ServiceDevices, ServiceEnvironment } from '../../main/services/services';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';

export const repository = resolve(import.meta.dirname, '..', '..');

export interface TestWorkstationOptions {
  /** The temporary folder's name prefix. */
  prefix?: string;
  /** The user's configuration file, written before the services start. */
  userConfig?: ConfigFile | null;
  /** More of the environment (a simulator, a fixed moment), given the workstation's folder. */
  env?: (dir: string) => Partial<ServiceEnvironment>;
  /** What the test's thread provides to the services (e.g. a PDF renderer). */
  devices?: ServiceDevices;
}

/** The password signInAs gives an account (the policy wants ten characters, not the user name). */
export const testPassword = (username: string): string => `pass-${[...username].reverse().join('')}-2026`;

export function testWorkstation(options: TestWorkstationOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), options.prefix ?? 'tabib-workstation-'));
  const dataDir = join(dir, 'data');
  if (options.userConfig) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'config.json'), JSON.stringify(options.userConfig));
  }
  const host = new InProcessHost(
    {
      dataDir,
      machineConfigPath: join(dir, 'machine.json'),
      resourcesDir: join(repository, 'resources'),
      appVersion: '3.1.4',
      electronVersion: null,
      ...options.env?.(dir),
    },
    new KeyFileKeychain(join(dataDir, 'keychain', 'wrapping.key')),
    options.devices,
  );
  const unwrap = <T>(envelope: Envelope<T>): T => {
    if (!envelope.ok) throw Object.assign(new Error(envelope.error.message), envelope.error);
    return envelope.value;
  };
  const call = async <T>(name: string, args: unknown = {}): Promise<T> =>
    unwrap((await host.invoke(name, args)) as Envelope<T>);
  const renderer = host.forRenderer();
  const rendererCall = async <T>(name: string, args: unknown = {}): Promise<T> =>
    unwrap((await renderer.invoke(name, args)) as Envelope<T>);
  const signInAs = async (role: Role, username: string = role): Promise<AuthStatus> => {
    const password = testPassword(username);
    const accounts = await call<{ username: string }[]>('users.list');
    if (!accounts.some((account) => account.username === username))
      await call('users.create', { username, displayName: `${role} ${username}`, roles: [role], password });
    return rendererCall<AuthStatus>('auth.signIn', { username, password });
  };
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(argv, host, { out: (line) => out.push(line), err: (line) => err.push(line) });
    return { code, out, err };
  };
  const close = async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, dataDir, host, call, rendererCall, signInAs, run, close };
}
