/**
 * The workstation's health: what `tabib doctor` prints and the Administration screen shows.
 * Each check states a stable reason code and the facts behind it; it never throws.
 */
import { accessSync, constants, existsSync, statSync, statfsSync } from 'node:fs';
import type { HealthCheck, HealthReport, HealthStatus, RecordStatus } from '../contract/types';
import type { ConfigStore } from '../config/config-store';
import type { DataLayout } from '../config/paths';
import type { Keychain } from '../../native/keychain/keychain';
import { toErrorShape } from '../errors';
import { probeCapabilityStatement } from '../sync/capability-probe';

const LOW_DISK_BYTES = 2 * 1024 ** 3;
/** pcsc-lite's daemon socket (Linux); its presence says the PC/SC service runs. */
const PCSCD_SOCKETS = ['/run/pcscd/pcscd.comm', '/var/run/pcscd/pcscd.comm'];

export interface HealthDependencies {
  layout: DataLayout;
  config: ConfigStore;
  keychain: Keychain;
  /** Opens the record (decrypting it) and reports its state; a wrong key shows here. */
  recordStatus?: () => Promise<RecordStatus>;
  /** The card readers as the card service lists them (PC/SC); absent where there is no card service. */
  cardReaders?: () => Promise<{ readers: { name: string; cardPresent: boolean }[] }>;
  platform?: NodeJS.Platform;
}

/** How long the readers' listing may take before the check says it does not answer. */
const READER_LIST_TIMEOUT_MS = 3000;

function dataFolderCheck(layout: DataLayout): HealthCheck {
  const facts = {
    path: layout.dataDir,
    exists: existsSync(layout.dataDir),
    writable: false,
    freeBytes: null as number | null,
  };
  if (!facts.exists) return { id: 'dataFolder', status: 'ok', reason: 'willBeCreated', facts };
  try {
    accessSync(layout.dataDir, constants.W_OK);
    facts.writable = true;
  } catch {
    return { id: 'dataFolder', status: 'error', reason: 'notWritable', facts };
  }
  const fs = statfsSync(layout.dataDir);
  facts.freeBytes = fs.bavail * fs.bsize;
  if (facts.freeBytes < LOW_DISK_BYTES)
    return { id: 'dataFolder', status: 'warning', reason: 'lowDisk', facts };
  return { id: 'dataFolder', status: 'ok', reason: 'ready', facts };
}

function configurationCheck(config: ConfigStore): HealthCheck {
  const facts = {
    userFile: config.userConfigPath,
    machineFile: config.machineConfigPath,
    mode: null as string | null,
    lockedKeys: 0,
  };
  try {
    const effective = config.effective();
    facts.mode = effective.mode;
    facts.lockedKeys = config.lockedKeys().length;
    return {
      id: 'configuration',
      status: 'ok',
      reason: effective.mode === 'unconfigured' ? 'firstRun' : effective.mode,
      facts,
    };
  } catch (error) {
    return {
      id: 'configuration',
      status: 'error',
      reason: 'invalid',
      facts: { ...facts, error: toErrorShape(error).message },
    };
  }
}

async function keychainCheck(keychain: Keychain, config: ConfigStore): Promise<HealthCheck> {
  try {
    const { backend, strong } = await keychain.describe();
    let allowWeak = false;
    let unconfigured = false;
    try {
      // A demonstration holds synthetic patients only, so it may run on a weak keychain.
      const effective = config.effective();
      allowWeak = effective.allowWeakKeychain || effective.mode === 'demo';
      unconfigured = effective.mode === 'unconfigured';
    } catch {
      // the configuration check reports it
    }
    const facts = { backend, strong, weakAllowedByAdministrator: allowWeak };
    if (strong) return { id: 'keychain', status: 'ok', reason: 'protected', facts };
    return {
      id: 'keychain',
      // Before the first run's choice there is no record to protect yet: a warning, not a failure.
      status: allowWeak || unconfigured ? 'warning' : 'error',
      reason: allowWeak ? 'weakAllowed' : 'weakRefused',
      facts,
    };
  } catch (error) {
    return {
      id: 'keychain',
      status: 'error',
      reason: 'unavailable',
      facts: { error: toErrorShape(error).message },
    };
  }
}

