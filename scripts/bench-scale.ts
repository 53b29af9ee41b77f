// meshgate at platform size: for scenarios of 11 (the default), 100, 300 and 1,000
// apps generated on the fly (web, gRPC and WebSocket in equal parts), runs
// `meshgate validate` with the functional suites and prints the environment's start
// time, the peak RSS of meshgate and all its children, the suites' wall time and
// the cases per second.
//   npm run bench:scale -- [sizes=11,100,300,1000]
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { scaleScenario } from './scale-scenario.ts';

const sizes = (process.argv[2] ?? '11,100,300,1000').split(',').map(Number);
if (sizes.some((size) => !Number.isInteger(size) || size < 3 || size > 5_000)) {
  console.error('usage: npm run bench:scale -- [sizes, e.g. 11,100,300,1000 (3-5000 each)]');
  process.exit(2);
}
const bin = fileURLToPath(new URL('../bin/meshgate.js', import.meta.url));
const functionalSuites = ['multi-tenant', 'protocols', 'ssl', 'cors'];

/** Resident memory of `pid` and every process below it, in bytes (from /proc). */
function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
      rss.set(Number(entry), Number(fields[21]) * 4096);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const pending = [pid];
  for (let guard = 0; pending.length > 0 && guard < 100_000; guard++) {
    const next = pending.pop()!;
    total += rss.get(next) ?? 0;
    pending.push(...(children.get(next) ?? []));
  }
  return total;
}

const scratch = await mkdtemp(join(tmpdir(), 'meshgate-scale-'));
const rows: string[] = [];
try {
  for (const apps of sizes) {
    const scenarioFile = join(scratch, `scale-${apps}.yaml`);
    await writeFile(scenarioFile, apps === 11 ? readFileSync(fileURLToPath(new URL('../scenarios/default.yaml', import.meta.url))) : scaleScenario(apps));
    const runId = `scale-${apps}`;
    const started = Date.now();
    const child = execa(process.execPath, [bin, 'validate', ...functionalSuites, '--scenario', scenarioFile, '--reports', scratch, '--run-id', runId], { reject: false, timeout: 1_800_000 });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, treeRss(child.pid!))), 250);
    let readyAt = NaN;
    let suitesAt = NaN;
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      if (Number.isNaN(readyAt) && /gateway .* ready on/.test(text)) readyAt = Date.now();
      if (Number.isNaN(suitesAt) && /running suites/.test(text)) suitesAt = Date.now();
    });
    const result = await child;
    clearInterval(sampler);
    const ended = Date.now();
    const report = JSON.parse(await readFile(join(scratch, runId, 'results.json'), 'utf8').catch(() => '{"counts":{},"cases":[]}'));
    const cases = report.cases.length as number;
    const suitesSeconds = (ended - suitesAt) / 1000;
    rows.push(
      `| ${apps} | ${result.exitCode} | ${((readyAt - started) / 1000).toFixed(1)} | ${(peak / 2 ** 20).toFixed(0)} | ${suitesSeconds.toFixed(1)} | ${cases} | ${(cases / suitesSeconds).toFixed(1)} | ${report.counts.PASSED ?? 0} / ${report.counts.FAILED ?? 0} |`,
    );
    console.error(`${apps} apps: exit ${result.exitCode}${result.exitCode === 0 ? '' : `: ${result.stderr.split('\n').slice(-4).join(' | ')}`}`);
  }
} finally {
  await rm(scratch, { recursive: true, force: true });
}
console.log('| apps | exit | environment start s | peak RSS MiB | functional suites s | cases | cases/s | passed / failed |');
console.log('|---:|---:|---:|---:|---:|---:|---:|---|');
console.log(rows.join('\n'));
