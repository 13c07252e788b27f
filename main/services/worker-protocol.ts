/** Messages between Electron main (or the harness) and the services worker thread. */
import type { CallOrigin } from '../auth/call-guard';
import type { Envelope } from '../contract/errors';
import type { ServiceEnvironment } from './services';

export interface WorkerInit {
  env: ServiceEnvironment;
  /** 'remote': the keychain lives on the host's thread (Electron safeStorage); 'key_file': in the worker. */
  keychain: 'remote' | 'key_file';
  /** The host renders printouts to PDF (a browser engine: Electron main, the harness's Chromium). */
  pdfRenderer: boolean;
}

export type HostToWorker =
  /** `origin`: the renderer's call (guarded by the session) or the host's own (trusted). */
  | { type: 'invoke'; id: number; name: string; args: unknown; origin: CallOrigin }
  /** Close the record cleanly (checkpoint the WAL) before the thread ends. */
  | { type: 'shutdown' }
  | {
      type: 'capability-result';
      id: number;
      result: Envelope<Uint8Array | { backend: string; strong: boolean }>;
    };

export type KeychainMethod = 'describe' | 'wrap' | 'unwrap';

/** What the worker asks of its host's thread: the keychain, or a PDF made from a printout's HTML. */
export type CapabilityRequest =
  { method: KeychainMethod; bytes: Uint8Array | null } | { method: 'renderPdf'; html: string };

export type WorkerToHost =
  | { type: 'ready' }
  | { type: 'closed' }
  | { type: 'result'; id: number; envelope: Envelope<unknown> }
  | { type: 'event'; name: string; payload: unknown }
  | ({ type: 'capability'; id: number } & CapabilityRequest);
