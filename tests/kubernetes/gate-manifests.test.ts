import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { type GateManifestOptions, buildGateManifests, gateGrants } from '../../harness/kubernetes/gate-manifests.ts';
import type { GateObject } from '../../harness/kubernetes/gate-objects.ts';
import { cronScheduleProblem } from '../../harness/kubernetes/cron-schedule.ts';
import { renderManifests } from '../../harness/kubernetes/render-yaml.ts';
import { validateGateObjects } from '../../harness/kubernetes/validate-gate-objects.ts';
import { parseScenario } from '../../harness/scenario/load.ts';
import { runMeshgate } from '../e2e/meshgate-cli.ts';
import { kubernetesSchemaErrors } from './kubernetes-schema.ts';

const readme = () => readFile(new URL('../../README.md', import.meta.url), 'utf8');

const scenarioYaml = `version: 1
name: golden
domain: golden.meshgate.test
tenants:
  - user: alice
    apps:
      - { name: web, kind: web, host: webwebwebweb }
      - { name: shop, kind: web, host: shopshopshop, customDomain: shop.alice.example }
  - user: bob
    apps:
      - { name: site, kind: web, host: sitesitesite }
`;

const options: GateManifestOptions = {
  namespace: 'meshgate',
  image: 'registry.example/meshgate:0.1.0',
  fixtureImage: 'registry.example/meshgate-echo:0.1.0',
  mode: 'istio',
  istioGateway: 'istio-ingressgateway.istio-system.svc.cluster.local',
  placement: { istioNamespace: 'istio-system', istioSelector: { istio: 'ingressgateway' }, ingressNginxNamespace: 'ingress-nginx' },
  scenarioYaml,
  scenario: parseScenario(scenarioYaml, 'golden').resolved,
  schedule: '0 * * * *',
  resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
};

type Loose = Record<string, any>;
const named = (objects: Loose[], kind: string, name?: string) => objects.find((object) => object.kind === kind && (name === undefined || object.metadata.name === name))!;
const job = (objects: GateObject[]) => objects.find((object): object is Extract<GateObject, { kind: 'Job' }> => object.kind === 'Job')!;
const argsOf = (objects: GateObject[]) => job(objects).spec.template.spec.containers[0]!.args;

