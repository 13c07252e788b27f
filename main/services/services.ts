/**
 * The services behind the contract, built from an environment. The same composition runs in the
 * services worker (the app and the harness) and in-process (the CLI and unit tests).
 */
import { pathToFileURL } from 'node:url';
import type { Resource } from '@medplum/fhirtypes';
import { threadId, isMainThread } from 'node:worker_threads';
import type { Keychain } from '../../native/keychain/keychain';
import type { AppInfo } from '../contract/types';
import type { EventName, EventPayload } from '../contract/contract';
import { AuthService } from '../auth/auth-service';
import { BREAK_THE_GLASS, chartAccess } from '../auth/break-glass';
import { ConfigStore } from '../config/config-store';
import { dataLayout, type DataLayout } from '../config/paths';
import { CareService } from '../care/care-service';
import { MedicationService } from '../medication/medication-service';
import { CardService, checkAccessKey, type CardDevices } from '../card/card-service';
import type { MrzScanner } from '../card/card-transport';
import { cscaTrustDir, readIdentityDocument } from '../card/read-document';
import { buildHealthReport } from '../health/health-report';
import { RecordService } from '../record/record-service';
import { seedDemoRecord } from '../record/demo-seed';
import { loadCountryProfile } from '../record/identity/country-profile';
import { TabibError } from '../errors';
import { WorkstationSetup } from '../setup/workstation-setup';
import { UpdateService } from '../update/update-service';
import { loadWorkstationKey } from '../setup/workstation-key';
import { FhirClient } from '../sync/fhir-client';
import { followOpenedPatient } from '../sync/followed-patients';
import { pushedResourceTypes } from '../sync/outbox-plan';
import { pullChanges } from '../sync/pull';
import { pushOutbox } from '../sync/push';
import { createFetch, type FetchLike } from '../sync/http-transport';
import { systemTimers } from '../sync/sync-scheduler';
import { SyncService, type SyncFunctions } from '../sync/sync-service';
import { ClientCredentialsTokenSource } from '../sync/token-source';
import type { Handlers } from './contract-server';
import { authHandlers } from './handlers/auth-handlers';
import { registrationHandlers } from './handlers/registration-handlers';
import { chartHandlers } from './handlers/chart-handlers';
import { medicationHandlers } from './handlers/medication-handlers';
import { careHandlers } from './handlers/care-handlers';
import { printHandlers } from './handlers/print-handlers';
import { imagingHandlers } from './handlers/imaging-handlers';
import { ImagingService } from '../imaging/imaging-service';
import { seedDemoImaging } from '../imaging/demo/demo-imaging';
import type { PdfRenderer } from '../print/pdf-renderer';

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
  /**
   * Tests only (the e2e harness): a simulated national service instead of pull.ts and push.ts.
   * `module` exports `createSyncFunctions(controlFile)` giving `{ push, pull }` (test/sync/harness-sync.ts,
   * built by test/e2e/global-setup.ts); a path for the same reason as `cardSimulator`.
   */
  syncSimulator?: { module: string; controlFile: string };
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
  sync: SyncService;
  /** The workstation's session and practitioner accounts (main/auth/): who acts, what they may call. */
  auth: AuthService;
  /** Referrals, appointments, attached documents (main/care/). */
  care: CareService;
  /** Medicines and prescriptions, lab results, immunizations (main/medication/). */
  medication: MedicationService;
  /** The imaging library, the PACS, measurements and reports (main/imaging/). */
  imaging: ImagingService;
  /** Renders printouts to PDF: the host's (Electron main, the harness), null where there is none (the CLI). */
  printer: PdfRenderer | null;
}

/** The national service's pull and push (main/sync/pull.ts, main/sync/push.ts). */
const nationalSync: SyncFunctions = { pull: pullChanges, push: pushOutbox };

interface SyncSimulatorModule {
  createSyncFunctions(controlFile: string): SyncFunctions | Promise<SyncFunctions>;
  /**
   * Optional: the simulated service's HTTP answers, for what the real FHIR client asks it (the
   * on-demand fetch runs patient-fetch.ts unchanged over it). Without it the client has no network.
   */
  createNationalFetch?(controlFile: string): FetchLike;
}

