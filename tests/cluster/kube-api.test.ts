import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EnvironmentError, InputFileError, UsageError, WaitTimeoutError } from '../../harness/errors.ts';
import { connectKube, ForeignObjectError } from '../../harness/environments/cluster/kube-api.ts';
import type { ClusterObject, KubeApi } from '../../harness/environments/cluster/kube-api.ts';
import { runProbePod } from '../../harness/environments/cluster/probe-pod.ts';
import { deploymentsRolledOut, endpointsReady } from '../../harness/environments/cluster/wait-strategies.ts';
import { RUN_ID_LABEL, runLabels } from '../../harness/kubernetes/objects.ts';
import { startFakeKube, writeKubeconfig } from './fake-kube-api.ts';
import type { FakeKube, FakeKubeOptions } from './fake-kube-api.ts';

const RUN = 'run-1';
const SSA = 'application/apply-patch+yaml';
/** Fast polls keep the tests short; the bounds are what is checked. */
const fast = { pollMs: 10 };
const requestMs = 30_000;

function object(apiVersion: string, kind: string, name: string, namespace?: string, extra: object = {}, labels = runLabels(RUN)): ClusterObject {
  return { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}), labels }, ...extra };
}
const namespaceOf = (name: string, labels = runLabels(RUN)) => object('v1', 'Namespace', name, undefined, {}, labels);
const web = object('apps/v1', 'Deployment', 'web', 'ns-a', { spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } } });
const service = object('v1', 'Service', 'web', 'ns-a', { spec: { ports: [{ port: 80 }] } });
const gateway = object('networking.istio.io/v1', 'Gateway', 'tenants', 'ns-a', { spec: { selector: { istio: 'ingressgateway' } } });
const tenantObjects = [namespaceOf('ns-a'), web, service, gateway];

let dir: string;
let fake: FakeKube;
let api: KubeApi;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-kube-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});
afterEach(async () => {
  await fake?.close();
});

async function start(options: FakeKubeOptions = {}): Promise<void> {
  fake = await startFakeKube(options);
  api = connectKube({ kubeconfig: await writeKubeconfig(dir, fake.url), context: 'fake', requestMs });
}
const requests = (method: string) => fake.requests.filter((request) => request.method === method);

describe('connectKube', () => {
  it('names a missing context and the ones there are', async () => {
    await start();
    const kubeconfig = await writeKubeconfig(dir, fake.url);
    expect(() => connectKube({ kubeconfig, context: 'staging', requestMs })).toThrow(UsageError);
    expect(() => connectKube({ kubeconfig, context: 'staging', requestMs })).toThrow(/"staging" not found \(available: fake\)/);
  });

  it('reports an unreadable kubeconfig as an input file error', () => {
    expect(() => connectKube({ kubeconfig: join(dir, 'missing'), requestMs })).toThrow(InputFileError);
  });

  it('reads the server version', async () => {
    await start();
    expect(await api.serverVersion()).toBe('v1.31.0-fake');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/version' });
  });
});

