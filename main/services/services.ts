/**
 * The services behind the contract, built from an environment. The same composition runs in the
 * services worker (the app and the harness) and in-process (the CLI and unit tests).
 */
import { pathToFileURL } from 'node:url';
import { threadId, isMainThread } from 'node:worker_threads';
import type { Keychain } from '../../native/keychain/keychain';
import type { AppInfo } from '../contract/types';
import type { EventName, EventPayload } from '../contract/contract';
import { ConfigStore } from '../config/config-store';
import { dataLayout, type DataLayout } from '../config/paths';
import { CardService, checkAccessKey, type CardDevices } from '../card/card-service';
import type { MrzScanner } from '../card/card-transport';
import { cscaTrustDir, readIdentityDocument } from '../card/read-document';
import { buildHealthReport } from '../health/health-report';
import { RecordService } from '../record/record-service';
import { seedDemoRecord } from '../record/demo-seed';
import { TabibError } from '../errors';
import { WorkstationSetup } from '../setup/workstation-setup';
import { UpdateService } from '../update/update-service';
import type { Handlers } from './contract-server';

export interface ServiceEnvironment {
  dataDir: string;
  machineConfigPath: string;
  resourcesDir: string;
  appVersion: string;
  electronVersion: string | null;
  /** Tests only: a fixed moment for every clock of the services (ISO 8601), so screenshots stay stable. */
  fixedNow?: string;
  /**
   * Tests only (the e2e harness): a simulated card reader instead of PC/SC. `module` is a module
   * file (test/card/harness-card.ts, built by test/e2e/global-setup.ts) exporting
   * `createCardDevices(controlFile)` (its readers, and optionally its own read and trust folder).
   * A path, not an object: the services run in a worker thread, and the environment crosses by
   * structured clone.
   */
  cardSimulator?: { module: string; controlFile: string };
}

export function serviceClock(env: ServiceEnvironment): () => Date {
  const fixed = env.fixedNow;
  return fixed ? () => new Date(fixed) : () => new Date();
}

export interface Services {
  env: ServiceEnvironment;
  layout: DataLayout;
  config: ConfigStore;
  keychain: Keychain;
  setup: WorkstationSetup;
  record: RecordService;
  update: UpdateService;
  card: CardService;
}

/**
 * PC/SC (native/card/pcsc-transport.ts, over pcscd or WinSCard), loaded on first use so that the
 * services start, and the CLI runs, where the PC/SC library is absent.
 */
async function openPcscReaders(): Promise<CardDevices['readers']> {
  const { PcscCardReaders } = await import('../../native/card/pcsc-transport');
  return new PcscCardReaders();
}

/** A simulator gives its readers; its own read and trust folder are optional. */
type SimulatedCardDevices = Partial<CardDevices> & Pick<CardDevices, 'readers'>;

interface CardSimulatorModule {
  createCardDevices(controlFile: string): SimulatedCardDevices | Promise<SimulatedCardDevices>;
}

/**
 * The MRZ document scanner the administrator configured (machine configuration `mrzScanner`),
 * opened over node-hid. A scanner that is unplugged or cannot be opened leaves the card reader
 * working: the MRZ can still be scanned by a keyboard-wedge scanner or typed.
 */
async function openConfiguredScanner(config: ConfigStore): Promise<MrzScanner | null> {
  const scanner = config.effective().mrzScanner;
  if (!scanner) return null;
  const { openHidMrzScanner } = await import('../../native/card/hid-mrz-scanner');
  return openHidMrzScanner(scanner).catch(() => null);
}

/** The card readers of this environment: PC/SC (and the HID scanner), or in the e2e harness a simulated one. */
async function cardDevices(env: ServiceEnvironment, config: ConfigStore): Promise<CardDevices> {
  const simulator = env.cardSimulator;
  if (!simulator)
    return {
      readers: await openPcscReaders(),
      readIdentityDocument,
      scanner: await openConfiguredScanner(config),
    };
  const loaded = (await import(pathToFileURL(simulator.module).href)) as Partial<CardSimulatorModule> & {
    default?: Partial<CardSimulatorModule>;
  };
  // A CommonJS module's exports may arrive as its default export only.
  const module = typeof loaded.createCardDevices === 'function' ? loaded : (loaded.default ?? {});
  if (typeof module.createCardDevices !== 'function')
    throw new TabibError('CARD_READER_FAILED', `${simulator.module} exports no createCardDevices`);
  const devices = await module.createCardDevices(simulator.controlFile);
  return {
    readers: devices.readers,
    readIdentityDocument: devices.readIdentityDocument ?? readIdentityDocument,
    ...(devices.trustDir ? { trustDir: devices.trustDir } : {}),
  };
}

