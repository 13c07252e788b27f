/**
 * `npm run tabib -- <command>`: the administrator CLI under plain Node, on the same data folder as
 * the app. Under plain Node the OS keychain (Electron safeStorage) is out of reach, so secrets are
 * wrapped with a key file; the packaged app runs the same commands with `Tabib --cli <command>`
 * against the real keychain (main/app/index.ts).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KeyFileKeychain } from '../native/keychain/key-file-keychain';
import { runCli } from './cli/tabib-cli';
import { dataLayout, defaultDataDir, defaultMachineConfigPath } from './config/paths';
import { InProcessHost } from './services/in-process-host';
import { cscaTrustDir } from './card/read-document';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const dataDir = defaultDataDir();
const host = new InProcessHost(
  {
    dataDir,
    machineConfigPath: defaultMachineConfigPath(),
    resourcesDir: join(root, 'resources'),
    appVersion: pkg.version,
    electronVersion: null,
  },
  new KeyFileKeychain(dataLayout(dataDir).keychainKeyFile),
);

const code = await runCli(
  process.argv.slice(2),
  host,
  {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  },
  { card: { trustDir: cscaTrustDir(join(root, 'resources')) } },
);
await host.close();
process.exitCode = code;
