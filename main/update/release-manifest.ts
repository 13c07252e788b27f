/**
 * The signed release manifest of one channel, `<server>/<channel>/release.json`:
 *
 * ```json
 * { "signed": { "type": "tabib.update-manifest", "channel": "stable", "version": "1.4.0",
 *               "releaseDate": "2026-11-20T08:00:00.000Z", "expires": "2026-12-20T08:00:00.000Z",
 *               "minimumVersion": null, "rollout": 25,
 *               "files": [{ "url": "Tabib-1.4.0.AppImage", "sha512": "<base64>", "size": 123 }] },
 *   "signatures": [{ "keyId": "<16 hex>", "signature": "<base64 Ed25519>" }] }
 * ```
 *
 * It closes what electron-updater's unsigned latest.yml leaves open (shared/docs/pitfalls.md):
 * who published the release (signature), rollback to an older version, a frozen server replaying
 * an old release forever (`expires`, and `releaseDate` never going backwards — TUF §5.4 "freeze"
 * and "rollback" attacks), and which files are the release (sha512, as latest.yml spells it).
 */
import { compare as compareVersions, lt as versionBelow, valid as validVersion } from 'semver';
import { z } from 'zod';
import { updateChannels, type UpdateChannel, type UpdateReason } from '../contract/update-types';
import { checkSignatures, parseEnvelope, type PublicKeyEntry, type SignedEnvelope } from './signed-document';

export const MANIFEST_TYPE = 'tabib.update-manifest';

const version = z
  .string()
  .refine((value) => validVersion(value) === value, 'must be a semantic version (semver.org 2.0.0)');
const instant = z.iso.datetime();

/** A file name relative to the channel's folder: no scheme, no parent, no absolute path. */
const fileUrl = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\?#:]+$/, 'must be a file name in the channel folder');

export const releaseManifestSchema = z
  .object({
    type: z.literal(MANIFEST_TYPE),
    channel: z.enum(updateChannels),
    version,
    releaseDate: instant,
    expires: instant,
    /** Installations older than this take the release whatever the rollout (a fix they must not wait for). */
    minimumVersion: version.nullable(),
    /** Percentage of installations that take the release; 0 halts it. */
    rollout: z.number().int().min(0).max(100),
    files: z
      .array(
        z
          .object({
            url: fileUrl,
            // SHA-512 is 64 bytes: 88 base64 characters.
            sha512: z.string().regex(/^[A-Za-z0-9+/]{86}==$/, 'must be a base64 SHA-512'),
            size: z.number().int().positive(),
          })
          .strict(),
      )
      .min(1)
      .max(16),
  })
  .strict();

export type ReleaseManifest = z.infer<typeof releaseManifestSchema>;

export interface ManifestContext {
  trustedKeys: readonly PublicKeyEntry[];
  channel: UpdateChannel;
  installedVersion: string;
  now: Date;
  /** The newest releaseDate already accepted as authentic on this channel, if any. */
  newestReleaseDate: string | null;
  /** This installation's place in [0, 100) (rollout.ts). */
  rolloutBucket: number;
}

export type ManifestDecision =
  | {
      outcome: 'accepted';
      manifest: ReleaseManifest;
      keyId: string;
      /** Taken although outside the rollout, because the installed version is below minimumVersion. */
      belowMinimumVersion: boolean;
    }
  | {
      outcome: 'skipped';
      reason: 'UP_TO_DATE' | 'NOT_IN_ROLLOUT' | 'ROLLOUT_HALTED';
      manifest: ReleaseManifest;
      keyId: string;
    }
  | {
      outcome: 'refused';
      reason: UpdateReason;
      /** Set once the signature is known good: an authentic manifest refused for this installation. */
      manifest: ReleaseManifest | null;
      details: Record<string, string | number | boolean | null>;
    };

type Details = Record<string, string | number | boolean | null>;

export type ManifestAuthentication =
  | { ok: true; manifest: ReleaseManifest; keyId: string }
  | { ok: false; reason: UpdateReason; details: Details; manifest: ReleaseManifest | null };

/**
 * Is this a current manifest published by a trusted key? Signature first: nothing inside an
 * unauthenticated document is looked at. Then its shape, then its expiry (TUF §5.4, freeze attack).
 */
