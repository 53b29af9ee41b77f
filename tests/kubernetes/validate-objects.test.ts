import { beforeAll, describe, expect, it } from 'vitest';
import { ManifestError } from '../../harness/kubernetes/manifest-error.ts';
import type { KubeObject } from '../../harness/kubernetes/objects.ts';
import { fieldPath, validateObjects } from '../../harness/kubernetes/validate-objects.ts';
import { defaultScenario, manifests, runId } from './fixtures.ts';

let ingressObjects: KubeObject[];
let istioObjects: KubeObject[];

beforeAll(async () => {
  const scenario = await defaultScenario();
  ingressObjects = manifests(scenario, 'ingress').objects;
  istioObjects = manifests(scenario, 'istio').objects;
});

/** Loosely typed access for breaking objects on purpose. */
type Loose = Record<string, any>;

function named(objects: Loose[], kind: string, name: string): Loose {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}`);
  return found;
}

interface BreakCase {
  name: string;
  mode: 'ingress' | 'istio';
  breakIt: (objects: Loose[]) => void;
  /** The start of the error message: the object, then the field. */
  message: string;
  /** What the message says about the field. */
  reason: RegExp;
}

const cases: BreakCase[] = [
  {
    name: 'a misspelled VirtualService field',
    mode: 'istio',
    breakIt: (objects) => {
      const route = named(objects, 'VirtualService', 'terminal').spec.http[2];
      route.corsPolicies = route.corsPolicy;
      delete route.corsPolicy;
    },
    message: 'VirtualService ns-k8x2m9qa/terminal: spec.http[2].corsPolicies',
    reason: /unknown field/,
  },
  {
    name: 'a misspelled Ingress field',
    mode: 'ingress',
    breakIt: (objects) => {
      const spec = named(objects, 'Ingress', 'hello-web').spec;
      spec.ingressClass = 'nginx';
    },
    message: 'Ingress ns-k8x2m9qa/hello-web: spec.ingressClass',
    reason: /unknown field/,
  },
  {
    name: 'a missing field',
    mode: 'ingress',
    breakIt: (objects) => delete named(objects, 'Deployment', 'shop').spec.template.spec.containers[0].image,
    message: 'Deployment ns-r4n7v1pz/shop: spec.template.spec.containers[0].image',
    reason: /expected string/i,
  },
  {
    name: 'a missing namespace on a namespaced object',
    mode: 'ingress',
    breakIt: (objects) => delete named(objects, 'Service', 'api').metadata.namespace,
    message: 'Service api: metadata.namespace',
    reason: /expected string/i,
  },
  {
    name: 'an upper-case name',
    mode: 'ingress',
    breakIt: (objects) => (named(objects, 'Deployment', 'api').metadata.name = 'Api'),
    message: 'Deployment ns-c9w3e5ty/Api: metadata.name',
    reason: /DNS-1123 subdomain/,
  },
  {
    name: 'a Service name starting with a digit',
    mode: 'ingress',
    breakIt: (objects) => (named(objects, 'Service', 'api').metadata.name = '1api'),
    message: 'Service ns-c9w3e5ty/1api: metadata.name',
    reason: /DNS-1035 label/,
  },
  {
    name: 'a VirtualService naming a Gateway that is not in the list',
    mode: 'istio',
    breakIt: (objects) => (named(objects, 'VirtualService', 'api').spec.gateways = ['istio-system/elsewhere']),
    message: 'VirtualService ns-c9w3e5ty/api: spec.gateways[0]',
    reason: /no Gateway istio-system\/elsewhere/,
  },
  {
    name: 'a VirtualService without hosts',
    mode: 'istio',
    breakIt: (objects) => (named(objects, 'VirtualService', 'api').spec.hosts = []),
    message: 'VirtualService ns-c9w3e5ty/api: spec.hosts',
    reason: /at least one host/,
  },
  {
    name: 'an object without the run id label',
    mode: 'istio',
    breakIt: (objects) => (named(objects, 'Gateway', 'meshgate').metadata.labels['meshgate.io/run-id'] = 'other-run'),
    message: 'Gateway istio-system/meshgate: metadata.labels["meshgate.io/run-id"]',
    reason: /must be the run id "golden"/,
  },
  {
    name: 'pods without the run id label',
    mode: 'ingress',
    breakIt: (objects) => delete named(objects, 'Deployment', 'blog').spec.template.metadata.labels['meshgate.io/run-id'],
    message: 'Deployment ns-r4n7v1pz/blog: spec.template.metadata.labels["meshgate.io/run-id"]',
    reason: /must be the run id/,
  },
  {
    name: 'an invalid label key',
    mode: 'ingress',
    breakIt: (objects) => (named(objects, 'Namespace', 'ns-r4n7v1pz').metadata.labels['team name'] = 'shop'),
    message: 'Namespace ns-r4n7v1pz: metadata.labels["team name"]',
    reason: /not a label key/,
  },
  {
    name: 'an unknown kind',
    mode: 'ingress',
    breakIt: (objects) => (named(objects, 'Ingress', 'shop').kind = 'Ingres'),
    message: 'Ingres ns-r4n7v1pz/shop: kind',
    reason: /unknown kind "Ingres" \(expected Namespace, NetworkPolicy, Secret/,
  },
  {
    name: 'an outdated apiVersion',
    mode: 'ingress',
    breakIt: (objects) => (named(objects, 'Ingress', 'shop').apiVersion = 'extensions/v1beta1'),
    message: 'Ingress ns-r4n7v1pz/shop: apiVersion',
    reason: /networking\.k8s\.io\/v1/,
  },
  {
    name: 'an unnamed Service port',
    mode: 'istio',
    breakIt: (objects) => delete named(objects, 'Service', 'echo-grpc').spec.ports[1].name,
    message: 'Service ns-k8x2m9qa/echo-grpc: spec.ports[1].name',
    reason: /expected string/i,
  },
  {
    name: 'a Service port named against its protocol',
    mode: 'istio',
    breakIt: (objects) => (named(objects, 'Service', 'echo-grpc').spec.ports[1].name = 'h2c'),
    message: 'Service ns-k8x2m9qa/echo-grpc: spec.ports[1].name',
    reason: /Istio protocol selection/,
  },
  {
    name: 'an invalid Ingress host',
    mode: 'ingress',
    breakIt: (objects) => (named(objects, 'Ingress', 'adminer').spec.rules[0].host = 'Adminer_Host.cloud.sealos.test'),
    message: 'Ingress ns-r4n7v1pz/adminer: spec.rules[0].host',
    reason: /not a valid Ingress host/,
  },
  {
    name: 'an Ingress sending to a Service that is not in the list',
    mode: 'ingress',
    breakIt: (objects) => (named(objects, 'Ingress', 'adminer').spec.rules[0].http.paths[0].backend.service.name = 'adminer-old'),
    message: 'Ingress ns-r4n7v1pz/adminer: spec.rules[0].http.paths[0].backend.service',
    reason: /no Service ns-r4n7v1pz\/adminer-old/,
  },
  {
    name: 'a Gateway reading a Secret that is not in its namespace',
    mode: 'istio',
    breakIt: (objects) => (named(objects, 'Gateway', 'meshgate').spec.servers[2].tls.credentialName = 'shop-tls'),
    message: 'Gateway istio-system/meshgate: spec.servers[2].tls.credentialName',
    reason: /no Secret istio-system\/shop-tls/,
  },
  {
    name: 'a route with both a destination and a direct response',
    mode: 'istio',
    breakIt: (objects) => (named(objects, 'VirtualService', 'hello-web').spec.http[2].directResponse = { status: 503 }),
    message: 'VirtualService ns-k8x2m9qa/hello-web: spec.http[2]',
    reason: /exactly one of route, redirect, directResponse/,
  },
  {
    name: 'an EnvoyFilter route patch without the route it patches',
    mode: 'istio',
    breakIt: (objects) => delete named(objects, 'EnvoyFilter', 'meshgate.ns-k8x2m9qa.terminal').spec.configPatches[0].match.routeConfiguration,
    message: 'EnvoyFilter istio-system/meshgate.ns-k8x2m9qa.terminal: spec.configPatches[0].match',
    reason: /an HTTP_ROUTE patch matches a routeConfiguration/,
  },
  {
    name: 'an object applied twice',
    mode: 'ingress',
    breakIt: (objects) => objects.push(structuredClone(named(objects, 'Namespace', 'ns-k8x2m9qa'))),
    message: 'Namespace ns-k8x2m9qa: metadata.name',
    reason: /declared twice/,
  },
];

describe('validateObjects', () => {
  it.each(cases)('rejects $name, naming the object and the field', ({ mode, breakIt, message, reason }) => {
    const objects = structuredClone(mode === 'ingress' ? ingressObjects : istioObjects) as Loose[];
    breakIt(objects);
    let caught: unknown;
    try {
      validateObjects(objects, runId);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    const error = caught as ManifestError;
    expect(error.message.startsWith(`${message}: `), error.message).toBe(true);
    expect(error.message).toMatch(reason);
    expect(error.code).toBe('E_MANIFEST');
    expect(error.exitCode).toBe(2);
  });

  it('names an object without kind or name by its position', () => {
    expect(() => validateObjects([{}], runId)).toThrow(/^object #0: kind: /);
  });
});

describe('fieldPath', () => {
  it.each([
    [[], '(object)'],
    [['spec', 'http', 2, 'corsPolicy'], 'spec.http[2].corsPolicy'],
    [['metadata', 'labels', 'meshgate.io/run-id'], 'metadata.labels["meshgate.io/run-id"]'],
    [['data', 'tls.crt'], 'data["tls.crt"]'],
  ] as const)('%j is %s', (path, expected) => {
    expect(fieldPath(path)).toBe(expected);
  });
});
