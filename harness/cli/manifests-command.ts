import { Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { cronScheduleProblem } from '../kubernetes/cron-schedule.ts';
import { dns1123Label, dns1123Subdomain } from '../kubernetes/names.ts';
import { parseResourceList } from '../kubernetes/pod-security.ts';
import { webhookFormats } from '../notify/notice.ts';
import { defaultScenarioFile } from '../scenario/load.ts';
import { meshgateVersion } from '../version.ts';
import type { CommandContext } from './command-context.ts';
import type { GateDocumentsInput } from '../kubernetes/gate-documents.ts';
import { parseGatewayEndpoint } from '../net/gateway-endpoint.ts';
import { parsePrometheusUrl } from './judge-options.ts';
import { parseLabelSelector, parsePushgatewayUrl } from './options.ts';
import { parseDuration } from './watch-command.ts';

/** The flags of `manifests gate`: what the gate's documents are made of. */
type GateFlags = GateDocumentsInput;

/** Checks the value with `check` but keeps the text: the Job passes it on as written. */
const asWritten = (check: (value: string) => unknown) => (value: string) => (check(value), value);

function namespaceName(value: string): string {
  if (!dns1123Label.safeParse(value).success) throw new UsageError(`not a namespace name: ${value} (DNS-1123 label)`);
  return value;
}

function schedule(value: string): string {
  const problem = cronScheduleProblem(value);
  if (problem) throw new UsageError(`--schedule '${value}': ${problem}`);
  return value;
}

/** `NAME[:KEY]`: a Secret in the gate's namespace and its key (default `url`). */
function secretRef(value: string): { name: string; key: string } {
  const [name = '', key = 'url', ...rest] = value.split(':');
  if (rest.length > 0 || !dns1123Subdomain.safeParse(name).success || !/^[-._a-zA-Z0-9]+$/.test(key)) throw new UsageError(`not a Secret reference: ${value} (expected NAME or NAME:KEY)`);
  return { name, key };
}

const resourceList = (flag: string) => (value: string) => {
  const parsed = parseResourceList(value);
  if (!parsed) throw new UsageError(`${flag} ${value}: expected cpu=QUANTITY,memory=QUANTITY (e.g. cpu=500m,memory=512Mi)`);
  return parsed;
};

const placement = 'Where the cluster\'s gateways run (as `validate --env existing` takes them):';

/** `manifests gate`: meshgate itself as Kubernetes objects, a Job and a CronJob running validate --env existing. */
function gateCommand(context: CommandContext): Command {
  return new Command('gate')
    .description('print the objects that run `meshgate validate --env existing` in the cluster: namespaces, ServiceAccount, least-privilege Roles, scenario ConfigMap, Job, CronJob (pipe to kubectl apply -f -)')
    .addOption(new Option('--namespace <name>', 'namespace of meshgate\'s own objects (created)').argParser(namespaceName).default('meshgate'))
    .addOption(new Option('--image <image>', 'meshgate\'s own image (the repository\'s Dockerfile), pushed where the cluster pulls from').default(`meshgate:${meshgateVersion}`))
    .addOption(new Option('--fixture-image <image>', 'echo fixture image (harness/fixture/Dockerfile) the tenants run').makeOptionMandatory().env('MESHGATE_FIXTURE_IMAGE'))
    .addOption(new Option('--mode <mode>', 'gateways serving the tenants').choices(['ingress', 'istio', 'dual']).default('istio'))
    .addOption(new Option('--istio-gateway <address[:http:https]>', 'where the pod reaches the Istio ingress gateway, e.g. istio-ingressgateway.istio-system.svc').argParser(asWritten(parseGatewayEndpoint)))
    .addOption(new Option('--ingress-gateway <address[:http:https]>', 'where the pod reaches ingress-nginx (modes ingress, dual)').argParser(asWritten(parseGatewayEndpoint)))
    .addOption(new Option('--gateway-namespace <namespace>', 'the Istio ingress gateway\'s namespace (its Gateway and TLS Secrets go there)').argParser(namespaceName).default('istio-system').helpGroup(placement))
    .addOption(new Option('--gateway-selector <label=value,...>', 'the Istio ingress gateway pods\' labels').argParser(parseLabelSelector).default({ istio: 'ingressgateway' }, 'istio=ingressgateway').helpGroup(placement))
    .addOption(new Option('--ingress-gateway-namespace <namespace>', 'ingress-nginx controller\'s namespace').argParser(namespaceName).default('ingress-nginx').helpGroup(placement))
    .addOption(new Option('-s, --scenario <file>', 'scenario carried by the ConfigMap (default: the shipped one)').default(defaultScenarioFile, 'scenarios/default.yaml'))
    .addOption(new Option('--schedule <cron>', 'CronJob schedule (five fields, or @hourly ...)').argParser(schedule).default('0 * * * *'))
    .addOption(new Option('--reports-claim <pvc>', 'PersistentVolumeClaim for reports/<run-id>/ (default: an emptyDir that goes with the pod; the verdict is the log\'s last line either way)'))
    .addOption(new Option('--pushgateway <url>', 'Prometheus Pushgateway the runs push their metrics to').argParser(asWritten(parsePushgatewayUrl)))
    .addOption(new Option('--notify-webhook-secret <name[:key]>', 'Secret (in --namespace) holding the notification webhook URL under KEY (default url); read by the pod, never written into an object'))
    .addOption(new Option('--notify-format <format>', 'webhook body').choices(webhookFormats).default('slack'))
    .addOption(new Option('--prometheus <url>', 'Prometheus that scrapes both gateways: adds a CronJob that judges their real traffic (meshgate judge) on the same schedule').argParser(asWritten(parsePrometheusUrl)))
    .addOption(new Option('--judge-window <time>', 'window the judge CronJob judges, e.g. 1h (match the schedule)').argParser(asWritten(parseDuration)).default('1h'))
    .addOption(new Option('--requests <cpu=,memory=>', 'resources the gate\'s pods request').argParser(resourceList('--requests')).default({ cpu: '500m', memory: '512Mi' }, 'cpu=500m,memory=512Mi'))
    .addOption(new Option('--limits <cpu=,memory=>', 'resources the gate\'s pods may not pass').argParser(resourceList('--limits')).default({ cpu: '2', memory: '2Gi' }, 'cpu=2,memory=2Gi'))
    .addOption(new Option('--print-rbac', 'print each permission the gate gets and the call that needs it, instead of the objects'))
    .action(async (raw: Omit<GateFlags, 'notifyWebhookSecret'> & { notifyWebhookSecret?: string }) => {
      const flags: GateFlags = { ...raw, notifyWebhookSecret: raw.notifyWebhookSecret === undefined ? undefined : secretRef(raw.notifyWebhookSecret) };
      if (flags.mode !== 'ingress' && !flags.istioGateway) throw new UsageError(`--mode ${flags.mode} needs --istio-gateway`);
      if (flags.mode !== 'istio' && !flags.ingressGateway) throw new UsageError(`--mode ${flags.mode} needs --ingress-gateway`);
      const { gateDocuments } = await import('../kubernetes/gate-documents.ts');
      const { text, message } = await gateDocuments(flags);
      context.print(text);
      if (message !== undefined) context.log(message);
    });
}

/** `manifests`: Kubernetes objects meshgate can print. */
export function manifestsCommand(context: CommandContext): Command {
  return new Command('manifests').description('print Kubernetes objects (YAML) for running meshgate in a cluster').addCommand(gateCommand(context).exitOverride());
}
