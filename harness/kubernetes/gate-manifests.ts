import type { ClusterRole, CronJob, GateObject, Job } from './gate-objects.ts';
import { MANAGED_BY_LABEL } from './objects.ts';

/** How `meshgate manifests gate` runs the gate in a cluster. */
export interface GateManifestOptions {
  /** Namespace of meshgate's own objects (created). */
  namespace: string;
  /** Image of meshgate itself (the repository's Dockerfile). */
  image: string;
  /** Echo fixture image the tenants run (harness/fixture/Dockerfile), pullable by the cluster. */
  fixtureImage: string;
  mode: 'ingress' | 'istio' | 'dual';
  /** Where the pod reaches the Istio ingress gateway: `ADDRESS[:HTTP:HTTPS]`, e.g. its Service's DNS name. */
  istioGateway?: string;
  /** Where the pod reaches ingress-nginx (modes ingress and dual). */
  ingressGateway?: string;
  /** The scenario's YAML text, carried by the ConfigMap. */
  scenarioYaml: string;
  /** CronJob schedule (cron syntax), e.g. `0 * * * *` for hourly. */
  schedule: string;
  /** A PersistentVolumeClaim for reports/<run-id>/; without one the summary goes to the pod log (--json). */
  reportsClaim?: string;
}

const name = 'meshgate';
const scenarioPath = '/etc/meshgate/scenario.yaml';
const reportsPath = '/reports';
/** The node image's `node` user. */
const nodeUid = 1000;
/** Bound on one gate run in the cluster, s: a whole validate with the cluster's waits. */
const gateDeadlineSeconds = 3600;

const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/component': 'gate', [MANAGED_BY_LABEL]: 'meshgate' };

/**
 * What `meshgate validate --env existing` needs (the README's RBAC table): its labelled
 * namespaces and what goes into them, the Gateway and TLS Secrets in istio-system,
 * probe pods and their logs, and reads of rollouts and endpoints. Server-side apply
 * needs `create` beside `patch` for objects that do not exist yet.
 */
export const gateRbacRules: ClusterRole['rules'] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['services', 'secrets'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'create', 'delete'] },
  { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'create', 'patch', 'delete'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'networkpolicies'], verbs: ['get', 'create', 'patch', 'delete'] },
  { apiGroups: ['networking.istio.io'], resources: ['gateways', 'virtualservices', 'destinationrules', 'envoyfilters'], verbs: ['get', 'create', 'patch', 'delete'] },
];

/** The command line the gate's Job runs (after the image's `meshgate` entrypoint). */
export function gateCommandLine(options: GateManifestOptions): string[] {
  return [
    'validate', '--env', 'existing', '--mode', options.mode,
    ...(options.istioGateway ? ['--istio-gateway', options.istioGateway] : []),
    ...(options.ingressGateway ? ['--ingress-gateway', options.ingressGateway] : []),
    '--fixture-image', options.fixtureImage,
    '--scenario', scenarioPath,
    '--reports', reportsPath,
    ...(options.reportsClaim ? [] : ['--json']),
  ];
}

/**
 * Namespace, ServiceAccount, ClusterRole and its binding, the scenario as a ConfigMap, a
 * Job that gates once and a CronJob that gates on a schedule, in apply order. Pure;
 * check the result with `validateGateObjects`.
 */
export function buildGateManifests(options: GateManifestOptions): GateObject[] {
  const { namespace } = options;
  const meta = { name, namespace, labels };
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${name}-gate`, labels }, rules: gateRbacRules },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${name}-gate`, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${name}-gate` },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta, name: `${name}-scenario` }, data: { 'scenario.yaml': options.scenarioYaml } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...meta, name: `${name}-gate` }, spec: jobSpec(options) },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { ...meta, name: `${name}-gate-scheduled` },
      // Forbid: two gates at once would load the gateway twice and measure each other.
      spec: { schedule: options.schedule, concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, jobTemplate: { spec: jobSpec(options) } },
    } satisfies CronJob,
  ];
}

function jobSpec(options: GateManifestOptions): Job['spec'] {
  const reports = options.reportsClaim ? { persistentVolumeClaim: { claimName: options.reportsClaim } } : { emptyDir: {} };
  return {
    // A gate that failed is an answer: retrying could turn it into a pass.
    backoffLimit: 0,
    activeDeadlineSeconds: gateDeadlineSeconds,
    template: {
      metadata: { labels },
      spec: {
        serviceAccountName: name,
        securityContext: { runAsNonRoot: true, runAsUser: nodeUid, fsGroup: nodeUid },
        restartPolicy: 'Never',
        containers: [
          {
            name,
            image: options.image,
            args: gateCommandLine(options),
            volumeMounts: [
              { name: 'scenario', mountPath: '/etc/meshgate', readOnly: true },
              { name: 'reports', mountPath: reportsPath },
            ],
          },
        ],
        volumes: [{ name: 'scenario', configMap: { name: `${name}-scenario` } }, { name: 'reports', ...reports }],
      },
    },
  };
}
