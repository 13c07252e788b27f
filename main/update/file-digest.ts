import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** SHA-512 in base64 and size of a file, streamed (installers are ~100 MB), as latest.yml spells it. */
export async function digestFile(path: string): Promise<{ sha512: string; size: number }> {
  const hash = createHash('sha512');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
  }
  return { sha512: hash.digest('base64'), size };
}
