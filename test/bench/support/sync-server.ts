/**
 * The national record service for `npm run bench:sync`, in a process of its own (as a real one
 * is): the Medplum FHIR peer on a free loopback port, seeded with the demo facility's staff and
 * `--patients` generated patients written "by another facility", and with `--auth` the identity
 * provider (node-oidc-provider) whose tokens the FHIR peer then asks for.
 *
 * Prints one JSON line `{ baseUrl, tokenUrl, resources }` when ready, then answers lines on stdin:
 * `cpu` → `{ cpuMs }` (its CPU time since ready); `register <clientId> <public JWK as JSON>` →
 * `{ registered }` (a workstation enrolled with this key may get tokens). Stops on SIGTERM or when
 * stdin closes.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startFhirPeer } from '../../peers/fhir/fhir-peer';
import { startOidcPeer } from '../../peers/oidc/oidc-peer';
import { seedPeer } from '../../sync/pull-fixture';

const { values } = parseArgs({
  options: {
    patients: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '11' },
    auth: { type: 'boolean', default: false },
  },
});
const oidc = values.auth ? await startOidcPeer({ accessTokenTtlSeconds: 600 }) : null;
const peer = await startFhirPeer({
  maxPageSize: 1000,
  maxBundleEntries: 1000,
  ...(oidc
    ? {
        authorize: async (token: string) => (await oidc.verifyAccessToken(token)) !== null,
        tokenUrl: oidc.tokenUrl,
      }
    : {}),
});
const written = await seedPeer(peer, Number(values.patients), 0, Number(values.seed));
const started = process.cpuUsage();
const reply = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
reply({ baseUrl: peer.baseUrl, tokenUrl: oidc?.tokenUrl ?? null, resources: written.length });

const stop = async () => {
  await peer.stop();
  await oidc?.stop();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [command, clientId, ...jwk] = line.trim().split(' ');
  if (command === 'cpu') {
    const cpu = process.cpuUsage(started);
    reply({ cpuMs: (cpu.user + cpu.system) / 1000 });
  } else if (command === 'register' && oidc && clientId) {
    const key = JSON.parse(jwk.join(' ')) as Record<string, string>;
    oidc
      .registerClient({ clientId, jwks: { keys: [{ ...key, alg: 'ES384', use: 'sig' }] } })
      .then(() => reply({ registered: clientId }))
      .catch((error: unknown) => reply({ error: String(error) }));
  }
});
lines.on('close', () => void stop());