export interface ServiceDevices {
  /** Unit tests: the card readers (and read) to use instead of the environment's. */
  cardDevices?: () => Promise<CardDevices>;
}

export function createServices(
  env: ServiceEnvironment,
  keychain: Keychain,
  devices: ServiceDevices = {},
): Services {
  const layout = dataLayout(env.dataDir);
  const config = new ConfigStore(layout.userConfig, env.machineConfigPath);
  const clock = serviceClock(env);
  const record = new RecordService({
    layout,
    config,
    keychain,
    resourcesDir: env.resourcesDir,
    clock,
  });
  return {
    env,
    layout,
    config,
    keychain,
    setup: new WorkstationSetup(config, keychain, layout.credentials),
    record,
    update: new UpdateService({
      config,
      dataDir: env.dataDir,
      resourcesDir: env.resourcesDir,
      appVersion: env.appVersion,
      installationIdPath: layout.installationId,
      clock,
    }),
    card: new CardService({
      devices: devices.cardDevices ?? (() => cardDevices(env, config)),
      openRecord: () => record.open(),
      resourcesDir: env.resourcesDir,
      trustDir: cscaTrustDir(env.resourcesDir),
    }),
  };
}

/** Stops what the services hold open: the card readers' monitor (PC/SC), then the record. */
export async function closeServices(services: Services): Promise<void> {
  await services.card.close().catch(() => undefined);
  await services.record.close();
}

export function appInfo(services: Services): AppInfo {
  return {
    name: 'Tabib',
    version: services.env.appVersion,
    runtime: {
      node: process.versions.node,
      electron: services.env.electronVersion,
      platform: process.platform,
      arch: process.arch,
    },
    dataDir: services.env.dataDir,
    serviceThread: { threadId, isMainThread },
  };
}

/** How many synthetic patients the first-run demonstration starts with. */
export const DEMO_PATIENTS = 300;

export type EventSink = <N extends EventName>(name: N, payload: EventPayload<N>) => void;

export function createHandlers(services: Services, emit: EventSink): Handlers {
  services.update.onChanged((change) => emit('update.changed', change));
  services.card.onEvent((event) => emit(event.name, event.payload));
  const seedProgress = (done: number, total: number) => emit('record.seedProgress', { done, total });
  return {
    'app.info': () => appInfo(services),
    'app.health': () =>
      buildHealthReport({
        layout: services.layout,
        config: services.config,
        keychain: services.keychain,
        recordStatus: () => services.record.status(),
        cardReaders: () => services.card.readers(),
      }),
    'config.get': () => services.config.view(),
    'settings.setLanguage': ({ language }) => {
      services.config.update({ language });
      emit('config.changed', { reason: 'language' });
      return services.config.view();
    },
    'setup.enrol': async (request) => {
      const result = await services.setup.enrol(request);
      emit('config.changed', { reason: 'enrolment' });
      return result;
    },
    'setup.startDemo': async ({ country }) => {
      const view = services.setup.startDemo(country);
      await seedDemoRecord(services, { patients: DEMO_PATIENTS, seed: 1 }, seedProgress);
      emit('config.changed', { reason: 'demo' });
      return view;
    },
    'record.status': () => services.record.status(),
    'patients.search': async ({ query, limit }) => (await services.record.open()).search.search(query, limit),
    'patients.openChart': async ({ patientId, reason }) =>
      (await services.record.open()).openChart(patientId, services.record.actor(), reason),
    'record.rekey': () => services.record.rekey(),
    'record.auditTrail': async ({ patientId }) => (await services.record.open()).audit.forPatient(patientId),
    'demo.seed': async ({ patients, seed }) => {
      if (services.config.effective().mode !== 'demo')
        throw new TabibError(
          'INVALID_ARGUMENT',
          'Synthetic patients go only into a demonstration workstation',
        );
      return seedDemoRecord(services, { patients, seed: seed ?? Date.now() % 2 ** 31 }, seedProgress);
    },
    'update.status': () => services.update.status(),
    'update.respondToInstall': (answer) => services.update.respondToInstall(answer),
    'release.verify': (request) => services.update.verifyRelease(request),
    'update.check': (request) => services.update.check(request),
    'update.verifyFeed': (feed) => services.update.verifyFeed(feed),
    'update.reportProgress': (progress) => services.update.reportProgress(progress),
    'update.reportFailure': (failure) => services.update.reportFailure(failure),
    'update.verifyDownload': (download) => services.update.verifyDownload(download),
    'update.offerInstall': (offer) => services.update.offerInstall(offer),
    'card.readers': () => services.card.readers(),
    'card.checkAccess': (key) => checkAccessKey(key),
    'card.read': (request) => services.card.read(request),
    'card.readMrz': ({ mrz }) => services.card.readMrz(mrz),
  };
}
