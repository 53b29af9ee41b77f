import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/net/ports.ts';
import { meshgate, runMeshgate } from '../e2e/meshgate-cli.ts';
import { startReceiver } from '../notify/webhook-receiver.ts';
import { type RunningPrometheus, startPrometheus } from './prometheus-fixture.ts';
import { type Scenario, type ServiceTraffic, openMetrics, scenarioEnd } from './traffic-data.ts';

const service = (namespace: string, name: string, change: Partial<ServiceTraffic> = {}): ServiceTraffic => ({ namespace, service: name, rps: 2, errorShare: 0.002, medianMs: 20, ...change });
const healthy = [service('ns-a', 'web'), service('ns-b', 'api'), service('ns-c', 'shop')];

/** One stretch of time each, in this order; the judge picks one with --at. */
const scenarios: Scenario[] = [
  { name: 'healthy', reference: healthy, candidate: healthy },
  { name: '5xx spike', reference: healthy, candidate: [service('ns-a', 'web', { errorShare: 0.1 }), healthy[1]!, healthy[2]!] },
  { name: 'latency rise', reference: healthy, candidate: [healthy[0]!, service('ns-b', 'api', { medianMs: 80 }), healthy[2]!] },
  { name: 'vanished host', reference: healthy, candidate: healthy.slice(0, 2) },
  { name: 'too little traffic', reference: healthy.map((s) => ({ ...s, rps: 0.01 })), candidate: healthy.map((s) => ({ ...s, rps: 0.01 })) },
  // ingress-nginx labels what its default backend answers (unknown hosts) with namespace="" and service="".
  { name: 'default backend', reference: [...healthy, service('', '', { errorShare: 0 })], candidate: healthy },
  // Istio's Helm instructions install the gateway chart as release istio-ingress, the Deployment's name.
  { name: 'helm-named gateway', reference: healthy, candidate: healthy.map((s) => ({ ...s, workload: 'istio-ingress' })) },
];

// Four hours back: inside the TSDB's retention, outside its head block.
const start = Math.floor(Date.now() / 3_600_000) * 3600 - 4 * 3600;
let prometheus: RunningPrometheus;

beforeAll(async () => {
  prometheus = await startPrometheus(openMetrics(scenarios, start));
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
});

interface JudgeJson {
  verdict: string;
  reasons: Array<{ subject: string; message: string }>;
  keys: Array<{ key: string; candidate: { requests: number }; reference: { requests: number } }>;
}

async function judge(index: number, extra: string[] = []) {
  const at = scenarioEnd(start, index).toISOString();
  const result = await meshgate(['judge', '--prometheus', prometheus.url, '--window', '10m', '--at', at, '--json', ...extra]);
  return { ...result, json: result.exitCode === 2 ? undefined : (JSON.parse(result.stdout) as JudgeJson) };
}

