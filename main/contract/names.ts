/**
 * The contract's names alone, without schemas, for the preload (which must stay small and
 * dependency-free). contract.ts is typed against these lists, so a call or event declared in one
 * and not the other fails to compile.
 */
export const callNames = [
  'app.info',
  'app.health',
  'config.get',
  'settings.setLanguage',
  'setup.enrol',
  'setup.startDemo',
  'record.status',
  'patients.search',
  'patients.openChart',
  'patients.fetchNational',
  'update.status',
  'update.respondToInstall',
  'card.readers',
  'card.checkAccess',
  'card.read',
  'card.readMrz',
  'sync.status',
  'sync.runNow',
  'sync.reconnected',
  'sync.conflicts',
  'sync.resolveConflict',
] as const;
export type RendererCallName = (typeof callNames)[number];

/**
 * Calls for administrators: the `tabib` CLI reaches them through the same services, but they are
 * never registered on IPC nor exposed to the renderer (rotating the record's key, reading the
 * audit trail, seeding synthetic data, verifying a published release). The `update.*` ones here
 * are made by Electron main's update driver (main/update/update-driver.ts) as it steps
 * electron-updater through a signed update: a renderer must never report a download verified.
 */
export const adminCallNames = [
  'record.rekey',
  'record.auditTrail',
  'demo.seed',
  'release.verify',
  'update.check',
  'update.verifyFeed',
  'update.reportProgress',
  'update.reportFailure',
  'update.verifyDownload',
  'update.offerInstall',
  'sync.runOnce',
] as const;
export type AdminCallName = (typeof adminCallNames)[number];

export type CallName = RendererCallName | AdminCallName;

export const eventNames = [
  'config.changed',
  'record.seedProgress',
  'sync.progress',
  'sync.status',
  'patients.fetchProgress',
  'card.inserted',
  'card.removed',
  'card.progress',
  'card.mrzScanned',
  'update.changed',
] as const;
export type EventName = (typeof eventNames)[number];

export function isCallName(name: unknown): name is CallName {
  return (
    typeof name === 'string' &&
    ((callNames as readonly string[]).includes(name) || (adminCallNames as readonly string[]).includes(name))
  );
}

/** Channel names on Electron IPC. One prefix, so the sender check and logs can recognise them. */
export const callChannel = (name: RendererCallName): string => `tabib:call:${name}`;
export const eventChannel = (name: EventName): string => `tabib:event:${name}`;
