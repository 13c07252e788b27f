/**
 * Electron main: lifecycle, the one window, the app:// protocol, IPC registration. Everything it
 * serves comes from the services worker; this file stays thin glue.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, ipcMain, session, type BrowserWindow } from 'electron';
import { SafeStorageKeychain } from '../../native/keychain/safe-storage-keychain';
import { runCli } from '../cli/tabib-cli';
import { cscaTrustDir } from '../card/read-document';
import { defaultMachineConfigPath } from '../config/paths';
import type { ServiceEnvironment } from '../services/services';
import { WorkerHost } from '../services/worker-host';
import { startUpdateDriver } from '../update/electron-updates';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { registerContractIpc } from './contract-ipc';
import { electronPdfRenderer } from './pdf-printer';
import { applySessionPolicy, hardenAllWebContents } from './session-policy';
import { createMainWindow } from './window';

const here = fileURLToPath(new URL('.', import.meta.url));
const cliIndex = process.argv.indexOf('--cli');
const cliMode = cliIndex >= 0;
const devServerUrl = !app.isPackaged ? (process.env.ELECTRON_RENDERER_URL ?? null) : null;

app.setName('Tabib');
app.enableSandbox();
registerAppScheme();
hardenAllWebContents(app);

function serviceEnvironment(): ServiceEnvironment {
  return {
    dataDir: app.getPath('userData'),
    machineConfigPath: defaultMachineConfigPath(),
    resourcesDir: app.isPackaged
      ? join(process.resourcesPath, 'resources')
      : join(app.getAppPath(), 'resources'),
    appVersion: app.getVersion(),
    electronVersion: process.versions.electron ?? null,
  };
}

function startServices(): WorkerHost {
  return new WorkerHost({
    entry: join(here, 'worker.js'),
    env: serviceEnvironment(),
    keychain: new SafeStorageKeychain(),
    // Printouts: a hidden window's printToPDF, asked for by the services worker (main/print/).
    pdfRenderer: electronPdfRenderer(),
  });
}

async function runCliMode(): Promise<void> {
  await app.whenReady();
  const env = serviceEnvironment();
  const host = startServices();
  const code = await runCli(
    process.argv.slice(cliIndex + 1),
    host,
    {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    },
    { card: { trustDir: cscaTrustDir(env.resourcesDir) } },
  );
  await host.close();
  app.exit(code);
}

async function runWindowMode(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  let window: BrowserWindow | null = null;
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });

  await app.whenReady();
  applySessionPolicy(session.defaultSession);
  serveRenderer(session.defaultSession, join(here, '..', 'renderer'));
  const host = startServices();
  // The window's calls are checked against the session in the worker; the update driver's are the host's own.
  registerContractIpc(
    ipcMain,
    host.forRenderer(),
    () => window,
    devServerUrl ? new URL(devServerUrl).origin : null,
  );
  // Signed updates (main/update/): checks at start and every few hours; installs only what it verified.
  startUpdateDriver(host);

  window = createMainWindow({
    preloadPath: join(here, '..', 'preload', 'index.cjs'),
    allowDevTools: !app.isPackaged,
    ...(devServerUrl ? { url: devServerUrl } : {}),
  });
  window.on('closed', () => {
    window = null;
  });

  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', () => void host.close());
}

void (cliMode ? runCliMode() : runWindowMode());
