import { writeRedacted } from '../redact.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import type { Timeouts } from '../timeouts.ts';
import { type InventoryReport, classifyIngresses } from './classify-ingresses.ts';
import { listClusterIngresses } from './cluster-ingresses.ts';
import { formatInventory, inventoryRbac } from './format-inventory.ts';
import { readIngressFile } from './ingress-objects.ts';

/** Where `inventory` reads the Ingresses (a file, else the cluster a page at a time), and what it writes. */
export interface InventoryOptions {
  fromFile?: string;
  kubeconfig?: string;
  context?: string;
  /** Ingresses per list request. */
  pageSize: number;
  /** The timeouts of its Kubernetes API requests (kubeRequestMs). */
  timeouts: Timeouts;
  ingressClass: string;
  /** Also write the whole inventory as JSON there. */
  out?: string;
  /** Instead: the RBAC objects that reading a cluster needs, in this namespace. */
  printRbac?: string;
  /** The known-differences table (content, passed in with the catalogue): it decides how a difference classes. */
  knownDifferences: () => Promise<ReadonlyArray<{ id: string; classification: 'translated' | 'accepted-gap' | 'blocking-gap' }>>;
}

/** What `inventory` prints: the RBAC objects asked for, or the classed inventory (its summary logged already). */
export type InventoryOutcome = { rbac: string } | { report: InventoryReport };

/** Reads the Ingresses, classes them, logs the summary and writes `--out`. */
export async function runInventory(options: InventoryOptions, log: (line: string) => void): Promise<InventoryOutcome> {
  if (options.printRbac !== undefined) return { rbac: inventoryRbac(options.printRbac) };
  const ingresses =
    options.fromFile !== undefined
      ? await readIngressFile(options.fromFile)
      : await listClusterIngresses(connectKube({ kubeconfig: options.kubeconfig, context: options.context, requestMs: options.timeouts.kubeRequestMs }), {
          pageSize: options.pageSize,
          onPage: (listed) => log(`meshgate: listed ${listed} Ingresses`),
        });
  const rows = new Map((await options.knownDifferences()).map((row) => [row.id, row.classification]));
  const report = classifyIngresses(ingresses, rows, options.ingressClass);
  for (const line of formatInventory(report)) log(line);
  if (options.out !== undefined) await writeRedacted(options.out, `${JSON.stringify(report, null, 2)}\n`);
  return { report };
}
