// npm run gate-quality -- [trials=20] [seconds=2] [rounds=20] [baselineRuns=5] [--cells fast-off,fast-on,20ms-off,20ms-on] [--level c=10|rate=500] [--simulate]
// How good is the performance gate (harness/statistics/round-statistics.ts)? On the
// default scenario's own HTTP load target (fast backend) and on a 20 ms backend,
// with a CPU-burning neighbour process off and on, for a stored baseline
// (the latest baselineRuns runs of the reference, one recorded before each trial) and for live A/B
// (paired rounds added until the gate decides, at most `rounds`), it measures candidates slowed by
// 0 / +5 / +15 / +30 % of the measured p95 (a delay hop between nginx and the
// backend) and counts the gate's verdicts. The level (--level): closed model at
// concurrency 10 by default, or an open-model rate (the default scenario has
// both), `seconds` measured after a 0.5 s warm-up. Prints a Markdown table on stdout,
// with the median rounds and seconds of load to a live decision per row.
// --simulate prints instead what the simulated gate predicts (scripts/gate-quality-simulation.ts), without load.
// --cells runs only some of the four cells (backend and neighbour): a 20-trial run of
// all four takes hours on 2 cores.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Baseline } from '../harness/results/baseline.ts';
import { gatePerformance } from '../harness/gate/performance-gate.ts';
import { percent } from '../harness/statistics/round-statistics.ts';
import { decision } from '../harness/statistics/ab-decision.ts';
import { printSimulation } from './gate-quality-simulation.ts';
import { measureLoad, summarise } from '../harness/load/alternate.ts';
import type { LoadResult } from '../harness/results/load-result.ts';
import type { CaseRecord } from '../harness/results/case-record.ts';
import type { AbRound, Measurements } from '../harness/results/measurements.ts';
import { defaultBudget } from '../harness/scenario/performance-profile.ts';
import { startCpuBurner } from './cpu-burner.ts';
import { type BenchGateway, benchScenario, levelName, measure, parseLevel, startBenchGateway } from './gate-quality-rig.ts';

const allCells = ['fast-off', 'fast-on', '20ms-off', '20ms-on'];
function refuse(message: string): never {
  console.error(message);
  process.exit(2);
}
const args = parseArgs({ allowPositionals: true, options: { cells: { type: 'string', default: allCells.join(',') }, level: { type: 'string', default: 'c=10' }, simulate: { type: 'boolean', default: false } } });
const cells = args.values.cells.split(',');
if (cells.some((cell) => !allCells.includes(cell))) refuse(`--cells takes a list of ${allCells.join(', ')}, got ${args.values.cells}`);
const level = parseLevel(args.values.level) ?? refuse(`--level takes c=<concurrency> or rate=<requests per second>, got ${args.values.level}`);
const [trials = 20, seconds = 2, rounds = 20, baselineRuns = 5] = args.positionals.map(Number);
for (const [name, value, max] of [['trials', trials, 100], ['seconds', seconds, 60], ['rounds', rounds, 50], ['baselineRuns', baselineRuns, 50]] as const) {
  if (!Number.isInteger(value) || value < 1 || value > max) refuse(`${name} must be an integer 1-${max}, got ${value}`);
}
const conditions = [
  { name: 'clean', share: 0 },
  { name: '+5 %', share: 0.05 },
  { name: '+15 %', share: 0.15 },
  { name: '+30 %', share: 0.3 },
];
type Verdict = 'fail' | 'inconclusive' | 'pass';
interface Row {
  cell: string;
  condition: string;
  counts: Record<Verdict, number>;
  detectable: number[];
  change: number[];
  /** Rounds and seconds of load each verdict took (live: to the decision or the bound; stored: one run). */
  rounds: number[];
  seconds: number[];
}

