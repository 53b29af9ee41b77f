import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.ts';
import { UsageError } from '../errors.ts';
import type { InventoryOptions } from '../inventory/run-inventory.ts';
import { resolveTimeouts } from '../timeouts.ts';
import { existingClusterOptions, wholeNumber } from './options.ts';

type InventoryFlags = Omit<InventoryOptions, 'knownDifferences' | 'timeouts'> & { fromCluster?: boolean; json?: boolean };

/** `inventory`: what a cluster's Ingresses use, and what of it the translation covers. Reads only. */
export function inventoryCommand(context: CommandContext): Command {
  const command = new Command('inventory')
    .description("list every Ingress, host and annotation of a cluster (or of an export) and class each annotation and snippet directive against meshgate's Istio translation: translated, known difference, gap that blocks, not understood")
    .addOption(new Option('--from-file <file>', 'the output of `kubectl get ingress -A -o yaml`').conflicts('fromCluster'))
    .addOption(new Option('--from-cluster', 'list the Ingresses of the kubeconfig context (list on ingresses only; nothing is written)'))
    .addOption(new Option('--page-size <n>', 'Ingresses per list request (limit/continue)').argParser(wholeNumber('--page-size', 1, 10_000)).default(500))
    .addOption(new Option('--ingress-class <name>', "ingress-nginx's class: Ingresses of other classes are listed but not classed").default('nginx'))
    .addOption(new Option('--out <file>', 'also write the whole inventory as JSON to this file'))
    .option('--json', 'print the whole inventory as JSON on stdout (the summary stays on stderr)')
    .addOption(new Option('--print-rbac <namespace>', 'print the ServiceAccount, ClusterRole (list, watch on ingresses) and binding that --from-cluster needs in a cluster, and exit'));
  for (const option of existingClusterOptions().slice(0, 2)) command.addOption(option);
  return command
    .addHelpText('after', '\nExamples:\n  kubectl get ingress -A -o yaml > ingresses.yaml && meshgate inventory --from-file ingresses.yaml\n  meshgate inventory --from-cluster --context staging --out inventory.json\n\nExit codes: 0 the inventory was made (whatever it found), 2 bad input or the cluster could not be read.')
    .action(async (flags: InventoryFlags) => {
      if (flags.printRbac === undefined && (flags.fromFile === undefined) === (flags.fromCluster === undefined)) throw new UsageError('say where the Ingresses come from: --from-file FILE or --from-cluster');
      const { runInventory } = await import('../inventory/run-inventory.ts');
      const outcome = await runInventory({ ...flags, timeouts: resolveTimeouts(process.env), knownDifferences: async () => (await context.catalogue()).knownDifferences }, context.log);
      if ('rbac' in outcome) context.print(outcome.rbac);
      else if (flags.json) context.printJson(outcome.report);
    });
}
