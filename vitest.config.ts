import { defineConfig } from 'vitest/config';

// The harness's own tests. The gateway suites (suites/**/*.suite.ts) are run by
// `meshgate run` against a target, never by `npm test` directly.
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files run one after another: the end-to-end ones start gateways and
    // measure load, and two of them at once on 2 cores make each other's figures noise.
    fileParallelism: false,
    reporters: ['default', './tests/plain-summary-reporter.ts'],
  },
});
