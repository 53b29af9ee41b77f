import { describe, expect, it } from 'vitest';
import { loadJobObjects } from '../../harness/load/workers/load-job.ts';
import { probePodManifest } from '../../harness/environments/cluster/probe-pod.ts';
import { buildGateManifests } from '../../harness/kubernetes/gate-manifests.ts';
import type { LoadSpec } from '../../harness/load/workers/load-spec.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { probeImage } from '../../harness/suite/east-west-probe.ts';
import { manifests } from './fixtures.ts';
import { kubernetesSchemaErrors } from './kubernetes-schema.ts';
import { restrictedViolations } from './pod-security-restricted.ts';

// Every pod template meshgate emits, held against Pod Security "restricted" (the
// documented controls as code) and the Kubernetes API's schema.
type Loose = Record<string, any>;
const scenario = await loadScenario();
const resources = { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } };
const gate = buildGateManifests({
  namespace: 'meshgate',
  image: 'meshgate:test',
  fixtureImage: 'meshgate-echo:test',
  mode: 'dual',
  istioGateway: 'gw.istio-system.svc',
  ingressGateway: 'ingress-nginx-controller.ingress-nginx.svc',
  placement: { istioNamespace: 'istio-system', istioSelector: { istio: 'ingressgateway' }, ingressNginxNamespace: 'ingress-nginx' },
  scenarioYaml: 'version: 1\n',
  scenario: scenario.resolved,
  schedule: '0 * * * *',
  resources,
  prometheus: 'http://prometheus.monitoring:9090',
  notifyWebhookSecret: { name: 'hooks', key: 'url' },
  notifyFormat: 'slack',
}) as Loose[];
const loadSpec: LoadSpec = { version: 1, protocol: 'http', model: 'closed', level: 4, workers: 2, target: { gateway: { address: 'gw', httpPort: 80, httpsPort: 443, requestMs: 5_000 }, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/web' }, warmupMs: 200, durationMs: 2000, startAt: 1 };
const load = loadJobObjects('run-1', 'meshgate:test', loadSpec) as Loose[];
const probe = probePodManifest({ namespace: 'ns-a', name: 'probe-1', image: probeImage, command: ['curl', 'http://web.ns-a.svc:8080/'], timeoutMs: 30_000, pollMs: 1_000, runId: 'run-1' }) as Loose;
const istioTenants = manifests(scenario.resolved, 'istio').objects as Loose[];
/** Both modes' Kubernetes objects; the Istio kinds are checked against Istio's CRDs (istio-crd-schema.test.ts). */
const tenants = [...istioTenants, ...manifests(scenario.resolved, 'ingress').objects].filter((object) => !object.apiVersion.startsWith('networking.istio.io/')) as Loose[];

const podTemplates: Array<[string, Loose]> = [
  ...gate.filter((object) => object.kind === 'Job').map((object): [string, Loose] => [`gate Job ${object.metadata.name}`, object.spec.template.spec]),
  ...gate.filter((object) => object.kind === 'CronJob').map((object): [string, Loose] => [`gate CronJob ${object.metadata.name}`, object.spec.jobTemplate.spec.template.spec]),
  ...istioTenants.filter((object) => object.kind === 'Deployment').map((object): [string, Loose] => [`fixture Deployment ${object.metadata.namespace}/${object.metadata.name}`, object.spec.template.spec]),
  ['load Job', load.find((object) => object.kind === 'Job')!.spec.template.spec],
  ['east-west probe Pod', probe.spec],
];

describe('Pod Security "restricted"', () => {
  it('covers the gate Job, both CronJobs, every fixture, the load Job and the probe pod', () => {
    expect(podTemplates.filter(([name]) => name.startsWith('gate')).map(([name]) => name)).toEqual(['gate Job meshgate-gate', 'gate CronJob meshgate-gate-scheduled', 'gate CronJob meshgate-judge-scheduled']);
    expect(podTemplates.filter(([name]) => name.startsWith('fixture')).length).toBeGreaterThan(3);
  });

  it.each(podTemplates)('%s passes', (_name, pod) => {
    expect(restrictedViolations(pod)).toEqual([]);
  });

  it('the check fails a pod that breaks a control', () => {
    const pod = structuredClone(probe.spec) as Loose;
    pod.containers[0].securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_ADMIN'] };
    delete pod.securityContext.seccompProfile;
    pod.hostNetwork = true;
    pod.volumes = [{ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }];
    expect(restrictedViolations(pod).map((violation) => violation.split(':')[0])).toEqual(['Host Namespaces', 'Capabilities (baseline)', 'Seccomp', 'Capabilities', 'Capabilities', 'HostPath Volumes', 'Volume Types']);
  });
});

describe('the Kubernetes API schema', () => {
  it.each([
    ['gate manifests', gate],
    ['tenant objects (both modes)', tenants],
    ['load Job objects', load],
    ['probe Pod', [probe]],
  ])('%s have only fields the API defines, of its types', (_name, objects) => {
    expect(objects.flatMap((object: Loose) => kubernetesSchemaErrors(object).map((error) => `${object.kind} ${object.metadata.name}: ${error}`))).toEqual([]);
  });
});
