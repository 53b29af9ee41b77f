import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterEnvironment } from '../../harness/environments/cluster/cluster-environment.ts';
import { existingProvider } from '../../harness/environments/cluster/existing-provider.ts';
import { buildGateManifests } from '../../harness/kubernetes/gate-manifests.ts';
import type { GateObject, PolicyRule } from '../../harness/kubernetes/gate-objects.ts';
import { runLeaseName } from '../../harness/kubernetes/names.ts';
import { RUN_ID_LABEL } from '../../harness/kubernetes/objects.ts';
import { parseScenario } from '../../harness/scenario/load.ts';
import { probeApp } from '../../harness/suite/app-probe.ts';
import { probeEastWest } from '../../harness/suite/east-west-probe.ts';
import { type FakeKube, startFakeKube, writeKubeconfig } from './fake-kube-api.ts';
import { useStandInGateway } from './stand-in-gateway.ts';
import { type RequestAttributes, attributesOf, boundRules, grants } from './rbac-requests.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The in-cluster gate's run (validate --env existing with the Job's flags) against a fake
// API server: every request it sends is recorded and held against the RBAC that
// `meshgate manifests gate` prints for the same scenario and placement.
const scenarioYaml = `version: 1
name: gate-rbac
domain: gate.meshgate.test
tls: { enabled: false }
tenants:
  - user: alice
    apps:
      - { name: web, kind: web, host: webwebwebweb }
  - user: bob
    state: suspended
    apps:
      - { name: site, kind: web, host: sitesitesite }
`;
const scenario = parseScenario(scenarioYaml, 'gate rbac scenario');
const placement = { istioNamespace: 'istio-ingress', istioSelector: { istio: 'ingress' }, ingressNginxNamespace: 'ingress-nginx' };
type Mode = 'istio' | 'dual';
const gateObjectsOf = (mode: Mode): GateObject[] => buildGateManifests({
  namespace: 'meshgate',
  image: 'meshgate:test',
  fixtureImage: 'meshgate-echo:test',
  mode,
  istioGateway: 'istio-ingress.istio-ingress.svc',
  ingressGateway: 'ingress-nginx-controller.ingress-nginx.svc',
  placement,
  scenarioYaml,
  scenario: scenario.resolved,
  schedule: '0 * * * *',
  resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
});
const gateObjects = gateObjectsOf('istio');

/**
 * Call sites of meshgate's cluster code a gate run never reaches, and why; their
 * requests must not appear, so the RBAC rightly grants nothing for them.
 */
const unreachable = [
  { call: 'KubeApi.deleteRunNamespaces (list, delete namespaces)', why: 'every tenant namespace is provided', sent: (a: RequestAttributes) => a.resource === 'namespaces' && a.verb !== 'get' },
  { call: 'runLoadJob (jobs, configmaps, namespaces)', why: 'the gate runs no --load-workers', sent: (a: RequestAttributes) => a.resource === 'jobs' || a.resource === 'configmaps' },
];

let fake: FakeKube;
let kubeconfig: string;

const standIn = useStandInGateway(scenario, 'meshgate-gate-run-');
afterEach(async () => {
  await fake?.close();
});

/** A cluster as `kubectl apply` of the gate's manifests leaves it: its namespaces, the tenants' provided ones. */
async function setUp(options: { rolloutAfterPolls?: number } = {}): Promise<void> {
  fake = await startFakeKube({ ...options, podOutcome: { afterPolls: 1, phase: 'Succeeded', exitCode: 0, log: '200' } });
  for (const name of ['istio-ingress', 'ingress-nginx']) fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  for (const object of gateObjects) if (object.kind === 'Namespace') fake.seed(structuredClone(object));
  kubeconfig = await writeKubeconfig(standIn.scratch, fake.url);
}

function gateRun(runId: string, mode: Mode = 'istio', leaseNamespace: string | null = 'meshgate'): ClusterEnvironment {
  const { httpPort, httpsPort } = standIn.gateway.target().gateway;
  const endpoint = { address: '127.0.0.1', httpPort, httpsPort };
  return new ClusterEnvironment({
    scenario,
    runId,
    mode,
    provider: existingProvider({ kubeconfig, gateways: { istio: endpoint, ingressNginx: endpoint }, placement }),
    install: { istioInstaller: 'istioctl', istioProfile: 'default', istioVersion: '1.24.2', ingressNginxChartVersion: '4.12.3' },
    fixtureImage: 'meshgate-echo:test',
    probeApp,
    keep: false,
    ...(leaseNamespace ? { leaseNamespace } : {}),
    log: () => undefined,
    runner: { run: () => Promise.reject(new Error('an existing cluster runs no tool')) } as never,
    timeouts: defaultTimeouts,
  });
}

/** A whole gate run: start, the east-west probes, stop. */
async function runOnce(runId: string, mode: Mode = 'istio', leaseNamespace: string | null = 'meshgate'): Promise<void> {
  const environment = await gateRun(runId, mode, leaseNamespace).start();
  try {
    const target = { ...environment.target(), resolved: scenario.resolved };
    await probeEastWest(target, scenario.resolved.apps[0]!, { timeouts: defaultTimeouts });
  } finally {
    await environment.stop();
  }
}

const stored = () => [...fake.objects.values()];

describe('the in-cluster gate against its RBAC', () => {
  it.each(['istio', 'dual'] as const)('mode %s: every request a gate run sends is granted, and every granted verb is sent', async (mode) => {
    await setUp();
    await runOnce('run-1', mode);
    const sent = fake.requests.flatMap(attributesOf);
    const rules = boundRules(gateObjectsOf(mode));
    const refused = sent.filter((attributes) => !rules.some((rule) => grants(rule, attributes)));
    expect(refused).toEqual([]);
    // The check can fail: without the pods/log rule, the probe's log read is refused.
    const fewer = rules.filter((placed) => !placed.rule.resources.includes('pods/log'));
    expect(sent.filter((attributes) => !fewer.some((rule) => grants(rule, attributes))).map((attributes) => attributes.resource)).toContain('pods/log');
    const unused = rules.flatMap((placed) =>
      placed.rule.resources.flatMap((resource) =>
        placed.rule.verbs.flatMap((verb) => {
          const names = placed.rule.resourceNames ?? [undefined];
          return names.filter((name) => !sent.some((attributes) => grants({ namespace: placed.namespace, rule: { ...placed.rule, resources: [resource], verbs: [verb], ...(name ? { resourceNames: [name] } : {}) } }, attributes)))
            .map((name) => `${placed.namespace ?? 'cluster'} ${placed.rule.apiGroups[0]}/${resource} ${verb}${name ? ` ${name}` : ''}`);
        }),
      ),
    );
    expect(unused).toEqual([]);
    for (const site of unreachable) expect(sent.filter(site.sent), `${site.call}: ${site.why}`).toEqual([]);
  });

  it('fills the provided namespaces and leaves them empty of its objects, never deleting one', async () => {
    await setUp();
    await runOnce('run-1');
    expect(fake.requests.filter((request) => request.method === 'DELETE' && /^\/api\/v1\/namespaces\/[^/]+$/.test(request.path))).toEqual([]);
    expect(stored().filter((object) => object.kind === 'Namespace').map((object) => object.metadata.name)).toEqual(expect.arrayContaining(['ns-alice', 'ns-bob']));
    expect(stored().filter((object) => object.metadata.labels?.[RUN_ID_LABEL] !== undefined)).toEqual([]);
    const lease = stored().find((object) => object.kind === 'Lease')!;
    expect(lease.metadata.name).toBe(runLeaseName('gate-rbac'));
    expect((lease.spec as { holderIdentity?: string }).holderIdentity).toBeUndefined();
  });

  it('refuses a second run while the first holds the Lease (exit 2, E_LEASE_HELD), and takes it once released', async () => {
    await setUp();
    const first = await gateRun('run-1').start();
    try {
      await expect(gateRun('run-2').start()).rejects.toMatchObject({ code: 'E_LEASE_HELD', message: expect.stringMatching(/run run-1 is running this scenario/) });
    } finally {
      await first.stop();
    }
    await runOnce('run-2');
  });

  it('a run interrupted (SIGTERM from a deleted Job) while pods roll out removes its objects and gives up the Lease', async () => {
    await setUp({ rolloutAfterPolls: 1_000 });
    const interrupt = new AbortController();
    const starting = gateRun('run-1').start(interrupt.signal);
    for (let poll = 0; poll < 500 && !fake.requests.some((request) => request.path.includes('/deployments')); poll++) await new Promise((resolve) => setTimeout(resolve, 20));
    interrupt.abort(new Error('interrupted by SIGTERM'));
    await expect(starting).rejects.toThrow(/SIGTERM|abort/i);
    expect(stored().filter((object) => object.metadata.labels?.[RUN_ID_LABEL] !== undefined)).toEqual([]);
    expect((stored().find((object) => object.kind === 'Lease')!.spec as { holderIdentity?: string }).holderIdentity).toBeUndefined();
  });

  it('removes what a killed run left once its Lease expired, instead of refusing its objects as foreign', async () => {
    await setUp();
    await gateRun('run-killed').start(); // never stopped: killed
    expect(stored().some((object) => object.metadata.labels?.[RUN_ID_LABEL] === 'run-killed')).toBe(true);
    const lease = stored().find((object) => object.kind === 'Lease')!;
    (lease.spec as { renewTime: string }).renewTime = new Date(Date.now() - 120_000).toISOString();
    await runOnce('run-next');
    expect(stored().filter((object) => object.metadata.labels?.[RUN_ID_LABEL] !== undefined)).toEqual([]);
  });
});

/** docs/cluster.md's RBAC table for `validate --env existing` from a workstation, as rules. */
async function readmeRbacTable(): Promise<PolicyRule[]> {
  const text = await readFile(new URL('../../docs/cluster.md', import.meta.url), 'utf8');
  const table = text.split('### The RBAC it needs')[1]!.split('\n\n')[2]!;
  return table.split('\n').slice(2).map((row) => {
    const [group, resources, verbs] = row.split('|').slice(1, 4).map((cell) => cell.trim());
    return {
      apiGroups: [group!.replaceAll('`', '').replaceAll('"', '')],
      resources: resources!.replace(/\([^)]*\)/g, '').split(',').map((resource) => resource.trim()),
      verbs: verbs!.split(',').map((verb) => verb.trim()) as PolicyRule['verbs'],
    };
  });
}

