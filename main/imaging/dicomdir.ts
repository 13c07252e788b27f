/**
 * A DICOMDIR (PS3.10 §8, PS3.3 F.3): the directory of a CD or DVD. Its Directory Record Sequence
 * (0004,1220) names each file by Referenced File ID (0004,1500), path components relative to
 * the DICOMDIR's folder. Components are upper case on the medium (PS3.12 Annex F, ISO 9660), but
 * a CD read on Linux, or copied to a disk, may show them in lower case, with an ISO 9660 version
 * (`;1`) or a trailing dot: they are matched without regard to any of these.
 */
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { TabibError } from '../errors';
import { parseDicomFile } from './dicom-header';

export interface DicomdirReference {
  /** The Referenced File ID as written: `DICOM\ST000001\IM000001`. */
  fileId: string;
  /** The file found on disk, or null when the medium does not have it. */
  path: string | null;
}

export function isDicomdirName(path: string): boolean {
  return /^dicomdir\.?(;1)?$/i.test(basename(path));
}

function comparable(name: string): string {
  return name.replace(/;\d+$/, '').replace(/\.$/, '').toUpperCase();
}

/** Finds each path component in its folder's listing, whatever its case (listings are read once). */
class CaseInsensitiveFolder {
  private readonly listings = new Map<string, Map<string, string>>();

  constructor(private readonly root: string) {}

  private listing(folder: string): Map<string, string> {
    let entries = this.listings.get(folder);
    if (!entries) {
      entries = new Map();
      try {
        for (const name of readdirSync(folder)) {
          const key = comparable(name);
          // An exact (upper-case) name wins over a look-alike.
          if (!entries.has(key) || name === key) entries.set(key, name);
        }
      } catch {
        // A missing folder: every file under it is missing.
      }
      this.listings.set(folder, entries);
    }
    return entries;
  }

  resolve(components: string[]): string | null {
    let path = this.root;
    for (const component of components) {
      const found = this.listing(path).get(comparable(component));
      if (!found) return null;
      path = join(path, found);
    }
    return path;
  }
}

/** The files a DICOMDIR references, in its order, each once. */
export async function readDicomdir(dicomdirPath: string): Promise<DicomdirReference[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(dicomdirPath);
  } catch (error) {
    throw new TabibError('IMAGING_FILE_UNREADABLE', `The DICOMDIR ${dicomdirPath} cannot be read`, {
      errno: (error as NodeJS.ErrnoException).code ?? null,
    });
  }
  const dataSet = parseDicomFile(bytes);
  const records = dataSet.elements.x00041220?.items;
  if (!records)
    throw new TabibError('IMAGING_CORRUPT', `${dicomdirPath} has no Directory Record Sequence (0004,1220)`);
  const folder = new CaseInsensitiveFolder(dirname(dicomdirPath));
  const seen = new Set<string>();
  const references: DicomdirReference[] = [];
  for (const record of records) {
    const fileId = record.dataSet?.string('x00041500');
    if (!fileId) continue; // PATIENT, STUDY, SERIES records reference no file.
    const components = fileId
      .split('\\')
      .map((component) => component.trim())
      .filter(Boolean);
    const key = components.map(comparable).join('/');
    if (components.length === 0 || seen.has(key)) continue;
    seen.add(key);
    references.push({ fileId: components.join('\\'), path: folder.resolve(components) });
  }
  return references;
}
