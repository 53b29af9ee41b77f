import { annotationHandling, type Handling } from './annotation-vocabulary.ts';
import type { IngressObject } from './ingress-objects.ts';
import { parseSnippet, SnippetSyntaxError } from './nginx-snippet.ts';
import { classifyDirectives } from './snippet-vocabulary.ts';

/** What the cutover makes of one annotation or snippet directive. */
export const inventoryClasses = ['translated', 'known-difference', 'blocking-gap', 'not-understood'] as const;
export type InventoryClass = (typeof inventoryClasses)[number];

/** One classed item: an annotation, or one directive of a snippet annotation. */
export interface ClassedItem {
  /** `proxy-body-size: 32m`, or a directive as nginx text. */
  text: string;
  class: InventoryClass;
  /** How it is translated, what differs, or why it blocks. */
  how: string;
  /** The known-differences row, where one decides. */
  row?: string;
}

export interface IngressInventory {
  ref: string;
  hosts: string[];
  paths: string[];
  /** The class that serves it: `kubernetes.io/ingress.class`, else spec.ingressClassName. */
  ingressClass: string | null;
  /** Served by ingress-nginx (class nginx), or one of Sealos' lifecycle classes; others move with another controller. */
  inCutover: boolean;
  annotations: Array<ClassedItem & { directives?: ClassedItem[] }>;
  /** Annotations outside ingress-nginx's prefix (cert-manager, Helm, kubectl, other controllers): not classed. */
  otherAnnotations: string[];
}

export interface InventoryReport {
  ingresses: IngressInventory[];
  summary: {
    ingresses: number;
    inCutover: number;
    hosts: number;
    items: Record<InventoryClass, number>;
    /** Hosts whose Ingress has a gap that blocks. */
    blockingHosts: string[];
    /** nginx annotations and snippet directives the translation does not know, with how often each was seen. */
    notUnderstood: Array<{ name: string; count: number }>;
  };
}

/** Known-differences rows by id, with their classification (suites/known-differences.ts). */
export type DifferenceRows = ReadonlyMap<string, 'translated' | 'accepted-gap' | 'blocking-gap'>;

const prefix = 'nginx.ingress.kubernetes.io/';
const classAnnotation = 'kubernetes.io/ingress.class';
/** Sealos' lifecycle classes: a paused app (`pause`) or a suspended tenant (`disable`) serves nothing. */
const lifecycleClasses = ['pause', 'disable'];

/** Classes every annotation of `ingresses` against the translation. Pure. */
export function classifyIngresses(ingresses: readonly IngressObject[], rows: DifferenceRows, ingressNginxClass = 'nginx'): InventoryReport {
  const inventories = ingresses.map((ingress) => classifyIngress(ingress, rows, ingressNginxClass));
  return { ingresses: inventories, summary: summarize(inventories) };
}

function classifyIngress(ingress: IngressObject, rows: DifferenceRows, ingressNginxClass: string): IngressInventory {
  const ingressClass = ingress.annotations[classAnnotation] ?? ingress.className ?? null;
  const lifecycle = ingressClass !== null && lifecycleClasses.includes(ingressClass);
  const inCutover = ingressClass === ingressNginxClass || lifecycle;
  const annotations: IngressInventory['annotations'] = [];
  const otherAnnotations: string[] = [];
  // A paused app or suspended tenant serves nothing: only its class decides what a client sees.
  if (lifecycle) annotations.push(resolve(`${classAnnotation}: ${ingressClass}`, { difference: 'a VirtualService answers 503 for the host', row: 'paused-direct-503' }, rows));
  for (const [name, value] of Object.entries(ingress.annotations)) {
    if (!name.startsWith(prefix)) {
      if (name !== classAnnotation) otherAnnotations.push(name);
      continue;
    }
    if (inCutover && !lifecycle) annotations.push(classifyAnnotation(name.slice(prefix.length), value, rows));
  }
  return {
    ref: `${ingress.namespace}/${ingress.name}`,
    hosts: [...new Set(ingress.rules.map((rule) => rule.host))],
    paths: ingress.rules.flatMap((rule) => rule.paths.map((path) => `${rule.host}${path.path} (${path.pathType}) -> ${path.service}`)),
    ingressClass,
    inCutover,
    annotations,
    otherAnnotations,
  };
}

function classifyAnnotation(name: string, value: string, rows: DifferenceRows): ClassedItem & { directives?: ClassedItem[] } {
  const text = `${name}: ${value.trim().replace(/\s*\n\s*/g, ' ')}`;
  const handling = annotationHandling(name, value.trim());
  if (!handling || !('snippet' in handling)) return resolve(text, handling, rows);
  try {
    const directives = classifyDirectives(parseSnippet(value)).map((directive) => resolve(directive.text, directive.handling, rows));
    const worst = inventoryClasses.filter((kind) => directives.some((directive) => directive.class === kind)).at(-1) ?? 'translated';
    return { text, class: worst, how: `${directives.length} directive(s), classed one by one`, directives };
  } catch (error) {
    if (!(error instanceof SnippetSyntaxError)) throw error;
    return { text, class: 'not-understood', how: `nginx would refuse this snippet: ${error.message}` };
  }
}

function resolve(text: string, handling: Handling | undefined, rows: DifferenceRows): ClassedItem {
  if (handling === undefined) return { text, class: 'not-understood', how: 'not an annotation or directive the translation knows' };
  if ('translated' in handling) return { text, class: 'translated', how: handling.translated };
  if ('gap' in handling) return { text, class: 'blocking-gap', how: handling.gap };
  if ('snippet' in handling) throw new Error('snippets are classed by their directives');
  const classification = handling.row === undefined ? 'accepted-gap' : rows.get(handling.row);
  if (classification === undefined) throw new Error(`known-differences row ${handling.row} does not exist`);
  const kind: InventoryClass = classification === 'translated' ? 'translated' : classification === 'blocking-gap' ? 'blocking-gap' : 'known-difference';
  return { text, class: kind, how: handling.difference, ...(handling.row ? { row: handling.row } : {}) };
}

function summarize(inventories: readonly IngressInventory[]): InventoryReport['summary'] {
  const items = Object.fromEntries(inventoryClasses.map((kind) => [kind, 0])) as Record<InventoryClass, number>;
  const blockingHosts = new Set<string>();
  const unknown = new Map<string, number>();
  for (const inventory of inventories) {
    for (const annotation of inventory.annotations) {
      for (const item of annotation.directives ?? [annotation]) {
        items[item.class] += 1;
        if (item.class === 'blocking-gap') for (const host of inventory.hosts) blockingHosts.add(host);
        if (item.class === 'not-understood') {
          const name = annotation.directives ? item.text.split(/[\s;]/)[0]! : annotation.text.split(':')[0]!;
          unknown.set(name, (unknown.get(name) ?? 0) + 1);
        }
      }
    }
  }
  const inCutover = inventories.filter((inventory) => inventory.inCutover);
  return {
    ingresses: inventories.length,
    inCutover: inCutover.length,
    hosts: new Set(inCutover.flatMap((inventory) => inventory.hosts)).size,
    items,
    blockingHosts: [...blockingHosts].sort(),
    notUnderstood: [...unknown].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
  };
}
