import type { JobSpec, PodTemplate } from './gate-objects.ts';
import { MANAGED_BY_LABEL } from './objects.ts';
import { NODE_UID, type Resources, restrictedContainerSecurity, restrictedPodSecurity, tmpMount, tmpVolume } from './pod-security.ts';
import type { GatewayPlacementOptions } from './tenant-manifests.ts';

/** What the gate's pods run and where they send their results. */
export interface GatePodOptions {
  /** Namespace of meshgate's own objects; the run's Lease lives there. */
  namespace: string;
  image: string;
  fixtureImage: string;
  mode: 'ingress' | 'istio' | 'dual';
  istioGateway?: string;
  ingressGateway?: string;
  placement: GatewayPlacementOptions;
  /** A PersistentVolumeClaim for reports/<run-id>/; default an emptyDir that dies with the pod. */
  reportsClaim?: string;
  /** Prometheus Pushgateway URL for the run's metrics. */
  pushgateway?: string;
  /** The Secret (and key) holding the notification webhook URL; the URL itself is never written into an object. */
  notifyWebhookSecret?: { name: string; key: string };
  notifyFormat?: string;
  /** Prometheus that scrapes both gateways: a judge CronJob is added. */
  prometheus?: string;
  /** Window the judge CronJob judges, as `meshgate judge --window` takes it, e.g. `1h`. */
  judgeWindow?: string;
  resources: Resources;
}

export const GATE_NAME = 'meshgate';
export const SCENARIO_CONFIG_MAP = `${GATE_NAME}-scenario`;
const scenarioPath = '/etc/meshgate/scenario.yaml';
const reportsPath = '/reports';
/** Bound on one gate run in the cluster, s: a whole validate with the cluster's waits. */
const gateDeadlineSeconds = 3600;
/** Bound on one judge run, s: a handful of Prometheus queries. */
const judgeDeadlineSeconds = 600;
/** SIGTERM to SIGKILL, s: time enough to delete the run's objects (bounded API calls). */
const terminationGraceSeconds = 120;

/** `istio=ingress,app=gw`, as --gateway-selector takes it. */
function selectorText(selector: Record<string, string>): string {
  return Object.entries(selector).map(([key, value]) => `${key}=${value}`).join(',');
}

/** The command line the gate's Job runs (after the image's `meshgate` entrypoint). */
export function gateCommandLine(options: GatePodOptions): string[] {
  const { placement } = options;
  return [
    'validate', '--env', 'existing', '--mode', options.mode,
    ...(options.istioGateway ? ['--istio-gateway', options.istioGateway] : []),
    ...(options.ingressGateway ? ['--ingress-gateway', options.ingressGateway] : []),
    '--gateway-namespace', placement.istioNamespace,
    '--gateway-selector', selectorText(placement.istioSelector),
    '--ingress-gateway-namespace', placement.ingressNginxNamespace,
    '--fixture-image', options.fixtureImage,
    '--scenario', scenarioPath,
    '--reports', reportsPath,
    '--lease-namespace', options.namespace,
    ...(options.pushgateway ? ['--pushgateway', options.pushgateway] : []),
    ...notifyArgs(options),
    '--json',
  ];
}

/** The command line of the judge CronJob (with --prometheus). */
export function judgeCommandLine(options: GatePodOptions & { prometheus: string }): string[] {
  return [
    'judge', '--prometheus', options.prometheus, '--window', options.judgeWindow ?? '1h',
    ...(options.pushgateway ? ['--pushgateway', options.pushgateway] : []),
    ...notifyArgs(options),
    '--json',
  ];
}

function notifyArgs(options: GatePodOptions): string[] {
  return options.notifyWebhookSecret && options.notifyFormat ? ['--notify-format', options.notifyFormat] : [];
}

/** A Job spec running `args` once, in a pod that passes Pod Security "restricted". */
export function gateJobSpec(options: GatePodOptions, args: string[], serviceAccountName: string, withScenario: boolean): JobSpec {
  const reports = options.reportsClaim ? { persistentVolumeClaim: { claimName: options.reportsClaim } } : { emptyDir: { sizeLimit: '1Gi' } };
  const secret = options.notifyWebhookSecret;
  const template: PodTemplate = {
    metadata: { labels: gateLabels(args[0] === 'judge' ? 'judge' : 'gate') },
    spec: {
      serviceAccountName,
      securityContext: restrictedPodSecurity(NODE_UID),
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: terminationGraceSeconds,
      containers: [
        {
          name: GATE_NAME,
          image: options.image,
          args,
          ...(secret ? { env: [{ name: 'MESHGATE_NOTIFY_WEBHOOK', valueFrom: { secretKeyRef: { name: secret.name, key: secret.key } } }] } : {}),
          resources: options.resources,
          securityContext: restrictedContainerSecurity,
          volumeMounts: [
            ...(withScenario
              ? [{ name: 'scenario', mountPath: '/etc/meshgate', readOnly: true }, { name: 'reports', mountPath: reportsPath }]
              : []),
            { ...tmpMount },
          ],
        },
      ],
      volumes: [
        ...(withScenario
          ? [{ name: 'scenario', configMap: { name: SCENARIO_CONFIG_MAP } }, { name: 'reports', ...reports }]
          : []),
        { ...tmpVolume, emptyDir: { ...tmpVolume.emptyDir } },
      ],
    },
  };
  // A gate that failed is an answer: retrying could turn it into a pass.
  return { backoffLimit: 0, activeDeadlineSeconds: withScenario ? gateDeadlineSeconds : judgeDeadlineSeconds, template };
}

/** Labels of every object of the gate's install. */
export function gateLabels(component: string): Record<string, string> {
  return { 'app.kubernetes.io/name': GATE_NAME, 'app.kubernetes.io/component': component, [MANAGED_BY_LABEL]: 'meshgate' };
}
