/**
 * The national record service for `npm run bench:sync`, in a process of its own (as a real one
 * is): the Medplum FHIR peer on a free loopback port, seeded with the demo facility's staff and
 * `--patients` generated patients written "by another facility". Prints one JSON line
 * `{ baseUrl, resources }` when ready; answers `cpu` on stdin with its CPU time so far; stops on
 * SIGTERM or when stdin closes.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startFhirPeer } from '../../peers/fhir/fhir-peer';
import { seedPeer } from '../../sync/pull-fixture';

const { values } = parseArgs({
  options: { patients: { type: 'string', default: '10000' }, seed: { type: 'string', default: '11' } },
});
const peer = await startFhirPeer({ maxPageSize: 1000, maxBundleEntries: 1000 });
const written = await seedPeer(peer, Number(values.patients), 0, Number(values.seed));
const started = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ baseUrl: peer.baseUrl, resources: written.length })}\n`);

const stop = async () => {
  await peer.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (line.trim() !== 'cpu') return;
  const cpu = process.cpuUsage(started);
  process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
});
lines.on('close', () => void stop());
