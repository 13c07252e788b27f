/**
 * A real PC/SC stack for tests: pcscd with vsmartcard's virtual reader (vpcd), and vicc as the card
 * (`vicc -t iso7816`), as ../shared/docs/test-peers.md describes.
 *
 * Isolation, so that a developer's own pcscd, readers and ports are untouched:
 * - A holder process (`unshare --net --mount`) owns a network namespace, where vpcd listens on TCP
 *   35963/35964 and vicc connects to it, and a mount namespace, where a private tmpfs covers /run.
 *   pcscd and vicc join both with `nsenter`. Only pcscd ↔ vpcd ↔ vicc need TCP.
 * - pcscd 1.9.9 ignores PCSCLITE_CSOCK_NAME (only libpcsclite, the client, reads it) and always
 *   binds /run/pcscd/pcscd.comm. Inside the mount namespace /run/pcscd is a bind mount of a temp
 *   folder, so the socket is a file in that folder on the real filesystem: the test process (in the
 *   host's namespaces) reaches it through PCSCLITE_CSOCK_NAME, since a path-bound unix socket works
 *   across network namespaces. pcscd's pid file and its cleanup of /run/pcscd stay private too.
 * - The USB driver bundle (libccid) is hidden inside the namespace, so this pcscd never claims a
 *   real reader plugged into the machine; its reader list is our own reader.conf.d (vpcd only).
 * - Every process is started with PR_SET_PDEATHSIG (setpriv --pdeathsig), stopped by its pid in
 *   stop(), and dies with the test process if that crashes.
 *
 * Readiness is read from pcscd's own log (--info, on its stdout): "daemon ready", "Card inserted
 * into <reader>", "Card Removed From <reader>" — never fixed sleeps.
 *
 * libpcsclite reads PCSCLITE_CSOCK_NAME once per process (on the first SCardEstablishContext):
 * set `process.env.PCSCLITE_CSOCK_NAME = peer.socketPath` before any PC/SC call in that process,
 * and run one peer per test file (vitest runs files in separate processes).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const VIRTUAL_READER = 'Virtual PCD 00 00';

const VPCD_DRIVER = '/usr/lib/pcsc/drivers/serial/libifdvpcd.so';
const VICC_PYTHONPATH = '/usr/lib/python3/site-packages/virtualsmartcard';
const CRYPTODOME = '/usr/lib/python3/dist-packages/Cryptodome';
const CCID_BUNDLE = '/usr/lib/pcsc/drivers/ifd-ccid.bundle';
const PACKAGES =
  'pcscd vsmartcard-vpcd vsmartcard-vpicc python3-virtualsmartcard python3-pycryptodome (and util-linux)';

/** Brings the namespace's loopback up without iproute2 (SIOCGIFFLAGS / SIOCSIFFLAGS, IFF_UP). */
const LOOPBACK_UP = [
  'import socket, fcntl, struct',
  's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
  "flags = struct.unpack('16sH14x', fcntl.ioctl(s, 0x8913, struct.pack('16sH14x', b'lo', 0)))[1]",
  "fcntl.ioctl(s, 0x8914, struct.pack('16sH14x', b'lo', flags | 1))",
].join('\n');

