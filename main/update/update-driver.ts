/**
 * Electron main's update driver: it steps electron-updater through an update, one step at a time,
 * each only after the services (update-service.ts, in the worker) allowed it:
 *
 *   1. `update.check`: the signed manifest is verified and this installation is in the rollout;
 *   2. electron-updater reads its feed (latest.yml) — `update.verifyFeed`: it lists the signed files;
 *   3. electron-updater downloads, checking SHA-512 against that feed — `update.verifyDownload`:
 *      the file on disk is a signed file;
 *   4. install when Tabib quits, or in the maintenance window once the person at the workstation
 *      said yes (`update.offerInstall`, answered by the renderer with `update.respondToInstall`).
 *
 * electron-updater never acts on its own: `autoDownload` and `autoInstallOnAppQuit` are off
 * (electron-updater's AppUpdater.ts and BaseUpdater.addQuitHandler), so nothing is downloaded
 * before step 1 and nothing is installed before step 3. This file imports no electron and no
 * electron-updater at run time; electron-updates.ts hands it the real ones.
 *
 * THE SEAM (tests: test/update/update-driver.test.ts): `AppUpdaterPort`, the part of
 * electron-updater's AppUpdater that Tabib drives. The tests pass the real electron-updater class
 * (DebUpdater) with only the `electron` module replaced — `app` and `net` — so electron-updater's
 * own feed parsing, HTTP download and SHA-512 check run for real against a loopback server.
 */
import type { AppUpdater, ProgressInfo, UpdateInfo } from 'electron-updater';
import type { UpdatePlan, UpdateStatus, UpdateVerdict } from '../contract/update-types';
import type { ServiceHost } from '../services/service-host';
import { maintenanceWindowOpening } from './update-policy';

/** The part of electron-updater's AppUpdater that Tabib drives (see the file comment). */
export type AppUpdaterPort = Pick<
  AppUpdater,
  | 'autoDownload'
  | 'autoInstallOnAppQuit'
  | 'allowDowngrade'
  | 'isUserWithinRollout'
  | 'setFeedURL'
  | 'isUpdaterActive'
  | 'checkForUpdates'
  | 'downloadUpdate'
  | 'quitAndInstall'
  | 'on'
  | 'removeListener'
>;

/** Electron's app, as far as the driver needs it. */
export interface AppLifecycle {
  /** `app.on('quit')`: the exit code, 0 for a normal quit. */
  onQuit(handler: (exitCode: number) => void): void;
}

export interface UpdateDriverOptions {
  updater: AppUpdaterPort;
  services: Pick<ServiceHost, 'invoke' | 'onEvent'>;
  lifecycle: AppLifecycle;
  clock?: () => Date;
  /** The first check waits this long after start, so the window opens first. */
  startDelayMs?: number;
  /** How often the schedule and the maintenance window are looked at. */
  tickMs?: number;
  /** Download progress goes to the services at most this often. */
  progressIntervalMs?: number;
}

export interface PendingUpdate {
  version: string;
  file: string;
}

