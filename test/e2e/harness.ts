/**
 * The harness: the real renderer (built) in Debian's Chromium, with the real services (a worker
 * thread on a temporary data folder, as in the app) bound in as `window.tabib`. Only the transport
 * differs from Electron: the page POSTs its calls to the harness's server (events come back by
 * page.evaluate) instead of IPC, through the same bridge builder.
 */
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import {
  documentFactsFile,
  HARNESS_CARD_MODULE,
  type HarnessCard,
  type HarnessCardControl,
  type HarnessDocumentFacts,
} from '../card/harness-card-control';
import { HARNESS_SYNC_MODULE, type HarnessSyncControl } from '../sync/harness-sync-control';
import { buildTabibBridge } from '../../main/contract/bridge';
import { callNames, eventNames } from '../../main/contract/names';
import type { ConfigFile } from '../../main/config/schema';
import type { AuthStatus } from '../../main/contract/auth-types';
import type { Envelope } from '../../main/contract/errors';
import type { Role } from '../../main/contract/permissions';
import { WorkerHost } from '../../main/services/worker-host';
import { chromiumPdfRenderer } from '../print/chromium-pdf-renderer';
import { chromiumArgs } from '../support/chromium';
import { serveRenderer, type StaticServer } from './static-server';

const repository = resolve(import.meta.dirname, '..', '..');

/** The moment the frame's clock shows, so screenshots do not change with the day. */
export const FIXED_NOW = new Date('2026-11-22T09:30:00+01:00');

export interface HarnessBrowser {
  browser: Browser;
  server: StaticServer;
  close(): Promise<void>;
}

