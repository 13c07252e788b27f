/**
 * The services worker: the record database and every other heavy or synchronous service run
 * here, so Electron main's event loop (window, IPC, devices) never waits on SQLite or parsing.
 * Entry point of its own (out/main/worker.js); it never imports electron.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Keychain, KeychainDescription } from '../../native/keychain/keychain';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { dataLayout } from '../config/paths';
import type { Envelope } from '../contract/errors';
import { TabibError } from '../errors';
import { ContractServer } from './contract-server';
import { closeServices, createHandlers, createServices } from './services';
import type { PdfRenderer } from '../print/pdf-renderer';
import type { CapabilityRequest, HostToWorker, WorkerInit, WorkerToHost } from './worker-protocol';

if (!parentPort) throw new Error('worker.ts must run as a worker thread');
const port = parentPort;
const init = workerData as WorkerInit;
const post = (message: WorkerToHost): void => port.postMessage(message);

/**
 * What only the host's thread can do (the OS keychain, which only Electron main reaches; rendering
 * a PDF, which needs a browser engine), asked over the host channel. One numbering for all of it:
 * each answer settles the request of its id.
 */
class HostCapabilities {
  private nextId = 1;
  private readonly pending = new Map<number, (result: Envelope<unknown>) => void>();

  settle(id: number, result: Envelope<unknown>): void {
    this.pending.get(id)?.(result);
    this.pending.delete(id);
  }

  ask<T>(request: CapabilityRequest): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, (result) => {
        if (result.ok) resolve(result.value as T);
        else reject(new TabibError(result.error.code, result.error.message, result.error.details));
      });
      post({ type: 'capability', id, ...request });
    });
  }
}

/** The OS keychain, which only Electron main can reach. */
class RemoteKeychain implements Keychain {
  constructor(private readonly host: HostCapabilities) {}

  describe(): Promise<KeychainDescription> {
    return this.host.ask({ method: 'describe', bytes: null });
  }
  wrap(secret: Uint8Array): Promise<Uint8Array> {
    return this.host.ask({ method: 'wrap', bytes: secret });
  }
  unwrap(wrapped: Uint8Array): Promise<Uint8Array> {
    return this.host.ask({ method: 'unwrap', bytes: wrapped });
  }
}

const capabilities = new HostCapabilities();
/** The host's PDF rendering (Electron's printToPDF, the harness's page.pdf): printouts. */
const pdfRenderer: PdfRenderer | undefined = init.pdfRenderer
  ? { renderPdf: (html) => capabilities.ask({ method: 'renderPdf', html }) }
  : undefined;
const remoteKeychain = init.keychain === 'remote' ? new RemoteKeychain(capabilities) : null;
const keychain = remoteKeychain ?? new KeyFileKeychain(dataLayout(init.env.dataDir).keychainKeyFile);
const services = createServices(init.env, keychain, pdfRenderer ? { pdfRenderer } : {});
// The app's services sync in the background (the CLI's, in-process, sync only when asked).
services.sync.start();
// The session's guard: always on for the renderer's calls (Electron IPC, the e2e harness).
const server = new ContractServer(
  createHandlers(services, (name, payload) => post({ type: 'event', name, payload })),
  (name, origin) => services.auth.guard(name, origin),
);

port.on('message', (message: HostToWorker) => {
  if (message.type === 'invoke') {
    void server
      .handle(message.name, message.args, message.origin)
      .then((envelope) => post({ type: 'result', id: message.id, envelope }));
  } else if (message.type === 'capability-result') {
    capabilities.settle(message.id, message.result);
  } else if (message.type === 'shutdown') {
    void closeServices(services).finally(() => post({ type: 'closed' }));
  }
});

post({ type: 'ready' });
