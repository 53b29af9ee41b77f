// npm run gate-quality -- [trials=20] [baselineRuns=5] [--cells fast-off,fast-on,20ms-off,20ms-on] [--level c=4] [--profile quick|gate] [--base-hold-us 300] [--simulate]
// How good is the performance gate (harness/statistics/ab-decision.ts)? On the default
// scenario's own HTTP load target (fast backend) and on a 20 ms backend, with a CPU-burning
// neighbour process off and on, it counts the gate's verdicts on a clean candidate, one slowed by
// half the allowed effect and one by 1.6x it, for a stored baseline (the latest baselineRuns runs
// of the reference, one recorded before each trial) and for live A/B (rounds with both gateways
// loaded at once, added until the gate decides, within the profile's bounds). "The allowed" is the
// extra hold at which the first metric reaches its budget (`allowedHoldUs`, gate-quality-rig.ts). The slowdown is a hold
// in a delay hop between nginx and the backend; both gateways go through such a hop and both hold
// every answer `--base-hold-us`, so the thread wake-up a hold costs is paid on both sides. Level
// timing and live bounds are the profile's (--profile). Prints a Markdown table on stdout, with
// what each candidate delivered as the gate measured it, and the median rounds and seconds of load
// to a live decision per row.
// --simulate prints instead what the simulated gate predicts (scripts/gate-quality-simulation.ts), without load.
// --cells runs only some of the four cells (backend and neighbour): a 20-trial run of all four
// takes about an hour and a half on 2 cores.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Baseline } from '../harness/results/baseline.ts';
import { gatePerformance } from '../harness/gate/performance-gate.ts';
import { percent } from '../harness/statistics/round-statistics.ts';
import { decision } from '../harness/statistics/ab-decision.ts';
import { printSimulation } from './gate-quality-simulation.ts';
import { measureLoad, summarise } from '../harness/load/ab-rounds.ts';
import type { LoadResult } from '../harness/results/load-result.ts';
import type { CaseRecord } from '../harness/results/case-record.ts';
import type { AbRound, Measurements } from '../harness/results/measurements.ts';
import { defaultBudget } from '../harness/scenario/performance-profile.ts';
import { startCpuBurner } from './cpu-burner.ts';
import { type BenchGateway, allowedHoldUs, benchScenario, levelName, measure, parseLevel, startBenchGateway } from './gate-quality-rig.ts';

const allCells = ['fast-off', 'fast-on', '20ms-off', '20ms-on'];
function refuse(message: string): never {
  console.error(message);
  process.exit(2);
}
const args = parseArgs({
  allowPositionals: true,
  options: {
    cells: { type: 'string', default: allCells.join(',') },
    level: { type: 'string', default: 'c=4' },
    profile: { type: 'string', default: 'quick' },
    'base-hold-us': { type: 'string', default: '300' },
    simulate: { type: 'boolean', default: false },
  },
});
const cells = args.values.cells.split(',');
if (cells.some((cell) => !allCells.includes(cell))) refuse(`--cells takes a list of ${allCells.join(', ')}, got ${args.values.cells}`);
const level = parseLevel(args.values.level) ?? refuse(`--level takes c=<concurrency> or rate=<requests per second>, got ${args.values.level}`);
const profileName = args.values.profile;
if (profileName !== 'quick' && profileName !== 'gate') refuse(`--profile takes quick or gate, got ${profileName}`);
const baseHoldUs = Number(args.values['base-hold-us']);
if (!Number.isInteger(baseHoldUs) || baseHoldUs < 0 || baseHoldUs > 100_000) refuse(`--base-hold-us must be an integer 0-100000, got ${args.values['base-hold-us']}`);
const [trials = 20, baselineRuns = 5] = args.positionals.map(Number);
for (const [name, value, max] of [['trials', trials, 100], ['baselineRuns', baselineRuns, 50]] as const) {
  if (!Number.isInteger(value) || value < 1 || value > max) refuse(`${name} must be an integer 1-${max}, got ${value}`);
}
/** Candidates, by their extra hold as a share of the allowed one (`allowedHoldUs`); the clean one runs first in a trial. */
const conditions = [
  { name: 'clean', ofAllowed: 0 },
  { name: 'half the allowed', ofAllowed: 0.5 },
  { name: '1.6x the allowed', ofAllowed: 1.6 },
];
type Verdict = 'fail' | 'inconclusive' | 'pass';
/** What the gate measured on one metric: the estimated worsening and the allowed one, as shares. */
interface Measured {
  change: number;
  allowed: number;
}
interface Judged {
  verdict: Verdict;
  p95: Measured & { detectable: number };
  throughput: Measured;
}
interface Row {
  cell: string;
  condition: string;
  counts: Record<Verdict, number>;
  holdUs: number[];
  judged: Judged[];
  /** Rounds and seconds of load each verdict took (live: to the decision or the bound; stored: one run). */
  rounds: number[];
  seconds: number[];
}

