/** Messages between Electron main (or the harness) and the services worker thread. */
import type { Envelope } from '../contract/errors';
import type { ServiceEnvironment } from './services';

export interface WorkerInit {
  env: ServiceEnvironment;
  /** 'remote': the keychain lives on the host's thread (Electron safeStorage); 'key_file': in the worker. */
  keychain: 'remote' | 'key_file';
}

export type HostToWorker =
  | { type: 'invoke'; id: number; name: string; args: unknown }
  /** Close the record cleanly (checkpoint the WAL) before the thread ends. */
  | { type: 'shutdown' }
  | {
      type: 'capability-result';
      id: number;
      result: Envelope<Uint8Array | { backend: string; strong: boolean }>;
    };

export type KeychainMethod = 'describe' | 'wrap' | 'unwrap';

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'closed' }
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; name: string; payload: unknown }
  | { type: 'capability'; id: number; method: KeychainMethod; bytes: Uint8Array | null };
