import { readFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { InputFileError, UsageError, errorMessage } from '../errors.ts';
import { dns1123Label } from '../kubernetes/names.ts';
import { defaultScenarioFile, parseScenario } from '../scenario/load.ts';
import { meshgateVersion } from '../version.ts';
import type { CommandContext } from './command-context.ts';
import { parseGatewayEndpoint } from '../net/gateway-endpoint.ts';

interface GateFlags {
  namespace: string;
  image: string;
  fixtureImage: string;
  mode: 'ingress' | 'istio' | 'dual';
  istioGateway?: string;
  ingressGateway?: string;
  scenario: string;
  schedule: string;
  reportsClaim?: string;
}

/** Checks ADDRESS[:HTTP:HTTPS] but keeps the text: the Job passes it on as written. */
const gatewayText = (value: string) => (parseGatewayEndpoint(value), value);

function namespaceName(value: string): string {
  if (!dns1123Label.safeParse(value).success) throw new UsageError(`not a namespace name: ${value} (DNS-1123 label)`);
  return value;
}

/** `manifests gate`: meshgate itself as Kubernetes objects, a Job and a CronJob running validate --env existing. */
function gateCommand(context: CommandContext): Command {
  return new Command('gate')
    .description('print the objects that run `meshgate validate --env existing` in the cluster: ServiceAccount, ClusterRole and binding, scenario ConfigMap, Job, CronJob (pipe to kubectl apply -f -)')
    .addOption(new Option('--namespace <name>', 'namespace of meshgate\'s own objects (created)').argParser(namespaceName).default('meshgate'))
    .addOption(new Option('--image <image>', 'meshgate\'s own image (the repository\'s Dockerfile), pushed where the cluster pulls from').default(`meshgate:${meshgateVersion}`))
    .addOption(new Option('--fixture-image <image>', 'echo fixture image (harness/fixture/Dockerfile) the tenants run').makeOptionMandatory().env('MESHGATE_FIXTURE_IMAGE'))
    .addOption(new Option('--mode <mode>', 'gateways serving the tenants').choices(['ingress', 'istio', 'dual']).default('istio'))
    .addOption(new Option('--istio-gateway <address[:http:https]>', 'where the pod reaches the Istio ingress gateway, e.g. istio-ingressgateway.istio-system.svc').argParser(gatewayText))
    .addOption(new Option('--ingress-gateway <address[:http:https]>', 'where the pod reaches ingress-nginx (modes ingress, dual)').argParser(gatewayText))
    .addOption(new Option('-s, --scenario <file>', 'scenario carried by the ConfigMap (default: the shipped one)').default(defaultScenarioFile, 'scenarios/default.yaml'))
    .addOption(new Option('--schedule <cron>', 'CronJob schedule').default('0 * * * *'))
    .addOption(new Option('--reports-claim <pvc>', 'PersistentVolumeClaim for reports/<run-id>/ (default: none, the summary goes to the pod log)'))
    .action(async (flags: GateFlags) => {
      if (flags.mode !== 'ingress' && !flags.istioGateway) throw new UsageError(`--mode ${flags.mode} needs --istio-gateway`);
      if (flags.mode !== 'istio' && !flags.ingressGateway) throw new UsageError(`--mode ${flags.mode} needs --ingress-gateway`);
      let scenarioYaml: string;
      try {
        scenarioYaml = await readFile(flags.scenario, 'utf8');
      } catch (error) {
        throw new InputFileError(flags.scenario, `cannot read scenario: ${errorMessage(error)}`);
      }
      parseScenario(scenarioYaml, flags.scenario);
      const [{ buildGateManifests }, { renderManifests }, { validateGateObjects }] = await Promise.all([
        import('../kubernetes/gate-manifests.ts'),
        import('../kubernetes/render-yaml.ts'),
        import('../kubernetes/validate-gate-objects.ts'),
      ]);
      const objects = validateGateObjects(buildGateManifests({ ...flags, scenarioYaml }));
      process.stdout.write(renderManifests(objects));
      context.log(`meshgate: ${objects.length} objects for namespace ${flags.namespace}; apply with kubectl apply -f -`);
    });
}

/** `manifests`: Kubernetes objects meshgate can print. */
export function manifestsCommand(context: CommandContext): Command {
  return new Command('manifests').description('print Kubernetes objects (YAML) for running meshgate in a cluster').addCommand(gateCommand(context).exitOverride());
}