const abort = new AbortController();
// `on`, not `once`: tsx exits 130 when its own SIGINT listener is the only one left.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => abort.abort());
if (args.values.simulate) {
  // The default scenario's quick profile: 2 s + 1 s warm-up, at most 10 rounds and 1 minute.
  printSimulation({ seconds: 2, warmupSeconds: 1, rounds: 10 });
  process.exit(0);
}
const { scenario, app } = await benchScenario();
const profile = scenario.resolved.performance.profiles[profileName];
const timing = { warmupMs: profile.warmupSeconds * 1000, durationMs: profile.durationSeconds * 1000, signal: abort.signal };
const caseId = level.model === 'closed' ? 'http-closed-loop' : 'http-open-loop';
const subject = `bench ${levelName(level)}`;
const key = `performance/${caseId}[${subject}]`;
const asRecord = (load: LoadResult, measurements: Measurements = {}): CaseRecord => ({ key, suite: 'performance', caseId, subject, description: '', result: 'PASSED', reason: '', durationMs: 0, measurements: { load, ...measurements } });

/** The gate's verdict on one candidate, with what it measured on each metric. */
function judge(record: CaseRecord, baseline: Baseline | undefined): Judged {
  const findings = gatePerformance([record], baseline, defaultBudget);
  const verdict: Verdict = findings.failures.length > 0 ? 'fail' : findings.inconclusive.length > 0 ? 'inconclusive' : 'pass';
  for (const failure of findings.failures) console.error(`  fail: ${failure.subject}: ${failure.message}`);
  const message = (metric: string) => [...findings.failures, ...findings.inconclusive, ...findings.notes].find((finding) => finding.subject.endsWith(metric))?.message ?? '';
  const figure = (text: string, pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? Number.NaN) / 100;
  const measured = (text: string): Measured => ({ change: figure(text, /(-?[0-9.]+) % worse/), allowed: figure(text, /allowed (-?[0-9.]+) %/) });
  const p95 = message('p95 latency');
  return { verdict, p95: { ...measured(p95), detectable: figure(p95, /detectable (-?[0-9.]+) %/) }, throughput: measured(message('throughput')) };
}

/** How far past its allowance the candidate was, on the metric furthest past it (1 = exactly the allowed). */
const deliveredShare = ({ p95, throughput }: Judged) => Math.max(p95.change / p95.allowed, throughput.change / throughput.allowed);

function tallyRow(rows: Row[], cell: string, condition: string): Row {
  let row = rows.find((candidate) => candidate.cell === cell && candidate.condition === condition);
  if (!row) rows.push((row = { cell, condition, counts: { fail: 0, inconclusive: 0, pass: 0 }, holdUs: [], judged: [], rounds: [], seconds: [] }));
  return row;
}