export function authenticateManifest(
  bytes: Uint8Array,
  trustedKeys: readonly PublicKeyEntry[],
  now: Date,
): ManifestAuthentication {
  if (trustedKeys.length === 0) return { ok: false, reason: 'NO_TRUSTED_KEYS', details: {}, manifest: null };
  const envelope = parseEnvelope(bytes);
  if (!envelope)
    return { ok: false, reason: 'MANIFEST_MALFORMED', details: { why: 'notAnEnvelope' }, manifest: null };
  const signature = checkSignatures(envelope, trustedKeys);
  if (!signature.valid) {
    return {
      ok: false,
      reason: signature.reason,
      details: { keyIds: signature.keyIds.join(',') },
      manifest: null,
    };
  }
  const keyId = signature.keyIds[0] as string;
  const parsed = releaseManifestSchema.safeParse(envelope.signed);
  if (!parsed.success) {
    // Signed by us but not a manifest: a key list served in its place, or a newer format.
    const issue = parsed.error.issues[0]?.path.join('.') ?? null;
    return {
      ok: false,
      reason: 'MANIFEST_MALFORMED',
      details: { why: 'notAManifest', keyId, issue },
      manifest: null,
    };
  }
  const manifest = parsed.data;
  if (Date.parse(manifest.expires) <= now.getTime()) {
    return { ok: false, reason: 'MANIFEST_EXPIRED', details: { expires: manifest.expires, keyId }, manifest };
  }
  return { ok: true, manifest, keyId };
}

/** Authenticates the manifest, then decides for this installation. Pure: same inputs, same decision. */
export function evaluateManifest(bytes: Uint8Array, context: ManifestContext): ManifestDecision {
  const authentication = authenticateManifest(bytes, context.trustedKeys, context.now);
  if (!authentication.ok) {
    const { reason, details, manifest } = authentication;
    return { outcome: 'refused', reason, details, manifest };
  }
  const { manifest, keyId } = authentication;
  const refuse = (reason: UpdateReason, details: Details): ManifestDecision => ({
    outcome: 'refused',
    reason,
    manifest,
    details: { ...details, keyId },
  });
  // The path on the server chose the channel; the signature must agree, or a pilot release could be
  // served to stable workstations.
  if (manifest.channel !== context.channel) {
    return refuse('CHANNEL_MISMATCH', { expected: context.channel, found: manifest.channel });
  }
  if (
    context.newestReleaseDate !== null &&
    Date.parse(manifest.releaseDate) < Date.parse(context.newestReleaseDate)
  ) {
    return refuse('MANIFEST_REPLAYED', {
      releaseDate: manifest.releaseDate,
      newestSeen: context.newestReleaseDate,
    });
  }
  const comparison = compareVersions(manifest.version, context.installedVersion);
  if (comparison < 0) {
    return refuse('DOWNGRADE_REFUSED', { offered: manifest.version, installed: context.installedVersion });
  }
  if (comparison === 0) return { outcome: 'skipped', reason: 'UP_TO_DATE', manifest, keyId };
  // An administrator halts a rollout by publishing rollout 0: nobody starts it, whatever the version.
  if (manifest.rollout === 0) return { outcome: 'skipped', reason: 'ROLLOUT_HALTED', manifest, keyId };
  const belowMinimumVersion = isBelowMinimumVersion(manifest, context.installedVersion);
  if (!belowMinimumVersion && context.rolloutBucket >= manifest.rollout) {
    return { outcome: 'skipped', reason: 'NOT_IN_ROLLOUT', manifest, keyId };
  }
  return { outcome: 'accepted', manifest, keyId, belowMinimumVersion };
}

export function isBelowMinimumVersion(manifest: ReleaseManifest, installedVersion: string): boolean {
  return manifest.minimumVersion !== null && versionBelow(installedVersion, manifest.minimumVersion);
}

/** Re-reads a manifest this workstation accepted earlier (kept in its data folder), re-verifying it. */
export function reverifyManifest(
  envelope: SignedEnvelope,
  trustedKeys: readonly PublicKeyEntry[],
): ReleaseManifest | null {
  if (!checkSignatures(envelope, trustedKeys).valid) return null;
  const parsed = releaseManifestSchema.safeParse(envelope.signed);
  return parsed.success ? parsed.data : null;
}
