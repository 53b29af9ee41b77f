import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { type GateManifestOptions, buildGateManifests, gateRbacRules } from '../../harness/kubernetes/gate-manifests.ts';
import type { GateObject } from '../../harness/kubernetes/gate-objects.ts';
import { renderManifests } from '../../harness/kubernetes/render-yaml.ts';
import { validateGateObjects } from '../../harness/kubernetes/validate-gate-objects.ts';
import { meshgate } from '../e2e/meshgate-cli.ts';

const readme = () => readFile(new URL('../../README.md', import.meta.url), 'utf8');

const options: GateManifestOptions = {
  namespace: 'meshgate',
  image: 'registry.example/meshgate:0.1.0',
  fixtureImage: 'registry.example/meshgate-echo:0.1.0',
  mode: 'istio',
  istioGateway: 'istio-ingressgateway.istio-system.svc.cluster.local',
  scenarioYaml: 'version: 1\nname: golden\n',
  schedule: '0 * * * *',
};

type Loose = Record<string, any>;
const named = (objects: Loose[], kind: string) => objects.find((object) => object.kind === kind)!;
const job = (objects: GateObject[]) => objects.find((object): object is Extract<GateObject, { kind: 'Job' }> => object.kind === 'Job')!;

describe('meshgate manifests gate: objects', () => {
  it('match tests/kubernetes/golden/gate.yaml and pass validation', async () => {
    const objects = buildGateManifests(options);
    expect(validateGateObjects(objects)).toEqual(objects);
    await expect(renderManifests(objects)).toMatchFileSnapshot('./golden/gate.yaml');
  });

  it('the Job and the CronJob run the same pod; the reports go to a claim when one is given', () => {
    const objects = buildGateManifests({ ...options, reportsClaim: 'meshgate-reports' });
    const cron = objects.find((object) => object.kind === 'CronJob')!;
    expect(cron.kind === 'CronJob' && cron.spec.jobTemplate.spec).toEqual(job(objects).spec);
    const pod = job(objects).spec.template.spec;
    expect(pod.volumes[1]).toEqual({ name: 'reports', persistentVolumeClaim: { claimName: 'meshgate-reports' } });
    expect(pod.containers[0]!.args).not.toContain('--json');
  });

  it('grants exactly the RBAC table of the README, no more', async () => {
    const table = (await readme()).split('The RBAC it needs')[1]!.split('\n\n')[1]!;
    const rows = table.split('\n').slice(2).map((row) => row.split('|').slice(1, 4).map((cell) => cell.trim()));
    const expected = rows.map(([group, resources, verbs]) => ({
      apiGroups: [group!.replaceAll('`', '').replaceAll('"', '')],
      resources: resources!.replace(/\([^)]*\)/g, '').split(',').map((resource) => resource.trim()),
      verbs: verbs!.split(',').map((verb) => verb.trim()),
    }));
    expect(gateRbacRules).toEqual(expected);
  });
});

interface BreakCase {
  name: string;
  breakIt: (objects: Loose[]) => void;
  message: RegExp;
}

const cases: BreakCase[] = [
  { name: 'a misspelled Job field', breakIt: (objects) => (named(objects, 'Job').spec.backoffLimits = 0), message: /^Job meshgate\/meshgate-gate: spec\.backoffLimits: unknown field/ },
  { name: 'a bad schedule', breakIt: (objects) => (named(objects, 'CronJob').spec.schedule = 'hourly'), message: /spec\.schedule: not a cron schedule/ },
  { name: 'a binding to a missing ServiceAccount', breakIt: (objects) => (named(objects, 'ClusterRoleBinding').subjects[0].name = 'gate'), message: /ClusterRoleBinding meshgate-gate: subjects\[0\]: no ServiceAccount meshgate\/gate/ },
  { name: 'a pod whose ConfigMap is missing', breakIt: (objects) => (named(objects, 'Job').spec.template.spec.volumes[0].configMap.name = 'scenario'), message: /volumes\[0\]\.configMap\.name: no ConfigMap meshgate\/scenario/ },
  { name: 'a mount of no volume', breakIt: (objects) => (named(objects, 'CronJob').spec.jobTemplate.spec.template.spec.containers[0].volumeMounts[1].name = 'report'), message: /volumeMounts\[1\]\.name: no volume report/ },
  { name: 'an unknown verb', breakIt: (objects) => named(objects, 'ClusterRole').rules[0].verbs.push('escalate'), message: /ClusterRole meshgate-gate: rules\[0\]\.verbs\[5\]/ },
  { name: 'an unknown kind', breakIt: (objects) => (named(objects, 'Job').kind = 'Jobs'), message: /unknown kind "Jobs" \(expected Namespace, ServiceAccount, ClusterRole/ },
];

describe('validation catches what would break in the cluster', () => {
  it.each(cases)('$name', ({ breakIt, message }) => {
    const objects = structuredClone(buildGateManifests(options)) as Loose[];
    breakIt(objects);
    expect(() => validateGateObjects(objects)).toThrow(message);
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
    const { exitCode, stdout, stderr } = await meshgate(manifestsCall(text));
    expect(exitCode, stderr).toBe(0);
    const objects = parseAllDocuments(stdout).map((document) => document.toJS() as Loose);
    expect(objects.map((object) => object.kind)).toEqual(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ConfigMap', 'Job', 'CronJob']);
    validateGateObjects(objects);
    const args: string[] = named(objects, 'Job').spec.template.spec.containers[0].args;
    expect(text).toContain(`\n${['meshgate', ...args].join(' ')}\n`);
    expect(named(objects, 'ConfigMap').data['scenario.yaml']).toBe(await readFile(new URL('../../scenarios/default.yaml', import.meta.url), 'utf8'));
  });

  it('refuses bad input with exit 2 and prints nothing', async () => {
    const { exitCode, stdout, stderr } = await meshgate(['manifests', 'gate', '--fixture-image', 'echo:1', '--mode', 'istio']);
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/--mode istio needs --istio-gateway/);
  });
});
