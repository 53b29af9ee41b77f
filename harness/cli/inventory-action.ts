// The work of `inventory`, loaded only when it runs.
import { writeRedacted } from '../redact.ts';
import { UsageError } from '../errors.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { classifyIngresses, type DifferenceRows } from '../inventory/classify-ingresses.ts';
import { listClusterIngresses } from '../inventory/cluster-ingresses.ts';
import { formatInventory, inventoryRbac } from '../inventory/format-inventory.ts';
import { readIngressFile } from '../inventory/ingress-objects.ts';
import type { CommandContext } from './command-context.ts';

/** The flags of `inventory` (inventory-command.ts). */
export interface InventoryFlags {
  fromFile?: string;
  fromCluster?: boolean;
  kubeconfig?: string;
  context?: string;
  pageSize: number;
  ingressClass: string;
  out?: string;
  json?: boolean;
  printRbac?: string;
}

/** Reads the Ingresses (a file, or the cluster a page at a time), classes them, prints the summary and the JSON asked for. */
export async function runInventory(context: CommandContext, flags: InventoryFlags): Promise<void> {
  if (flags.printRbac !== undefined) {
    context.print(inventoryRbac(flags.printRbac));
    return;
  }
  if ((flags.fromFile === undefined) === (flags.fromCluster === undefined)) throw new UsageError('say where the Ingresses come from: --from-file FILE or --from-cluster');
  const ingresses =
    flags.fromFile !== undefined
      ? await readIngressFile(flags.fromFile)
      : await listClusterIngresses(connectKube({ kubeconfig: flags.kubeconfig, context: flags.context }), {
          pageSize: flags.pageSize,
          onPage: (listed) => context.log(`meshgate: listed ${listed} Ingresses`),
        });
  const report = classifyIngresses(ingresses, await differenceRows(context), flags.ingressClass);
  for (const line of formatInventory(report)) context.log(line);
  if (flags.out !== undefined) await writeRedacted(flags.out, `${JSON.stringify(report, null, 2)}\n`);
  if (flags.json) context.printJson(report);
}

/** The known-differences table decides how a difference classes: it is content, passed in with the catalogue and read when the command runs. */
async function differenceRows(context: CommandContext): Promise<DifferenceRows> {
  const { knownDifferences } = await context.catalogue();
  return new Map(knownDifferences.map((row) => [row.id, row.classification]));
}
