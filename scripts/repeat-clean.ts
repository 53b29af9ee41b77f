// Runs `meshgate validate` on the clean local environment N times in a row and
// counts false failures: a clean gateway must pass every time.
//   npm run stress -- [runs=10] [suites...]
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

const [runsArg = '10', ...suites] = process.argv.slice(2);
const runs = Number(runsArg);
if (!Number.isInteger(runs) || runs < 1 || runs > 100) {
  console.error(`runs must be 1-100, got ${runsArg}`);
  process.exit(2);
}
const bin = fileURLToPath(new URL('../bin/meshgate.js', import.meta.url));
const reports = await mkdtemp(join(tmpdir(), 'meshgate-stress-'));
const rows: string[] = [];
let falseFailures = 0;
try {
  for (let run = 1; run <= runs; run++) {
    const started = Date.now();
    const result = await execa(process.execPath, [bin, 'validate', '--reports', reports, '--run-id', `stress-${run}`, ...suites], { reject: false, timeout: 600_000 });
    const report = JSON.parse(await readFile(join(reports, `stress-${run}`, 'results.json'), 'utf8'));
    const failed = report.cases.filter((record: { result: string }) => record.result === 'FAILED').map((record: { key: string }) => record.key);
    falseFailures += failed.length;
    rows.push(`| ${run} | ${result.exitCode} | ${report.counts.PASSED} | ${failed.length} | ${((Date.now() - started) / 1000).toFixed(1)} | ${failed.join(', ')} |`);
    console.error(`run ${run}/${runs}: exit ${result.exitCode}, ${report.counts.PASSED} passed, ${failed.length} failed`);
  }
} finally {
  await rm(reports, { recursive: true, force: true });
}
console.log(['| run | exit | passed | failed | seconds | failed cases |', '|---:|---:|---:|---:|---:|---|', ...rows].join('\n'));
console.log(`\n${runs} clean runs, ${falseFailures} false failures`);
process.exit(falseFailures === 0 ? 0 : 1);
