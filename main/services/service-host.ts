import type { Envelope } from '../contract/errors';

export type EventListener = (name: string, payload: unknown) => void;

/**
 * Where the services run, seen from a transport (Electron IPC, the harness, the CLI). The
 * transport hands over the call's name and raw arguments; validation happens behind the host.
 */
export interface ServiceHost {
  invoke(name: string, args: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}
