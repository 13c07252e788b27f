/** A workstation for CLI tests: the services in-process on a temporary data folder, and `run` as an administrator types. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCli } from '../../main/cli/tabib-cli';
import { InProcessHost } from '../../main/services/in-process-host';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';

export const repository = resolve(import.meta.dirname, '..', '..');

export function cliWorkstation(prefix = 'tabib-cli-') {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const dataDir = join(dir, 'data');
  const host = new InProcessHost(
    {
      dataDir,
      machineConfigPath: join(dir, 'machine.json'),
      resourcesDir: join(repository, 'resources'),
      appVersion: '3.1.4',
      electronVersion: null,
    },
    new KeyFileKeychain(join(dataDir, 'keychain', 'wrapping.key')),
  );
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
  return { dir, dataDir, host, run, close };
}
