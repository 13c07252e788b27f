/** Services on the caller's own thread: for the CLI, where there is no UI loop to keep free. */
import type { Keychain } from '../../native/keychain/keychain';
import type { Envelope } from '../contract/errors';
import { ContractServer } from './contract-server';
import type { EventListener, ServiceHost } from './service-host';
import {
  closeServices,
  createHandlers,
  createServices,
  type ServiceEnvironment,
  type Services,
} from './services';

export class InProcessHost implements ServiceHost {
  private readonly listeners = new Set<EventListener>();
  readonly services: Services;
  private readonly server: ContractServer;

  constructor(env: ServiceEnvironment, keychain: Keychain) {
    this.services = createServices(env, keychain);
    this.server = new ContractServer(
      createHandlers(this.services, (name, payload) => {
        for (const listener of this.listeners) listener(name, payload);
      }),
    );
  }

  invoke(name: string, args: unknown): Promise<Envelope<unknown>> {
    return this.server.handle(name, args);
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
