/** Debian's Chromium as the tests drive it through playwright-core (the e2e harness, the print tests). */
import { chromium, type Browser } from 'playwright-core';

/** Flags that work headless as root on this machine kind (shared/docs/test-peers.md). */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--font-render-hinting=none',
  '--force-color-profile=srgb',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
}