describe('meshgate manifests gate: objects', () => {
  it('match tests/kubernetes/golden/gate.yaml, pass validation and the Kubernetes API schema', async () => {
    const objects = buildGateManifests(options);
    expect(validateGateObjects(objects)).toEqual(objects);
    expect(objects.flatMap((object) => kubernetesSchemaErrors(object).map((error) => `${object.kind} ${object.metadata.name}: ${error}`))).toEqual([]);
    await expect(renderManifests(objects)).toMatchFileSnapshot('./golden/gate.yaml');
  });

  it('the Job and the CronJob run the same pod; the reports go to a claim when one is given', () => {
    const objects = buildGateManifests({ ...options, reportsClaim: 'meshgate-reports' });
    const cron = objects.find((object) => object.kind === 'CronJob')!;
    expect(cron.kind === 'CronJob' && cron.spec.jobTemplate.spec).toEqual(job(objects).spec);
    expect(job(objects).spec.template.spec.volumes).toContainEqual({ name: 'reports', persistentVolumeClaim: { claimName: 'meshgate-reports' } });
  });

  it('carries every gateway-placement option into the Job', () => {
    const placement = { istioNamespace: 'higress-system', istioSelector: { higress: 'higress-system-higress-gateway', app: 'gw' }, ingressNginxNamespace: 'nginx' };
    const args = argsOf(buildGateManifests({ ...options, placement }));
    const after = (flag: string) => args[args.indexOf(flag) + 1];
    expect([after('--gateway-namespace'), after('--gateway-selector'), after('--ingress-gateway-namespace')]).toEqual(['higress-system', 'higress=higress-system-higress-gateway,app=gw', 'nginx']);
    // and the RBAC follows: the Gateway goes to higress-system, not istio-system.
    expect(gateGrants({ ...options, placement }).map((grant) => grant.namespace)).toContain('higress-system');
    expect(gateGrants({ ...options, placement }).map((grant) => grant.namespace)).not.toContain('istio-system');
  });

  it('passes the Pushgateway, the webhook only by Secret reference, and adds a judge CronJob with --prometheus', () => {
    const objects = buildGateManifests({ ...options, pushgateway: 'http://pushgateway.monitoring:9091', notifyWebhookSecret: { name: 'hooks', key: 'slack' }, notifyFormat: 'slack', prometheus: 'http://prometheus.monitoring:9090', judgeWindow: '1h' });
    const container = job(objects).spec.template.spec.containers[0]!;
    expect(container.args).toEqual(expect.arrayContaining(['--pushgateway', 'http://pushgateway.monitoring:9091', '--notify-format', 'slack', '--json']));
    expect(container.env).toEqual([{ name: 'MESHGATE_NOTIFY_WEBHOOK', valueFrom: { secretKeyRef: { name: 'hooks', key: 'slack' } } }]);
    const judge = named(objects, 'CronJob', 'meshgate-judge-scheduled');
    expect(judge.spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['judge', '--prometheus', 'http://prometheus.monitoring:9090', '--window', '1h', '--pushgateway', 'http://pushgateway.monitoring:9091', '--notify-format', 'slack', '--json']);
    expect(named(objects, 'ServiceAccount', 'meshgate-judge').automountServiceAccountToken).toBe(false);
    validateGateObjects(objects);
  });

  it('grants namespaced Roles only: secrets and pods nowhere but where the run writes them, cluster-wide only reads of its own namespaces', () => {
    const objects = buildGateManifests(options) as Loose[];
    const clusterRole = named(objects, 'ClusterRole');
    expect(clusterRole.metadata.name).toBe('meshgate-gate-meshgate');
    expect(clusterRole.rules).toEqual([{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'], resourceNames: ['ns-alice', 'ns-bob'] }]);
    const gatewayRole = named(objects.filter((object) => object.metadata.namespace === 'istio-system'), 'Role');
    expect(gatewayRole.rules).toContainEqual({ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'patch', 'delete'], resourceNames: ['meshgate.ns-alice.shop-tls', 'meshgate.wildcard-cert'] });
    const podRules = objects.filter((object) => object.kind === 'Role').flatMap((role) => role.rules.filter((rule: Loose) => rule.resources.includes('pods')).map(() => role.metadata.namespace));
    expect(podRules.sort()).toEqual(['ns-alice', 'ns-bob']);
    expect(objects.flatMap((object) => object.rules ?? []).some((rule: Loose) => rule.resources.includes('pods/log') && rule.verbs.includes('create'))).toBe(false);
  });
});

describe('--print-rbac', () => {
  it('names, for every grant, a function of meshgate\'s cluster code that exists', async () => {
    const { readdir } = await import('node:fs/promises');
    const dir = new URL('../../harness/', import.meta.url);
    const files = (await readdir(dir, { recursive: true })).filter((file) => file.endsWith('.ts'));
    const code = (await Promise.all(files.map((file) => readFile(new URL(file, dir), 'utf8')))).join('\n');
    const callers = new Set(gateGrants(options).flatMap((grant) => [...grant.why.matchAll(/KubeApi\.([a-zA-Z]+)|\b([a-z]+[A-Z][A-Za-z]+)\b/g)].map((match) => (match[1] ?? match[2])!)));
    expect([...callers].sort()).toEqual(['acquireRunLease', 'apply', 'deleteObjects', 'deploymentsRolledOut', 'endpointsReady', 'providedNamespaces', 'runProbePod']);
    for (const name of callers) expect(code, name).toMatch(new RegExp(`(function|async) ${name}\\b`));
  });
});

describe('two installs in one cluster', () => {
  it('have cluster-scoped objects of different names: each carries its namespace', () => {
    const clusterScoped = (namespace: string) => buildGateManifests({ ...options, namespace }).filter((object) => object.kind === 'ClusterRole' || object.kind === 'ClusterRoleBinding').map((object) => object.metadata.name);
    expect(clusterScoped('gate-a')).toEqual(['meshgate-gate-gate-a', 'meshgate-gate-gate-a']);
    expect(clusterScoped('gate-b').some((name) => clusterScoped('gate-a').includes(name))).toBe(false);
  });
});

describe('cron schedules as Kubernetes takes them', () => {
  it.each(['0 * * * *', '*/15 * * * *', '0 6-18/2 * * mon-fri', '30 2 1,15 * ?', '@hourly', '0 0 1 jan *'])('accepts %s', (schedule) => {
    expect(cronScheduleProblem(schedule)).toBeUndefined();
  });
  it.each([
    ['61 * * * *', /minute "61"/],
    ['* 24 * * *', /hour "24"/],
    ['0 0 0 * *', /day of month "0"/],
    ['0 * * * 7', /day of week "7"/],
    ['0 * * *', /expected 5 fields/],
    ['*/0 * * * *', /step 0/],
    ['5-1 * * * *', /runs backwards/],
    ['? * * * *', /minute/],
    ['TZ=UTC 0 * * * *', /spec.timeZone/],
    ['hourly', /expected 5 fields/],
  ])('refuses %s', (schedule, message) => {
    expect(cronScheduleProblem(schedule)).toMatch(message);
  });
});

interface BreakCase {
  name: string;
  breakIt: (objects: Loose[]) => void;
  message: RegExp;
}

const cases: BreakCase[] = [
  { name: 'a misspelled Job field', breakIt: (objects) => (named(objects, 'Job').spec.backoffLimits = 0), message: /^Job meshgate\/meshgate-gate: spec\.backoffLimits: unknown field/ },
  { name: 'a bad schedule', breakIt: (objects) => (named(objects, 'CronJob').spec.schedule = '61 * * * *'), message: /spec\.schedule: not a cron schedule: minute "61"/ },
  { name: 'a binding to a missing ServiceAccount', breakIt: (objects) => (named(objects, 'ClusterRoleBinding').subjects[0].name = 'gate'), message: /ClusterRoleBinding meshgate-gate-meshgate: subjects\[0\]: no ServiceAccount meshgate\/gate/ },
  { name: 'a RoleBinding to a missing Role', breakIt: (objects) => (named(objects, 'RoleBinding').roleRef.name = 'other'), message: /RoleBinding .*: roleRef\.name: no Role .*\/other in the list/ },
  { name: 'a pod whose ConfigMap is missing', breakIt: (objects) => (named(objects, 'Job').spec.template.spec.volumes[0].configMap.name = 'scenario'), message: /volumes\[0\]\.configMap\.name: no ConfigMap meshgate\/scenario/ },
  { name: 'a mount of no volume', breakIt: (objects) => (named(objects, 'CronJob').spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[1].name = 'report'), message: /volumeMounts\[1\]\.name: no volume report/ },
  { name: 'an unknown verb', breakIt: (objects) => named(objects, 'ClusterRole').rules[0].verbs.push('escalate'), message: /ClusterRole meshgate-gate-meshgate: rules\[0\]\.verbs\[1\]/ },
  { name: 'a privilege escalation allowed', breakIt: (objects) => (named(objects, 'Job').spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true), message: /securityContext\.allowPrivilegeEscalation/ },
  { name: 'a webhook written inline', breakIt: (objects) => (named(objects, 'Job').spec.template.spec.containers[0].env = [{ name: 'MESHGATE_NOTIFY_WEBHOOK', value: 'https://hooks.example/T0/secret' }]), message: /containers\[0\]\.env\[0\]/ },
  { name: 'an unknown kind', breakIt: (objects) => (named(objects, 'Job').kind = 'Jobs'), message: /unknown kind "Jobs" \(expected Namespace, ServiceAccount, ClusterRole/ },
];

describe('validation catches what would break in the cluster', () => {
  it.each(cases)('$name', ({ breakIt, message }) => {
    const objects = structuredClone(buildGateManifests(options)) as Loose[];
    breakIt(objects);
    expect(() => validateGateObjects(objects)).toThrow(message);
  });

  it('the Kubernetes schema check catches a field the API does not have', () => {
    const objects = structuredClone(buildGateManifests(options)) as Loose[];
    named(objects, 'Job').spec.template.spec.containers[0].securityContxt = {};
    expect(kubernetesSchemaErrors(named(objects, 'Job'))).toEqual(['spec.template.spec.containers[0].securityContxt: not a field of V1Container']);
  });
});

/** The README's `meshgate manifests gate ...` call as argv (backslash continuations joined, single quotes kept together). */
function manifestsCall(text: string): string[] {
  const section = text.split('### The gate inside the cluster')[1]!;
  const call = /^meshgate manifests gate [^\n]*?(?= \| kubectl)/m.exec(section.replaceAll('\\\n', ' '))![0];
  return [...call.matchAll(/'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2]!).slice(1);
}

describe('the README, run', () => {
  it('`meshgate manifests gate` as the README calls it prints a Job running the command line the README shows', async () => {
    const text = await readme();
    const { exitCode, stdout, stderr } = await runMeshgate(manifestsCall(text));
    expect(exitCode, stderr).toBe(0);
    const objects = parseAllDocuments(stdout).map((document) => document.toJS() as Loose);
    validateGateObjects(objects);
    const args: string[] = named(objects, 'Job').spec.template.spec.containers[0].args;
    expect(text).toContain(`\n${['meshgate', ...args].join(' ')}\n`);
    expect(named(objects, 'ConfigMap').data['scenario.yaml']).toBe(await readFile(new URL('../../scenarios/default.yaml', import.meta.url), 'utf8'));
  });

  it('refuses bad input with exit 2 and prints nothing', async () => {
    for (const [args, message] of [
      [['--mode', 'istio'], /--mode istio needs --istio-gateway/],
      [['--istio-gateway', 'gw', '--schedule', '61 * * * *'], /--schedule '61 \* \* \* \*': minute "61"/],
      [['--istio-gateway', 'gw', '--notify-webhook', 'https://hooks.example/T0/secret'], /unknown option '--notify-webhook'/],
    ] as const) {
      const { exitCode, stdout, stderr } = await runMeshgate(['manifests', 'gate', '--fixture-image', 'echo:1', ...args]);
      expect(exitCode).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
    }
  });

  it('--print-rbac names the call behind every permission', async () => {
    const { exitCode, stdout } = await runMeshgate(['manifests', 'gate', '--fixture-image', 'echo:1', '--istio-gateway', 'gw', '--print-rbac']);
    expect(exitCode).toBe(0);
    const entries = stdout.trim().split('\n').filter((line) => !line.startsWith('    '));
    expect(stdout.trim().split('\n').filter((line) => line.startsWith('    needed by '))).toHaveLength(entries.length);
    // The shared Gateway and the per-app EnvoyFilters (body limits) in the gateway's namespace, each by name.
    // One rule per resource in the gateway's namespace: names granted for one kind are not granted for the other.
    expect(stdout).toMatch(/^namespace istio-system: networking\.istio\.io gateways: get, patch, delete \[only meshgate\]$/m);
    expect(stdout).toMatch(/^namespace istio-system: networking\.istio\.io envoyfilters: get, patch, delete \[only meshgate, meshgate\.ns-c9w3e5ty\.api, [^\]]*\]$/m);
  });
});