type SyncSimulator = NonNullable<ServiceEnvironment['syncSimulator']>;

const simulatorModules = new Map<string, Promise<SyncSimulatorModule>>();

/** The simulator's module (a CommonJS module's exports may arrive as its default export only), loaded once. */
function loadSyncSimulator(simulator: SyncSimulator): Promise<SyncSimulatorModule> {
  let loading = simulatorModules.get(simulator.module);
  if (!loading) {
    loading = import(pathToFileURL(simulator.module).href).then((loaded: unknown) => {
      const candidate = loaded as Partial<SyncSimulatorModule> & { default?: Partial<SyncSimulatorModule> };
      const module =
        typeof candidate.createSyncFunctions === 'function' ? candidate : (candidate.default ?? {});
      if (typeof module.createSyncFunctions !== 'function')
        throw new TabibError('INTERNAL', `${simulator.module} exports no createSyncFunctions`);
      return module as SyncSimulatorModule;
    });
    simulatorModules.set(simulator.module, loading);
  }
  return loading;
}

/** The pull and push of this environment: the national service's, or in the e2e harness a simulated one. */
function syncFunctions(env: ServiceEnvironment): SyncFunctions {
  const simulator = env.syncSimulator;
  if (!simulator) return nationalSync;
  let loading: Promise<SyncFunctions> | null = null;
  const load = () =>
    (loading ??= loadSyncSimulator(simulator).then((module) =>
      module.createSyncFunctions(simulator.controlFile),
    ));
  return {
    push: async (context) => (await load()).push(context),
    pull: async (context) => (await load()).pull(context),
  };
}

/**
 * The FHIR client for the enrolled service: the ministry's CA, the workstation's key for the
 * client-credentials token (SMART Backend Services). Under the simulator, a client that never
 * reaches a network (the simulated pull and push do not use it).
 */
function nationalClient(
  env: ServiceEnvironment,
  config: ConfigStore,
  keychain: Keychain,
  layout: DataLayout,
  transports: { close(): Promise<void> }[],
): () => Promise<FhirClient> {
  return async () => {
    const service = config.effective().nationalService;
    if (!service)
      throw new TabibError('SYNC_DISABLED', 'This workstation is not enrolled with a national service');
    const simulator = env.syncSimulator;
    if (simulator) {
      const module = await loadSyncSimulator(simulator);
      return new FhirClient({
        baseUrl: service.baseUrl,
        fetch:
          module.createNationalFetch?.(simulator.controlFile) ??
          (() =>
            Promise.reject(
              new TabibError('SYNC_UNREACHABLE', 'The simulated national service has no network'),
            )),
        // A simulated failure is answered at once: short waits keep the e2e quick, retries included.
        retry: { baseDelayMs: 20, maxDelayMs: 100 },
      });
    }
    const transport = createFetch(
      service.caCertificateFile ? { caCertificateFile: service.caCertificateFile } : {},
    );
    transports.push(transport);
    const privateKey = await loadWorkstationKey(keychain, layout.credentials);
    return new FhirClient({
      baseUrl: service.baseUrl,
      fetch: transport.fetch,
      // Transaction answers carry the AuditEvents the push sends, besides the record's types.
      acceptedResourceTypes: pushedResourceTypes,
      tokenSource: new ClientCredentialsTokenSource({
        tokenUrl: service.tokenUrl,
        clientId: service.clientId,
        privateKey,
        fetch: transport.fetch,
      }),
    });
  };
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
  /** The host's PDF rendering (main/print/pdf-renderer.ts); without it print.document answers PRINT_UNAVAILABLE. */
  pdfRenderer?: PdfRenderer;
}

