// npm run gate-quality [-- trials=5 seconds=10]
// How good is the performance gate? Against one baseline backend (20 ms added
// latency) it measures a clean candidate and candidates made slower by +5 %,
// +15 % and +30 % (the fixtures' --latency-ms), interleaved in every trial so
// machine drift hits all alike, and counts the gate's verdicts.
// Wanted: clean never fails (no false alarms), +30 % always fails.
import { LocalEnvironment } from '../harness/environments/local/local-environment.ts';
import type { StartedEnvironment } from '../harness/environments/environment.ts';
import { gatePerformance } from '../harness/gate/performance-gate.ts';
import { type LoadResult, runClosedLoop } from '../harness/load/closed-loop.ts';
import { httpDriver } from '../harness/load/load-driver.ts';
import type { CaseRecord } from '../harness/reporters/case-record.ts';
import { parseScenario } from '../harness/scenario/load.ts';

const [trials = 5, seconds = 10] = process.argv.slice(2).map(Number);
const baseLatencyMs = 20;
const conditions = [
  { name: 'clean', latencyMs: 20 },
  { name: '+5 %', latencyMs: 21 },
  { name: '+15 %', latencyMs: 23 },
  { name: '+30 %', latencyMs: 26 },
];
const scenario = parseScenario(
  'version: 1\nname: gate-quality\ndomain: bench.meshgate.test\ntenants:\n  - user: bench\n    apps:\n      - { name: web, kind: web, host: abcdefghijkl }\n',
  'gate-quality scenario',
);
const host = 'abcdefghijkl.bench.meshgate.test';

async function measure(environment: StartedEnvironment): Promise<LoadResult> {
  const { address, httpPort, httpsPort } = environment.target().gateway;
  const driver = httpDriver({ gateway: { address, httpPort, httpsPort }, scheme: 'http', host });
  return runClosedLoop({ driver, concurrency: 10, warmupMs: 1000, durationMs: seconds * 1000 });
}

function asRecord(load: LoadResult): CaseRecord {
  return { key: 'performance/http-closed-loop[bench c=10]', suite: 'performance', caseId: 'http-closed-loop', subject: 'bench c=10', description: '', result: 'PASSED', reason: '', durationMs: 0, measurements: { load } };
}

const environments = new Map<number, StartedEnvironment>();
try {
  for (const latencyMs of new Set([baseLatencyMs, ...conditions.map((c) => c.latencyMs)])) {
    environments.set(latencyMs, await new LocalEnvironment({ scenario, runId: `gate-quality-${latencyMs}`, faults: { latencyMs } }).start());
  }
  const tally = new Map(conditions.map((c) => [c.name, { fail: 0, inconclusive: 0, pass: 0, p95Change: [] as number[] }]));
  for (let trial = 1; trial <= trials; trial++) {
    const base = await measure(environments.get(baseLatencyMs)!);
    for (const condition of conditions) {
      const candidate = await measure(environments.get(condition.latencyMs)!);
      const baseline = { kind: 'meshgate-baseline' as const, version: 1, createdAt: '', runId: 'base', environment: 'local', scenario: 'gate-quality', scenarioHash: '', cases: [{ ...asRecord(base), result: 'PASSED' as const }] };
      const findings = gatePerformance([asRecord(candidate)], baseline);
      const row = tally.get(condition.name)!;
      const verdict = findings.failures.length > 0 ? 'fail' : findings.inconclusive.length > 0 ? 'inconclusive' : 'pass';
      row[verdict]++;
      row.p95Change.push(candidate.p95Us / base.p95Us - 1);
      console.error(`trial ${trial}/${trials} ${condition.name}: ${verdict} (p95 ${(base.p95Us / 1000).toFixed(2)} -> ${(candidate.p95Us / 1000).toFixed(2)} ms)`);
    }
  }
  console.log('| candidate | trials | fail | inconclusive | pass | mean p95 change |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, row] of tally) {
    const meanChange = row.p95Change.reduce((sum, value) => sum + value, 0) / row.p95Change.length;
    console.log(`| ${name} | ${trials} | ${row.fail} | ${row.inconclusive} | ${row.pass} | ${(meanChange * 100).toFixed(1)} % |`);
  }
} finally {
  await Promise.all([...environments.values()].map((environment) => environment.stop()));
}