const abort = new AbortController();
// `on`, not `once`: tsx exits 130 when its own SIGINT listener is the only one left.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => abort.abort());
const timing = { warmupMs: 500, durationMs: seconds * 1000, signal: abort.signal };
const caseId = level.model === 'closed' ? 'http-closed-loop' : 'http-open-loop';
const subject = `bench ${levelName(level)}`;
const key = `performance/${caseId}[${subject}]`;
const asRecord = (load: LoadResult, measurements: Measurements = {}): CaseRecord => ({ key, suite: 'performance', caseId, subject, description: '', result: 'PASSED', reason: '', durationMs: 0, measurements: { load, ...measurements } });

/** The gate's verdict on one candidate, and its p95 judgement's detectable effect and estimate. */
function judge(record: CaseRecord, baseline: Baseline | undefined): { verdict: Verdict; detectable: number; change: number } {
  const findings = gatePerformance([record], baseline, defaultBudget);
  const verdict: Verdict = findings.failures.length > 0 ? 'fail' : findings.inconclusive.length > 0 ? 'inconclusive' : 'pass';
  const p95 = [...findings.failures, ...findings.inconclusive, ...findings.notes].find((finding) => finding.subject.endsWith('p95 latency'))?.message ?? '';
  for (const failure of findings.failures) console.error(`  fail: ${failure.subject}: ${failure.message}`);
  const figure = (pattern: RegExp) => Number(pattern.exec(p95)?.[1] ?? Number.NaN) / 100;
  return { verdict, detectable: figure(/detectable (-?[0-9.]+) %/), change: figure(/(-?[0-9.]+) % worse/) };
}

function tallyRow(rows: Row[], cell: string, condition: string): Row {
  let row = rows.find((candidate) => candidate.cell === cell && candidate.condition === condition);
  if (!row) rows.push((row = { cell, condition, counts: { fail: 0, inconclusive: 0, pass: 0 }, detectable: [], change: [], rounds: [], seconds: [] }));
  return row;
}