describe('meshgate judge against a real Prometheus', () => {
  it('passes a healthy window, judging every Service by its real metric names', async () => {
    const { exitCode, json, stderr } = await judge(0);
    expect(json?.reasons, stderr).toEqual([]);
    expect(json?.verdict).toBe('pass');
    expect(exitCode).toBe(0);
    expect(json?.keys.map((key) => key.key)).toEqual(['(total)', 'ns-a/web', 'ns-b/api', 'ns-c/shop']);
    // 2 req/s over 10 minutes, as increase() extrapolates it.
    for (const key of json!.keys.slice(1)) expect(key.candidate.requests).toBeGreaterThan(1100);
  });

  it('fails a 5xx spike on one Service', async () => {
    const { exitCode, json } = await judge(1);
    expect(exitCode).toBe(1);
    expect(json?.verdict).toBe('fail');
    expect(json?.reasons.filter((reason) => reason.subject === 'ns-a/web').map((reason) => reason.message)).toEqual([
      expect.stringMatching(/^5xx ratio 10\.00 % over the 5\.00 % ceiling/),
      expect.stringMatching(/^5xx ratio 10\.00 % vs 0\.20 % on the reference \(two-proportion z-test/),
    ]);
    expect(json?.reasons.some((reason) => reason.subject === 'ns-b/api' || reason.subject === 'ns-c/shop')).toBe(false);
  });

  it('fails a latency rise on one Service', async () => {
    const { exitCode, json } = await judge(2);
    expect(exitCode).toBe(1);
    const api = json?.reasons.filter((reason) => reason.subject === 'ns-b/api').map((reason) => reason.message) ?? [];
    expect(api.some((message) => /^p95 .* vs .* on the reference \(budget/.test(message))).toBe(true);
    expect(json?.reasons.some((reason) => reason.subject === 'ns-a/web' || reason.subject === 'ns-c/shop')).toBe(false);
  });

  it('fails when a host\'s traffic vanished behind the candidate', async () => {
    const { exitCode, json } = await judge(3);
    expect(exitCode).toBe(1);
    expect(json?.reasons).toContainEqual({ subject: 'ns-c/shop', message: expect.stringMatching(/^traffic vanished: \d+ requests on the reference, none on the candidate$/) });
  });

  it('is inconclusive on too little traffic', async () => {
    const { exitCode, json } = await judge(4);
    expect(exitCode).toBe(1);
    expect(json?.verdict).toBe('inconclusive');
    expect(json?.reasons[0]?.message).toMatch(/^too little traffic to judge/);
  });

  it('judges a series with empty key labels as the group "(none)" instead of aborting', async () => {
    const { exitCode, json, stderr } = await judge(5);
    expect(json?.keys.map((key) => key.key), stderr).toEqual(['(total)', '(none)/(none)', 'ns-a/web', 'ns-b/api', 'ns-c/shop']);
    const unrouted = json!.keys.find((key) => key.key === '(none)/(none)')!;
    expect(unrouted.reference.requests).toBeGreaterThan(1100);
    expect(json?.verdict).toBe('pass');
    expect(exitCode).toBe(0);
  });

  it('finds a Helm-installed gateway (workload istio-ingress) with --gateway-install helm or --gateway-workload', async () => {
    for (const flags of [['--gateway-install', 'helm'], ['--gateway-workload', 'istio-ingress']]) {
      const { exitCode, json, stderr } = await judge(6, flags);
      expect(json?.verdict, stderr).toBe('pass');
      expect(exitCode).toBe(0);
    }
  });

  it("says the query matched no series, names it and the likely fix, with istioctl's default against a Helm-named gateway (exit 2)", async () => {
    const { exitCode, stderr } = await judge(6);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/E_PROMETHEUS.*istio requests: the query matched no series: sum by .*source_workload="istio-ingressgateway".*Likely fix: the gateway workload is not "istio-ingressgateway" \(--gateway-workload NAME, or --gateway-install\s+istioctl \| helm \| higress\)/);
  });

  it('exits 2 naming the problem when Prometheus refuses a query of an overridden queries file', async () => {
    const { exitCode, stderr } = await judge(0, ['--queries', 'tests/judge/broken-queries.yaml']);
    expect(exitCode).toBe(2);
    expect(stderr).toMatch(/E_PROMETHEUS.*failed \(HTTP 400\)/);
  });
});

describe('meshgate judge --notify-webhook', () => {
  it('posts the verdict to the receiver (Slack JSON)', async () => {
    const receiver = await startReceiver();
    try {
      const { exitCode } = await judge(1, ['--notify-webhook', receiver.url]);
      expect(exitCode).toBe(1);
      expect(receiver.bodies).toEqual([{ text: expect.stringMatching(/^\*meshgate judge: FAIL \(exit 1\)\*\n• run [-\w]+\n• \(total\): 5xx ratio[^\n]*\n• ns-a\/web: 5xx ratio 10\.00 % over the 5\.00 % ceiling[\s\S]*\n• report folder: \S+$/) }]);
    } finally {
      await receiver.close();
    }
  });

  it('posts a notice on exit 2 as well: Prometheus unreachable', async () => {
    const receiver = await startReceiver();
    try {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const result = await runMeshgate(['judge', '--prometheus', closed, '--window', '10m', '--run-id', 'judge-down-1', '--notify-webhook', receiver.url]);
      expect(result.exitCode).toBe(2);
      expect(receiver.bodies).toEqual([{ text: expect.stringMatching(/^\*meshgate judge: ERROR \(exit 2\)\*\n• run judge-down-1\n• E_PROMETHEUS: http:\/\/127\.0\.0\.1:\d+: no answer to /) }]);
    } finally {
      await receiver.close();
    }
  });

  it.each([
    ['passes', 0, 0],
    ['fails', 1, 1],
  ])('%s with the same exit code when the receiver answers 500 (retried, then a warning)', async (_name, index, expected) => {
    const receiver = await startReceiver(500);
    try {
      const { exitCode, stderr, stdout } = await judge(index, ['--notify-webhook', receiver.url, '--notify-format', 'dingtalk']);
      expect(exitCode).toBe(expected);
      expect(JSON.parse(stdout).warnings).toEqual([expect.stringMatching(/^notification to .* not delivered: HTTP 500; the verdict stands$/)]);
      expect(stderr).toMatch(/warning: notification to http:\/\/127\.0\.0\.1:\d+\/\*\*\* not delivered: HTTP 500; the verdict stands/);
      expect(receiver.bodies.length).toBeGreaterThan(1);
      expect(receiver.bodies[0]).toEqual({ msgtype: 'markdown', markdown: expect.objectContaining({ title: expect.stringMatching(/^meshgate judge/) }) });
    } finally {
      await receiver.close();
    }
  });
});
