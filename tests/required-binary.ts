import { existsSync } from 'node:fs';

/**
 * Tests that need a system binary (Chromium, Prometheus, ...): in CI (`CI` set,
 * as .ci/run does) a missing one fails the test with what to install; elsewhere
 * the tests are skipped and the reason printed, never silently.
 */
export function missingBinaries(binaries: Array<{ path: string; install: string }>): string | undefined {
  const missing = binaries.filter((binary) => !existsSync(binary.path));
  if (missing.length === 0) return undefined;
  const message = `missing ${missing.map((binary) => `${binary.path} (${binary.install})`).join(', ')}`;
  if (process.env.CI) throw new Error(`${message}: .ci/run installs them; CI must not skip these tests`);
  process.stderr.write(`SKIPPED: ${message}\n`);
  return message;
}
