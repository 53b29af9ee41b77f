import type { ResolvedScenario } from '../scenario/resolve.ts';
import type { GateObject, PolicyRule } from './gate-objects.ts';
import { type GatePodOptions, GATE_NAME, SCENARIO_CONFIG_MAP, gateCommandLine, gateJobSpec, gateLabels, judgeCommandLine } from './gate-pod.ts';
import { type RbacGrant, gateRbacGrants } from './gate-rbac.ts';
import { runLeaseName } from './names.ts';
import { PROVIDED_BY_LABEL } from './objects.ts';
import { buildModeManifests } from './tenant-manifests.ts';
import type { TlsKeyPair } from './tenant-workloads.ts';

/** How `meshgate manifests gate` runs the gate in a cluster. */
export interface GateManifestOptions extends GatePodOptions {
  /** The scenario's YAML text, carried by the ConfigMap. */
  scenarioYaml: string;
  /** The same scenario resolved: its tenant namespaces are created here, and its objects decide the RBAC. */
  scenario: ResolvedScenario;
  /** CronJob schedule (cron syntax), e.g. `0 * * * *` for hourly. */
  schedule: string;
}

const rbacGroup = 'rbac.authorization.k8s.io';
/** Namespaces whose pods must pass Pod Security "restricted" (kubernetes.io/docs/concepts/security/pod-security-admission/). */
const restrictedLabels = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'latest' };

/** Any key has a certificate: only the Secrets' names matter when the RBAC is derived from the run's objects. */
class PlaceholderCertificates extends Map<string, TlsKeyPair> {
  override get(): TlsKeyPair {
    return { chainPem: 'placeholder', keyPem: 'placeholder' };
  }
}

/** The grants of the gate's run for these options: what its validate applies, reads and deletes. */
export function gateGrants(options: GateManifestOptions): RbacGrant[] {
  const certificates = options.scenario.tls.enabled ? new PlaceholderCertificates() : new Map<string, TlsKeyPair>();
  const { objects } = buildModeManifests(options.scenario, 'manifests', options.mode, { image: options.fixtureImage, certificates, placement: options.placement });
  return gateRbacGrants({ runObjects: objects, gateNamespace: options.namespace, leaseName: runLeaseName(options.scenario.name) });
}

/**
 * Namespaces (the gate's and the scenario's tenants', Pod Security "restricted"),
 * ServiceAccounts, the RBAC of `gateGrants` as Roles in each namespace plus one
 * ClusterRole for reading those namespaces, the scenario as a ConfigMap, a Job that
 * gates once, a CronJob that gates on a schedule and, with --prometheus, a CronJob
 * that judges real traffic. In apply order. Pure; check the result with `validateGateObjects`.
 */
export function buildGateManifests(options: GateManifestOptions): GateObject[] {
  const { namespace } = options;
  const labels = gateLabels('gate');
  const meta = { name: GATE_NAME, namespace, labels };
  const grants = gateGrants(options);
  const tenantNamespaces = grants.find((grant) => grant.namespace === undefined)?.resourceNames ?? [];
  const objects: GateObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { ...labels, ...restrictedLabels } } },
    ...tenantNamespaces.map((name): GateObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...gateLabels('tenants'), [PROVIDED_BY_LABEL]: namespace, ...restrictedLabels } } })),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta, automountServiceAccountToken: true },
    ...rbacObjects(grants, namespace),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta, name: SCENARIO_CONFIG_MAP }, data: { 'scenario.yaml': options.scenarioYaml } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { ...meta, name: `${GATE_NAME}-gate` }, spec: gateJobSpec(options, gateCommandLine(options), GATE_NAME, true) },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { ...meta, name: `${GATE_NAME}-gate-scheduled` },
      // Forbid: two gates at once would load the gateway twice and measure each other (the Lease also stops a Job beside it).
      spec: { schedule: options.schedule, concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, jobTemplate: { spec: gateJobSpec(options, gateCommandLine(options), GATE_NAME, true) } },
    },
  ];
  return options.prometheus ? [...objects, ...judgeObjects({ ...options, prometheus: options.prometheus })] : objects;
}

/** The judge's own ServiceAccount (no API token: it only queries Prometheus) and its CronJob. */
function judgeObjects(options: GateManifestOptions & { prometheus: string }): GateObject[] {
  const name = `${GATE_NAME}-judge`;
  const metadata = { name, namespace: options.namespace, labels: gateLabels('judge') };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata, automountServiceAccountToken: false },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { ...metadata, name: `${name}-scheduled` },
      spec: { schedule: options.schedule, concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3, jobTemplate: { spec: gateJobSpec(options, judgeCommandLine(options), name, false) } },
    },
  ];
}

/** One ClusterRole for the cluster-scoped grants, one Role per namespace, each bound to the gate's ServiceAccount. Names carry the gate's namespace. */
function rbacObjects(grants: readonly RbacGrant[], namespace: string): GateObject[] {
  const name = `${GATE_NAME}-gate-${namespace}`;
  const labels = gateLabels('gate');
  const subjects = [{ kind: 'ServiceAccount' as const, name: GATE_NAME, namespace }];
  const rule = (grant: RbacGrant): PolicyRule => ({ apiGroups: [grant.apiGroup], resources: grant.resources, verbs: grant.verbs, ...(grant.resourceNames ? { resourceNames: grant.resourceNames } : {}) });
  const clusterRules = grants.filter((grant) => grant.namespace === undefined).map(rule);
  const objects: GateObject[] = [
    { apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRole', metadata: { name, labels }, rules: clusterRules },
    { apiVersion: `${rbacGroup}/v1`, kind: 'ClusterRoleBinding', metadata: { name, labels }, roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name }, subjects },
  ];
  for (const where of new Set(grants.flatMap((grant) => (grant.namespace === undefined ? [] : [grant.namespace])))) {
    const metadata = { name, namespace: where, labels };
    objects.push(
      { apiVersion: `${rbacGroup}/v1`, kind: 'Role', metadata, rules: grants.filter((grant) => grant.namespace === where).map(rule) },
      { apiVersion: `${rbacGroup}/v1`, kind: 'RoleBinding', metadata, roleRef: { apiGroup: rbacGroup, kind: 'Role', name }, subjects },
    );
  }
  return objects;
}
