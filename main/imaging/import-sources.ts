/**
 * What an import reads: the files named, every file under a folder (recursively), and the files a
 * DICOMDIR references. A DICOMDIR met inside a folder is read as well and is not itself imported;
 * a file reached both ways is read once. A file a DICOMDIR names but the medium lacks is kept as
 * an error of its own, so it is reported with the others.
 */
import { realpathSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { TabibError } from '../errors';
import { isDicomdirName, readDicomdir } from './dicomdir';

export interface ImportSource {
  /** The path to read (absolute), or the path the DICOMDIR expected. */
  path: string;
  /** Known before reading: a missing file, an unreadable DICOMDIR. */
  error: TabibError | null;
}

function asTabibError(error: unknown, path: string): TabibError {
  if (error instanceof TabibError) return error;
  const errno = (error as NodeJS.ErrnoException).code ?? null;
  return new TabibError('IMAGING_FILE_UNREADABLE', `${path} cannot be read (${errno ?? 'error'})`, { errno });
}

export async function collectImportSources(inputs: string[]): Promise<ImportSource[]> {
  const sources: ImportSource[] = [];
  const seen = new Set<string>();
  const add = (path: string, error: TabibError | null = null) => {
    let key = path;
    try {
      key = realpathSync(path);
    } catch {
      // Missing: keyed by its name.
    }
    if (seen.has(key)) return;
    seen.add(key);
    sources.push({ path, error });
  };

  const addDicomdir = async (path: string) => {
    seen.add(realpathSync(path));
    try {
      for (const reference of await readDicomdir(path)) {
        if (reference.path) add(reference.path);
        else
          add(
            join(path, '..', ...reference.fileId.split('\\')),
            new TabibError(
              'IMAGING_FILE_UNREADABLE',
              `The DICOMDIR names ${reference.fileId}, which is not on the medium`,
              {
                fileId: reference.fileId,
              },
            ),
          );
      }
    } catch (error) {
      sources.push({ path, error: asTabibError(error, path) });
    }
  };

  const walk = async (folder: string) => {
    const entries = (await readdir(folder, { withFileTypes: true })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    // The DICOMDIR first: its order (patient, study, series) is the order a radiologist expects.
    for (const entry of entries)
      if (entry.isFile() && isDicomdirName(entry.name)) await addDicomdir(join(folder, entry.name));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !isDicomdirName(entry.name)) add(path);
    }
  };

  for (const input of inputs) {
    const path = resolve(input);
    try {
      const info = await stat(path);
      if (info.isDirectory()) await walk(path);
      else if (isDicomdirName(path)) await addDicomdir(path);
      else add(path);
    } catch (error) {
      sources.push({ path, error: asTabibError(error, path) });
    }
  }
  return sources;
}
