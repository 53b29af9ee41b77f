import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterEnvironment } from '../../harness/environments/cluster/cluster-environment.ts';
import type { GatewayMode } from '../../harness/environments/cluster/gateway-install.ts';
import { kindProvider } from '../../harness/environments/cluster/kind-provider.ts';
import { parseScenario } from '../../harness/scenario/load.ts';
import { probeApp } from '../../harness/suite/app-probe.ts';
import { FakeCommandRunner, writesKubeconfig } from './fake-command-runner.ts';
import { type FakeKube, startFakeKube, writeKubeconfig } from './fake-kube-api.ts';
import { useStandInGateway } from './stand-in-gateway.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The kind environment end to end with what cannot run here faked: kind, docker,
// istioctl and helm by a recording runner, the Kubernetes API by a fake server.
// The gateway it reports is real: a local nginx serving the same tenants stands in
// for the cluster's published NodePorts, so the routes-answering wait really probes.
const scenario = parseScenario(
  `version: 1
name: cluster-test
domain: cluster.meshgate.test
tls: { enabled: false }
tenants:
  - user: alice
    apps:
      - { name: web, kind: web, host: webwebwebweb }
      - { name: chat, kind: ws, host: chatchatchat }
  - user: bob
    state: suspended
    apps:
      - { name: site, kind: web, host: sitesitesite }
`,
  'cluster test scenario',
);
const install = { istioInstaller: 'istioctl' as const, istioProfile: 'default', istioVersion: '1.24.2', ingressNginxChartVersion: '4.12.3' };

let fake: FakeKube;
let kubeconfig: string;

const standIn = useStandInGateway(scenario, 'meshgate-cluster-test-');
afterEach(async () => {
  await fake?.close();
});

/** A runner that plays kind + docker + istioctl + helm for a cluster named meshgate; `existing` lists it in `kind get clusters`. */
function fakeTools(options: { existing?: boolean; failing?: string } = {}): FakeCommandRunner {
  const { httpPort, httpsPort } = standIn.gateway.target().gateway;
  const ports = [30080, 31080].map((node) => `${node}/tcp -> 127.0.0.1:${httpPort}`).concat([30443, 31443].map((node) => `${node}/tcp -> 127.0.0.1:${httpsPort}`));
  return new FakeCommandRunner({
    'kind create cluster': writesKubeconfig(kubeconfig),
    'kind get clusters': { stdout: options.existing ? 'other\nmeshgate\n' : 'other\n' },
    'kind get kubeconfig': { stdout: kubeconfig },
    'docker port meshgate-control-plane': { stdout: `${ports.join('\n')}\n` },
    'istioctl version': { stdout: '1.24.2\n' },
    ...(options.failing ? { [options.failing]: { exitCode: 1, stderr: 'something broke' } } : {}),
  });
}

async function setUp(fakeOptions: Parameters<typeof startFakeKube>[0] = {}): Promise<void> {
  fake = await startFakeKube(fakeOptions);
  // What the (faked) gateway installs leave behind: their namespaces, not meshgate's to touch.
  for (const name of ['istio-system', 'ingress-nginx']) fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  kubeconfig = await readFile(await writeKubeconfig(standIn.scratch, fake.url), 'utf8');
}

function kindEnvironment(runner: FakeCommandRunner, options: { mode?: GatewayMode; reuse?: boolean; keep?: boolean; installer?: 'istioctl' | 'helm' } = {}) {
  return new ClusterEnvironment({
    scenario,
    runId: 'run-1',
    mode: options.mode ?? 'istio',
    provider: kindProvider({ clusterName: 'meshgate', runId: 'run-1', reuse: Boolean(options.reuse), keep: Boolean(options.keep), hostPorts: { istio: { http: 18080, https: 18443 }, ingressNginx: { http: 19080, https: 19443 } }, runner, timeouts: defaultTimeouts }),
    install: { ...install, istioInstaller: options.installer ?? 'istioctl' },
    fixtureImage: 'meshgate-echo:test',
    keep: Boolean(options.keep),
    logsDir: join(standIn.scratch, 'logs'),
    log: () => undefined,
    runner,
    timeouts: defaultTimeouts,
    probeApp,
  });
}

