import { defineConfig } from 'vitest/config';

// The harness's own tests. The gateway suites (suites/**/*.suite.ts) are run by
// `meshgate run` against a target, never by `npm test` directly.
//
// Two groups, one after the other (sequence.groupOrder): first the files that
// neither measure load nor start whole environments, side by side; then the
// end-to-end and load files, one at a time: two of those at once on 2 cores make
// each other's figures noise. Their time bounds are generous because a CI machine
// is a busy machine: a bound only has to catch a hang, never a slow neighbour.
const serial = ['tests/e2e/**/*.test.ts', 'tests/load/**/*.test.ts', 'tests/cluster/load-job.test.ts'];

export default defineConfig({
  test: {
    pool: 'forks',
    // vitest's default on 2 cores is one worker; the first group's files mostly wait on sockets and processes.
    maxWorkers: 2,
    reporters: ['default', './tests/plain-summary-reporter.ts'],
    // The CLI compiled once, for the tests that must spawn it.
    globalSetup: ['./tests/compiled-cli.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit and integration', include: ['tests/**/*.test.ts'], exclude: serial, testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'end to end', include: serial, fileParallelism: false, maxConcurrency: 3, testTimeout: 180_000, hookTimeout: 180_000, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
