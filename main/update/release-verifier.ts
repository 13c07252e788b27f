/**
 * `tabib release verify <url>`: what a workstation would think of a published release, checked
 * end to end as served — the key chain, the manifest's signature and expiry, every file's SHA-512
 * and size, and electron-updater's feeds against the signed manifest. It changes nothing on the
 * workstation (no key is adopted, nothing is logged).
 */
import type { ReleaseFileCheck, ReleaseVerification, UpdateReason } from '../contract/update-types';
import { rolloutBucket } from './rollout';
import { authenticateManifest, isBelowMinimumVersion } from './release-manifest';
import { parseEnvelope, type SignedEnvelope } from './signed-document';
import { adoptKeyList, publicEntries, type KeyList } from './trusted-keys';
import { digestRemoteFile, fetchDocument } from './update-http';
import { compareFeed, feedNames, installerExtension, parseFeed } from './update-feed';
import { keyListUrl } from './update-policy';

export interface ReleaseVerifierInput {
  /** The channel's folder (`https://…/stable/`) or its release.json. */
  url: string;
  trustRoot: KeyList;
  installationId: string;
  installedVersion: string;
  now: Date;
}

/** The longest key chain followed in one go: more links than this is a server misbehaving. */
export const MAX_KEY_CHAIN_LINKS = 32;

export function manifestLocation(url: string): { manifestUrl: URL; channelDir: URL; serverRoot: URL } {
  const manifestUrl = url.endsWith('.json')
    ? new URL(url)
    : new URL('release.json', url.endsWith('/') ? url : `${url}/`);
  const channelDir = new URL('./', manifestUrl);
  return { manifestUrl, channelDir, serverRoot: new URL('../', channelDir) };
}

type ChainResult = { ok: true; list: KeyList } | { ok: false; reason: UpdateReason; detail: string };

/** Follows `<root>/keys/<n+1>.json` until the server answers 404. */
export async function fetchKeyChain(
  serverRoot: URL,
  trusted: KeyList,
  onAdopt: (link: SignedEnvelope, list: KeyList) => void = () => undefined,
): Promise<ChainResult> {
  let list = trusted;
  for (let step = 0; step < MAX_KEY_CHAIN_LINKS; step += 1) {
    const url = keyListUrl(serverRoot, list.version + 1);
    const fetched = await fetchDocument(url, { maxBytes: 64 * 1024 });
    if (!fetched.ok) {
      if (fetched.reason === 'SERVER_ERROR' && fetched.status === 404) return { ok: true, list };
      if (fetched.reason === 'SERVER_ERROR')
        return { ok: false, reason: 'SERVER_ERROR', detail: `${url.href}: HTTP ${fetched.status}` };
      if (fetched.reason === 'NETWORK_ERROR')
        return { ok: false, reason: 'NETWORK_ERROR', detail: `${url.href}: ${fetched.message}` };
      return {
        ok: false,
        reason: 'KEY_LIST_REFUSED',
        detail: `${url.href}: larger than ${fetched.limit} bytes`,
      };
    }
    const envelope = parseEnvelope(fetched.bytes);
    if (!envelope) return { ok: false, reason: 'KEY_LIST_REFUSED', detail: `${url.href}: malformed` };
    const adoption = adoptKeyList(list, envelope);
    if (!adoption.ok)
      return { ok: false, reason: 'KEY_LIST_REFUSED', detail: `${url.href}: ${adoption.why}` };
    list = adoption.list;
    onAdopt(envelope, list);
  }
  return { ok: false, reason: 'KEY_LIST_REFUSED', detail: `more than ${MAX_KEY_CHAIN_LINKS} key lists` };
}