describe('apply', () => {
  it('server-side applies every object in order, after checking them all', async () => {
    await start();
    await api.apply(tenantObjects, RUN);
    const patches = requests('PATCH');
    expect(patches.map((request) => request.path)).toEqual([
      '/api/v1/namespaces/ns-a',
      '/apis/apps/v1/namespaces/ns-a/deployments/web',
      '/api/v1/namespaces/ns-a/services/web',
      '/apis/networking.istio.io/v1/namespaces/ns-a/gateways/tenants',
    ]);
    for (const patch of patches) {
      expect(patch).toMatchObject({ contentType: SSA, query: { fieldManager: 'meshgate', force: 'true' } });
    }
    expect(patches[1]?.body).toMatchObject({ kind: 'Deployment', spec: { replicas: 2 }, metadata: { labels: { [RUN_ID_LABEL]: RUN } } });
    expect(patches[3]?.body).toMatchObject({ kind: 'Gateway', spec: { selector: { istio: 'ingressgateway' } } });
    const firstPatch = fake.requests.findIndex((request) => request.method === 'PATCH');
    const lastRead = fake.requests.findLastIndex((request) => request.method === 'GET' && request.path.includes('/ns-a'));
    expect(lastRead).toBeLessThan(firstPatch);
    expect(tenantObjects[1]?.metadata.namespace).toBe('ns-a');
  });

  it('applies its own objects again', async () => {
    await start();
    await api.apply(tenantObjects, RUN);
    await api.apply(tenantObjects, RUN);
    expect(requests('PATCH')).toHaveLength(2 * tenantObjects.length);
  });

  it('refuses, before any write, objects that exist without the run label', async () => {
    await start();
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns-a', labels: { team: 'prod' } } });
    const error = await api.apply(tenantObjects, RUN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ForeignObjectError);
    expect((error as ForeignObjectError).message).toMatch(/Namespace ns-a: not labelled meshgate\.io\/run-id=run-1/);
    expect(requests('PATCH')).toEqual([]);
    expect(fake.objects.get('v1/namespaces//ns-a')?.metadata.labels).toEqual({ team: 'prod' });
  });

  it("refuses another run's objects and objects without the label", async () => {
    await start();
    fake.seed(namespaceOf('ns-a', runLabels('run-0')) as Parameters<FakeKube['seed']>[0]);
    await expect(api.apply(tenantObjects, RUN)).rejects.toThrow(ForeignObjectError);
    await expect(api.apply(tenantObjects, RUN)).rejects.toThrow(/they are run run-0's: if no such run is going on, delete them by that label/);
    await expect(api.apply([namespaceOf('ns-b', {})], RUN)).rejects.toThrow(/not applying Namespace ns-b: missing label/);
    expect(requests('PATCH')).toEqual([]);
  });

  it('surfaces a failing write, and the run namespaces can still be removed', async () => {
    await start();
    fake.failNext('PATCH', /\/deployments\/web$/, 500);
    const error = await api.apply(tenantObjects, RUN).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(/^apply Deployment ns-a\/web: HTTP-Code: 500: injected failure 500$/);
    expect(fake.objects.has('v1/namespaces//ns-a')).toBe(true);
    expect(await api.deleteRunNamespaces(RUN)).toEqual(['ns-a']);
    expect(fake.objects.size).toBe(0);
  });
});

describe('cleanup', () => {
  it('deletes exactly the namespaces labelled with the run', async () => {
    await start();
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns-old', labels: runLabels('run-0') } });
    await api.apply([namespaceOf('ns-a'), namespaceOf('ns-b')], RUN);
    expect(await api.deleteRunNamespaces(RUN)).toEqual(['ns-a', 'ns-b']);
    expect(requests('GET').find((request) => request.path === '/api/v1/namespaces')?.query).toEqual({ labelSelector: `${RUN_ID_LABEL}=${RUN}` });
    expect(requests('DELETE').map((request) => request.path)).toEqual(['/api/v1/namespaces/ns-a', '/api/v1/namespaces/ns-b']);
    expect([...fake.objects.keys()].sort()).toEqual(['v1/namespaces//ns-old', 'v1/namespaces//prod']);
  });

  it('checks the label itself, in case the label selector was dropped on the way', async () => {
    await start({ ignoreLabelSelectors: true });
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } });
    await api.apply([namespaceOf('ns-a')], RUN);
    expect(await api.deleteRunNamespaces(RUN)).toEqual(['ns-a']);
    expect([...fake.objects.keys()]).toEqual(['v1/namespaces//prod']);
  });

  it('refuses a run id that would change the label selector', async () => {
    await start();
    await expect(api.deleteRunNamespaces('run-1,team!=x')).rejects.toThrow(UsageError);
    await expect(api.deleteRunNamespaces('')).rejects.toThrow(UsageError);
    expect(fake.requests).toEqual([]);
  });

  it('deletes cluster objects outside run namespaces only when they carry the run label', async () => {
    await start();
    fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } });
    fake.seed({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'platform-cert', namespace: 'istio-system' } });
    const runCert = object('v1', 'Secret', 'run-cert', 'istio-system', { type: 'kubernetes.io/tls' });
    const runGateway = object('networking.istio.io/v1', 'Gateway', 'meshgate', 'istio-system', { spec: {} });
    await api.apply([runCert, runGateway], RUN);
    const platformCert = object('v1', 'Secret', 'platform-cert', 'istio-system');
    const gone = object('v1', 'Secret', 'never-created', 'istio-system');
    const outcome = await api.deleteObjects([runCert, runGateway, platformCert, gone], RUN);
    expect(outcome).toEqual({ deleted: ['Gateway istio-system/meshgate', 'Secret istio-system/run-cert'], notOurs: ['Secret istio-system/platform-cert'] });
    expect(requests('DELETE').map((request) => request.path)).toEqual([
      '/apis/networking.istio.io/v1/namespaces/istio-system/gateways/meshgate',
      '/api/v1/namespaces/istio-system/secrets/run-cert',
    ]);
    expect(fake.objects.has('v1/secrets/istio-system/platform-cert')).toBe(true);
  });
});

