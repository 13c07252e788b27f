/**
 * The packaging configuration (electron-builder.config.cjs), checked here because `npm run package`
 * needs Electron's binary and headers, which the build machines cannot download.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseShippedKeyList } from '../../main/update/trusted-keys';

const repository = resolve(import.meta.dirname, '..', '..');
const configPath = join(repository, 'electron-builder.config.cjs');
const require = createRequire(import.meta.url);

interface PackagingConfig {
  appId: string;
  asarUnpack: string[];
  extraResources: { from: string; to: string; filter: string[] }[];
  nsis: { artifactName: string; perMachine: boolean; oneClick: boolean; deleteAppDataOnUninstall: boolean };
  linux: { target: string[]; icon: string };
  win: {
    target: { target: string }[];
    icon: string;
    verifyUpdateCodeSignature: boolean;
    signtoolOptions: { publisherName: string[] | null };
  };
  publish: { provider: string }[];
  beforePack: (context: { electronPlatformName: string }) => Promise<void>;
}

/** The configuration as electron-builder would load it, under the given environment. */
function loadConfig(env: Record<string, string | undefined> = {}): PackagingConfig {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  try {
    Reflect.deleteProperty(require.cache, configPath);
    return require(configPath) as PackagingConfig;
  } finally {
    vi.unstubAllEnvs();
  }
}

afterEach(() => {
  Reflect.deleteProperty(require.cache, configPath);
});

describe('electron-builder configuration', () => {
  const config = loadConfig({ TABIB_WINDOWS_PUBLISHER: undefined });

  it('builds a per-machine NSIS installer for Windows, an AppImage and a deb for Linux', () => {
    expect(config.appId).toBe('org.tabib.workstation');
    expect(config.win.target.map((target) => target.target)).toEqual(['nsis']);
    expect(config.nsis).toMatchObject({ perMachine: true, oneClick: false, deleteAppDataOnUninstall: false });
    // The installer's name is the one its feed lists: a generic server serves files by their names.
    expect(config.nsis.artifactName).not.toMatch(/\s/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
  });

  it('uses icons that exist in resources/, and unpacks native modules from the ASAR', () => {
    for (const icon of [config.win.icon, config.linux.icon])
      expect(existsSync(join(repository, icon)), icon).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('ships the update keys in resources/, and they parse as a key list', () => {
    expect(config.extraResources).toContainEqual(
      expect.objectContaining({ from: 'resources', to: 'resources' }),
    );
    const list = parseShippedKeyList(readFileSync(join(repository, 'resources', 'update', 'keys.json')));
    expect(list.version).toBeGreaterThanOrEqual(1);
  });

  it('publishes a generic feed, so electron-builder writes app-update.yml and latest*.yml', () => {
    expect(config.publish[0]?.provider).toBe('generic');
  });

  it('keeps electron-updater’s Authenticode check on, with the publisher from TABIB_WINDOWS_PUBLISHER', async () => {
    expect(config.win.verifyUpdateCodeSignature).toBe(true);
    const signed = loadConfig({
      TABIB_WINDOWS_PUBLISHER: 'Ministère de la Santé, Royaume du Maroc, Ministry of Health',
    });
    expect(signed.win.signtoolOptions.publisherName).toEqual([
      'Ministère de la Santé',
      'Royaume du Maroc',
      'Ministry of Health',
    ]);
    await expect(signed.beforePack({ electronPlatformName: 'win32' })).resolves.toBeUndefined();
  });

  it('refuses to package for Windows without a publisher; Linux needs none', async () => {
    await expect(config.beforePack({ electronPlatformName: 'win32' })).rejects.toThrow(
      /TABIB_WINDOWS_PUBLISHER/,
    );
    await expect(config.beforePack({ electronPlatformName: 'linux' })).resolves.toBeUndefined();
  });
});
