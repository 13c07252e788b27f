/**
 * The update client's judgement, in the services worker: the policy, the key chain, the signed
 * manifest, the rollout, the checks of electron-updater's feed and download, and the update log.
 * Plain TypeScript (no electron): the CLI and the tests use it unchanged.
 *
 * electron-updater itself can only run in Electron main; its driver there (update-driver.ts)
 * asks this service before each step and reports what electron-updater did:
 *
 *   check → (electron-updater reads its feed) → verifyFeed → (downloads) → verifyDownload
 *         → ready; then offerInstall / respondToInstall in the maintenance window, or at quit.
 *
 * Every decision is appended to the update log; the state the Administration screen shows is
 * derived from that log, so it survives restarts of the worker and of the app.
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { compare as compareVersions } from 'semver';
import type {
  ReleaseVerification,
  UpdateFile,
  UpdateLogEntry,
  UpdateLogEvent,
  UpdatePlan,
  UpdateProgress,
  UpdateReason,
  UpdateState,
  UpdateStatus,
  UpdateVerdict,
} from '../contract/update-types';
import type { ConfigStore } from '../config/config-store';
import { installationId } from '../config/installation-id';
import { TabibError } from '../errors';
import { digestFile } from './file-digest';
import { evaluateManifest, reverifyManifest, type ReleaseManifest } from './release-manifest';
import { fetchKeyChain, verifyRelease } from './release-verifier';
import { parseEnvelope } from './signed-document';
import { rolloutBucket } from './rollout';
import { followKeyChain, parseShippedKeyList, publicEntries, type KeyList } from './trusted-keys';
import { compareFeed, type FeedFile } from './update-feed';
import { fetchDocument } from './update-http';
import { UpdateLog } from './update-log';
import { channelUrl, policyView, updatePolicy, type UpdatePolicy } from './update-policy';
import { UpdateStore, updateLayout } from './update-store';

export interface UpdateServiceDeps {
  config: ConfigStore;
  dataDir: string;
  resourcesDir: string;
  appVersion: string;
  installationIdPath: string;
  clock: () => Date;
}

export type UpdateChange = { state: UpdateState; version: string | null };

type Details = UpdateLogEntry['details'];

/** How many log entries the Administration screen shows. */
export const HISTORY_LENGTH = 50;

const checkOutcomes: readonly UpdateLogEvent[] = ['accepted', 'refused', 'skipped', 'failed'];

