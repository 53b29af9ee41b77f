import { defineConfig } from 'vitest/config';

// The harness's own tests. The gateway suites run through `meshgate run` against a
// target, never through `npm test` directly.
//
// Two groups, one after the other (sequence.groupOrder). First, side by side on two
// workers: the unit and integration files, and the end-to-end files whose checks are
// functional (a broken gateway fails exactly its cases, bad input exits 2); those
// spend most of their time waiting on sockets and convergence windows. Then, one at a
// time, the files that measure load or judge latency and time: two of those at once on
// 2 cores make each other's figures noise. Time bounds are generous because a CI
// machine is a busy machine: a bound only has to catch a hang, never a slow neighbour.
const alone = [
  'tests/load/**/*.test.ts',
  'tests/e2e/compare-target.test.ts',
  'tests/e2e/watch.test.ts',
  'tests/e2e/interrupt.test.ts',
];
const endToEnd = 'tests/e2e/**/*.test.ts';
const slow = { testTimeout: 180_000, hookTimeout: 180_000, maxConcurrency: 3 };

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
        test: { name: 'unit and integration', include: ['tests/**/*.test.ts'], exclude: [...alone, endToEnd], testTimeout: 60_000, hookTimeout: 60_000, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'end to end', include: [endToEnd], exclude: alone, ...slow, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'load and timing, alone', include: alone, fileParallelism: false, ...slow, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
