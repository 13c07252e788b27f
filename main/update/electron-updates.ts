/**
 * The update driver wired to the real Electron and electron-updater (only main/app, main/update
 * and native/ import electron). electron-updater picks its class from the platform and the
 * package: NsisUpdater on Windows, AppImageUpdater or DebUpdater on Linux (resources/package-type).
 *
 * On Windows, NsisUpdater also checks the installer's Authenticode signature against the
 * publisherName electron-builder wrote into app-update.yml (electron-builder.config.cjs,
 * `win.signtoolOptions.publisherName`): that check stays on, in addition to Tabib's own.
 */
import { app } from 'electron';
// electron-updater is CommonJS and defines `autoUpdater` with a getter that Node's ESM named-export
// detection does not see: import the module object (electron-builder docs, "ESM and TypeScript").
import electronUpdater from 'electron-updater';
import type { ServiceHost } from '../services/service-host';
import { UpdateDriver } from './update-driver';

export function startUpdateDriver(services: ServiceHost): UpdateDriver {
  const driver = new UpdateDriver({
    updater: electronUpdater.autoUpdater,
    services,
    lifecycle: { onQuit: (handler) => app.on('quit', (_event, exitCode) => handler(exitCode)) },
  });
  driver.start();
  return driver;
}