const deletedPaths = () => fake.requests.filter((request) => request.method === 'DELETE').map((request) => request.path);
const appliedKinds = () => fake.requests.filter((request) => request.method === 'PATCH').map((request) => (request.body as { kind: string }).kind);

describe('kind environment', () => {
  it('creates, builds, loads, installs Istio, applies the tenants, and on stop removes them and deletes the cluster', async () => {
    await setUp();
    const runner = fakeTools();
    const environment = await kindEnvironment(runner).start();
    const target = environment.target();
    expect(target).toMatchObject({ environment: 'kind', gateway: { address: '127.0.0.1', software: 'istio/1.24.2' }, features: expect.arrayContaining(['east-west']) });
    expect(target.cluster?.kubeconfig).toMatch(/kubeconfig$/);
    expect(target.untranslated?.length).toBeGreaterThan(0);
    expect(runner.lines()).toEqual([
      'kind create cluster --name meshgate --config WORK/kind-config.yaml --kubeconfig WORK/kubeconfig --wait 5m',
      'docker port meshgate-control-plane',
      expect.stringMatching(/^docker build --file harness\/fixture\/Dockerfile --tag meshgate-echo:test \/.+\/$/),
      'docker save --output WORK/fixture-image.tar meshgate-echo:test',
      'kind load image-archive WORK/fixture-image.tar --name meshgate',
      'istioctl install --kubeconfig WORK/kubeconfig -f WORK/istio-operator.yaml -y',
      'istioctl version --remote=false',
    ]);
    expect(new Set(appliedKinds())).toEqual(new Set(['Namespace', 'NetworkPolicy', 'Deployment', 'Service', 'Gateway', 'VirtualService', 'DestinationRule', 'EnvoyFilter']));
    expect(fake.requests.every((request) => request.method !== 'PATCH' || request.contentType === 'application/apply-patch+yaml')).toBe(true);

    await environment.stop();
    expect(runner.lines().at(-1)).toBe('kind delete cluster --name meshgate --kubeconfig WORK/kubeconfig');
    expect(deletedPaths()).toEqual(expect.arrayContaining(['/api/v1/namespaces/ns-alice', '/api/v1/namespaces/ns-bob', '/apis/networking.istio.io/v1/namespaces/istio-system/gateways/meshgate']));
    await expect(access(target.cluster!.kubeconfig!)).rejects.toThrow();
  });

  it('--reuse takes the existing cluster, and leaves it standing after removing its own tenants', async () => {
    await setUp();
    const runner = fakeTools({ existing: true });
    const environment = await kindEnvironment(runner, { reuse: true, installer: 'helm' }).start();
    await environment.stop();
    const lines = runner.lines();
    expect(lines.slice(0, 3)).toEqual(['kind get clusters', 'kind get kubeconfig --name meshgate', 'docker port meshgate-control-plane']);
    expect(lines).toContain(
      'helm upgrade --install istio-base base --repo https://istio-release.storage.googleapis.com/charts --version 1.24.2 --namespace istio-system --create-namespace --kubeconfig WORK/kubeconfig --values WORK/istio-base-values.yaml --wait --timeout 10m',
    );
    expect(lines).toContain('helm upgrade --install istiod istiod --repo https://istio-release.storage.googleapis.com/charts --version 1.24.2 --namespace istio-system --create-namespace --kubeconfig WORK/kubeconfig --values WORK/istiod-values.yaml --wait --timeout 10m');
    expect(lines).toContain(
      'helm upgrade --install istio-ingressgateway gateway --repo https://istio-release.storage.googleapis.com/charts --version 1.24.2 --namespace istio-system --create-namespace --kubeconfig WORK/kubeconfig --values WORK/istio-ingressgateway-values.yaml --wait --timeout 10m',
    );
    expect(lines.some((line) => line.startsWith('kind create') || line.startsWith('kind delete'))).toBe(false);
    expect(deletedPaths()).toContain('/api/v1/namespaces/ns-alice');
  });

  it('--keep leaves the cluster and the tenants in place', async () => {
    await setUp();
    const runner = fakeTools();
    const environment = await kindEnvironment(runner, { keep: true }).start();
    await environment.stop();
    expect(runner.lines().some((line) => line.startsWith('kind delete'))).toBe(false);
    expect(deletedPaths()).toEqual([]);
  });

  it('dual mode installs both gateways, applies both routings over one set of workloads, and offers ingress-nginx as the live reference', async () => {
    await setUp();
    const runner = fakeTools();
    const environment = await kindEnvironment(runner, { mode: 'dual' }).start();
    try {
      expect(runner.lines()).toContain(
        'helm upgrade --install ingress-nginx ingress-nginx --repo https://kubernetes.github.io/ingress-nginx --version 4.12.3 --namespace ingress-nginx --create-namespace --kubeconfig WORK/kubeconfig --values WORK/ingress-nginx-values.yaml --wait --timeout 10m',
      );
      expect(appliedKinds()).toEqual(expect.arrayContaining(['Ingress', 'VirtualService']));
      expect(appliedKinds().filter((kind) => kind === 'Deployment')).toHaveLength(3);
      expect(environment.target().gateway.software).toBe('istio/1.24.2');
      expect(environment.referenceTarget?.()?.gateway.software).toBe('ingress-nginx/chart-4.12.3');
    } finally {
      await environment.stop();
    }
  });

  it('a failed install exports the node logs, deletes the cluster and removes its temp folder', async () => {
    await setUp();
    const runner = fakeTools({ failing: 'istioctl install' });
    await expect(kindEnvironment(runner).start()).rejects.toThrow(/istioctl install .* exited with 1: something broke/);
    const lines = runner.lines();
    expect(lines.slice(-2)).toEqual([`kind export logs ${join(standIn.scratch, 'logs')} --name meshgate`, 'kind delete cluster --name meshgate --kubeconfig WORK/kubeconfig']);
    expect(fake.requests.filter((request) => request.method === 'PATCH')).toEqual([]);
    const kubeconfigFile = runner.calls[0]![runner.calls[0]!.indexOf('--kubeconfig') + 1]!;
    await expect(access(dirname(kubeconfigFile))).rejects.toThrow();
  });

  it('a write refused half-way still removes what was applied', async () => {
    await setUp();
    fake.failNext('PATCH', /virtualservices/, 500);
    const runner = fakeTools();
    await expect(kindEnvironment(runner).start()).rejects.toThrow(/VirtualService/);
    expect(appliedKinds()).toContain('Namespace');
    expect(deletedPaths()).toEqual(expect.arrayContaining(['/api/v1/namespaces/ns-alice', '/api/v1/namespaces/ns-bob']));
    expect(runner.lines().at(-1)).toBe('kind delete cluster --name meshgate --kubeconfig WORK/kubeconfig');
  });

  it('an interrupt (SIGINT) while pods roll out stops the wait and cleans up everything', async () => {
    await setUp({ rolloutAfterPolls: 1_000 });
    const runner = fakeTools();
    const interrupt = new AbortController();
    const starting = kindEnvironment(runner).start(interrupt.signal);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (fake.requests.some((request) => request.path.includes('/deployments'))) {
          clearInterval(check);
          resolve();
        }
      }, 20);
    });
    interrupt.abort(new Error('interrupted by SIGINT'));
    await expect(starting).rejects.toThrow(/SIGINT|abort/i);
    expect(deletedPaths()).toEqual(expect.arrayContaining(['/api/v1/namespaces/ns-alice', '/api/v1/namespaces/ns-bob']));
    expect(runner.lines().at(-1)).toBe('kind delete cluster --name meshgate --kubeconfig WORK/kubeconfig');
  });
});