function which(command: string): string | null {
  const result = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** What is missing on this machine to run the peer; empty when everything is there. */
export function missingTools(): string[] {
  const missing: string[] = [];
  for (const command of ['pcscd', 'vicc', 'python3', 'bash', 'unshare', 'nsenter', 'setpriv', 'mount'])
    if (!which(command)) missing.push(command);
  for (const path of [VPCD_DRIVER, VICC_PYTHONPATH, CRYPTODOME]) if (!existsSync(path)) missing.push(path);
  return missing;
}

export interface PcscPeer {
  /** The temp folder: pcscd's socket, logs, reader.conf.d. */
  readonly dir: string;
  /** Give this to libpcsclite: `process.env.PCSCLITE_CSOCK_NAME = peer.socketPath`. */
  readonly socketPath: string;
  readonly pcscdPid: number | null;
  readonly viccPid: number | null;
  /** Starts pcscd (again) in the namespace; resolves when it says it is ready. */
  startPcscd(): Promise<void>;
  /** Stops pcscd by its pid; resolves when it has exited. */
  stopPcscd(): Promise<void>;
  /** Starts `vicc -t iso7816`; resolves when pcscd has seen the card inserted. */
  insertCard(): Promise<void>;
  /** Kills vicc by its pid; resolves when pcscd has seen the card removed and vicc has exited. */
  removeCard(): Promise<void>;
  /** pcscd's log so far (for failure messages). */
  log(): string;
  /** The current (or last) vicc's output. */
  viccLog(): string;
  /** Stops everything it started, by pid, and removes the temp folder. Idempotent. */
  stop(): Promise<void>;
}

interface Started {
  child: ChildProcess;
  exited: Promise<void>;
  output: () => string;
}

function start(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  // setpriv execs the command (same pid): the pid we hold is the process itself.
  const child = spawn('setpriv', ['--pdeathsig', 'TERM', '--', command, ...args], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return { child, exited, output: () => output };
}

async function until(
  what: string,
  condition: () => boolean,
  timeoutMs: number,
  context: () => string,
  alive: Started,
) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (alive.child.exitCode !== null || alive.child.signalCode !== null)
      throw new Error(`PC/SC peer: exited while waiting for ${what}\n${context()}`);
    if (Date.now() > deadline) throw new Error(`PC/SC peer: timed out waiting for ${what}\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** SIGTERM by pid; SIGKILL if it is still there after `graceMs`. Resolves when it has exited. */
async function kill(process_: Started | null, graceMs = 5000): Promise<void> {
  if (!process_) return;
  const { child } = process_;
  const signal = (name: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    try {
      process.kill(child.pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await process_.exited;
  clearTimeout(timer);
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * Starts the namespace and pcscd. Throws (so the test fails, never skips) when the Debian packages
 * are missing.
 */
export async function startPcscPeer(options: { timeoutMs?: number } = {}): Promise<PcscPeer> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const missing = missingTools();
  if (missing.length > 0) {
    throw new Error(
      `The PC/SC test peer needs ${missing.join(', ')}. Install: apt-get install -y ${PACKAGES} ` +
        '(.ci/run does this in CI; see ../shared/docs/test-peers.md).',
    );
  }
  const root = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'tabib-pcsc-'));
  const runDir = join(dir, 'run');
  const emptyDir = join(dir, 'empty');
  const confDir = join(dir, 'reader.conf.d');
  const pythonDir = join(dir, 'python');
  for (const path of [runDir, emptyDir, confDir, pythonDir]) mkdirSync(path);
  // Debian's vpcd reader (/etc/reader.conf.d/vpcd): two slots, ports 0x8C7B and 0x8C7C.
  writeFileSync(
    join(confDir, 'vpcd'),
    `FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x8C7B\nLIBPATH      ${VPCD_DRIVER}\nCHANNELID    0x8C7B\n`,
  );
  // vicc imports `Crypto`; Debian ships pycryptodome as `Cryptodome`.
  symlinkSync(CRYPTODOME, join(pythonDir, 'Crypto'));
  const readyMark = join(dir, 'namespace-ready');
  const setup = [
    'set -eu',
    `python3 -c "${LOOPBACK_UP}"`,
    'mount -t tmpfs -o mode=0755 tabib-pcsc /run',
    'mkdir /run/pcscd',
    `mount --bind '${runDir}' /run/pcscd`,
    `if [ -d '${CCID_BUNDLE}' ]; then mount --bind '${emptyDir}' '${CCID_BUNDLE}'; fi`,
    `: > '${readyMark}'`,
    'exec sleep infinity',
  ].join('\n');
  // Not root (a developer's machine): a user namespace makes us root inside it.
  const holder = start('unshare', [
    ...(root ? [] : ['--user', '--map-root-user']),
    '--net',
    '--mount',
    '--propagation',
    'private',
    '--',
    'bash',
    '-c',
    setup,
  ]);

  let pcscd: Started | null = null;
  let vicc: Started | null = null;
  let lastVicc: Started | null = null;
  let stopped = false;
  const socketPath = join(runDir, 'pcscd.comm');
  const log = () => pcscd?.output() ?? '';
  const nsenter = (command: string[], env?: NodeJS.ProcessEnv) =>
    start(
      'nsenter',
      [
        `--target=${holder.child.pid}`,
        ...(root ? [] : ['--user', '--preserve-credentials']),
        '--net',
        '--mount',
        '--',
        ...command,
      ],
      env,
    );

  const peer: PcscPeer = {
    dir,
    socketPath,
    get pcscdPid() {
      return pcscd?.child.exitCode === null ? (pcscd.child.pid ?? null) : null;
    },
    get viccPid() {
      return vicc?.child.exitCode === null ? (vicc.child.pid ?? null) : null;
    },
    async startPcscd() {
      if (pcscd && pcscd.child.exitCode === null && pcscd.child.signalCode === null) return;
      pcscd = nsenter(['pcscd', '--foreground', '--info', '--config', confDir]);
      const current = pcscd;
      await until(
        'pcscd to be ready',
        () => current.output().includes('daemon ready') && existsSync(socketPath),
        timeoutMs,
        () =>
          `pcscd exited: ${current.child.exitCode ?? current.child.signalCode ?? 'no'}\n${current.output()}`,
        current,
      );
    },
    async stopPcscd() {
      await kill(pcscd);
      pcscd = null;
    },
    async insertCard() {
      if (!pcscd) throw new Error('PC/SC peer: start pcscd before inserting a card');
      if (vicc && vicc.child.exitCode === null && vicc.child.signalCode === null) return;
      const insertedBefore = count(log(), `Card inserted into ${VIRTUAL_READER}`);
      vicc = lastVicc = nsenter(['vicc', '-t', 'iso7816', '-vvvv', '-H', '127.0.0.1', '-P', '35963'], {
        ...process.env,
        PYTHONPATH: `${VICC_PYTHONPATH}:${pythonDir}`,
      });
      const current = vicc;
      await until(
        'the virtual card to be inserted',
        () => count(log(), `Card inserted into ${VIRTUAL_READER}`) > insertedBefore,
        timeoutMs,
        () => `vicc: ${current.output()}\npcscd: ${log()}`,
        current,
      );
    },
    async removeCard() {
      const removedBefore = count(log(), `Card Removed From ${VIRTUAL_READER}`);
      const had = vicc;
      await kill(vicc);
      vicc = null;
      if (had && pcscd) {
        await until(
          'the virtual card to be removed',
          () => count(log(), `Card Removed From ${VIRTUAL_READER}`) > removedBefore,
          timeoutMs,
          log,
          pcscd,
        );
      }
    },
    log,
    viccLog: () => lastVicc?.output() ?? '',
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill(vicc);
      await kill(pcscd);
      await kill(holder);
      rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    await until(
      'the network and mount namespace',
      () => existsSync(readyMark),
      timeoutMs,
      () => `unshare exited: ${holder.child.exitCode ?? holder.child.signalCode ?? 'no'}\n${holder.output()}`,
      holder,
    );
    await peer.startPcscd();
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return peer;
}
