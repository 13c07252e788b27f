/**
 * Staged rollout: an installation takes a release when its bucket is below the manifest's rollout
 * percentage. The bucket comes from the installation's random id (main/config/installation-id.ts)
 * alone — not from the version — so:
 *
 * - raising a rollout from 10 to 50 keeps the first 10 % and adds the next 40 %;
 * - after a halt (rollout 0), the fix published at 10 % reaches first exactly the installations
 *   that took the halted release at 10 %, the ones that need it;
 * - the same clinics go first for every release: the administrator can tell them so.
 *
 * SHA-256 over a domain-separated string, first 32 bits, scaled to [0, 100): uniform, stable
 * across versions of Tabib and platforms, and not the id itself.
 */
import { createHash } from 'node:crypto';

export function rolloutBucket(installationId: string): number {
  const digest = createHash('sha256').update(`tabib.update-rollout\u0000${installationId}`).digest();
  return (digest.readUInt32BE(0) / 2 ** 32) * 100;
}

export function isInRollout(installationId: string, rolloutPercent: number): boolean {
  return rolloutBucket(installationId) < rolloutPercent;
}
