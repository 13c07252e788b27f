/**
 * Starts test/bench/support/sync-server.ts (the national record service of bench:sync) as a child
 * process and talks to it over its stdin and stdout.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The server process: started, seeded, asked for its CPU time, stopped by its pid. */
export async function startSyncServer(patients: number, extra: string[] = []) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(import.meta.dirname, 'sync-server.ts'),
      '--patients',
      String(patients),
      ...extra,
    ],
    { cwd: resolve(import.meta.dirname, '..', '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const replies: ((line: string) => void)[] = [];
  lines.on('line', (line) => replies.shift()?.(line));
  const next = () => new Promise<string>((resolveLine) => replies.push(resolveLine));
  const ready = JSON.parse(await next()) as { baseUrl: string; tokenUrl: string | null; resources: number };
  return {
    ...ready,
    async cpuMs() {
      const reply = next();
      child.stdin.write('cpu\n');
      return (JSON.parse(await reply) as { cpuMs: number }).cpuMs;
    },
    /** Lets a workstation enrolled with this public key get tokens (the ministry's side of enrolment). */
    async register(clientId: string, jwk: Record<string, string>) {
      const reply = next();
      child.stdin.write(`register ${clientId} ${JSON.stringify(jwk)}\n`);
      const answer = JSON.parse(await reply) as { registered?: string; error?: string };
      if (!answer.registered) throw new Error(`registration refused: ${answer.error}`);
    },
    stop() {
      child.kill('SIGTERM');
      return new Promise<void>((done) =>
        child.exitCode !== null ? done() : child.once('exit', () => done()),
      );
    },
  };
}
