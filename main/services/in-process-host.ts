/**
 * Services on the caller's own thread: for the CLI, where there is no UI loop to keep free, and
 * for tests. The CLI is the trusted host (it acts as `Device/<workstation>`); `guarded: true`
 * makes every call a renderer's, checked against the session (tests of the guard, main/auth/).
 */
import type { Keychain } from '../../native/keychain/keychain';
import type { Envelope } from '../contract/errors';
import { ContractServer } from './contract-server';
import type { EventListener, RendererServiceHost, ServiceHost } from './service-host';
import {
  closeServices,
  createHandlers,
  createServices,
  type ServiceDevices,
  type ServiceEnvironment,
  type Services,
} from './services';

export class InProcessHost implements ServiceHost {
  private readonly listeners = new Set<EventListener>();
  readonly services: Services;
  private readonly server: ContractServer;

  private readonly guarded: boolean;

  /** `devices`: what the caller's thread provides, e.g. a PDF renderer (tests). */
  constructor(
    env: ServiceEnvironment,
    keychain: Keychain,
    devices: ServiceDevices = {},
    options: { guarded?: boolean } = {},
  ) {
    this.services = createServices(env, keychain, devices);
    this.guarded = options.guarded ?? false;
    const auth = this.services.auth;
    this.server = new ContractServer(
      createHandlers(this.services, (name, payload) => {
        for (const listener of this.listeners) listener(name, payload);
      }),
      (name, origin) => auth.guard(name, origin),
    );
  }

  invoke(name: string, args: unknown): Promise<Envelope<unknown>> {
    return this.server.handle(name, args, this.guarded ? 'renderer' : 'host');
  }

  /** The same services as a renderer reaches them: every call checked against the session. */
  forRenderer(): RendererServiceHost {
    return {
      origin: 'renderer',
      invoke: (name, args) => this.server.handle(name, args, 'renderer'),
      onEvent: (listener) => this.onEvent(listener),
    };
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await closeServices(this.services);
  }
}
