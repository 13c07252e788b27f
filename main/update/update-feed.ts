/**
 * electron-updater's feed — latest.yml (Windows), latest-linux.yml (Linux x64), written by
 * electron-builder next to the installers — held against the signed manifest.
 *
 * The feed is unsigned (shared/docs/pitfalls.md), and electron-updater checks a download's SHA-512
 * against the feed. So before electron-updater may download, the feed it read must list exactly
 * the signed files with the signed hashes: then its own check ties the bytes to our signature.
 */
import { dump, load } from 'js-yaml';
import { z } from 'zod';
import type { UpdateFile } from '../contract/update-types';
import type { ReleaseManifest } from './release-manifest';

/** Which feed electron-updater reads for an installer, by its extension (electron-updater Provider.getCustomChannelName). */
export const feedNames = {
  exe: 'latest.yml',
  AppImage: 'latest-linux.yml',
  deb: 'latest-linux.yml',
} as const;
export type InstallerExtension = keyof typeof feedNames;

export function installerExtension(fileName: string): InstallerExtension | null {
  const match = /\.(exe|AppImage|deb)$/.exec(fileName);
  return match ? (match[1] as InstallerExtension) : null;
}

/** A feed as electron-updater parses it; fields Tabib does not check (blockMapSize, …) pass through. */
const feedSchema = z
  .object({
    version: z.string(),
    files: z.array(z.looseObject({ url: z.string(), sha512: z.string(), size: z.number().int().optional() })),
  })
  .loose();

export type Feed = z.infer<typeof feedSchema>;

export function parseFeed(text: string): Feed | null {
  try {
    const parsed = feedSchema.safeParse(load(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeFeed(version: string, files: UpdateFile[], releaseDate: string): string {
  const first = files[0];
  if (!first) throw new TypeError('a feed needs at least one file');
  // The top-level path/sha512 are the legacy single-file form that older electron-updaters read.
  return dump(
    {
      version,
      files: files.map(({ url, sha512, size }) => ({ url, sha512, size })),
      path: first.url,
      sha512: first.sha512,
      releaseDate,
    },
    { lineWidth: -1 },
  );
}

export interface FeedFile {
  url: string;
  sha512: string;
  size?: number | null;
}

export type FeedComparison = { matches: true } | { matches: false; detail: string };

/** The feed matches when it names the signed version and each of its files is a signed file, byte for byte. */
export function compareFeed(
  feed: { version: string; files: readonly FeedFile[] },
  manifest: ReleaseManifest,
): FeedComparison {
  if (feed.version !== manifest.version) {
    return { matches: false, detail: `feed version ${feed.version}, signed ${manifest.version}` };
  }
  if (feed.files.length === 0) return { matches: false, detail: 'the feed lists no file' };
  const signed = new Map(manifest.files.map((file) => [file.url, file]));
  for (const file of feed.files) {
    const match = signed.get(file.url);
    if (!match) return { matches: false, detail: `${file.url} is not in the signed manifest` };
    if (match.sha512 !== file.sha512)
      return { matches: false, detail: `${file.url}: sha512 differs from the signed one` };
    if (file.size !== undefined && file.size !== null && file.size !== match.size) {
      return { matches: false, detail: `${file.url}: size ${file.size}, signed ${match.size}` };
    }
  }
  return { matches: true };
}
