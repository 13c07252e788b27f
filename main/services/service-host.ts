import type { CallOrigin } from '../auth/call-guard';
import type { Envelope } from '../contract/errors';

export type EventListener = (name: string, payload: unknown) => void;

/**
 * Where the services run, seen from a transport (Electron IPC, the harness, the CLI). The
 * transport hands over the call's name and raw arguments; validation happens behind the host.
 * `invoke` is the host's own call (the `tabib` CLI, Electron main's update driver): trusted.
 */
export interface ServiceHost {
  invoke(name: string, args: unknown): Promise<Envelope<unknown>>;
  onEvent(listener: EventListener): () => void;
  close(): Promise<void>;
}

/**
 * The same services as the renderer reaches them (Electron IPC, the e2e harness's binding): every
 * call is checked against the session first (main/auth/call-guard.ts). A transport for a window
 * takes this type, so it cannot be handed the trusted host by mistake.
 */
export interface RendererServiceHost extends Pick<ServiceHost, 'invoke' | 'onEvent'> {
  readonly origin: Extract<CallOrigin, 'renderer'>;
}