/** electron-updater and Node error codes that mean the connection ended before the file did. */
const interruptionCodes = new Set([
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const networkCodes = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface DriverFailure {
  stage: 'feed' | 'download';
  /** electron-updater's or Node's error code (ERR_CHECKSUM_MISMATCH, ECONNRESET, …). */
  code: string | null;
  /** The HTTP status, when the server answered with an error. */
  status: number | null;
  message: string;
}

/** Maps what electron-updater reported to a reason for the log. */
export function failureReason(failure: DriverFailure): { event: UpdateLogEvent; reason: UpdateReason } {
  if (failure.code === 'ERR_CHECKSUM_MISMATCH')
    return { event: 'refused', reason: 'DOWNLOAD_CHECKSUM_MISMATCH' };
  if (failure.code === 'UPDATER_INACTIVE') return { event: 'skipped', reason: 'UPDATER_INACTIVE' };
  if (failure.status !== null) return { event: 'failed', reason: 'SERVER_ERROR' };
  if ((failure.code && interruptionCodes.has(failure.code)) || /aborted|premature/i.test(failure.message)) {
    return { event: 'failed', reason: 'DOWNLOAD_INTERRUPTED' };
  }
  if (failure.code && networkCodes.has(failure.code)) return { event: 'failed', reason: 'NETWORK_ERROR' };
  return { event: 'failed', reason: 'DOWNLOAD_FAILED' };
}

export class UpdateService {
  private readonly log: UpdateLog;
  private readonly store: UpdateStore;
  private progress: UpdateProgress | null = null;
  private id: string | null = null;
  private readonly listeners = new Set<(change: UpdateChange) => void>();

  constructor(private readonly deps: UpdateServiceDeps) {
    const layout = updateLayout(deps.dataDir);
    this.log = new UpdateLog(layout.log);
    this.store = new UpdateStore(layout);
  }

  /** `update.changed`: for the Administration screen and for Electron main's driver. */
  onChanged(listener: (change: UpdateChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: UpdateChange): void {
    for (const listener of this.listeners) listener(change);
  }

  private installationId(): string {
    this.id ??= installationId(this.deps.installationIdPath);
    return this.id;
  }

  private shippedKeyList(): KeyList | null {
    try {
      return parseShippedKeyList(readFileSync(join(this.deps.resourcesDir, 'update', 'keys.json')));
    } catch {
      return null;
    }
  }

  /** The key list in force: the shipped one, then the stored chain, re-verified link by link. */
  trustedKeys(): KeyList | null {
    const shipped = this.shippedKeyList();
    return shipped ? followKeyChain(shipped, this.store.readKeyChain()).list : null;
  }

  private record(
    event: UpdateLogEvent,
    fields: { reason?: UpdateReason | null; version?: string | null; details?: Details } = {},
  ): void {
    const policy = updatePolicy(this.deps.config);
    this.log.append({
      at: this.deps.clock().toISOString(),
      event,
      reason: fields.reason ?? null,
      channel: policy?.channel ?? null,
      version: fields.version ?? null,
      installedVersion: this.deps.appVersion,
      details: fields.details ?? {},
    });
    this.emit({ state: this.state(policy, this.log.entries()), version: fields.version ?? null });
  }

  /** The manifest accepted for download, re-verified: the data folder is not trusted on its own. */
  private acceptedManifest(): ReleaseManifest | null {
    const { accepted } = this.store.readState();
    const keys = this.trustedKeys();
    return accepted && keys ? reverifyManifest(accepted, publicEntries(keys)) : null;
  }

  /** After a restart into the version that was ready, the update is installed: say so once. */
  private noteInstalled(): void {
    const { ready } = this.store.readState();
    if (ready && compareVersions(this.deps.appVersion, ready.version) >= 0) {
      this.store.patchState({ ready: null, accepted: null });
      this.record('installed', { version: ready.version });
    }
  }

  private state(policy: UpdatePolicy | null, entries: UpdateLogEntry[]): UpdateState {
    if (!policy) return 'disabled';
    const last = [...entries].reverse().find((entry) => entry.event !== 'keysRotated');
    if (!last) return 'idle';
    switch (last.event) {
      case 'accepted':
        return 'downloading';
      case 'ready':
      case 'installDeferred':
        return 'readyToInstall';
      case 'installOffered':
        return 'awaitingConsent';
      case 'installAccepted':
        return 'installing';
      case 'installed':
        return 'upToDate';
      case 'withdrawn':
        return last.reason === 'ROLLOUT_HALTED' ? 'halted' : 'idle';
      case 'refused':
        return 'refused';
      case 'failed':
        return 'failed';
      case 'skipped':
        switch (last.reason) {
          case 'UP_TO_DATE':
            return 'upToDate';
          case 'ALREADY_READY':
            return 'readyToInstall';
          case 'NOT_IN_ROLLOUT':
            return 'notInRollout';
          case 'ROLLOUT_HALTED':
            return 'halted';
          default:
            return 'disabled';
        }
      default:
        return 'idle';
    }
  }

  status(): UpdateStatus {
    this.noteInstalled();
    const policy = updatePolicy(this.deps.config);
    const entries = this.log.entries();
    const keys = this.trustedKeys();
    const state = this.state(policy, entries);
    return {
      installedVersion: this.deps.appVersion,
      policy: policyView(policy),
      state,
      ready: this.verifiedReady(),
      progress: state === 'downloading' ? this.progress : null,
      lastCheck: [...entries].reverse().find((entry) => checkOutcomes.includes(entry.event)) ?? null,
      history: entries.slice(-HISTORY_LENGTH).reverse(),
      installationId: this.installationId(),
      rolloutBucket: rolloutBucket(this.installationId()),
      trustedKeys: { version: keys?.version ?? 0, keyIds: keys?.keys.map((key) => key.keyId) ?? [] },
    };
  }

  /**
   * When a check cannot conclude (server down, a refused document), an update already downloaded
   * and verified stays installable while its signed manifest is unexpired; otherwise nothing is.
   */
  private keepOrNone(pendingVersion: string | null, reason: UpdateReason | null): UpdatePlan {
    const ready = this.verifiedReady();
    const accepted = this.acceptedManifest();
    if (
      ready &&
      accepted &&
      ready.version === pendingVersion &&
      Date.parse(accepted.expires) > this.deps.clock().getTime()
    ) {
      return { action: 'keep', version: ready.version };
    }
    return { action: 'none', reason };
  }

  /** `ready` is only believed with the accepted manifest it came from, re-verified. */
  private verifiedReady(): { version: string; verifiedAt: string } | null {
    const { ready } = this.store.readState();
    return ready && this.acceptedManifest()?.version === ready.version ? ready : null;
  }

  /** A ready update that must not be installed any more: halted, rolled back below it, or superseded. */
  private withdrawReady(reason: UpdateReason | null, details: Details = {}): void {
    const { ready } = this.store.readState();
    if (!ready) return;
    this.store.patchState({ ready: null, accepted: null });
    this.record('withdrawn', { reason, version: ready.version, details });
  }

  /**
   * Fetches the key chain and the channel's signed manifest and decides. `pendingVersion` is the
   * update Electron main holds downloaded and verified (null after a restart: it has to fetch and
   * verify it again, from electron-updater's cache).
   */
  async check(args: { pendingVersion: string | null; updaterActive: boolean }): Promise<UpdatePlan> {
    this.noteInstalled();
    const { pendingVersion } = args;
    const state = this.store.readState();
    if (state.ready && state.ready.version !== pendingVersion) this.store.patchState({ ready: null });

    const policy = updatePolicy(this.deps.config);
    if (!policy) {
      this.record('skipped', { reason: 'NOT_CONFIGURED' });
      return { action: 'none', reason: 'NOT_CONFIGURED' };
    }
    if (!args.updaterActive) {
      // A development run, or an AppImage started without its launcher: electron-updater cannot install.
      this.record('skipped', { reason: 'UPDATER_INACTIVE' });
      return { action: 'none', reason: 'UPDATER_INACTIVE' };
    }
    const shipped = this.shippedKeyList();
    if (!shipped || shipped.keys.length === 0) {
      this.record('refused', { reason: 'NO_TRUSTED_KEYS', details: { file: 'resources/update/keys.json' } });
      return this.keepOrNone(pendingVersion, 'NO_TRUSTED_KEYS');
    }

    const stored = followKeyChain(shipped, this.store.readKeyChain());
    const links = [...stored.adopted];
    const chain = await fetchKeyChain(policy.url, stored.list, (link, list) => {
      links.push(link);
      this.store.writeKeyChain(links);
      this.record('keysRotated', {
        details: { keysVersion: list.version, keyIds: list.keys.map((key) => key.keyId).join(',') },
      });
    });
    if (!chain.ok) {
      this.record(chain.reason === 'KEY_LIST_REFUSED' ? 'refused' : 'failed', {
        reason: chain.reason,
        details: { detail: chain.detail },
      });
      return this.keepOrNone(pendingVersion, chain.reason);
    }

    const manifestUrl = new URL('release.json', channelUrl(policy.url, policy.channel));
    const fetched = await fetchDocument(manifestUrl, { maxBytes: 256 * 1024 });
    if (!fetched.ok) {
      const reason: UpdateReason =
        fetched.reason === 'TOO_LARGE'
          ? 'MANIFEST_MALFORMED'
          : fetched.reason === 'SERVER_ERROR'
            ? 'SERVER_ERROR'
            : 'NETWORK_ERROR';
      const details: Details =
        fetched.reason === 'SERVER_ERROR'
          ? { url: manifestUrl.href, status: fetched.status }
          : fetched.reason === 'NETWORK_ERROR'
            ? { url: manifestUrl.href, message: fetched.message }
            : { url: manifestUrl.href, why: 'tooLarge' };
      this.record(reason === 'MANIFEST_MALFORMED' ? 'refused' : 'failed', { reason, details });
      return this.keepOrNone(pendingVersion, reason);
    }

    const bucket = rolloutBucket(this.installationId());
    const decision = evaluateManifest(fetched.bytes, {
      trustedKeys: publicEntries(chain.list),
      channel: policy.channel,
      installedVersion: this.deps.appVersion,
      now: this.deps.clock(),
      newestReleaseDate: this.store.readState().newestReleaseDate[policy.channel] ?? null,
      rolloutBucket: bucket,
    });

    const authentic = decision.outcome !== 'refused' || decision.reason === 'DOWNGRADE_REFUSED';
    if (authentic && decision.manifest) this.noteReleaseDate(policy, decision.manifest);

    if (decision.outcome === 'refused') {
      this.record('refused', {
        reason: decision.reason,
        version: decision.manifest?.version ?? null,
        details: decision.details,
      });
      return this.keepOrNone(pendingVersion, decision.reason);
    }
    const { manifest, keyId } = decision;
    const summary: Details = {
      keyId,
      rollout: manifest.rollout,
      bucket: Number(bucket.toFixed(2)),
      releaseDate: manifest.releaseDate,
      expires: manifest.expires,
    };
    if (decision.outcome === 'skipped') {
      this.record('skipped', { reason: decision.reason, version: manifest.version, details: summary });
      this.withdrawReady(decision.reason);
      return { action: 'none', reason: decision.reason };
    }
    const ready = this.store.readState().ready;
    if (ready && ready.version === manifest.version && pendingVersion === manifest.version) {
      this.record('skipped', { reason: 'ALREADY_READY', version: manifest.version, details: summary });
      return { action: 'keep', version: manifest.version };
    }
    if (ready) this.withdrawReady(null, { supersededBy: manifest.version });
    this.progress = null;
    this.store.patchState({ accepted: parseEnvelope(fetched.bytes), ready: null });
    this.record('accepted', {
      version: manifest.version,
      details: { ...summary, belowMinimumVersion: decision.belowMinimumVersion },
    });
    return {
      action: 'download',
      version: manifest.version,
      feedUrl: channelUrl(policy.url, policy.channel).href,
      files: manifest.files.map(({ url, sha512, size }): UpdateFile => ({ url, sha512, size })),
    };
  }

  private noteReleaseDate(policy: UpdatePolicy, manifest: ReleaseManifest): void {
    const state = this.store.readState();
    const newest = state.newestReleaseDate[policy.channel];
    if (newest && Date.parse(newest) >= Date.parse(manifest.releaseDate)) return;
    this.store.patchState({
      newestReleaseDate: { ...state.newestReleaseDate, [policy.channel]: manifest.releaseDate },
    });
  }

  private requireAccepted(): ReleaseManifest {
    const manifest = this.acceptedManifest();
    if (!manifest) throw new TabibError('UPDATE_NOT_PENDING', 'No update has been accepted for download');
    return manifest;
  }

  /** electron-updater read its (unsigned) feed: it must list the signed files, or nothing is downloaded. */
  verifyFeed(feed: { version: string; files: FeedFile[] }): UpdateVerdict {
    const manifest = this.requireAccepted();
    const comparison = compareFeed(feed, manifest);
    if (comparison.matches) return { accepted: true };
    this.store.patchState({ accepted: null });
    this.record('refused', {
      reason: 'FEED_MISMATCH',
      version: manifest.version,
      details: { detail: comparison.detail },
    });
    return { accepted: false, reason: 'FEED_MISMATCH' };
  }

  reportProgress(progress: { transferred: number; total: number }): UpdateProgress {
    const manifest = this.requireAccepted();
    const percent = progress.total > 0 ? Math.min(100, (progress.transferred / progress.total) * 100) : 0;
    const current = { version: manifest.version, ...progress, percent };
    this.progress = current;
    this.emit({ state: 'downloading', version: manifest.version });
    return current;
  }

  reportFailure(failure: DriverFailure): UpdateVerdict {
    const manifest = this.acceptedManifest();
    const { event, reason } = failureReason(failure);
    this.progress = null;
    this.store.patchState({ accepted: null });
    this.record(event, {
      reason,
      version: manifest?.version ?? null,
      details: {
        stage: failure.stage,
        code: failure.code,
        status: failure.status,
        message: failure.message.slice(0, 500),
      },
    });
    return { accepted: false, reason };
  }

  /**
   * The last word before an install is allowed: the downloaded file's SHA-512 and size must be
   * those of a file of the signed manifest. electron-updater checked them against its feed,
   * which verifyFeed tied to the manifest; this checks the bytes on disk themselves.
   */
  async verifyDownload(args: { version: string; file: string }): Promise<UpdateVerdict> {
    const manifest = this.requireAccepted();
    if (manifest.version !== args.version) {
      throw new TabibError('UPDATE_NOT_PENDING', `Version ${args.version} was not accepted for download`);
    }
    this.progress = null;
    const digest = await digestFile(args.file);
    const match = manifest.files.find((file) => file.sha512 === digest.sha512 && file.size === digest.size);
    if (!match) {
      this.store.patchState({ accepted: null });
      this.record('refused', {
        reason: 'FILE_HASH_MISMATCH',
        version: manifest.version,
        details: { file: basename(args.file), size: digest.size, sha512: `${digest.sha512.slice(0, 16)}…` },
      });
      return { accepted: false, reason: 'FILE_HASH_MISMATCH' };
    }
    const verifiedAt = this.deps.clock().toISOString();
    this.store.patchState({ ready: { version: manifest.version, verifiedAt } });
    this.record('ready', { version: manifest.version, details: { file: match.url, size: match.size } });
    return { accepted: true };
  }

  private requireReady(version?: string): { version: string; verifiedAt: string } {
    const ready = this.verifiedReady();
    if (!ready || (version !== undefined && ready.version !== version)) {
      throw new TabibError('UPDATE_NOT_PENDING', 'No verified update is waiting to be installed');
    }
    return ready;
  }

  /** The maintenance window opened with an update ready: the person at the workstation is asked. */
  offerInstall(args: { version: string }): UpdateStatus {
    const ready = this.requireReady(args.version);
    this.record('installOffered', { version: ready.version });
    return this.status();
  }

  /** The answer of the person at the workstation; only they know whether work is unsaved. */
  respondToInstall(args: { accept: boolean }): UpdateStatus {
    const ready = this.requireReady();
    const last = [...this.log.entries()].reverse().find((entry) => entry.event !== 'keysRotated');
    if (last?.event !== 'installOffered') {
      throw new TabibError('UPDATE_NOT_PENDING', 'The installation was not offered');
    }
    this.record(args.accept ? 'installAccepted' : 'installDeferred', { version: ready.version });
    return this.status();
  }

  async verifyRelease(args: { url: string; keysFile?: string }): Promise<ReleaseVerification> {
    let trustRoot: KeyList | null;
    try {
      trustRoot = args.keysFile ? parseShippedKeyList(readFileSync(args.keysFile)) : this.trustedKeys();
    } catch (error) {
      throw new TabibError(
        'RELEASE_INVALID',
        `Cannot read the key list ${args.keysFile}: ${(error as Error).message}`,
      );
    }
    if (!trustRoot)
      throw new TabibError('RELEASE_INVALID', 'resources/update/keys.json is missing or invalid');
    return verifyRelease({
      url: args.url,
      trustRoot,
      installationId: this.installationId(),
      installedVersion: this.deps.appVersion,
      now: this.deps.clock(),
    });
  }
}
