import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/net/ports.ts';
import { type ChildProcess, startChildProcess } from '../../harness/process/child-process.ts';
import { metricsOutputs, publishMetrics } from '../../harness/reporters/metrics-outputs.ts';
import { writeOutputs } from '../../harness/reporters/output.ts';
import { pushMetrics } from '../../harness/reporters/pushgateway.ts';
import { tcpConnects, waitUntil } from '../../harness/wait.ts';
import { scratchDir } from '../e2e/meshgate-cli.ts';
import { missingBinaries } from '../required-binary.ts';
import { perfRecord, runReportOf } from './run-report-fixture.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

/** The waits for the Pushgateway and Prometheus, bounded as `meshgate up` is; one push's bound. */
const upReady = { timeouts: defaultTimeouts, name: 'upReadyMs' } as const;
const pushMs = defaultTimeouts.metricsPushMs;
const binaries = { prometheus: '/usr/bin/prometheus', pushgateway: '/usr/bin/prometheus-pushgateway' };
const skip = missingBinaries([
  { path: binaries.prometheus, install: 'apt-get install prometheus' },
  { path: binaries.pushgateway, install: 'apt-get install prometheus-pushgateway' },
]);

/** Prometheus scraping the Pushgateway every second; honor_labels keeps the pushed job and grouping labels (Pushgateway README, "About the job and instance labels"). */
const prometheusConfig = (pushgatewayPort: number) => `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: pushgateway
    honor_labels: true
    static_configs:
      - targets: ['127.0.0.1:${pushgatewayPort}']
`;

