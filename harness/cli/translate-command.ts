import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.ts';
import { parseLabelSelector } from './options.ts';
import { checkRunId, newRunId } from '../run/run-id.ts';

interface TranslateFlags {
  ingresses: string;
  out?: string;
  ingressClass: string;
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  clusterDomain: string;
  runId?: string;
}

/** `translate --ingresses FILE`: the Istio objects for a cluster's Ingresses, and what of them is not carried. */
export function translateCommand(context: CommandContext): Command {
  return new Command('translate')
    .description("write the Istio objects (Gateway, VirtualService, DestinationRule, EnvoyFilter) meshgate's translation makes of an Ingress export, and name per Ingress every annotation, snippet directive and path it does not carry")
    .requiredOption('--ingresses <file>', 'the output of `kubectl get ingress -A -o yaml`')
    .option('--out <dir>', 'write istio.yaml and untranslatable.json there (default: the YAML on stdout, the list on stderr)')
    .addOption(new Option('--ingress-class <name>', "ingress-nginx's class: Ingresses of other classes are left out").default('nginx'))
    .addOption(new Option('--gateway-namespace <namespace>', "the Istio ingress gateway's namespace (its Gateway goes there)").default('istio-system'))
    .addOption(new Option('--gateway-selector <label=value,...>', "the Istio ingress gateway pods' labels").argParser(parseLabelSelector).default({ istio: 'ingressgateway' }, 'istio=ingressgateway'))
    .addOption(new Option('--cluster-domain <domain>', "the cluster's DNS domain, for the Services' names").default('cluster.local'))
    .addOption(new Option('--run-id <id>', 'the label value the objects carry (meshgate.io/run-id); default: timestamp and random suffix'))
    .addHelpText('after', '\nExit codes: 0 every Ingress is carried whole (known differences aside), 1 the objects are written but something blocks (a gap or an item not understood: the list names it), 2 bad input.')
    .action(async (flags: TranslateFlags) => {
      const runId = checkRunId(flags.runId ?? newRunId());
      const { runTranslate } = await import('../run/translate-ingresses.ts');
      context.exitCode = await runTranslate({ ...flags, runId, knownDifferences: async () => (await context.catalogue()).knownDifferences }, context);
    });
}
