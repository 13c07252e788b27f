/**
 * Builds the app once (renderer, preload, main and the services worker) before the e2e tests, and
 * the simulated card reader the harness binds into the services worker (test/card/harness-card.ts).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as bundle } from 'esbuild';
import { build } from 'electron-vite';
import { HARNESS_CARD_MODULE, HARNESS_CARD_SOURCE } from '../card/harness-card-control';
import { HARNESS_SYNC_MODULE, HARNESS_SYNC_SOURCE } from '../sync/harness-sync-control';

export default async function setup(): Promise<void> {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('Debian Chromium is missing: apt-get install -y chromium (see .ci/run)');
  }
  await build({ configFile: 'electron.vite.config.ts', logLevel: 'warn' });
  // The built worker is JavaScript: it imports the reader as a module. Packages stay external
  // (resolved from node_modules, as the worker's own); the repository's sources are bundled in.
  // CommonJS, because there imports run in source order: the fixtures' Reflect metadata shim
  // must run before @peculiar/x509 loads (ES module imports would all run first). CommonJS has
  // no import.meta: the sources' uses (resolving packages, the fixtures' face images) get the
  // fixtures folder, which serves them all.
  const fixtures = join(dirname(HARNESS_CARD_SOURCE), 'fixtures');
  await bundle({
    entryPoints: [HARNESS_CARD_SOURCE],
    outfile: HARNESS_CARD_MODULE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    define: {
      'import.meta.dirname': JSON.stringify(fixtures),
      'import.meta.url': JSON.stringify(pathToFileURL(join(fixtures, 'documents.ts')).href),
    },
    logLevel: 'error',
  });
  // The simulated national service (test/sync/harness-sync.ts) in place of pull.ts and push.ts;
  // CommonJS has no import.meta: the control module's paths resolve from the sources' folder.
  await bundle({
    entryPoints: [HARNESS_SYNC_SOURCE],
    outfile: HARNESS_SYNC_MODULE,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    define: { 'import.meta.dirname': JSON.stringify(dirname(HARNESS_SYNC_SOURCE)) },
    logLevel: 'error',
  });
}
