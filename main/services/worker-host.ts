/**
 * Runs the services in a worker thread and speaks to it by message. Used by Electron main and by
 * the e2e harness. If the worker dies, calls in flight fail with SERVICE_UNAVAILABLE and the next
 * call starts a new worker: a crash in a service never takes the window down.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Keychain } from '../../native/keychain/keychain';
import type { Envelope } from '../contract/errors';
import { TabibError, toErrorShape } from '../errors';
import type { PdfRenderer } from '../print/pdf-renderer';
import type { CallOrigin } from '../auth/call-guard';
import type { EventListener, RendererServiceHost, ServiceHost } from './service-host';
import type { ServiceEnvironment } from './services';
import type { CapabilityRequest, HostToWorker, WorkerInit, WorkerToHost } from './worker-protocol';

export interface WorkerHostOptions {
  /** out/main/worker.js in the built app; main/services/worker.ts under tests (run through tsx). */
  entry: string | URL;
  env: ServiceEnvironment;
  /** The keychain on this thread (Electron safeStorage); without one the worker uses a key file. */
  keychain?: Keychain;
  /** Renders printouts to PDF on this thread (Electron's printToPDF, the harness's Chromium); without one, print.document answers PRINT_UNAVAILABLE. */
  pdfRenderer?: PdfRenderer;
}

/**
 * Under tests and the CLI the worker is TypeScript. On Node 20 `execArgv: ['--import', 'tsx']` does
 * not reach a worker's module loader, so the worker starts from a tiny ES module that registers
 * tsx's loader inside the worker and then imports the entry. Never used by the built app (.js).
 */
interface TsxManifest {
  exports: Record<'./esm/api', { import: { default: string } }>;
}

function typeScriptBootstrap(entry: string): URL {
  // The ES module build of tsx's API (its package exports map), found from tsx's package.json.
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as TsxManifest).exports['./esm/api'].import
    .default;
  const tsx = pathToFileURL(join(dirname(manifest), exports)).href;
  const target = entry.startsWith('file:') ? entry : pathToFileURL(entry).href;
  const source = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(target)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(source)}`);
}

export class WorkerHost implements ServiceHost {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, (envelope: Envelope<unknown>) => void>();
  private readonly listeners = new Set<EventListener>();
  private closed = false;
  private onClosed: (() => void) | null = null;

  constructor(private readonly options: WorkerHostOptions) {}

  private start(): Worker {
    const entry = String(this.options.entry);
    const init: WorkerInit = {
      env: this.options.env,
      keychain: this.options.keychain ? 'remote' : 'key_file',
      pdfRenderer: this.options.pdfRenderer !== undefined,
    };
    const worker = new Worker(entry.endsWith('.ts') ? typeScriptBootstrap(entry) : this.options.entry, {
      workerData: init,
    });
    worker.on('message', (message: WorkerToHost) => this.receive(worker, message));
    worker.on('error', (error) => this.fail(worker, `services worker failed: ${error.message}`));
    worker.on('exit', (code) => this.fail(worker, `services worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private fail(worker: Worker, message: string): void {
    if (this.worker !== worker) return;
    this.worker = null;
    for (const settle of this.pending.values())
      settle({ ok: false, error: { code: 'SERVICE_UNAVAILABLE', message } });
    this.pending.clear();
  }

  private receive(worker: Worker, message: WorkerToHost): void {
    switch (message.type) {
      case 'result':
        this.pending.get(message.id)?.(message.envelope);
        this.pending.delete(message.id);
        break;
      case 'event':
        for (const listener of this.listeners) listener(message.name, message.payload);
        break;
      case 'capability':
        void this.answerCapability(worker, message);
        break;
      case 'ready':
        break;
      case 'closed':
        this.onClosed?.();
        break;
    }
  }

  private async answerCapability(
    worker: Worker,
    message: Extract<WorkerToHost, { type: 'capability' }>,
  ): Promise<void> {
    let result: Extract<HostToWorker, { type: 'capability-result' }>['result'];
    try {
      result = { ok: true, value: await this.capability(message) };
    } catch (error) {
      result = { ok: false, error: toErrorShape(error) };
    }
    worker.postMessage({ type: 'capability-result', id: message.id, result } satisfies HostToWorker);
  }

  private async capability(
    request: CapabilityRequest,
  ): Promise<Uint8Array | { backend: string; strong: boolean }> {
    if (request.method === 'renderPdf') {
      const renderer = this.options.pdfRenderer;
      if (!renderer) throw new TabibError('PRINT_UNAVAILABLE', 'no PDF renderer on the host');
      return renderer.renderPdf(request.html);
    }
    const keychain = this.options.keychain;
    if (!keychain) throw new Error('no keychain on the host');
    if (request.method === 'describe') return keychain.describe();
    if (request.method === 'wrap') return keychain.wrap(request.bytes ?? new Uint8Array());
    return keychain.unwrap(request.bytes ?? new Uint8Array());
  }

  /** The host's own call (Electron main's update driver, the CLI mode): trusted. */
  invoke(name: string, args: unknown): Promise<Envelope<unknown>> {
    return this.send(name, args, 'host');
  }

  /**
   * The same services as the window reaches them (Electron IPC, the e2e harness): every call is
   * checked against the session in the worker (main/auth/call-guard.ts).
   */
  forRenderer(): RendererServiceHost {
    return {
      origin: 'renderer',
      invoke: (name, args) => this.send(name, args, 'renderer'),
      onEvent: (listener) => this.onEvent(listener),
    };
  }

  private send(name: string, args: unknown, origin: CallOrigin): Promise<Envelope<unknown>> {
    if (this.closed) {
      return Promise.resolve({
        ok: false,
        error: { code: 'SERVICE_UNAVAILABLE', message: 'services are shutting down' },
      });
    }
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      try {
        worker.postMessage({ type: 'invoke', id, name, args, origin } satisfies HostToWorker);
      } catch (error) {
        // Arguments that cannot be cloned (functions, DOM objects) never reach the services.
        this.pending.delete(id);
        resolve({ ok: false, error: { code: 'INVALID_ARGUMENT', message: toErrorShape(error).message } });
      }
    });
  }

  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Asks the worker to close the record (so the WAL is checkpointed), then terminates it; calls
   * in flight end with SERVICE_UNAVAILABLE. A worker that does not answer in time is terminated.
   */
  async close(timeoutMs = 5000): Promise<void> {
    this.closed = true;
    const worker = this.worker;
    if (worker) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.onClosed = () => {
          clearTimeout(timer);
          resolve();
        };
        worker.postMessage({ type: 'shutdown' } satisfies HostToWorker);
      });
      this.onClosed = null;
      this.fail(worker, 'services closed');
      await worker.terminate();
    }
    this.listeners.clear();
  }

  /** Forces the worker to die (tests of crash recovery). */
  async crashForTest(): Promise<void> {
    await this.worker?.terminate();
  }
}