export function createServices(
  env: ServiceEnvironment,
  keychain: Keychain,
  devices: ServiceDevices = {},
): Services {
  const layout = dataLayout(env.dataDir);
  const config = new ConfigStore(layout.userConfig, env.machineConfigPath);
  const clock = serviceClock(env);
  // The record acts as the signed-in practitioner; the session is made next, over the record.
  let auth: AuthService | null = null;
  const record = new RecordService({
    layout,
    config,
    keychain,
    resourcesDir: env.resourcesDir,
    clock,
    sessionActor: () => auth?.sessionActor() ?? null,
  });
  const transports: { close(): Promise<void> }[] = [];
  const services: Services = {
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
    care: new CareService({ record, config, resourcesDir: env.resourcesDir }),
    medication: new MedicationService({ record, config, resourcesDir: env.resourcesDir }),
    imaging: new ImagingService({
      record,
      config,
      keychain,
      layout,
      resourcesDir: env.resourcesDir,
      clock,
    }),
    printer: devices.pdfRenderer ?? null,
    sync: new SyncService({
      config,
      record,
      clock,
      functions: syncFunctions(env),
      // With a fixed moment (tests), the next run is computed from it, without jitter: screenshots stay stable.
      timers: env.fixedNow
        ? { ...systemTimers, now: () => clock().getTime(), random: () => 0.5 }
        : systemTimers,
      client: nationalClient(env, config, keychain, layout, transports),
      countryProfile: () => loadCountryProfile(env.resourcesDir, config.effective().country),
      release: async () => {
        await Promise.all(transports.splice(0).map((transport) => transport.close()));
      },
    }),
    auth: new AuthService({ config, record, forgetPatientData: () => forgetPatientData(services) }),
  };
  auth = services.auth;
  return services;
}

/**
 * Sign-out: what the services hold about patients in memory, besides the encrypted record, goes —
 * the last identity card read, the search's name cache, the record's decrypted pages.
 */
async function forgetPatientData(services: Services): Promise<void> {
  services.card.forget();
  await services.record.forgetCaches();
}

/** Stops what the services hold open: the background sync, the card readers' monitor (PC/SC), then the record. */
export async function closeServices(services: Services): Promise<void> {
  services.auth.close();
  await services.sync.close().catch(() => undefined);
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
  services.sync.onEvent((event) => emit(event.name, event.payload));
  services.auth.onChanged((event) => emit('auth.changed', event));
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
      services.sync.configChanged();
      emit('config.changed', { reason: 'enrolment' });
      return result;
    },
    'setup.startDemo': async ({ country }) => {
      const view = services.setup.startDemo(country);
      await seedDemoRecord(services, { patients: DEMO_PATIENTS, seed: 1 }, seedProgress);
      // Its doctor, nurse, radiologist and administrator, the first two from the seeded staff.
      await services.auth.ensureDemoAccounts();
      try {
        // Synthetic studies of some of its patients in the image cache (head CT, chest films, ultrasound):
        // last, so that a failure there leaves a demonstration whose record and accounts are whole.
        await seedDemoImaging(services, { seed: 1 });
      } finally {
        emit('config.changed', { reason: 'demo' });
      }
      return view;
    },
    'record.status': () => services.record.status(),
    'patients.search': async ({ query, limit }) => (await services.record.open()).search.search(query, limit),
    'patients.openChart': async ({ patientId, reason }) => {
      const record = await services.record.open();
      // A patient outside the facility's list opens only with a reason, audited as break-the-glass.
      const access = chartAccess(record, patientId, reason, await services.auth.facilityContext());
      const header = record.openChart(
        patientId,
        services.record.actor(),
        reason,
        access.breakGlass ? BREAK_THE_GLASS : undefined,
      );
      // From now on the pull keeps this patient's record up to date on this workstation.
      followOpenedPatient(record, patientId, services.record.now());
      return header;
    },
    'patients.fetchNational': (request) => services.sync.fetchPatient(request, services.record.actor()),
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
    'sync.status': () => services.sync.status(),
    'sync.runNow': () => services.sync.runNow('manual'),
    'sync.reconnected': () => {
      services.sync.reconnected();
      return services.sync.status();
    },
    'sync.conflicts': (options) => services.sync.conflicts(options),
    'sync.resolveConflict': ({ seq, choice, merged }) =>
      services.sync.resolve({
        seq,
        choice,
        ...(merged ? { merged: merged as unknown as Resource } : {}),
        actor: services.record.actor(),
      }),
    'sync.runOnce': () => services.sync.runNow('cli'),
    ...authHandlers(services, emit),
    ...registrationHandlers(services, emit),
    ...chartHandlers(services, emit),
    ...medicationHandlers(services, emit),
    ...careHandlers(services, emit),
    ...printHandlers(services, emit),
    ...imagingHandlers(services, emit),
  };
}
