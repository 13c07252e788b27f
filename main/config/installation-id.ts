/**
 * A stable, random id for this installation: names the workstation in audit entries and decides
 * its place in a staged update rollout. Created once, never derived from the hardware.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../storage/atomic-file';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function installationId(path: string): string {
  try {
    const value = readFileSync(path, 'utf8').trim();
    if (UUID.test(value)) return value;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const id = randomUUID();
  writeFileAtomic(path, `${id}\n`, 0o644);
  return id;
}
