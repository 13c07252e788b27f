/**
 * The update log: every decision about an update, one JSON object per line (JSON Lines), appended
 * and never rewritten, in `<data folder>/update/update-log.jsonl`. The administrator reads it in
 * the Administration screen and with `tabib update status`; support can read it with any editor.
 *
 * Each line is written with one write(2) on a file opened O_APPEND and then fsync'd, so lines from
 * the app and from a `tabib` command never interleave, and a crash loses at most the line being
 * written. A torn last line is skipped when reading.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import {
  updateChannels,
  updateLogEvents,
  updateReasons,
  type UpdateLogEntry,
} from '../contract/update-types';

const entrySchema = z
  .object({
    at: z.string(),
    event: z.enum(updateLogEvents),
    reason: z.enum(updateReasons).nullable(),
    channel: z.enum(updateChannels).nullable(),
    version: z.string().nullable(),
    installedVersion: z.string(),
    details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  })
  .strict();

export class UpdateLog {
  constructor(readonly path: string) {}

  append(entry: UpdateLogEntry): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const line = Buffer.from(`${JSON.stringify(entrySchema.parse(entry))}\n`, 'utf8');
    const fd = openSync(this.path, 'a', 0o600);
    try {
      let written = 0;
      while (written < line.length) written += writeSync(fd, line, written, line.length - written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Every readable entry, oldest first. */
  entries(): UpdateLogEntry[] {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const entries: UpdateLogEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = entrySchema.safeParse(JSON.parse(line));
        if (parsed.success) entries.push(parsed.data);
      } catch {
        // A line torn by a crash mid-write: the rest of the log is still good.
      }
    }
    return entries;
  }
}
