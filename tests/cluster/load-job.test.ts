import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEchoFixture, startEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import { connectKube } from '../../harness/environments/cluster/kube-api.ts';
import { loadJobObjects, loadNamespace, runLoadJob } from '../../harness/load/workers/load-job.ts';
import { RUN_ID_LABEL } from '../../harness/kubernetes/objects.ts';
import type { LoadSpec } from '../../harness/load/workers/load-spec.ts';
import { spreadLoad } from '../../harness/load/workers/spread-load.ts';
import { parseLoadWorkers } from '../../harness/load/workers/worker-count.ts';
import { UsageError } from '../../harness/errors.ts';
import type { Target } from '../../harness/target.ts';
import { meshgateBin } from '../e2e/meshgate-cli.ts';
import { type FakeKube, startFakeKube, writeKubeconfig } from './fake-kube-api.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// Here the "pods" are two local meshgate processes, up in seconds: a 30 s lead to the common start
// (a real cluster's default is loadJobStartMs, for scheduling and image pulls) leaves room for a
// loaded machine without waiting two minutes. Polls are faster than a real cluster needs.
const timeouts = { ...defaultTimeouts, kubePollMs: 200, loadJobStartMs: 30_000 };

const runId = 'load-job-test';
let dir: string;
let fixture: StartedEchoFixture;
let spec: Omit<LoadSpec, 'startAt'>;
let fake: FakeKube | undefined;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-load-job-'));
  fixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'web' });
  spec = { version: 1, protocol: 'http', model: 'closed', level: 4, workers: 2, target: { gateway: { address: '127.0.0.1', httpPort: fixture.httpPort, httpsPort: 0, requestMs: timeouts.requestMs }, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/web' }, warmupMs: 200, durationMs: 2000 };
});
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
afterAll(async () => {
  await fixture?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The kubelet's part, here: each completion index runs the pod's command as a local process, its stdout the pod log. */
const kubelet: NonNullable<Parameters<typeof startFakeKube>[0]>['runJob'] = async (job, configMap) => {
  const jobSpec = job.spec as { completions: number; template: { spec: { containers: Array<{ args: string[] }>; volumes: Array<{ configMap: { name: string } }> } } };
  const { args } = jobSpec.template.spec.containers[0]!;
  const file = join(dir, 'load.json');
  await writeFile(file, (configMap(jobSpec.template.spec.volumes[0]!.configMap.name)!.data as Record<string, string>)['load.json']!);
  const podArgs = args.map((arg) => (arg.startsWith('@/etc/meshgate-load/') ? `@${file}` : arg));
  return Promise.all(
    Array.from({ length: jobSpec.completions }, async (_, index) => {
      const pod = await execa(process.execPath, [meshgateBin, ...podArgs], { reject: false, env: { JOB_COMPLETION_INDEX: String(index) }, timeout: 180_000 });
      return { index, exitCode: pod.exitCode ?? 1, log: pod.stdout };
    }),
  );
};

async function connect(options: Parameters<typeof startFakeKube>[0]) {
  fake = await startFakeKube(options);
  return connectKube({ kubeconfig: await writeKubeconfig(dir, fake.url), requestMs: timeouts.kubeRequestMs });
}

const leftOver = (kube: FakeKube) => [...kube.objects.values()].filter((object) => object.metadata.labels?.[RUN_ID_LABEL] === runId || object.metadata.namespace === loadNamespace(runId));

describe('load workers as an Indexed Job (fake API server)', () => {
  it('describes an Indexed Job of N pods running meshgate load-worker, every object labelled with the run', () => {
    const [namespace, configMap, job] = loadJobObjects(runId, 'registry.example/meshgate:0.1.0', { ...spec, startAt: 1 }) as Array<Record<string, any>>;
    expect(namespace!.metadata).toEqual({ name: 'meshgate-load-load-job-test', labels: expect.objectContaining({ [RUN_ID_LABEL]: runId }) });
    expect(JSON.parse(configMap!.data['load.json'])).toMatchObject({ workers: 2, startAt: 1 });
    expect(job!.spec).toMatchObject({ completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimit: 0 });
    expect(job!.spec.template.spec.containers[0].args).toEqual(['load-worker', '--spec', '@/etc/meshgate-load/load.json']);
    expect(job!.spec.template.metadata.labels[RUN_ID_LABEL]).toBe(runId);
  });

  it('creates the Job, waits for completion, merges every pod\'s result from its log, and removes what it created', async () => {
    const kube = await connect({ runJob: kubelet });
    const result = await runLoadJob({ kube, runId, image: 'registry.example/meshgate:0.1.0', spec, timeouts });
    expect(result.concurrency).toBe(4);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.successRate).toBe(1);
    expect(result.windows).toHaveLength(2);
    const applied = fake!.requests.filter((request) => request.method === 'PATCH' && request.path.startsWith('/apis/batch/v1/'));
    expect(applied).toHaveLength(1);
    expect(fake!.requests.some((request) => request.path.endsWith('/log'))).toBe(true);
    expect(leftOver(fake!)).toEqual([]);
  }, 300_000);

  it('fails when a pod failed, and still cleans up', async () => {
    const kube = await connect({ runJob: async () => [{ index: 0, exitCode: 0, log: '' }, { index: 1, exitCode: 2, log: 'meshgate: error' }] });
    await expect(runLoadJob({ kube, runId, image: 'meshgate:0.1.0', spec, timeouts })).rejects.toThrow(/load Job meshgate-load-load-job-test\/meshgate-load: 1 pod\(s\) failed/);
    expect(leftOver(fake!)).toEqual([]);
  });

  it('on SIGINT stops waiting and removes the Job, its ConfigMap and namespace by the run label', async () => {
    const kube = await connect({ runJob: () => new Promise(() => undefined) });
    const interrupt = new AbortController();
    const running = runLoadJob({ kube, runId, image: 'meshgate:0.1.0', spec, timeouts, signal: interrupt.signal });
    for (let poll = 0; poll < 200 && !fake!.requests.some((request) => request.method === 'GET' && request.path.includes('/jobs/')); poll++) await new Promise((resolve) => setTimeout(resolve, 50));
    interrupt.abort('SIGINT');
    await expect(running).rejects.toThrow();
    expect(fake!.requests.filter((request) => request.method === 'DELETE').map((request) => request.path)).toEqual([
      '/apis/batch/v1/namespaces/meshgate-load-load-job-test/jobs/meshgate-load',
      '/api/v1/namespaces/meshgate-load-load-job-test/configmaps/meshgate-load',
      '/api/v1/namespaces/meshgate-load-load-job-test',
    ]);
    expect(leftOver(fake!)).toEqual([]);
  });
});

describe('spreading a load in a cluster environment', () => {
  const clusterTarget = { runId, cluster: { kubeconfig: null, context: null } } as unknown as Target;

  it.each([
    [{}, /needs --load-worker-image and --load-gateway \(where the pods reach the gateway\)/],
    [{ MESHGATE_LOAD_WORKER_IMAGE: 'meshgate:0.1.0', MESHGATE_LOAD_GATEWAY: 'gw.svc' }, /and --load-reference-gateway/],
  ])('refuses to guess where the pods reach the gateway (%o)', (env, message) => {
    expect(() => spreadLoad(clusterTarget, spec, Object.keys(env).length > 0, { timeouts }, env)).toThrow(message);
  });
});

describe('--load-workers', () => {
  it.each([['0'], ['65'], ['two']])('refuses %s', (value) => {
    expect(() => parseLoadWorkers(value)).toThrow(UsageError);
  });
});