async function runCell(rows: Row[], label: string, app: Awaited<ReturnType<typeof benchScenario>>['app'], reference: BenchGateway, candidate: BenchGateway): Promise<void> {
  candidate.hop.delayUs = 0;
  console.error(`${label}: recording (load average ${loadavg()[0]!.toFixed(1)})`);
  // The stored baseline is recorded over time, as baselines/README.md asks: a run of the reference
  // before every trial, and each trial judged against the latest `baselineRuns` runs.
  const stored: LoadResult[] = [];
  for (let run = 1; run < baselineRuns && !abort.signal.aborted; run++) stored.push(await measure(app, reference.gateway, level, timing));
  const baselineOf = (runs: LoadResult[]): Baseline => ({
    kind: 'meshgate-baseline', version: 1, createdAt: '', runId: 'gate-quality', environment: 'local', scenario: 'gate-quality', scenarioHash: '',
    cases: [{ key, result: 'PASSED', samples: runs.slice(-baselineRuns).map((load, index) => ({ runId: `run-${index}`, ...summarise(load) })) }],
  });
  for (let trial = 1; trial <= trials && !abort.signal.aborted; trial++) {
    stored.push(await measure(app, reference.gateway, level, timing));
    const baseline = baselineOf(stored);
    // "The measured p95": the median of the reference's recent runs, so one spike does not set the delays.
    const p95Us = median(stored.slice(-baselineRuns).map((load) => load.p95Us));
    for (const condition of conditions) {
      candidate.hop.delayUs = Math.round(p95Us * condition.share);
      const alone = judge(asRecord(await measure(app, candidate.gateway, level, timing)), baseline);
      const measurements: Measurements = {};
      const bounds = { maxRounds: rounds, maxMs: Infinity, decide: (done: AbRound[]) => decision(done, defaultBudget, { maxRounds: rounds }) };
      const live = await measureLoad((gateway) => measure(app, gateway, level, timing), candidate.gateway, reference.gateway, measurements, { bounds, signal: abort.signal });
      const paired = judge(asRecord(live, measurements), undefined);
      const took = { stored: { rounds: 1, seconds: seconds + 0.5 }, live: { rounds: measurements.sequence?.rounds ?? Number.NaN, seconds: measurements.sequence?.seconds ?? Number.NaN } };
      for (const [mode, result, cost] of [['stored baseline', alone, took.stored], ['live A/B', paired, took.live]] as const) {
        const row = tallyRow(rows, `${label}, ${mode}`, condition.name);
        row.counts[result.verdict]++;
        row.detectable.push(result.detectable);
        row.change.push(result.change);
        row.rounds.push(cost.rounds);
        row.seconds.push(cost.seconds);
      }
      console.error(`${label} trial ${trial}/${trials} ${condition.name} (+${(candidate.hop.delayUs / 1000).toFixed(2)} ms on a ${(p95Us / 1000).toFixed(2)} ms p95): stored ${alone.verdict} (detectable ${percent(alone.detectable)}), live ${paired.verdict} (${percent(paired.change)}, detectable ${percent(paired.detectable)}, ${took.live.rounds} rounds, ${took.live.seconds.toFixed(0)} s), load average ${loadavg()[0]!.toFixed(1)}`);
    }
  }
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

if (args.values.simulate) {
  printSimulation({ seconds, rounds, level: levelName(level) });
  process.exit(0);
}
const rows: Row[] = [];
const { scenario, app } = await benchScenario();
const started = Date.now();
const loadBefore = loadavg()[0]!;
for (const backend of [{ name: `fast backend (${app.id})`, cell: 'fast', latencyMs: 0 }, { name: '20 ms backend', cell: '20ms', latencyMs: 20 }]) {
  if (abort.signal.aborted || !cells.some((cell) => cell.startsWith(`${backend.cell}-`))) continue;
  const gateways: BenchGateway[] = [];
  try {
    gateways.push(await startBenchGateway(scenario, `gate-quality-ref-${backend.latencyMs}`, backend.latencyMs));
    gateways.push(await startBenchGateway(scenario, `gate-quality-cand-${backend.latencyMs}`, backend.latencyMs));
    for (const neighbour of [false, true]) {
      if (abort.signal.aborted) break;
      if (!cells.includes(`${backend.cell}-${neighbour ? 'on' : 'off'}`)) continue;
      // Bounded: it ends by itself after the cell's expected length plus a margin, and is stopped when the cell ends.
      const cellSeconds = (baselineRuns + trials * (1 + conditions.length * (1 + 2 * rounds))) * (seconds + 0.5);
      const burner = neighbour ? startCpuBurner(1, cellSeconds * 2 + 60) : undefined;
      try {
        await runCell(rows, `${backend.name}, neighbour ${neighbour ? 'on' : 'off'}`, app, gateways[0]!, gateways[1]!);
      } catch (error) {
        // Interrupted: the trials counted so far are still printed.
        if (!abort.signal.aborted) throw error;
      } finally {
        await burner?.stop();
      }
    }
  } finally {
    await Promise.all(gateways.map((gateway) => gateway.stop()));
  }
}
console.log(`${trials} trials per cell, ${seconds} s levels at ${levelName(level)}, live A/B until decided (at most ${rounds} rounds), ${baselineRuns} stored baseline runs; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores; ${((Date.now() - started) / 60000).toFixed(1)} min${abort.signal.aborted ? ' (interrupted)' : ''}\n`);
console.log('| cell | candidate | fail | inconclusive | pass | median p95 change | median detectable | median rounds | median time to a decision (or the bound) |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  console.log(`| ${row.cell} | ${row.condition} | ${row.counts.fail} | ${row.counts.inconclusive} | ${row.counts.pass} | ${percent(median(row.change))} | ${percent(median(row.detectable))} | ${median(row.rounds)} | ${median(row.seconds).toFixed(0)} s |`);
}
