/**
 * One workstation and one update server, for the update tests: a ministry signing key made by the
 * release tool and shipped in the workstation's resources/update/keys.json; the server's folder;
 * releases published with `signRelease` exactly as an administrator would; the workstation's
 * services in-process on a temporary data folder; and electron-updater's real DebUpdater driven
 * by Tabib's UpdateDriver, with only Electron itself doubled (electron-double.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DebUpdater } from 'electron-updater';
import { vi } from 'vitest';
import type { ConfigFile } from '../../main/config/schema';
import type { UpdateChannel, UpdateLogEntry, UpdateStatus } from '../../main/contract/types';
import { InProcessHost } from '../../main/services/in-process-host';
import {
  keygen,
  makeKeyList,
  signRelease,
  type GeneratedKey,
  type SignedRelease,
} from '../../main/update/release-tool';
import { UpdateDriver } from '../../main/update/update-driver';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { installElectronDouble, type ElectronDouble } from './electron-double';
import { startUpdateServer, type UpdateServer } from './update-server';

export interface PublishOptions {
  version: string;
  channel?: UpdateChannel;
  rollout?: number;
  minimumVersion?: string | null;
  /** When the administrator signed; the manifest expires `expiresDays` later. */
  signedAt?: Date;
  expiresDays?: number;
  key?: GeneratedKey;
}

export interface Workstation {
  host: InProcessHost;
  driver: UpdateDriver;
  updater: DebUpdater;
  /** quitAndInstall calls: (isSilent, isForceRunAfter). Installing would run dpkg: it is recorded instead. */
  installs: [boolean | undefined, boolean | undefined][];
  /** Electron's app quitting with this exit code. */
  quit(exitCode: number): void;
  status(): Promise<UpdateStatus>;
  /** The update log, oldest first. */
  log(): Promise<UpdateLogEntry[]>;
  close(): Promise<void>;
}

export interface UpdateWorld {
  root: string;
  /** The server's folder. */
  www: string;
  server: UpdateServer;
  ministryKey: GeneratedKey;
  newKey(name: string): GeneratedKey;
  publish(options: PublishOptions): Promise<SignedRelease>;
  workstation(options: {
    installed: string;
    update?: NonNullable<ConfigFile['update']>;
    dataDir?: string;
    /** The installation's id (main/config/installation-id.ts), to place it in a rollout. */
    installationId?: string;
    clock?: () => Date;
  }): Promise<Workstation>;
  close(): Promise<void>;
}

export async function createUpdateWorld(): Promise<UpdateWorld> {
  const root = mkdtempSync(join(tmpdir(), 'tabib-update-'));
  const www = join(root, 'www');
  const keysDir = join(root, 'release-keys');
  const resourcesDir = join(root, 'resources');
  mkdirSync(www, { recursive: true });
  mkdirSync(keysDir, { recursive: true });
  mkdirSync(join(resourcesDir, 'update'), { recursive: true });

  const ministryKey = keygen({ outDir: keysDir, name: 'Ministry release key 2026' });
  makeKeyList({
    add: [ministryKey.publicKeyFile],
    retire: [],
    signWith: [ministryKey.privateKeyFile],
    out: join(resourcesDir, 'update', 'keys.json'),
  });
  const server = await startUpdateServer(www);
  const closers: (() => Promise<void> | void)[] = [];

  return {
    root,
    www,
    server,
    ministryKey,
    newKey: (name) => keygen({ outDir: keysDir, name }),
    async publish(options) {
      const channel = options.channel ?? 'stable';
      const dir = join(www, channel);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      // Two installers, as electron-builder makes for Linux; DebUpdater takes the .deb.
      writeFileSync(join(dir, `tabib_${options.version}_amd64.deb`), randomBytes(256 * 1024));
      writeFileSync(join(dir, `Tabib-${options.version}.AppImage`), randomBytes(128 * 1024));
      return signRelease({
        dir,
        channel,
        keyFile: (options.key ?? ministryKey).privateKeyFile,
        version: options.version,
        rollout: options.rollout ?? 100,
        expiresDays: options.expiresDays ?? 30,
        minimumVersion: options.minimumVersion ?? null,
        now: options.signedAt ?? new Date(),
      });
    },
    async workstation(options) {
      const dir = mkdtempSync(join(root, 'workstation-'));
      const dataDir = options.dataDir ?? join(dir, 'data');
      const machineConfigPath = join(dir, 'machine.json');
      if (options.installationId) {
        mkdirSync(dataDir, { recursive: true });
        writeFileSync(join(dataDir, 'installation-id'), `${options.installationId}\n`);
      }
      writeFileSync(machineConfigPath, JSON.stringify({ update: options.update ?? { url: server.url } }));
      const host = new InProcessHost(
        { dataDir, machineConfigPath, resourcesDir, appVersion: options.installed, electronVersion: null },
        new KeyFileKeychain(join(dataDir, 'keychain', 'wrapping.key')),
      );
      // What electron-builder writes into the packaged app's resources (app-update.yml).
      const appResources = join(dir, 'app-resources');
      mkdirSync(appResources, { recursive: true });
      writeFileSync(
        join(appResources, 'app-update.yml'),
        `provider: generic\nurl: ${server.url}stable\nupdaterCacheDirName: tabib-updater\n`,
      );
      // electron-updater's cache (AppAdapter.getAppCacheDir) and Electron's process.resourcesPath.
      vi.stubEnv('XDG_CACHE_HOME', join(dir, 'cache'));
      Object.defineProperty(process, 'resourcesPath', {
        value: appResources,
        configurable: true,
        writable: true,
      });
      const electron: ElectronDouble = installElectronDouble({
        version: options.installed,
        userData: dataDir,
        appPath: dir,
      });
      const updater = new DebUpdater();
      updater.logger = null;
      const installs: Workstation['installs'] = [];
      vi.spyOn(updater, 'quitAndInstall').mockImplementation((isSilent, isForceRunAfter) => {
        installs.push([isSilent, isForceRunAfter]);
      });
      const quitHandlers: ((exitCode: number) => void)[] = [];
      const driver = new UpdateDriver({
        updater,
        services: host,
        lifecycle: { onQuit: (handler) => quitHandlers.push(handler) },
        ...(options.clock ? { clock: options.clock } : {}),
      });
      const call = async <T>(name: string): Promise<T> => {
        const envelope = await host.invoke(name, {});
        if (!envelope.ok) throw new Error(envelope.error.message);
        return envelope.value as T;
      };
      let closed = false;
      const workstation: Workstation = {
        host,
        driver,
        updater,
        installs,
        quit: (exitCode) => quitHandlers.forEach((handler) => handler(exitCode)),
        status: () => call<UpdateStatus>('update.status'),
        log: async () => [...(await call<UpdateStatus>('update.status')).history].reverse(),
        async close() {
          if (closed) return;
          closed = true;
          driver.stop();
          await host.close();
          electron.uninstall();
          vi.unstubAllEnvs();
          Reflect.deleteProperty(process, 'resourcesPath');
        },
      };
      closers.push(() => workstation.close());
      return workstation;
    },
    async close() {
      for (const close of closers.reverse()) await close();
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** The files of a folder on the server, for saying what was left untouched. */
export function filesIn(dir: string): string[] {
  return readdirSync(dir).sort();
}
