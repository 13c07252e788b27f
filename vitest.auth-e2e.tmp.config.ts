// Local only (auth helper): the e2e project with a setup that works around the print feature's bundle clash. Deleted before the report.
import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    environment: 'node',
    globalSetup: ['/tmp/auth-e2e/setup.ts'],
    fileParallelism: false,
    testTimeout: 60_000,
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 180_000,
  },
});
