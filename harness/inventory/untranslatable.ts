import type { InventoryClass, InventoryReport } from './classify-ingresses.ts';
import type { NotCarried } from './ingress-scenario.ts';

/** One thing of an Ingress that the translation and the local reference do not carry, classed as inventory classes it. */
export interface UntranslatableItem {
  /** `<namespace>/<name>` of the Ingress. */
  ingress: string;
  /** The annotation (`rewrite-target: /$2`), its snippet directive, or what of the Ingress (a path, its namespace). */
  item: string;
  /** Whether the item is an annotation (or one of its directives), or the Ingress itself. */
  source: 'annotation' | 'ingress';
  /** Inventory's class of the annotation or directive; for the Ingress itself, blocking-gap or known-difference. */
  class: InventoryClass;
  /** Why it is not carried. */
  reason: string;
}

/** Classes that block a cutover: what a tenant would lose, or what nobody knows the effect of. */
export const blockingClasses: readonly InventoryClass[] = ['blocking-gap', 'not-understood'];

/**
 * The items the model leaves out, each with inventory's class of the same annotation or
 * directive (so `translate` and `inventory` speak one vocabulary). An item the model drops
 * although inventory counts it translated (a value it cannot carry) blocks.
 */
export function untranslatableItems(notCarried: readonly NotCarried[], inventory: InventoryReport): UntranslatableItem[] {
  const byRef = new Map(inventory.ingresses.map((entry) => [entry.ref, entry]));
  return notCarried.map((entry) => {
    if (entry.annotation === undefined) {
      return { ingress: entry.ingress, item: entry.subject ?? '(the Ingress)', source: 'ingress', class: entry.blocks ? 'blocking-gap' : 'known-difference', reason: entry.reason };
    }
    const annotation = byRef.get(entry.ingress)?.annotations.find((candidate) => candidate.text.split(':')[0] === entry.annotation);
    const classed = entry.directive === undefined ? annotation : annotation?.directives?.find((directive) => directive.text === entry.directive);
    const text = entry.directive ?? annotation?.text ?? entry.annotation;
    const known: InventoryClass = classed?.class ?? 'not-understood';
    // Inventory's explanation where it also says the item is lost; the model's own where inventory thinks it carried.
    const lost = classed !== undefined && blockingClasses.includes(classed.class);
    return { ingress: entry.ingress, item: text, source: 'annotation', class: entry.blocks && !lost ? 'blocking-gap' : known, reason: lost ? classed.how : entry.reason };
  });
}

/** One line per item, grouped by Ingress, for a person. */
export function formatUntranslatable(items: readonly UntranslatableItem[]): string[] {
  if (items.length === 0) return ['meshgate: every Ingress of the cutover is carried whole'];
  const blocking = items.filter((item) => blockingClasses.includes(item.class)).length;
  const lines = [`meshgate: ${items.length} item(s) not carried, ${blocking} of them blocking:`];
  let current = '';
  for (const item of [...items].sort((a, b) => a.ingress.localeCompare(b.ingress))) {
    if (item.ingress !== current) lines.push(`  ${(current = item.ingress)}`);
    lines.push(`    [${item.class}] ${item.item}: ${item.reason}`);
  }
  return lines;
}