async function databaseCheck(
  layout: DataLayout,
  recordStatus: HealthDependencies['recordStatus'],
): Promise<HealthCheck> {
  const path = layout.recordDatabase;
  if (!existsSync(path))
    return { id: 'database', status: 'ok', reason: 'notCreated', facts: { path, sizeBytes: null } };
  const facts = { path, sizeBytes: statSync(path).size } as Record<string, string | number | boolean | null>;
  if (!recordStatus) return { id: 'database', status: 'ok', reason: 'present', facts };
  try {
    const status = await recordStatus();
    Object.assign(facts, {
      patients: status.patients,
      resources: status.resources,
      pendingChanges: status.pendingChanges,
      cipher: status.cipher,
    });
    return { id: 'database', status: 'ok', reason: 'open', facts };
  } catch (error) {
    const { code } = toErrorShape(error);
    facts.error = code;
    const reason =
      code === 'RECORD_KEY_MISMATCH' || code === 'RECORD_MISSING'
        ? 'keyMismatch'
        : code === 'KEYCHAIN_WEAK'
          ? 'keychainWeak'
          : 'unreadable';
    return { id: 'database', status: 'error', reason, facts };
  }
}

async function nationalServiceCheck(config: ConfigStore): Promise<HealthCheck> {
  let service;
  try {
    service = config.effective().nationalService;
  } catch {
    return { id: 'nationalService', status: 'warning', reason: 'unknown', facts: {} };
  }
  if (!service)
    return { id: 'nationalService', status: 'ok', reason: 'notConfigured', facts: { baseUrl: null } };
  const probe = await probeCapabilityStatement(service.baseUrl);
  const facts = {
    baseUrl: service.baseUrl,
    httpStatus: probe.httpStatus,
    fhirVersion: probe.fhirVersion,
    software: probe.software,
    error: probe.error,
  };
  if (!probe.reachable) return { id: 'nationalService', status: 'warning', reason: 'unreachable', facts };
  if (probe.fhirVersion && !probe.fhirVersion.startsWith('4.0'))
    return { id: 'nationalService', status: 'error', reason: 'notR4', facts };
  return { id: 'nationalService', status: 'ok', reason: 'reachable', facts };
}

/**
 * The smart-card service, then the readers it sees: a clinic's reader unplugged, or pcscd without
 * its driver, shows here before a patient is at the desk.
 */
async function cardReadersCheck(
  platform: NodeJS.Platform,
  listReaders: HealthDependencies['cardReaders'],
): Promise<HealthCheck> {
  const service =
    platform === 'win32' || platform === 'darwin'
      ? // Both ship their smart-card service with the OS.
        { service: platform === 'win32' ? 'SCardSvr' : 'CryptoTokenKit', socket: null }
      : { service: 'pcscd', socket: PCSCD_SOCKETS.find((path) => existsSync(path)) ?? null };
  if (service.service === 'pcscd' && !service.socket)
    return { id: 'cardReaders', status: 'warning', reason: 'pcscdNotRunning', facts: { socket: null } };
  const running = service.service === 'pcscd' ? 'pcscdRunning' : 'osService';
  if (!listReaders) return { id: 'cardReaders', status: 'ok', reason: running, facts: service };
  let timer: NodeJS.Timeout | undefined;
  const listed = await Promise.race([
    listReaders().then(
      (view) => view.readers,
      () => null,
    ),
    new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), READER_LIST_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
  if (!listed || listed.length === 0)
    return { id: 'cardReaders', status: 'warning', reason: 'noReader', facts: { ...service, readers: 0 } };
  return {
    id: 'cardReaders',
    status: 'ok',
    reason: 'readersFound',
    facts: {
      ...service,
      readers: listed.length,
      names: listed.map((reader) => reader.name).join(', '),
      cardsPresent: listed.filter((reader) => reader.cardPresent).length,
    },
  };
}

const rank: Record<HealthStatus, number> = { ok: 0, warning: 1, error: 2 };

export async function buildHealthReport(deps: HealthDependencies): Promise<HealthReport> {
  const checks = [
    dataFolderCheck(deps.layout),
    configurationCheck(deps.config),
    await keychainCheck(deps.keychain, deps.config),
    await databaseCheck(deps.layout, deps.recordStatus),
    await nationalServiceCheck(deps.config),
    await cardReadersCheck(deps.platform ?? process.platform, deps.cardReaders),
  ];
  const status = checks.reduce<HealthStatus>(
    (worst, check) => (rank[check.status] > rank[worst] ? check.status : worst),
    'ok',
  );
  return { checkedAt: new Date().toISOString(), status, checks };
}