async function getJson(url: string): Promise<any> {
  const answer = await request(url, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  return answer.body.json();
}

describe.skipIf(skip)('metrics through a real Pushgateway into a real Prometheus', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  const processes: ChildProcess[] = [];
  let pushgateway: URL;
  let prometheus: string;
  beforeAll(async () => {
    scratch = await scratchDir();
    const [pushPort, promPort] = [await freePort(), await freePort()];
    // Debian's build persists to /var/lib/prometheus/pushgateway.data by default: every run would start with the groups of earlier ones.
    processes.push(startChildProcess('pushgateway', binaries.pushgateway, [`--web.listen-address=127.0.0.1:${pushPort}`, `--persistence.file=${join(scratch.dir, 'pushgateway.data')}`], defaultTimeouts));
    await writeFile(join(scratch.dir, 'prometheus.yml'), prometheusConfig(pushPort));
    processes.push(startChildProcess('prometheus', binaries.prometheus, [`--config.file=${join(scratch.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(scratch.dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${promPort}`], defaultTimeouts));
    await waitUntil('the Pushgateway to listen', `127.0.0.1:${pushPort}`, upReady, tcpConnects('127.0.0.1', pushPort, defaultTimeouts.requestMs));
    await waitUntil('Prometheus to listen', `127.0.0.1:${promPort}`, upReady, tcpConnects('127.0.0.1', promPort, defaultTimeouts.requestMs));
    pushgateway = new URL(`http://127.0.0.1:${pushPort}`);
    prometheus = `http://127.0.0.1:${promPort}`;
  }, 90_000);
  afterAll(async () => {
    await Promise.all(processes.map((child) => child.stop()));
    await scratch?.remove();
  });

  it('writes OpenMetrics, pushes one group per scenario and mode with the run id as a label, and PromQL over HTTP returns the pushed value', async () => {
    const report = runReportOf([perfRecord(10, 1600), perfRecord(200, 900, true)], { runId: 'metrics-run-1', scenario: 'sealos-default' });
    const file = join(scratch.dir, 'out', 'metrics.txt');
    const warnings: string[] = [];
    await writeOutputs(metricsOutputs({ file, pushgateway, pushMs }), report, { dir: scratch.dir, exitCode: 0, log: () => undefined, warn: (warning) => warnings.push(warning) });
    expect(warnings).toEqual([]);
    const text = await readFile(file, 'utf8');
    expect(text.trimEnd().endsWith('# EOF')).toBe(true);
    expect(text).toContain('# UNIT meshgate_load_latency_seconds seconds');
    expect(text).toContain('meshgate_load_latency_seconds{scenario="sealos-default",mode="local",run_id="metrics-run-1",target="ns-a/web",protocol="http",model="closed",level="10",percentile="95"} 0.0016');
    const exposed = await (await request(new URL('/metrics', pushgateway))).body.text();
    expect(exposed).toMatch(/meshgate_load_success_ratio\{[^}]*job="meshgate"[^}]*\}/);
    expect(exposed).toMatch(/meshgate_run_verdict\{[^}]*mode="local"[^}]*run_id="metrics-run-1"[^}]*\}/);
    const query = encodeURIComponent('meshgate_load_latency_seconds{job="meshgate",run_id="metrics-run-1",scenario="sealos-default",mode="local",model="open",level="200",percentile="95"}');
    let result: Array<{ value: [number, string] }> = [];
    await waitUntil('Prometheus to scrape the pushed metrics', prometheus, upReady, async () => {
      const answer = await getJson(`${prometheus}/api/v1/query?query=${query}`);
      result = answer.data?.result ?? [];
      if (result.length === 0) throw new Error(`no series yet: ${JSON.stringify(answer).slice(0, 200)}`);
    });
    expect(result).toHaveLength(1);
    expect(Number(result[0]!.value[1])).toBe(0.0009);
    const verdict = await getJson(`${prometheus}/api/v1/query?query=${encodeURIComponent('meshgate_run_verdict{run_id="metrics-run-1"} == 1')}`);
    expect(verdict.data.result.map((series: { metric: { verdict: string } }) => series.metric.verdict)).toEqual(['pass']);
  }, 90_000);

  it("the Grafana dashboard's every query and variable returns series from the pushed run", async () => {
    const dashboard = JSON.parse(await readFile(new URL('../../dashboards/meshgate.json', import.meta.url), 'utf8'));
    const substitute = (expr: string) => expr.replaceAll('$scenario', 'sealos-default').replaceAll('$run_id', 'metrics-run-1');
    const queries: Array<{ what: string; expr: string; label?: string }> = [
      ...dashboard.panels.flatMap((panel: { title: string; targets: Array<{ expr: string }> }) => panel.targets.map((target) => ({ what: panel.title, expr: substitute(target.expr) }))),
      ...dashboard.templating.list
        .filter((variable: { type: string }) => variable.type === 'query')
        .map((variable: { name: string; definition: string }) => {
          const [, selector, label] = /^label_values\((.*), (\w+)\)$/.exec(variable.definition)!;
          return { what: `variable ${variable.name}`, expr: substitute(selector!), label };
        }),
    ];
    expect(queries.length).toBeGreaterThanOrEqual(10);
    for (const query of queries) {
      const answer = await getJson(`${prometheus}/api/v1/query?query=${encodeURIComponent(query.expr)}`);
      expect(answer.status, `${query.what}: ${query.expr}`).toBe('success');
      expect(answer.data.result.length, `${query.what}: ${query.expr}`).toBeGreaterThan(0);
      if (query.label) expect(answer.data.result[0].metric[query.label], query.what).toBeDefined();
    }
  });

  it('the dashboard shows only the latest of two runs as current, and the earlier run ends where the later one begins', async () => {
    const scenario = 'two-runs';
    const failed = runReportOf([perfRecord(10, 1600)], { runId: 'run-a-fail', scenario });
    const passed = runReportOf([perfRecord(10, 1200)], { runId: 'run-b-pass', scenario });
    failed.gate = { ...failed.gate, verdict: 'fail' };
    const runsNow = async () => {
      const answer = await getJson(`${prometheus}/api/v1/query?query=${encodeURIComponent(`meshgate_run_verdict{scenario="${scenario}"}`)}`);
      return [...new Set(answer.data.result.map((series: { metric: { run_id: string } }) => series.metric.run_id))].sort();
    };
    await publishMetrics(failed, { pushgateway, pushMs }, () => undefined);
    await waitUntil('Prometheus to scrape run a', prometheus, upReady, async () => expect(await runsNow()).toEqual(['run-a-fail']));
    await publishMetrics(passed, { pushgateway, pushMs }, () => undefined);
    // Staleness: the scrape after the PUT no longer has run a, so Prometheus ends its series at once (no 5-minute lookback).
    await waitUntil('Prometheus to see run b alone', prometheus, upReady, async () => expect(await runsNow()).toEqual(['run-b-pass']));
    const dashboard = JSON.parse(await readFile(new URL('../../dashboards/meshgate.json', import.meta.url), 'utf8'));
    for (const panel of dashboard.panels as Array<{ title: string; targets: Array<{ expr: string }> }>) {
      // Every series selector a panel reads (aggregations drop run_id, so look beneath them).
      for (const selector of panel.targets.flatMap((target) => target.expr.match(/meshgate_\w+\{[^}]*\}/g) ?? [])) {
        const expr = selector.replaceAll('$scenario', scenario).replaceAll('$run_id', '.*');
        const answer = await getJson(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`);
        expect(answer.status, `${panel.title}: ${expr}`).toBe('success');
        const runs = new Set(answer.data.result.map((series: { metric: { run_id?: string } }) => series.metric.run_id));
        expect([...runs].filter((run) => run !== 'run-b-pass'), `${panel.title}: ${expr}`).toEqual([]);
      }
    }
    const verdictPanel = dashboard.panels.find((panel: { title: string }) => panel.title.startsWith('Verdict (')).targets[0].expr.replaceAll('$scenario', scenario).replaceAll('$run_id', '.*');
    const current = await getJson(`${prometheus}/api/v1/query?query=${encodeURIComponent(verdictPanel)}`);
    expect(current.data.result.map((series: { value: [number, string] }) => series.value[1])).toEqual(['0']);
    const end = Date.now() / 1000;
    const range = async (runId: string) => {
      const answer = await getJson(`${prometheus}/api/v1/query_range?query=${encodeURIComponent(`meshgate_run_verdict{scenario="${scenario}",run_id="${runId}",verdict="pass"}`)}&start=${end - 120}&end=${end}&step=1`);
      return (answer.data.result[0]?.values ?? []).map(([time]: [number, string]) => time) as number[];
    };
    const [a, b] = [await range('run-a-fail'), await range('run-b-pass')];
    expect(a.length).toBeGreaterThan(0);
    expect(b.length).toBeGreaterThan(0);
    expect(Math.max(...a)).toBeLessThanOrEqual(Math.min(...b));
  }, 90_000);

  it('a push the Pushgateway refuses, or one nobody receives, is an error naming the URL', async () => {
    await expect(pushMetrics(pushgateway, 'meshgate', { run_id: 'x' }, 'not a metric line\n', pushMs)).rejects.toThrow(/answered 400/);
    const closed = new URL(`http://127.0.0.1:${await freePort()}`);
    await expect(pushMetrics(closed, 'meshgate', { run_id: 'x' }, 'a 1\n', pushMs)).rejects.toThrow(`could not push metrics to ${closed.origin}/metrics/job/meshgate/run_id/x`);
  });
});
