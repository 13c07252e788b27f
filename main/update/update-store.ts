/**
 * What the update client keeps between runs, in `<data folder>/update/`:
 *
 * - `update-log.jsonl`: the decisions (update-log.ts);
 * - `key-chain.json`: the key lists adopted since the shipped one. The data folder is writable by
 *   the workstation's user, so the chain is re-verified from resources/update/keys.json at every
 *   read: a list written there by hand is not a link and is ignored;
 * - `state.json`: the newest releaseDate seen per channel (replay protection), the manifest accepted
 *   for download (re-verified when read back), and the update ready to install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { updateChannels } from '../contract/update-types';
import { writeFileAtomic } from '../storage/atomic-file';
import { signedEnvelopeSchema, type SignedEnvelope } from './signed-document';

export interface UpdateLayout {
  dir: string;
  log: string;
  keyChain: string;
  state: string;
}

export function updateLayout(dataDir: string): UpdateLayout {
  const dir = join(dataDir, 'update');
  return {
    dir,
    log: join(dir, 'update-log.jsonl'),
    keyChain: join(dir, 'key-chain.json'),
    state: join(dir, 'state.json'),
  };
}

const stateSchema = z
  .object({
    newestReleaseDate: z.partialRecord(z.enum(updateChannels), z.string()),
    accepted: signedEnvelopeSchema.nullable(),
    ready: z.object({ version: z.string(), verifiedAt: z.string() }).strict().nullable(),
  })
  .strict();

export type UpdateClientState = z.infer<typeof stateSchema>;

const emptyState: UpdateClientState = { newestReleaseDate: {}, accepted: null, ready: null };

function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    // Missing or damaged: start again from nothing. Every value here is re-earned at the next check.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

export class UpdateStore {
  constructor(readonly layout: UpdateLayout) {}

  readState(): UpdateClientState {
    const parsed = stateSchema.safeParse(readJson(this.layout.state));
    return parsed.success ? parsed.data : structuredClone(emptyState);
  }

  writeState(state: UpdateClientState): void {
    writeFileAtomic(this.layout.state, `${JSON.stringify(stateSchema.parse(state), null, 2)}\n`);
  }

  patchState(patch: Partial<UpdateClientState>): UpdateClientState {
    const next = { ...this.readState(), ...patch };
    this.writeState(next);
    return next;
  }

  readKeyChain(): SignedEnvelope[] {
    const parsed = z.array(signedEnvelopeSchema).safeParse(readJson(this.layout.keyChain));
    return parsed.success ? parsed.data : [];
  }

  writeKeyChain(links: SignedEnvelope[]): void {
    writeFileAtomic(this.layout.keyChain, `${JSON.stringify(links, null, 2)}\n`);
  }
}
