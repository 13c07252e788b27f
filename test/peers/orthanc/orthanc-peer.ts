/**
 * A real PACS for tests: Debian's Orthanc with its DICOMweb plugin (1.7), as
 * ../shared/docs/test-peers.md describes. Started here on a free loopback port with its storage in
 * a temporary folder, remote access refused, HTTP Basic users of the test's choosing, no DICOM
 * (DIMSE) port at all; ready when `/system` answers. Stopped by its pid in `stop()`, and killed if
 * the test process dies first (PR_SET_PDEATHSIG through setpriv, and an exit handler).
 *
 * DICOMweb lives under `${origin}/dicom-web`; Orthanc's own REST API (`POST /instances` to upload,
 * `/instances/{id}/file` for a stored file as it was received) under the origin.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ORTHANC = '/usr/sbin/Orthanc';
const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

export interface OrthancPeerOptions {
  /** HTTP Basic users (default one: tabib / a random password). */
  users?: Record<string, string>;
  timeoutMs?: number;
}

export interface OrthancUpload {
  ID: string;
  ParentStudy: string;
  ParentSeries: string;
  ParentPatient: string;
  Status: string;
}

export interface OrthancPeer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** The DICOMweb root: `${origin}/dicom-web`. */
  readonly dicomWebUrl: string;
  readonly username: string;
  readonly password: string;
  readonly pid: number | null;
  readonly dir: string;
  /** A request to Orthanc's REST API as the first user. */
  rest(
    path: string,
    init?: { method?: string; body?: Uint8Array | string; headers?: Record<string, string> },
  ): Promise<Response>;
  /** `POST /instances`: stores one DICOM file. */
  upload(file: string | Uint8Array): Promise<OrthancUpload>;
  /** The file Orthanc stored for this SOP Instance UID, byte for byte. */
  originalFile(sopInstanceUid: string): Promise<Buffer>;
  /** Orthanc's log so far (for failure messages). */
  log(): string;
  stop(): Promise<void>;
}

export function missingTools(): string[] {
  const missing = [ORTHANC, DICOMWEB_PLUGIN].filter((path) => !existsSync(path));
  if (spawnSync('sh', ['-c', 'command -v setpriv']).status !== 0) missing.push('setpriv');
  return missing;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startOrthancPeer(options: OrthancPeerOptions = {}): Promise<OrthancPeer> {
  const missing = missingTools();
  if (missing.length > 0)
    throw new Error(
      `The Orthanc test peer needs ${missing.join(', ')}. Install: apt-get install -y orthanc orthanc-dicomweb ` +
        '(.ci/run does this in CI; see ../shared/docs/test-peers.md).',
    );
  const users = options.users ?? { tabib: `pw-${Math.random().toString(36).slice(2)}` };
  const [username, password] = Object.entries(users)[0] ?? ['', ''];
  const timeoutMs = options.timeoutMs ?? 30_000;
  const dir = mkdtempSync(join(tmpdir(), 'tabib-orthanc-'));
  const storage = join(dir, 'storage');
  mkdirSync(storage);
  const authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  let child: ChildProcess | null = null;
  let output = '';
  let exited: Promise<void> = Promise.resolve();
  let origin = '';
  const killOnExit = () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null)
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
  };
  process.once('exit', killOnExit);

  const stopChild = async () => {
    const current = child;
    if (!current || current.pid === undefined) return;
    const signal = (name: NodeJS.Signals) => {
      if (current.exitCode !== null || current.signalCode !== null) return;
      try {
        process.kill(current.pid as number, name);
      } catch {
        // Already gone.
      }
    };
    signal('SIGTERM');
    const timer = setTimeout(() => signal('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };

  // A free port can be taken between our probe and Orthanc's bind: a few tries.
  for (let tries = 1; ; tries++) {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    const configPath = join(dir, 'orthanc.json');
    writeFileSync(
      configPath,
      JSON.stringify(
        {
          Name: 'tabib-test-pacs',
          StorageDirectory: storage,
          IndexDirectory: storage,
          StorageCompression: false,
          HttpPort: port,
          DicomServerEnabled: false,
          RemoteAccessAllowed: false,
          AuthenticationEnabled: true,
          RegisteredUsers: users,
          HttpDescribeErrors: true,
          SaveJobs: false,
          Plugins: [DICOMWEB_PLUGIN],
          // Answers (QIDO-RS) in UTF-8: with the default (Latin1) Orthanc replaces Arabic by "^".
          DefaultEncoding: 'Utf8',
          DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Ssl: false },
        },
        null,
        2,
      ),
    );
    output = '';
    // setpriv execs Orthanc (same pid): the pid we hold is Orthanc's own.
    const started = spawn('setpriv', ['--pdeathsig', 'KILL', '--', ORTHANC, configPath], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const keep = (chunk: string) => {
      output = (output + chunk).slice(-64 * 1024);
    };
    started.stdout?.setEncoding('utf8').on('data', keep);
    started.stderr?.setEncoding('utf8').on('data', keep);
    exited = new Promise<void>((resolve) => {
      if (started.exitCode !== null || started.signalCode !== null) resolve();
      else started.once('exit', () => resolve());
    });
    const deadline = Date.now() + timeoutMs;
    let ready = false;
    while (!ready) {
      if (started.exitCode !== null || started.signalCode !== null) break;
      if (Date.now() > deadline) break;
      try {
        const response = await fetch(`${origin}/system`, { headers: { authorization } });
        await response.arrayBuffer();
        ready = response.ok;
      } catch {
        // Not listening yet.
      }
      if (!ready) await wait(50);
    }
    if (ready) break;
    await stopChild();
    if (tries >= 3 || !/address already in use|cannot bind|port/i.test(output)) {
      rmSync(dir, { recursive: true, force: true });
      process.removeListener('exit', killOnExit);
      throw new Error(`Orthanc did not become ready on ${origin}:\n${output}`);
    }
  }

  const rest: OrthancPeer['rest'] = (path, init = {}) =>
    fetch(`${origin}${path}`, {
      method: init.method ?? 'GET',
      headers: { authorization, ...init.headers },
      // A copy on its own ArrayBuffer: what the DOM's BodyInit accepts, under the e2e's types too.
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : new Uint8Array(init.body) }),
    });

  let stopped = false;
  return {
    origin,
    dicomWebUrl: `${origin}/dicom-web`,
    username: username as string,
    password: password as string,
    get pid() {
      return child?.exitCode === null && child.signalCode === null ? (child.pid ?? null) : null;
    },
    dir,
    rest,
    async upload(file) {
      const body = typeof file === 'string' ? readFileSync(file) : file;
      const response = await rest('/instances', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/dicom' },
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`Orthanc refused the upload: HTTP ${response.status} ${text}`);
      return JSON.parse(text) as OrthancUpload;
    },
    async originalFile(sopInstanceUid) {
      const found = await rest('/tools/find', {
        method: 'POST',
        body: JSON.stringify({ Level: 'Instance', Query: { SOPInstanceUID: sopInstanceUid } }),
      });
      const ids = (await found.json()) as string[];
      if (ids.length !== 1) throw new Error(`Orthanc has ${ids.length} instances ${sopInstanceUid}`);
      const file = await rest(`/instances/${ids[0]}/file`);
      if (!file.ok) throw new Error(`Orthanc: HTTP ${file.status} for the file of ${sopInstanceUid}`);
      return Buffer.from(await file.arrayBuffer());
    },
    log: () => output,
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopChild();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