describe('validate --env existing from a workstation against the RBAC table in docs/cluster.md', () => {
  it.each(['istio', 'dual'] as const)('mode %s: every request is in the table, and every verb of the table is sent', async (mode) => {
    fake = await startFakeKube({ podOutcome: { afterPolls: 1, phase: 'Succeeded', exitCode: 0, log: '200' } });
    for (const name of ['istio-ingress', 'ingress-nginx']) fake.seed({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    kubeconfig = await writeKubeconfig(standIn.scratch, fake.url);
    await runOnce('run-1', mode, null);
    const rules = (await readmeRbacTable()).map((rule) => ({ namespace: undefined, rule }));
    const sent = fake.requests.flatMap(attributesOf);
    expect(sent.filter((attributes) => !rules.some((rule) => grants(rule, attributes)))).toEqual([]);
    // The Gateway's TLS Secrets go through the same apply and delete as the Gateway; this scenario has TLS off, so none is sent.
    const sentLike = (apiGroup: string, resource: string) => (resource === 'secrets' ? { apiGroup: 'networking.istio.io', resource: 'gateways' } : { apiGroup, resource });
    const unused = rules.flatMap(({ rule }) =>
      rule.resources.flatMap((resource) => {
        const like = sentLike(rule.apiGroups[0]!, resource);
        return rule.verbs.filter((verb) => !sent.some((a) => a.apiGroup === like.apiGroup && a.resource === like.resource && a.verb === verb)).map((verb) => `${resource} ${verb}`);
      }),
    );
    // ingresses only in dual mode.
    expect(unused.filter((entry) => mode === 'dual' || !entry.startsWith('ingresses'))).toEqual([]);
  });
});
