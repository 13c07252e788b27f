/**
 * What the import panel sends: the files dropped or chosen (a folder's tree walked), read as the
 * contract carries them. How they are batched and the batches' reports added up: import-batches.ts.
 */

export interface PickedFile {
  file: File;
  /** The path inside what was dropped or chosen (a folder's relative path), else the file's name. */
  name: string;
}

/** A file's bytes as base64, as the contract carries them. */
export function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

/** Files chosen with the picker (a folder's relative paths when the folder picker was used). */
export function pickedFromList(list: FileList | null): PickedFile[] {
  return [...(list ?? [])].map((file) => ({ file, name: file.webkitRelativePath || file.name }));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => {
    const entries: FileSystemEntry[] = [];
    // readEntries answers a hundred or so at a time, then an empty list.
    const next = () =>
      reader.readEntries((chunk) => {
        if (chunk.length === 0) resolve(entries);
        else {
          entries.push(...chunk);
          next();
        }
      }, reject);
    next();
  });
}

async function walk(entry: FileSystemEntry): Promise<PickedFile[]> {
  const name = entry.fullPath.replace(/^\//, '') || entry.name;
  if (entry.isFile) return [{ file: await fileOf(entry as FileSystemFileEntry), name }];
  if (!entry.isDirectory) return [];
  const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
  const nested = [];
  for (const child of children) nested.push(...(await walk(child)));
  return nested;
}

/**
 * What was dropped: files, and folders walked to their files. The entries must be taken while
 * the drop event lasts (the DataTransfer empties after it), so call this synchronously in onDrop.
 */
export function droppedFiles(transfer: DataTransfer): Promise<PickedFile[]> {
  const entries = [...transfer.items]
    .filter((item) => item.kind === 'file')
    .map((item) => item.webkitGetAsEntry?.() ?? null);
  if (entries.length === 0 || entries.some((entry) => entry === null))
    return Promise.resolve(pickedFromList(transfer.files));
  return (async () => {
    const files: PickedFile[] = [];
    for (const entry of entries as FileSystemEntry[]) files.push(...(await walk(entry)));
    return files;
  })();
}
