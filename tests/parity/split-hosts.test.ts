import { describe, expect, it } from 'vitest';
import type { HostParity } from '../../harness/parity/compare-answers.ts';
import { loadJobObjects } from '../../harness/load/workers/load-job.ts';
import type { LoadSpec } from '../../harness/load/workers/load-spec.ts';
import { parityJobObjects } from '../../harness/parity/parity-job.ts';
import type { ParityHost } from '../../harness/parity/parity-hosts.ts';
import type { ParityReport } from '../../harness/parity/run-parity.ts';
import { mergeParityReports, shardOf } from '../../harness/parity/split-hosts.ts';

const hosts: ParityHost[] = Array.from({ length: 10 }, (_, i) => ({ host: `h${i}.example.test`, paths: ['/'], tls: true, webSocket: false }));
const parity = (host: string, verdict: HostParity['verdict'] = 'same'): HostParity => ({ host, verdict, differences: [], noisy: [] });
const report = (items: HostParity[], interrupted = false): ParityReport => ({
  reference: 'r', candidate: 'c', hosts: items, resumed: 0, interrupted,
  counts: { same: items.filter((item) => item.verdict === 'same').length, knownDifference: 0, differs: items.filter((item) => item.verdict === 'differs').length, unreachable: 0 },
});

const loadSpec: LoadSpec = { version: 1, protocol: 'http', model: 'closed', level: 4, workers: 2, target: { gateway: { address: 'gw', httpPort: 80, httpsPort: 443, requestMs: 5_000 }, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/web' }, warmupMs: 200, durationMs: 2000, startAt: 1 };

describe('the host list split across workers', () => {
  it('gives every host to exactly one of n workers', () => {
    for (const workers of [1, 3, 4, 10, 12]) {
      const shards = Array.from({ length: workers }, (_, index) => shardOf(hosts, index, workers));
      expect(shards.flat().map((host) => host.host).sort()).toEqual(hosts.map((host) => host.host).sort());
      expect(Math.max(...shards.map((shard) => shard.length)) - Math.min(...shards.map((shard) => shard.length))).toBeLessThanOrEqual(1);
    }
  });

  it('merges the workers’ reports in the order of the host list, counts summed', () => {
    const parts = [0, 1, 2].map((index) => report(shardOf(hosts, index, 3).map((host) => parity(host.host, host.host === 'h4.example.test' ? 'differs' : 'same'))));
    const merged = mergeParityReports(parts, hosts);
    expect(merged.hosts.map((host) => host.host)).toEqual(hosts.map((host) => host.host));
    expect(merged.counts).toEqual({ same: 9, knownDifference: 0, differs: 1, unreachable: 0 });
  });

  it('refuses a merge with a host no worker reported (it would pass a host nobody compared)', () => {
    const parts = [report(shardOf(hosts, 0, 2).map((host) => parity(host.host)))];
    expect(() => mergeParityReports(parts, hosts)).toThrow(/5 hosts are in no worker's result \(first: h1\.example\.test\)/);
  });

  it('describes an Indexed Job of parity workers that get no API credentials', () => {
    const spec = { workers: 3, reference: { address: 'ingress-nginx.example', httpPort: 80, httpsPort: 443, requestMs: 5_000 }, candidate: { address: 'istio.example', httpPort: 80, httpsPort: 443, requestMs: 5_000 }, hosts, ratePerSecond: 20, hostsAtOnce: 8, timeoutMs: 5000, retries: 1, rows: [] };
    const [namespace, configMap, job] = parityJobObjects('run-1', 'meshgate:test', spec) as Array<Record<string, any>>;
    expect(namespace!.metadata.name).toBe('meshgate-parity-run-1');
    expect(JSON.parse(configMap!.data['parity.json'])).toEqual(spec);
    expect(job!.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3, backoffLimit: 0 });
    const pod = job!.spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].args).toEqual(['parity-worker', '--spec', '@/etc/meshgate-parity/parity.json']);
    // The same pod template as the load Job's, which tests/kubernetes/pod-security.test.ts checks against Pod Security "restricted".
    const loadPod = (loadJobObjects('run-1', 'meshgate:test', loadSpec) as Array<Record<string, any>>)[2]!.spec.template.spec;
    expect(pod.securityContext).toEqual(loadPod.securityContext);
    expect(pod.containers[0].securityContext).toEqual(loadPod.containers[0].securityContext);
    expect(pod.volumes.map((volume: { name: string }) => volume.name)).toEqual(loadPod.volumes.map((volume: { name: string }) => volume.name));
  });
});