function errorFacts(error: unknown): { code: string | null; status: number | null; message: string } {
  const fields = (error ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  // Feeds fail with builder-util-runtime's HttpError (statusCode); downloads with a plain Error whose
  // message says `Cannot download "…", status 500: …` (builder-util-runtime httpExecutor.ts, doDownload).
  const status =
    typeof fields.statusCode === 'number'
      ? fields.statusCode
      : Number(/, status (\d{3}):/.exec(message)?.[1] ?? NaN);
  return {
    code: typeof fields.code === 'string' ? fields.code : null,
    status: Number.isInteger(status) && status >= 100 && status <= 599 ? status : null,
    message,
  };
}

function feedFiles(info: UpdateInfo): { url: string; sha512: string; size: number | null }[] {
  return (info.files ?? []).map((file) => ({ url: file.url, sha512: file.sha512, size: file.size ?? null }));
}

export class UpdateDriver {
  private readonly updater: AppUpdaterPort;
  private readonly services: Pick<ServiceHost, 'invoke' | 'onEvent'>;
  private readonly clock: () => Date;
  private pendingUpdate: PendingUpdate | null = null;
  private running: Promise<void> | null = null;
  private nextCheckAt: number | null = null;
  private offeredFor: string | null = null;
  private installing = false;
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(private readonly options: UpdateDriverOptions) {
    this.updater = options.updater;
    this.services = options.services;
    this.clock = options.clock ?? (() => new Date());
    this.updater.autoDownload = false;
    this.updater.autoInstallOnAppQuit = false;
    this.updater.allowDowngrade = false;
    // The signed manifest's rollout has decided already; latest.yml's stagingPercentage is unsigned.
    this.updater.isUserWithinRollout = () => true;
    options.lifecycle.onQuit((exitCode) => this.installAtQuit(exitCode));
    this.services.onEvent((name, payload) => {
      if (name === 'update.changed' && (payload as { state?: unknown }).state === 'installing')
        this.installNow();
    });
  }

  /** The update downloaded and verified, that Tabib will install. */
  get pending(): PendingUpdate | null {
    return this.pendingUpdate;
  }

  start(): void {
    const tick = () => void this.tick().catch(() => undefined);
    const first = setTimeout(tick, this.options.startDelayMs ?? 30_000);
    const every = setInterval(tick, this.options.tickMs ?? 60_000);
    first.unref?.();
    every.unref?.();
    this.timers = [first, every];
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  private async invoke<T>(name: string, args: unknown): Promise<T> {
    const envelope = await this.services.invoke(name, args);
    if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value as T;
  }

  /** Checks when the interval has passed; offers the install when the maintenance window is open. */
  async tick(): Promise<void> {
    const status = await this.invoke<UpdateStatus>('update.status', {});
    if (!status.policy.configured) return;
    const now = this.clock();
    if (this.nextCheckAt === null || now.getTime() >= this.nextCheckAt) {
      this.nextCheckAt = now.getTime() + status.policy.checkIntervalHours * 3_600_000;
      await this.check();
    }
    const window = status.policy.maintenanceWindow;
    const pending = this.pendingUpdate;
    if (!pending || !window || this.installing) return;
    const opening = maintenanceWindowOpening(window, this.clock());
    const occasion = opening ? `${opening.toISOString()} ${pending.version}` : null;
    // Once per window and version: a "later" is not asked again before the next window.
    if (occasion && occasion !== this.offeredFor) {
      this.offeredFor = occasion;
      await this.invoke<UpdateStatus>('update.offerInstall', { version: pending.version });
    }
  }

  /** One check, from the signed manifest to a verified download; concurrent calls share it. */
  check(): Promise<void> {
    this.running ??= this.runCheck().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** `error`: what electron-updater threw, or Tabib's own `{ code, message }` for what it declined. */
  private async reportFailure(stage: 'feed' | 'download', error: unknown): Promise<void> {
    await this.invoke<UpdateVerdict>('update.reportFailure', { stage, ...errorFacts(error) });
  }

  private async runCheck(): Promise<void> {
    const plan = await this.invoke<UpdatePlan>('update.check', {
      pendingVersion: this.pendingUpdate?.version ?? null,
      updaterActive: this.updater.isUpdaterActive(),
    });
    if (plan.action === 'keep') return;
    // Halted, withdrawn, or superseded: whatever was pending is not installed.
    this.pendingUpdate = null;
    if (plan.action === 'none') return;

    // The generic provider reads <channel folder>/latest.yml (latest-linux.yml on Linux). The
    // channel is in the URL; setting `updater.channel` would also turn on allowDowngrade.
    this.updater.setFeedURL({ provider: 'generic', url: plan.feedUrl });
    let result: Awaited<ReturnType<AppUpdaterPort['checkForUpdates']>>;
    try {
      result = await this.updater.checkForUpdates();
    } catch (error) {
      await this.reportFailure('feed', error);
      return;
    }
    if (!result) {
      await this.reportFailure('feed', {
        code: 'UPDATER_INACTIVE',
        message: 'electron-updater is not active (not a packaged application)',
      });
      return;
    }
    const feed = await this.invoke<UpdateVerdict>('update.verifyFeed', {
      version: result.updateInfo.version,
      files: feedFiles(result.updateInfo),
    });
    if (!feed.accepted) return;
    if (!result.isUpdateAvailable) {
      await this.reportFailure('feed', {
        code: 'ERR_UPDATER_DECLINED',
        message: 'electron-updater declined the signed update (minimumSystemVersion in the feed?)',
      });
      return;
    }

    let lastProgress = 0;
    const onProgress = (progress: ProgressInfo) => {
      const now = this.clock().getTime();
      if (
        progress.transferred < progress.total &&
        now - lastProgress < (this.options.progressIntervalMs ?? 1000)
      )
        return;
      lastProgress = now;
      void this.invoke('update.reportProgress', {
        transferred: Math.round(progress.transferred),
        total: Math.round(progress.total),
      }).catch(() => undefined);
    };
    this.updater.on('download-progress', onProgress);
    let files: string[];
    try {
      files = await this.updater.downloadUpdate();
    } catch (error) {
      await this.reportFailure('download', error);
      return;
    } finally {
      this.updater.removeListener('download-progress', onProgress);
    }
    const file = files[0];
    if (!file) {
      await this.reportFailure('download', new Error('electron-updater returned no file'));
      return;
    }
    const verdict = await this.invoke<UpdateVerdict>('update.verifyDownload', {
      version: plan.version,
      file,
    });
    if (verdict.accepted) this.pendingUpdate = { version: plan.version, file };
  }

  /**
   * Tabib quits normally with a verified update: install it now, silently, without restarting —
   * what electron-updater's autoInstallOnAppQuit would do (BaseUpdater.addQuitHandler), but only
   * for a file the services verified.
   */
  private installAtQuit(exitCode: number): void {
    if (!this.pendingUpdate || this.installing || exitCode !== 0) return;
    this.installing = true;
    this.updater.quitAndInstall(true, false);
  }

  /** The person at the workstation accepted in the maintenance window: restart into the new version. */
  private installNow(): void {
    if (!this.pendingUpdate || this.installing) return;
    this.installing = true;
    this.updater.quitAndInstall(true, true);
  }
}
