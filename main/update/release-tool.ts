/**
 * The release tooling behind `tabib release keygen | keys | sign`, for the machine where the
 * ministry builds and signs releases (not a clinic workstation: the private keys never go there).
 *
 * - keygen: an Ed25519 key pair; the private key as PKCS#8 PEM (mode 0600), the public entry as JSON.
 * - keys: a key list — the first one (shipped in resources/update/keys.json), or the next link of
 *   the rotation chain, checked against the same rule the workstations apply (trusted-keys.ts).
 * - sign: the channel's release.json for the installers in a folder (electron-builder's output),
 *   after checking electron-builder's latest*.yml against the files; feeds missing are written.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { valid as validVersion } from 'semver';
import type { UpdateChannel, UpdateFile } from '../contract/update-types';
import { TabibError } from '../errors';
import { writeFileAtomic } from '../storage/atomic-file';
import { digestFile } from './file-digest';
import { MANIFEST_TYPE, releaseManifestSchema, type ReleaseManifest } from './release-manifest';
import {
  generateSigningKey,
  signDocument,
  signingKeyFromPem,
  type PublicKeyEntry,
  type SignedEnvelope,
  type SigningKey,
} from './signed-document';
import { adoptKeyList, keyListSchema, parseShippedKeyList, signKeyList, type KeyList } from './trusted-keys';
import { feedNames, installerExtension, parseFeed, writeFeed, compareFeed } from './update-feed';

function invalid(message: string, details?: unknown): TabibError {
  return new TabibError('RELEASE_INVALID', message, details);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw invalid(`Cannot read ${what} ${path}: ${(error as Error).message}`);
  }
}

export function readSigningKey(path: string): SigningKey {
  try {
    return signingKeyFromPem(readText(path, 'the private key'));
  } catch (error) {
    if (error instanceof TabibError) throw error;
    throw invalid(
      `${path} is not an Ed25519 private key (PKCS#8 PEM, as \`tabib release keygen\` writes it)`,
    );
  }
}

export function readPublicEntry(path: string): PublicKeyEntry & { name?: string } {
  let json: unknown;
  try {
    json = JSON.parse(readText(path, 'the public key'));
  } catch (error) {
    if (error instanceof TabibError) throw error;
    throw invalid(`${path} is not JSON`);
  }
  const list = keyListSchema.shape.keys.element.safeParse(json);
  if (!list.success) throw invalid(`${path} is not a public key entry ({ keyId, publicKey })`);
  return list.data;
}

export interface GeneratedKey {
  keyId: string;
  privateKeyFile: string;
  publicKeyFile: string;
  publicEntry: PublicKeyEntry & { name?: string };
}

export function keygen(options: { outDir: string; name?: string }): GeneratedKey {
  const { publicEntry, privatePem } = generateSigningKey();
  const entry = options.name ? { ...publicEntry, name: options.name } : publicEntry;
  const privateKeyFile = join(options.outDir, `${publicEntry.keyId}.private.pem`);
  const publicKeyFile = join(options.outDir, `${publicEntry.keyId}.public.json`);
  if (existsSync(privateKeyFile)) throw invalid(`${privateKeyFile} exists; nothing was written`);
  writeFileAtomic(privateKeyFile, privatePem, 0o600);
  writeFileAtomic(publicKeyFile, `${JSON.stringify(entry, null, 2)}\n`, 0o644);
  return { keyId: publicEntry.keyId, privateKeyFile, publicKeyFile, publicEntry: entry };
}

export interface KeyListOptions {
  /** The list in force; without it, the first list (version 1) is made. */
  from?: string;
  add: string[];
  retire: string[];
  /** Private keys to sign with: for a rotation, one of the current list and one of the new list. */
  signWith: string[];
  out: string;
}

export function makeKeyList(options: KeyListOptions): SignedEnvelope<KeyList> {
  const current = options.from
    ? parseShippedKeyList(Buffer.from(readText(options.from, 'the key list')))
    : null;
  const retired = new Set(options.retire);
  const kept = (current?.keys ?? []).filter((key) => !retired.has(key.keyId));
  const added = options.add
    .map(readPublicEntry)
    .filter((entry) => !kept.some((key) => key.keyId === entry.keyId));
  const unknownRetired = options.retire.filter((keyId) => !current?.keys.some((key) => key.keyId === keyId));
  if (unknownRetired.length > 0) throw invalid(`Not in the current list: ${unknownRetired.join(', ')}`);
  const list = keyListSchema.parse({
    type: 'tabib.update-keys',
    version: (current?.version ?? 0) + 1,
    keys: [...kept, ...added],
  });
  if (list.keys.length === 0) throw invalid('A key list needs at least one key');
  const envelope = signKeyList(list, options.signWith.map(readSigningKey));
  if (current) {
    // The same rule as every workstation: refuse here what they would refuse there.
    const adoption = adoptKeyList(current, envelope);
    if (!adoption.ok) {
      const why = {
        notSignedByCurrentKey: 'sign it with a private key of the current list (--key)',
        notSignedByNewKey: 'sign it also with a private key of the new list (--key)',
        malformed: 'the list is malformed',
        notNextVersion: 'the version is not the next one',
        empty: 'the list is empty',
      }[adoption.why];
      throw invalid(`Workstations would refuse this key list: ${why}`, { why: adoption.why });
    }
  }
  writeFileAtomic(options.out, `${JSON.stringify(envelope, null, 2)}\n`, 0o644);
  return envelope;
}

