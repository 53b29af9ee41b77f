// Robustness on a busy machine: starts (and stops) the default local environment N
// times in a row while a neighbour keeps every core busy, then N times on a quiet
// machine, and counts failures; with --validate R it also runs `meshgate validate`
// R times and counts false failures (a clean gateway must pass every time).
//   npm run stress -- [starts=20] [--validate R] [--quiet-only | --busy-only]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { LocalEnvironment } from '../harness/environments/local/local-environment.ts';
import { errorMessage } from '../harness/errors.ts';
import { loadScenario } from '../harness/scenario/load.ts';
import { resolveTimeouts } from '../harness/timeouts.ts';
import { startCpuBurner } from './cpu-burner.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { validate: { type: 'string', default: '0' }, 'quiet-only': { type: 'boolean' }, 'busy-only': { type: 'boolean' } },
});
const starts = Number(positionals[0] ?? '20');
const validations = Number(values.validate);
if (!Number.isInteger(starts) || starts < 1 || starts > 200 || !Number.isInteger(validations) || validations < 0 || validations > 100) {
  console.error('usage: npm run stress -- [starts 1-200] [--validate 0-100] [--quiet-only | --busy-only]');
  process.exit(2);
}

const scenario = await loadScenario();
let failures = 0;

/** Starts and stops the environment `starts` times; prints the start times and every failure. */
async function repeatStarts(label: string): Promise<void> {
  const times: number[] = [];
  for (let index = 1; index <= starts; index++) {
    const started = Date.now();
    try {
      const environment = await new LocalEnvironment({ scenario, runId: `stress-${index}`, timeouts: resolveTimeouts(process.env) }).start();
      times.push(Date.now() - started);
      await environment.stop();
    } catch (error) {
      failures++;
      console.error(`${label} start ${index}: ${errorMessage(error)}`);
    }
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? NaN;
  console.log(`| ${label} | ${starts} | ${starts - times.length} | ${at(0.5)} | ${at(0.95)} | ${times.at(-1) ?? NaN} |`);
}

console.log('| machine | starts | failed | median ms | p95 ms | max ms |\n|---|---:|---:|---:|---:|---:|');
if (!values['busy-only']) await repeatStarts('quiet');
if (!values['quiet-only']) {
  // Bounded: the neighbour ends by itself after 30 minutes even if this script is killed.
  const burner = startCpuBurner(availableParallelism(), 1_800);
  try {
    await repeatStarts(`busy (${availableParallelism()} busy loops)`);
  } finally {
    await burner.stop();
  }
}

if (validations > 0) {
  const bin = fileURLToPath(new URL('../bin/meshgate.js', import.meta.url));
  const reports = await mkdtemp(join(tmpdir(), 'meshgate-stress-'));
  try {
    for (let run = 1; run <= validations; run++) {
      const result = await execa(process.execPath, [bin, 'validate', '--reports', reports, '--run-id', `stress-${run}`], { reject: false, timeout: 600_000 });
      const report = JSON.parse(await readFile(join(reports, `stress-${run}`, 'results.json'), 'utf8').catch(() => '{"cases":[]}'));
      const failed = report.cases.filter((record: { result: string }) => record.result === 'FAILED').map((record: { key: string }) => record.key);
      if (result.exitCode !== 0) failures++;
      console.log(`validate ${run}/${validations}: exit ${result.exitCode}, ${failed.length} failed ${failed.join(', ')}`);
    }
  } finally {
    await rm(reports, { recursive: true, force: true });
  }
}
console.log(`\n${failures} failure(s)`);
process.exit(failures === 0 ? 0 : 1);