describe('wait strategies', () => {
  it('deploymentsRolledOut succeeds once every Deployment is rolled out', async () => {
    await start({ rolloutAfterPolls: 3 });
    await api.apply(tenantObjects, RUN);
    await deploymentsRolledOut(['ns-a']).wait(api, { timeoutMs: 5_000, ...fast });
    expect(requests('GET').filter((request) => request.path === '/apis/apps/v1/namespaces/ns-a/deployments')).toHaveLength(3);
  });

  it('deploymentsRolledOut times out naming the Deployment, what it saw and for how long, within bounded polls', async () => {
    await start({ rolloutAfterPolls: Number.MAX_SAFE_INTEGER });
    await api.apply([...tenantObjects, namespaceOf('ns-empty')], RUN);
    const error = await deploymentsRolledOut(['ns-a', 'ns-empty'])
      .wait(api, { timeoutMs: 200, ...fast })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as Error).message).toMatch(
      /^timed out after \d+ ms waiting for deploymentsRolledOut \(ns-a\/web: 1\/2 replicas updated; ns-empty: no Deployment yet\)$/,
    );
    expect(requests('GET').filter((request) => request.path.endsWith('/ns-a/deployments')).length).toBeLessThanOrEqual(200 / 10 + 1);
  });

  it('endpointsReady succeeds once each Service has a ready address, and times out naming the Service', async () => {
    await start({ endpointsAfterPolls: 2 });
    await api.apply(tenantObjects, RUN);
    await endpointsReady([{ namespace: 'ns-a', name: 'web' }]).wait(api, { timeoutMs: 5_000, ...fast });
    const slices = requests('GET').filter((request) => request.path === '/apis/discovery.k8s.io/v1/namespaces/ns-a/endpointslices');
    expect(slices).toHaveLength(2);
    expect(slices[0]?.query).toEqual({ labelSelector: 'kubernetes.io/service-name=web' });
    await expect(endpointsReady([{ namespace: 'ns-a', name: 'api' }]).wait(api, { timeoutMs: 100, ...fast })).rejects.toThrow(
      /waiting for endpointsReady \(ns-a\/api: no EndpointSlice yet\)/,
    );
  });

  it('retries a failed poll, but not a forbidden one', async () => {
    await start();
    await api.apply(tenantObjects, RUN);
    fake.failNext('GET', /\/deployments$/, 500);
    await deploymentsRolledOut(['ns-a']).wait(api, { timeoutMs: 5_000, ...fast });
    fake.failNext('GET', /\/deployments$/, 403);
    const started = Date.now();
    await expect(deploymentsRolledOut(['ns-a']).wait(api, { timeoutMs: 5_000, ...fast })).rejects.toThrow(
      /^list Deployments in ns-a: HTTP-Code: 403: injected failure 403$/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('stops when aborted', async () => {
    await start({ rolloutAfterPolls: Number.MAX_SAFE_INTEGER });
    await api.apply(tenantObjects, RUN);
    const signal = AbortSignal.timeout(50);
    await expect(deploymentsRolledOut(['ns-a']).wait(api, { timeoutMs: 10_000, signal, ...fast })).rejects.toThrow(/aborted|timeout/i);
  });
});

describe('runProbePod', () => {
  const probe = {
    namespace: 'ns-a',
    name: 'probe-east-west',
    image: 'curlimages/curl:8.10.1',
    command: ['curl', '-s', '-o', '/dev/null', '-m', '3', '-w', '%{http_code}', 'http://web.ns-b.svc.cluster.local'],
    runId: RUN,
    ...fast,
  };
  const podPath = '/api/v1/namespaces/ns-a/pods/probe-east-west';

  it('runs a labelled, never-restarted pod to its end, returns exit code and output, and deletes it', async () => {
    await start({ podOutcome: { afterPolls: 2, phase: 'Succeeded', exitCode: 0, log: '403' } });
    await api.apply([namespaceOf('ns-a')], RUN);
    expect(await runProbePod(api, { ...probe, timeoutMs: 5_000 })).toEqual({ phase: 'Succeeded', exitCode: 0, output: '403' });
    const created = requests('POST')[0];
    expect(created?.path).toBe('/api/v1/namespaces/ns-a/pods');
    expect(created?.body).toMatchObject({
      metadata: { labels: { [RUN_ID_LABEL]: RUN } },
      spec: { restartPolicy: 'Never', activeDeadlineSeconds: 5, containers: [{ image: probe.image, command: probe.command }] },
    });
    expect(requests('DELETE').map((request) => request.path)).toEqual([podPath]);
    expect(fake.objects.has('v1/pods/ns-a/probe-east-west')).toBe(false);
  });

  it('deletes the pod when it does not end in time', async () => {
    await start();
    await api.apply([namespaceOf('ns-a')], RUN);
    await expect(runProbePod(api, { ...probe, timeoutMs: 100 })).rejects.toThrow(/waiting for probePod \(ns-a\/probe-east-west: phase Pending\)/);
    expect(requests('DELETE').map((request) => request.path)).toEqual([podPath]);
    expect(fake.objects.has('v1/pods/ns-a/probe-east-west')).toBe(false);
  });

  it('deletes the pod when aborted, and leaves alone a pod of that name it did not create', async () => {
    await start();
    await api.apply([namespaceOf('ns-a')], RUN);
    await expect(runProbePod(api, { ...probe, timeoutMs: 10_000, signal: AbortSignal.timeout(50) })).rejects.toThrow();
    expect(requests('DELETE')).toHaveLength(1);
    fake.seed({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'probe-east-west', namespace: 'ns-a' } });
    await expect(runProbePod(api, { ...probe, timeoutMs: 1_000 })).rejects.toThrow(/create probe Pod ns-a\/probe-east-west: HTTP-Code: 409/);
    expect(requests('DELETE')).toHaveLength(1);
  });
});