export async function verifyRelease(input: ReleaseVerifierInput): Promise<ReleaseVerification> {
  const { manifestUrl, channelDir, serverRoot } = manifestLocation(input.url);
  const bucket = rolloutBucket(input.installationId);
  const result: ReleaseVerification = {
    manifestUrl: manifestUrl.href,
    ok: false,
    reason: null,
    detail: null,
    keyId: null,
    trustedKeysVersion: null,
    manifest: null,
    files: [],
    feeds: [],
    thisInstallation: { bucket, inRollout: false },
  };
  const fail = (reason: UpdateReason, detail: string | null): ReleaseVerification =>
    Object.assign(result, { ok: false, reason: result.reason ?? reason, detail: result.detail ?? detail });

  const chain = await fetchKeyChain(serverRoot, input.trustRoot);
  if (!chain.ok) return fail(chain.reason, chain.detail);
  result.trustedKeysVersion = chain.list.version;

  const fetched = await fetchDocument(manifestUrl, { maxBytes: 256 * 1024 });
  if (!fetched.ok) {
    if (fetched.reason === 'SERVER_ERROR') return fail('SERVER_ERROR', `HTTP ${fetched.status}`);
    if (fetched.reason === 'NETWORK_ERROR') return fail('NETWORK_ERROR', fetched.message);
    return fail('MANIFEST_MALFORMED', `larger than ${fetched.limit} bytes`);
  }
  const authentication = authenticateManifest(fetched.bytes, publicEntries(chain.list), input.now);
  const manifest = authentication.manifest;
  if (manifest) {
    const { channel, version, releaseDate, expires, minimumVersion, rollout } = manifest;
    result.manifest = { channel, version, releaseDate, expires, minimumVersion, rollout };
    result.thisInstallation.inRollout =
      rollout > 0 && (bucket < rollout || isBelowMinimumVersion(manifest, input.installedVersion));
  }
  if (!authentication.ok) {
    return fail(
      authentication.reason,
      Object.entries(authentication.details)
        .map(([key, value]) => `${key}=${String(value)}`)
        .join(' ') || null,
    );
  }
  result.keyId = authentication.keyId;

  for (const file of authentication.manifest.files) {
    const digest = await digestRemoteFile(new URL(file.url, channelDir));
    const check: ReleaseFileCheck = digest.ok
      ? {
          ...file,
          status: digest.sha512 === file.sha512 && digest.size === file.size ? 'ok' : 'mismatch',
          detail:
            digest.sha512 === file.sha512 && digest.size === file.size
              ? null
              : `served ${digest.size} bytes, sha512 ${digest.sha512.slice(0, 16)}…`,
        }
      : { ...file, status: 'unavailable', detail: digest.detail };
    result.files.push(check);
  }

  const expectedFeeds = new Set(
    authentication.manifest.files.flatMap((file) => {
      const extension = installerExtension(file.url);
      return extension ? [feedNames[extension]] : [];
    }),
  );
  for (const name of [...expectedFeeds].sort()) {
    const feed = await fetchDocument(new URL(name, channelDir), { maxBytes: 256 * 1024 });
    if (!feed.ok) {
      result.feeds.push({
        name,
        status: 'absent',
        detail: feed.reason === 'SERVER_ERROR' ? `HTTP ${feed.status}` : feed.reason,
      });
      continue;
    }
    const parsed = parseFeed(feed.bytes.toString('utf8'));
    const comparison = parsed
      ? compareFeed(parsed, authentication.manifest)
      : { matches: false as const, detail: 'not a feed' };
    result.feeds.push(
      comparison.matches
        ? { name, status: 'ok', detail: null }
        : { name, status: 'mismatch', detail: comparison.detail },
    );
  }

  const badFile = result.files.find((file) => file.status !== 'ok');
  if (badFile) return fail('FILE_HASH_MISMATCH', `${badFile.url}: ${badFile.detail ?? badFile.status}`);
  const badFeed = result.feeds.find((feed) => feed.status !== 'ok');
  if (badFeed) return fail('FEED_MISMATCH', `${badFeed.name}: ${badFeed.detail ?? badFeed.status}`);
  result.ok = true;
  return result;
}