export interface SignOptions {
  dir: string;
  channel: UpdateChannel;
  keyFile: string;
  /** Required when the folder holds no latest*.yml to read it from. */
  version?: string;
  rollout: number;
  expiresDays: number;
  minimumVersion: string | null;
  now: Date;
}

export interface SignedRelease {
  manifest: ReleaseManifest;
  keyId: string;
  manifestFile: string;
  /** Feeds written because electron-builder's were missing; the others were checked and kept. */
  feedsWritten: string[];
  feedsChecked: string[];
}

/**
 * Signs the release in `dir`: hashes every installer, checks electron-builder's feeds (their
 * extra fields — blockMapSize for differential downloads, isAdminRightsRequired for the
 * per-machine NSIS installer — are kept), writes what is missing, then release.json.
 */
export async function signRelease(options: SignOptions): Promise<SignedRelease> {
  if (!Number.isInteger(options.rollout) || options.rollout < 0 || options.rollout > 100) {
    throw invalid('--rollout must be a whole percentage, 0 to 100');
  }
  if (!(options.expiresDays > 0 && options.expiresDays <= 366))
    throw invalid('--expires-days must be 1 to 366');
  if (options.minimumVersion !== null && validVersion(options.minimumVersion) !== options.minimumVersion) {
    throw invalid(`--minimum-version ${options.minimumVersion} is not a semantic version`);
  }
  let names: string[];
  try {
    names = readdirSync(options.dir).filter((name) => statSync(join(options.dir, name)).isFile());
  } catch (error) {
    throw invalid(`Cannot read the release folder ${options.dir}: ${(error as Error).message}`);
  }
  const installers = names.filter((name) => installerExtension(name) !== null).sort();
  if (installers.length === 0) throw invalid(`No installer (.exe, .AppImage, .deb) in ${options.dir}`);
  const signingKey = readSigningKey(options.keyFile);

  const files: UpdateFile[] = [];
  for (const name of installers) files.push({ url: name, ...(await digestFile(join(options.dir, name))) });

  const feedsByName = new Map<string, UpdateFile[]>();
  for (const file of files) {
    const feed = feedNames[installerExtension(file.url) as keyof typeof feedNames];
    feedsByName.set(feed, [...(feedsByName.get(feed) ?? []), file]);
  }
  const existingFeeds = [...feedsByName.keys()].filter((feed) => names.includes(feed));
  const feedVersions = existingFeeds.map((feed) => {
    const parsed = parseFeed(readText(join(options.dir, feed), 'the feed'));
    if (!parsed) throw invalid(`${feed} is not an electron-updater feed`);
    return parsed.version;
  });
  const version = options.version ?? feedVersions[0];
  if (!version) throw invalid('No latest*.yml to take the version from: give --version');
  if (validVersion(version) !== version) throw invalid(`${version} is not a semantic version`);
  const otherVersion = feedVersions.find((found) => found !== version);
  if (otherVersion) throw invalid(`The feeds say ${otherVersion}, the release is ${version}`);

  const releaseDate = options.now.toISOString();
  const manifest = releaseManifestSchema.parse({
    type: MANIFEST_TYPE,
    channel: options.channel,
    version,
    releaseDate,
    expires: new Date(options.now.getTime() + options.expiresDays * 86_400_000).toISOString(),
    minimumVersion: options.minimumVersion,
    rollout: options.rollout,
    files,
  });

  const feedsWritten: string[] = [];
  for (const [feed, feedFiles] of feedsByName) {
    if (existingFeeds.includes(feed)) {
      const parsed = parseFeed(readText(join(options.dir, feed), 'the feed'));
      const comparison = parsed
        ? compareFeed(parsed, manifest)
        : { matches: false as const, detail: 'unreadable' };
      if (!comparison.matches) throw invalid(`${feed} does not match the files: ${comparison.detail}`);
    } else {
      writeFileAtomic(join(options.dir, feed), writeFeed(version, feedFiles, releaseDate), 0o644);
      feedsWritten.push(feed);
    }
  }

  const envelope = signDocument(manifest, [signingKey]);
  const manifestFile = join(options.dir, 'release.json');
  writeFileAtomic(manifestFile, `${JSON.stringify(envelope, null, 2)}\n`, 0o644);
  return { manifest, keyId: signingKey.keyId, manifestFile, feedsWritten, feedsChecked: existingFeeds };
}
