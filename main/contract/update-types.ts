/**
 * Result types of the update calls (main/update/). Plain data: they cross IPC and the worker
 * boundary by structured clone, and the renderer imports them for the Administration screen.
 */

export const updateChannels = ['stable', 'pilot'] as const;
export type UpdateChannel = (typeof updateChannels)[number];

/**
 * Why an update was refused, skipped or failed: stable codes, written to the update log and
 * localised by the renderer under `update.reason.<CODE>`.
 */
export const updateReasons = [
  // Refused: the release is not trustworthy, or not for this workstation. Nothing is downloaded.
  'NO_TRUSTED_KEYS',
  'KEY_LIST_REFUSED',
  'MANIFEST_MALFORMED',
  'UNKNOWN_SIGNING_KEY',
  'SIGNATURE_INVALID',
  'CHANNEL_MISMATCH',
  'MANIFEST_EXPIRED',
  'MANIFEST_REPLAYED',
  'DOWNGRADE_REFUSED',
  'FEED_MISMATCH',
  // Refused after download: the bytes are not the signed ones. Nothing is installed.
  'DOWNLOAD_CHECKSUM_MISMATCH',
  'FILE_HASH_MISMATCH',
  // Skipped: nothing wrong, nothing to do.
  'NOT_CONFIGURED',
  'UPDATER_INACTIVE',
  'UP_TO_DATE',
  'ALREADY_READY',
  'NOT_IN_ROLLOUT',
  'ROLLOUT_HALTED',
  // Failed: the server or the network; the next check tries again.
  'SERVER_ERROR',
  'NETWORK_ERROR',
  'DOWNLOAD_INTERRUPTED',
  'DOWNLOAD_FAILED',
] as const;
export type UpdateReason = (typeof updateReasons)[number];

/**
 * One line of the update log. `accepted`, `refused`, `skipped` and `failed` are the outcomes of
 * a check or a download; the others follow an accepted update to its installation.
 */
export const updateLogEvents = [
  'accepted',
  'refused',
  'skipped',
  'failed',
  'keysRotated',
  'ready',
  'withdrawn',
  'installOffered',
  'installAccepted',
  'installDeferred',
  'installed',
] as const;
export type UpdateLogEvent = (typeof updateLogEvents)[number];

export interface UpdateLogEntry {
  at: string;
  event: UpdateLogEvent;
  reason: UpdateReason | null;
  channel: UpdateChannel | null;
  /** The version the decision is about (the one offered), if any. */
  version: string | null;
  /** The version running when the decision was made. */
  installedVersion: string;
  details: Record<string, string | number | boolean | null>;
}

export const updateStates = [
  'disabled',
  'idle',
  'upToDate',
  'downloading',
  'readyToInstall',
  'awaitingConsent',
  'installing',
  'notInRollout',
  'halted',
  'refused',
  'failed',
] as const;
export type UpdateState = (typeof updateStates)[number];

/** A local time of day, `HH:MM`; a window whose end is before its start runs over midnight. */
export interface MaintenanceWindow {
  start: string;
  end: string;
}

export interface UpdatePolicyView {
  /** From the administrator's machine-wide configuration only; users cannot change it. */
  configured: boolean;
  url: string | null;
  channel: UpdateChannel;
  checkIntervalHours: number;
  maintenanceWindow: MaintenanceWindow | null;
}

export interface UpdateProgress {
  version: string;
  transferred: number;
  total: number;
  percent: number;
}

export interface UpdateStatus {
  installedVersion: string;
  policy: UpdatePolicyView;
  state: UpdateState;
  /** A downloaded update whose file matched the signed manifest, waiting to be installed. */
  ready: { version: string; verifiedAt: string } | null;
  progress: UpdateProgress | null;
  lastCheck: UpdateLogEntry | null;
  /** Newest first. */
  history: UpdateLogEntry[];
  installationId: string;
  /** This installation's place in a staged rollout, in [0, 100): it takes a release when below the rollout percentage. */
  rolloutBucket: number;
  trustedKeys: { version: number; keyIds: string[] };
}

/** A file of a release, as the signed manifest lists it (sha512 in base64, as electron-updater's latest.yml). */
export interface UpdateFile {
  url: string;
  sha512: string;
  size: number;
}

/** What Electron main's update driver should do after the services checked the signed manifest. */
export type UpdatePlan =
  | { action: 'download'; version: string; feedUrl: string; files: UpdateFile[] }
  /** The update already downloaded and verified is still the one to install. */
  | { action: 'keep'; version: string }
  | { action: 'none'; reason: UpdateReason | null };

export type UpdateVerdict = { accepted: true } | { accepted: false; reason: UpdateReason };

export type ReleaseFileCheck = UpdateFile & {
  status: 'ok' | 'mismatch' | 'unavailable';
  detail: string | null;
};

export interface ReleaseVerification {
  manifestUrl: string;
  ok: boolean;
  /** Why the release would be refused, if it would. */
  reason: UpdateReason | null;
  detail: string | null;
  keyId: string | null;
  trustedKeysVersion: number | null;
  manifest: {
    channel: UpdateChannel;
    version: string;
    releaseDate: string;
    expires: string;
    minimumVersion: string | null;
    rollout: number;
  } | null;
  files: ReleaseFileCheck[];
  /** electron-updater's feeds (latest.yml, latest-linux.yml) compared with the signed manifest. */
  feeds: { name: string; status: 'ok' | 'mismatch' | 'absent'; detail: string | null }[];
  /** Whether this workstation would take the release at its current rollout percentage. */
  thisInstallation: { bucket: number; inRollout: boolean };
}
