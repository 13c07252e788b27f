/**
 * The update policy of a workstation: the `update` key of the administrator's machine-wide
 * configuration (main/config/schema.ts), and only of it — a user's own config.json cannot point
 * the workstation at another server, channel or schedule.
 */
import type { MaintenanceWindow, UpdateChannel, UpdatePolicyView } from '../contract/update-types';
import type { ConfigStore } from '../config/config-store';

export const DEFAULT_CHECK_INTERVAL_HOURS = 6;

export interface UpdatePolicy {
  url: URL;
  channel: UpdateChannel;
  checkIntervalHours: number;
  maintenanceWindow: MaintenanceWindow | null;
}

export function updatePolicy(config: ConfigStore): UpdatePolicy | null {
  const machine = config.readMachine().update;
  if (!machine) return null;
  // A trailing slash, so that relative references resolve inside the root (RFC 3986 §5.2).
  const url = new URL(machine.url.endsWith('/') ? machine.url : `${machine.url}/`);
  return {
    url,
    channel: machine.channel ?? 'stable',
    checkIntervalHours: machine.checkIntervalHours ?? DEFAULT_CHECK_INTERVAL_HOURS,
    maintenanceWindow: machine.maintenanceWindow ?? null,
  };
}

export function policyView(policy: UpdatePolicy | null): UpdatePolicyView {
  return {
    configured: policy !== null,
    url: policy?.url.href ?? null,
    channel: policy?.channel ?? 'stable',
    checkIntervalHours: policy?.checkIntervalHours ?? DEFAULT_CHECK_INTERVAL_HOURS,
    maintenanceWindow: policy?.maintenanceWindow ?? null,
  };
}

/** `<root>/<channel>/`: release.json and electron-updater's latest*.yml live there. */
export function channelUrl(root: URL, channel: UpdateChannel): URL {
  return new URL(`${channel}/`, root);
}

/** `<root>/keys/<n>.json`: the n-th key list. */
export function keyListUrl(root: URL, version: number): URL {
  return new URL(`keys/${version}.json`, root);
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number);
  return (hours ?? 0) * 60 + (minutes ?? 0);
}

/**
 * The opening of the maintenance window `now` is in (local time), or null outside it. A window
 * whose end is before its start runs over midnight (22:00–06:00); start = end is never open.
 */
export function maintenanceWindowOpening(window: MaintenanceWindow, now: Date): Date | null {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const current = now.getHours() * 60 + now.getMinutes();
  const opening = new Date(now);
  opening.setHours(Math.floor(start / 60), start % 60, 0, 0);
  if (start < end) return current >= start && current < end ? opening : null;
  if (start > end) {
    if (current >= start) return opening;
    if (current < end) {
      opening.setDate(opening.getDate() - 1);
      return opening;
    }
  }
  return null;
}
