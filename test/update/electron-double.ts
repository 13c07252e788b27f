/**
 * The `electron` module, replaced for electron-updater and nothing else of it.
 *
 * electron-updater is CommonJS in node_modules and calls `require("electron")` at run time, out of
 * vitest's module graph, so `vi.mock('electron')` does not reach it; the double goes into Node's
 * require cache instead. It provides what electron-updater uses: `app` (version, paths,
 * isPackaged, whenReady, quit — ElectronAppAdapter.ts), `net.request` and `session.fromPartition`
 * (electronHttpExecutor.ts; Electron's ClientRequest has the shape of node:http's for what is
 * used: the 'response' event, headers, status, a readable body) and `autoUpdater` (an emitter
 * BaseUpdater.quitAndInstall signals). Everything else — the generic provider, the feed parser,
 * the download, its SHA-512 check, the cache — is the real electron-updater.
 */
import { EventEmitter } from 'node:events';
import { request } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const electronPath = require.resolve('electron');

export interface ElectronDouble {
  app: EventEmitter & { quits: number };
  uninstall(): void;
}

export function installElectronDouble(options: {
  version: string;
  userData: string;
  appPath: string;
}): ElectronDouble {
  const app = Object.assign(new EventEmitter(), {
    quits: 0,
    isPackaged: true,
    getVersion: () => options.version,
    getName: () => 'Tabib',
    getPath: (name: string) => (name === 'userData' ? options.userData : options.appPath),
    getAppPath: () => options.appPath,
    whenReady: () => Promise.resolve(),
    quit() {
      app.quits += 1;
    },
    relaunch: () => undefined,
  });
  const exports = {
    app,
    net: { request: (requestOptions: Parameters<typeof request>[0]) => request(requestOptions) },
    session: { fromPartition: () => ({}) },
    autoUpdater: new EventEmitter(),
  };
  require.cache[electronPath] = {
    id: electronPath,
    filename: electronPath,
    loaded: true,
    exports,
  } as NodeJS.Module;
  return {
    app,
    uninstall() {
      Reflect.deleteProperty(require.cache, electronPath);
    },
  };
}
