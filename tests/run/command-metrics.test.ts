import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { judgeTraffic } from '../../harness/judge/judge-traffic.ts';
import { judgeMetrics, watchMetrics } from '../../harness/run/command-metrics.ts';
import { formatMetrics } from '../../harness/reporters/metrics.ts';
import { missingBinaries } from '../required-binary.ts';

const skip = missingBinaries([{ path: '/usr/bin/promtool', install: 'apt-get install prometheus' }]);
const buckets = [{ le: 50, count: 990 }, { le: Number.POSITIVE_INFINITY, count: 1000 }];

describe.skipIf(skip)('judge and watch metrics', () => {
  it.each([
    ['watch', watchMetrics({ requests: 200, failures: 1, successRate: 0.995, byApp: { 'ns-a/web': { host: 'web.example.test', protocol: 'https', requests: 200, failures: 1 } }, distinctFailures: [] }, 'fail')],
    ['judge', judgeMetrics(judgeTraffic(new Map([['ns-a/web', { requests: 1000, errors: 2, buckets }]]), new Map([['ns-a/web', { requests: 1000, errors: 1, buckets }]])))],
  ])('%s: one-hot verdict and figures that promtool accepts', async (command, families) => {
    const text = formatMetrics(families, 'prometheus', { run_id: 'r1' });
    expect(text).toContain(`meshgate_${command}_verdict{run_id="r1",verdict="`);
    const lint = await execa('promtool', ['check', 'metrics'], { input: text, reject: false });
    expect(lint.exitCode, `${lint.stdout}${lint.stderr}`).toBe(0);
  });
});
