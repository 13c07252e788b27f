/**
 * Screenshot comparison against committed baselines (test/e2e/baselines). The UI's fonts are
 * bundled and the clock is fixed, so a difference means the UI changed. `npm run
 * test:update-baselines` rewrites them after an intended change; under CI a missing baseline fails.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pixelmatch from 'pixelmatch';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';

const baselines = resolve(import.meta.dirname, 'baselines');
const diffs = resolve(import.meta.dirname, '__diff__');
/** Anti-aliasing may move a handful of pixels between runs; anything more is a change. */
const MAX_DIFF_RATIO = 0.001;

export async function expectScreenshot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  const actual = PNG.sync.read(
    await page.screenshot({ animations: 'disabled', caret: 'hide', fullPage: false }),
  );
  const file = join(baselines, `${name}.png`);
  const update = process.env.UPDATE_BASELINES === '1';
  if (update || (!existsSync(file) && !process.env.CI)) {
    mkdirSync(baselines, { recursive: true });
    writeFileSync(file, PNG.sync.write(actual));
    return;
  }
  if (!existsSync(file))
    throw new Error(`No baseline ${file}: run npm run test:update-baselines and commit it`);
  const expected = PNG.sync.read(readFileSync(file));
  if (expected.width !== actual.width || expected.height !== actual.height) {
    throw new Error(
      `${name}: size ${actual.width}×${actual.height} differs from baseline ${expected.width}×${expected.height}`,
    );
  }
  const diff = new PNG({ width: actual.width, height: actual.height });
  const different = pixelmatch(expected.data, actual.data, diff.data, actual.width, actual.height, {
    threshold: 0.1,
  });
  const ratio = different / (actual.width * actual.height);
  if (ratio > MAX_DIFF_RATIO) {
    mkdirSync(diffs, { recursive: true });
    writeFileSync(join(diffs, `${name}.actual.png`), PNG.sync.write(actual));
    writeFileSync(join(diffs, `${name}.diff.png`), PNG.sync.write(diff));
    throw new Error(
      `${name}: ${different} pixels (${(ratio * 100).toFixed(3)} %) differ from the baseline; see ${diffs}`,
    );
  }
}
