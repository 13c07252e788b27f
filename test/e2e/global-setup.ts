/** Builds the app once (renderer, preload, main and the services worker) before the e2e tests. */
import { existsSync } from 'node:fs';
import { build } from 'electron-vite';

export default async function setup(): Promise<void> {
  if (!existsSync('/usr/bin/chromium')) {
    throw new Error('Debian Chromium is missing: apt-get install -y chromium (see .ci/run)');
  }
  await build({ configFile: 'electron.vite.config.ts', logLevel: 'warn' });
}