async function runCell(rows: Row[], label: string, reference: BenchGateway, candidate: BenchGateway): Promise<void> {
  reference.hop.delayUs = candidate.hop.delayUs = baseHoldUs;
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
    // The holds are set from the reference as the clean condition's live rounds measured it, under the same A/B load.
    let holdUs = 0;
    for (const condition of conditions) {
      const extraUs = Math.round(holdUs * condition.ofAllowed);
      candidate.hop.delayUs = baseHoldUs + extraUs;
      const alone = judge(asRecord(await measure(app, candidate.gateway, level, timing)), baseline);
      const measurements: Measurements = {};
      const bounds = { maxRounds: profile.rounds, maxMs: profile.maxMinutes * 60_000, decide: (done: AbRound[]) => decision(done, defaultBudget, { maxRounds: profile.rounds }) };
      const live = await measureLoad((gateway) => measure(app, gateway, level, timing), candidate.gateway, reference.gateway, measurements, { bounds, signal: abort.signal });
      if (condition.ofAllowed === 0) {
        const { p95Us, rps } = measurements.reference!;
        holdUs = allowedHoldUs({ p95Us, meanUs: level.model === 'closed' ? (level.concurrency / rps) * 1e6 : 0, closed: level.model === 'closed' });
      }
      const paired = judge(asRecord(live, measurements), undefined);
      const took = { stored: { rounds: 1, seconds: profile.durationSeconds + profile.warmupSeconds }, live: { rounds: measurements.sequence?.rounds ?? Number.NaN, seconds: measurements.sequence?.seconds ?? Number.NaN } };
      for (const [mode, result, cost] of [['stored baseline', alone, took.stored], ['live A/B', paired, took.live]] as const) {
        const row = tallyRow(rows, `${label}, ${mode}`, condition.name);
        row.counts[result.verdict]++;
        row.holdUs.push(extraUs);
        row.judged.push(result);
        row.rounds.push(cost.rounds);
        row.seconds.push(cost.seconds);
      }
      const said = (result: Judged) => `${result.verdict} (p95 ${percent(result.p95.change)} of ${percent(result.p95.allowed)}, throughput ${percent(-result.throughput.change)} of -${percent(result.throughput.allowed)})`;
      console.error(`${label} trial ${trial}/${trials} ${condition.name} (+${(extraUs / 1000).toFixed(3)} ms): stored ${said(alone)}, live ${said(paired)}, ${took.live.rounds} rounds, ${took.live.seconds.toFixed(0)} s; load average ${loadavg()[0]!.toFixed(1)}`);
    }
  }
}

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length === 0 ? Number.NaN : sorted[Math.floor(sorted.length / 2)]!;
}

const rows: Row[] = [];
const started = Date.now();
const loadBefore = loadavg()[0]!;
for (const backend of [{ name: 'fast backend', cell: 'fast', latencyMs: 0 }, { name: '20 ms backend', cell: '20ms', latencyMs: 20 }]) {
  if (abort.signal.aborted || !cells.some((cell) => cell.startsWith(`${backend.cell}-`))) continue;
  const gateways: BenchGateway[] = [];
  try {
    gateways.push(await startBenchGateway(scenario, `gate-quality-ref-${backend.latencyMs}`, backend.latencyMs));
    gateways.push(await startBenchGateway(scenario, `gate-quality-cand-${backend.latencyMs}`, backend.latencyMs));
    for (const neighbour of [false, true]) {
      if (abort.signal.aborted) break;
      if (!cells.includes(`${backend.cell}-${neighbour ? 'on' : 'off'}`)) continue;
      // Bounded: it ends by itself after the cell's longest length plus a margin, and is stopped when the cell ends.
      const run = profile.durationSeconds + profile.warmupSeconds;
      const cellSeconds = baselineRuns * run + trials * conditions.length * (run + profile.maxMinutes * 60 + 2 * run);
      const burner = neighbour ? startCpuBurner(1, cellSeconds + 60) : undefined;
      try {
        await runCell(rows, `${backend.name}, neighbour ${neighbour ? 'on' : 'off'}`, gateways[0]!, gateways[1]!);
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
console.log(`${trials} trials per cell of ${app.id}, the ${profileName} profile's ${profile.durationSeconds} s levels (+${profile.warmupSeconds} s warm-up) at ${levelName(level)}, live A/B until decided (at most ${profile.rounds} rounds, ${profile.maxMinutes} min), ${baselineRuns} stored baseline runs, both gateways holding every answer ${baseHoldUs} µs; load average ${loadBefore.toFixed(1)} -> ${loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).cpus().length} cores; ${((Date.now() - started) / 60000).toFixed(1)} min${abort.signal.aborted ? ' (interrupted)' : ''}\n`);
console.log('| cell | candidate | fail | inconclusive | pass | extra hold | p95 change (allowed) | throughput change (allowed) | delivered / allowed | median detectable p95 | median rounds | median time to a decision (or the bound) |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const row of rows) {
  const of = (pick: (judged: Judged) => number) => median(row.judged.map(pick));
  const cells = [
    row.cell, row.condition, row.counts.fail, row.counts.inconclusive, row.counts.pass,
    `${(median(row.holdUs) / 1000).toFixed(3)} ms`,
    `${percent(of((judged) => judged.p95.change))} (${percent(of((judged) => judged.p95.allowed))})`,
    `${percent(-of((judged) => judged.throughput.change))} (-${percent(of((judged) => judged.throughput.allowed))})`,
    of(deliveredShare).toFixed(2), percent(of((judged) => judged.p95.detectable)), median(row.rounds), `${median(row.seconds).toFixed(0)} s`,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
