/**
 * Where Tabib keeps its files. The Node paths match Electron's `app.getPath('userData')` for the
 * product name "Tabib", so the CLI and the app share one data folder.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const PRODUCT_NAME = 'Tabib';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.TABIB_DATA_DIR) return env.TABIB_DATA_DIR;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), PRODUCT_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', PRODUCT_NAME);
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), PRODUCT_NAME);
}

/** The administrator's machine-wide configuration: writable only by administrators, read by every user. */
export function defaultMachineConfigPath(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): string {
  if (env.TABIB_MACHINE_CONFIG) return env.TABIB_MACHINE_CONFIG;
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', PRODUCT_NAME, 'config.json');
  if (platform === 'darwin') return join('/Library', 'Application Support', PRODUCT_NAME, 'config.json');
  return join('/etc', 'tabib', 'config.json');
}

export interface DataLayout {
  dataDir: string;
  userConfig: string;
  credentials: string;
  recordDatabase: string;
  /** The record database's key, wrapped by the OS keychain. */
  recordKey: string;
  keychainKeyFile: string;
  installationId: string;
}

export function dataLayout(dataDir: string): DataLayout {
  return {
    dataDir,
    userConfig: join(dataDir, 'config.json'),
    credentials: join(dataDir, 'credentials', 'workstation-key.bin'),
    recordDatabase: join(dataDir, 'record', 'tabib.db'),
    recordKey: join(dataDir, 'record', 'tabib.key.wrapped'),
    keychainKeyFile: join(dataDir, 'keychain', 'wrapping.key'),
    installationId: join(dataDir, 'installation-id'),
  };
}