export async function launchHarnessBrowser(): Promise<HarnessBrowser> {
  const server = await serveRenderer(join(repository, 'out', 'renderer'));
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs,
  });
  return {
    browser,
    server,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

/** The simulated card reader bound into the workstation's services (test/card/harness-card.ts). */
export interface HarnessCardReader {
  /** Puts a card in the reader (taking out the one there): the services see card.inserted. */
  insert(card: HarnessCard): void;
  /** Takes the card out: card.removed. */
  remove(): void;
  /** What is printed on the card in the reader (its MRZ, CAN, holder), once the reader has personalised it. */
  document(): Promise<HarnessDocumentFacts>;
}

export interface Workstation {
  page: Page;
  context: BrowserContext;
  host: WorkerHost;
  dataDir: string;
  userConfigPath: string;
  /** The simulated card reader, when the workstation was opened with `cardReader: true`. */
  cardReader: HarnessCardReader | null;
  /** Steers the simulated national service, when the workstation was opened with `nationalService: true`. */
  nationalService: ((control: HarnessSyncControl) => void) | null;
  /** Messages the page logged at error level, and CSP violations: a test expects none. */
  pageErrors: string[];
  /**
   * Signs a practitioner of this role in, as the sign-in screen would (the page follows through
   * auth.changed): the demonstration's account for the role, or on an enrolled workstation an
   * account made for the test (with the first administrator, if none exists yet).
   */
  signIn(role: HarnessRole): Promise<AuthStatus>;
  open(): Promise<void>;
  close(): Promise<void>;
}

export type HarnessRole = Role;

/** The accounts the harness makes on an enrolled workstation: user name = role, and this password. */
export const HARNESS_PASSWORD = 'harness-password-2026';

/** The demonstration's account for each role (main/auth/demo-accounts.ts). */
const demoUsernames: Record<Role, string> = {
  doctor: 'medecin',
  nurse: 'infirmier',
  radiologist: 'radiologue',
  administrator: 'admin',
};

async function expectOk<T>(envelope: Promise<Envelope<unknown>>, what: string): Promise<T> {
  const answer = await envelope;
  if (!answer.ok) throw new Error(`${what}: ${answer.error.code} ${answer.error.message}`);
  return answer.value as T;
}

/**
 * Signs `role` in on the workstation's services, through the renderer's own (guarded) door. On a
 * demonstration the demo accounts exist; elsewhere the test's accounts are made on first use.
 */
async function signInAs(host: WorkerHost, role: Role): Promise<AuthStatus> {
  const asRenderer = host.forRenderer();
  const status = await expectOk<AuthStatus>(asRenderer.invoke('auth.status', {}), 'auth.status');
  if (status.state === 'locked' || status.state === 'signedIn')
    await expectOk(asRenderer.invoke('auth.signOut', {}), 'auth.signOut');
  if (status.demo) {
    return expectOk<AuthStatus>(
      asRenderer.invoke('auth.signIn', { username: demoUsernames[role], password: status.demo.password }),
      'auth.signIn',
    );
  }
  if (status.state === 'noAccounts')
    await expectOk(
      asRenderer.invoke('auth.createAdministrator', {
        username: 'administrator',
        displayName: 'Administrateur du poste',
        password: HARNESS_PASSWORD,
      }),
      'auth.createAdministrator',
    );
  // The host's own call (trusted): an account for the role, once.
  const accounts = await expectOk<{ username: string }[]>(host.invoke('users.list', {}), 'users.list');
  if (!accounts.some((account) => account.username === role))
    await expectOk(
      host.invoke('users.create', {
        username: role,
        displayName: harnessDisplayNames[role],
        roles: [role],
        password: HARNESS_PASSWORD,
      }),
      'users.create',
    );
  return expectOk<AuthStatus>(
    asRenderer.invoke('auth.signIn', { username: role, password: HARNESS_PASSWORD }),
    'auth.signIn',
  );
}

/** How the test's accounts are named on an enrolled workstation. */
export const harnessDisplayNames: Record<Role, string> = {
  doctor: 'Dr Nadia Berrada',
  nurse: 'Karim Ziani',
  radiologist: 'Dr Samir Lahlou',
  administrator: 'Administrateur du poste',
};

export interface WorkstationOptions {
  userConfig?: ConfigFile;
  machineConfig?: ConfigFile;
  /** Binds a simulated card reader (empty at first) into the services instead of PC/SC. */
  cardReader?: boolean;
  /**
   * Binds a simulated national record service (test/sync/harness-sync.ts) into the services in
   * place of main/sync/pull.ts and push.ts; the user configuration says the workstation is enrolled.
   */
  nationalService?: boolean;
  /**
   * Signs a practitioner of this role in before the page loads (Workstation.signIn), so the page
   * opens on the workspace: every call of the page needs a session. Leave it out (or null) for
   * the first-run, sign-in and create-administrator screens.
   */
  signIn?: HarnessRole | null;
  /**
   * The page's clock: fixed at FIXED_NOW (the default), so screenshots do not change with the day;
   * or the real one, for benchmarks: Playwright's fixed clock replaces `performance` (its marks
   * are dropped) and drives requestAnimationFrame from its own timers.
   */
  clock?: 'fixed' | 'real';
}

/** Waits for the simulated reader to describe the card in it (test/card/harness-card.ts). */
async function documentFacts(controlFile: string, timeoutMs = 15_000): Promise<HarnessDocumentFacts> {
  const deadline = Date.now() + timeoutMs;
  const inReader = JSON.stringify((JSON.parse(readFileSync(controlFile, 'utf8')) as HarnessCardControl).card);
  while (Date.now() < deadline) {
    if (existsSync(documentFactsFile(controlFile))) {
      const facts = JSON.parse(readFileSync(documentFactsFile(controlFile), 'utf8')) as HarnessDocumentFacts;
      if (JSON.stringify(facts.card) === inReader) return facts;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('The simulated reader did not describe its card in time');
}

export async function openWorkstation(
  harness: HarnessBrowser,
  options: WorkstationOptions = {},
): Promise<Workstation> {
  const root = mkdtempSync(join(tmpdir(), 'tabib-e2e-'));
  const dataDir = join(root, 'data');
  const machineConfigPath = join(root, 'machine', 'config.json');
  const userConfigPath = join(dataDir, 'config.json');
  for (const [path, content] of [
    [userConfigPath, options.userConfig],
    [machineConfigPath, options.machineConfig],
  ] as const) {
    if (content) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, JSON.stringify(content));
    }
  }

  const cardControl = join(root, 'card-reader.json');
  // Written whole, then renamed: the reader, polling, never sees half a file.
  const writeCard = (card: HarnessCard | null) => {
    writeFileSync(`${cardControl}.next`, JSON.stringify({ card } satisfies HarnessCardControl));
    renameSync(`${cardControl}.next`, cardControl);
  };
  if (options.cardReader) writeCard(null);

  const syncControl = join(root, 'national-service.json');
  const steerService = (control: HarnessSyncControl) => {
    writeFileSync(`${syncControl}.next`, JSON.stringify(control));
    renameSync(`${syncControl}.next`, syncControl);
  };

  const host = new WorkerHost({
    entry: join(repository, 'out', 'main', 'worker.js'),
    env: {
      dataDir,
      machineConfigPath,
      resourcesDir: join(repository, 'resources'),
      appVersion: '0.0.0-e2e',
      electronVersion: null,
      fixedNow: FIXED_NOW.toISOString(),
      ...(options.cardReader
        ? { cardSimulator: { module: HARNESS_CARD_MODULE, controlFile: cardControl } }
        : {}),
      ...(options.nationalService
        ? { syncSimulator: { module: HARNESS_SYNC_MODULE, controlFile: syncControl } }
        : {}),
    },
    // Printouts: Chromium's page.pdf, as Electron main's printToPDF in the app.
    pdfRenderer: chromiumPdfRenderer(harness.browser),
  });

  const context = await harness.browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: 1,
    locale: 'fr-MA',
    timezoneId: 'Africa/Casablanca',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  if (options.clock !== 'real') await page.clock.setFixedTime(FIXED_NOW);
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });

  // As Electron's IPC: only the renderer's calls are reachable from the page, never the admin calls.
  const rendererCalls = new Set<string>(callNames);
  // The page's calls go through the renderer's door of the services: checked against the session.
  const asRenderer = host.forRenderer();
  // The page's calls are POSTed to the harness's server, as JSON text, on the page's own origin:
  // like Electron's IPC, the bytes travel off the page's main thread, which only parses the answer.
  // (Playwright's exposeBinding carried them through the DevTools protocol and its own serialiser:
  // ~35 ms for a 300-instance study view, ~18 ms of the page's main thread for an image's bytes,
  // against about a millisecond over IPC; npm run bench:imaging measures the page, not the harness.)
  const calls = harness.server.route(async (body) => {
    const { name, args } = JSON.parse(body) as { name: string; args: unknown };
    return JSON.stringify(
      rendererCalls.has(name)
        ? await asRenderer.invoke(name, args)
        : { ok: false, error: { code: 'UNKNOWN_CALL', message: `No such call: ${String(name)}` } },
    );
  });
  await page.addInitScript({
    content: `(() => {
      const listeners = new Map();
      window.__tabibEmit = (name, payload) => { for (const listener of listeners.get(name) ?? []) listener(payload); };
      const subscribe = (name, listener) => {
        if (!listeners.has(name)) listeners.set(name, new Set());
        listeners.get(name).add(listener);
        return () => listeners.get(name).delete(listener);
      };
      const build = ${buildTabibBridge.toString()};
      window.tabib = build(${JSON.stringify(callNames)}, ${JSON.stringify(eventNames)}, async (name, args) => {
        const response = await fetch(${JSON.stringify(calls.path)}, { method: 'POST', body: JSON.stringify({ name, args }) });
        if (!response.ok) throw new Error('harness call ' + name + ' failed: ' + response.status);
        return response.json();
      }, subscribe);
    })();`,
  });
  const unsubscribe = host.onEvent((name, payload) => {
    void page
      .evaluate(
        ([eventName, eventPayload]) =>
          (window as unknown as { __tabibEmit(n: unknown, p: unknown): void }).__tabibEmit(
            eventName,
            eventPayload,
          ),
        [name, payload] as const,
      )
      .catch(() => undefined);
  });
  if (options.signIn) await signInAs(host, options.signIn);

  return {
    page,
    context,
    host,
    dataDir,
    userConfigPath,
    cardReader: options.cardReader
      ? { insert: writeCard, remove: () => writeCard(null), document: () => documentFacts(cardControl) }
      : null,
    nationalService: options.nationalService ? steerService : null,
    pageErrors,
    signIn: (role) => signInAs(host, role),
    async open() {
      await page.goto(harness.server.url);
      await page.waitForFunction(() => document.fonts.status === 'loaded');
    },
    async close() {
      unsubscribe();
      // The page first: a call it makes meanwhile still finds its route (a 404 is a page error).
      await context.close();
      calls.remove();
      await host.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface HarnessSuite {
  /** Opens a workstation for the current test; it is closed after the test. */
  open(options?: WorkstationOptions): Promise<Workstation>;
}

/**
 * Registers a test file's hooks: one Chromium for the file, a fresh workstation per test, closed
 * after it and (unless told otherwise) checked for page errors and CSP violations.
 */
export function harnessSuite(options: { checkPageErrors?: boolean } = {}): HarnessSuite {
  const checkPageErrors = options.checkPageErrors ?? true;
  let harness: HarnessBrowser | null = null;
  let station: Workstation | null = null;
  beforeAll(async () => {
    harness = await launchHarnessBrowser();
  });
  afterAll(async () => {
    await harness?.close();
  });
  afterEach(async () => {
    const errors = station?.pageErrors ?? [];
    await station?.close();
    station = null;
    if (checkPageErrors) expect(errors).toEqual([]);
  });
  return {
    async open(workstationOptions = {}) {
      if (!harness) throw new Error('harnessSuite: the browser is not launched (call open() inside a test)');
      station = await openWorkstation(harness, workstationOptions);
      return station;
    },
  };
}
