import { renderManifests } from '../kubernetes/render-yaml.ts';
import type { InventoryClass, InventoryReport } from './classify-ingresses.ts';

const labels: Record<InventoryClass, string> = {
  translated: 'translated',
  'known-difference': 'known difference',
  'blocking-gap': 'gap that blocks',
  'not-understood': 'not understood',
};

/** Shown by name; the rest are counted (the JSON has every one). */
const listed = 20;

/** The inventory as a summary a person reads in a minute. Pure. */
export function formatInventory(report: InventoryReport): string[] {
  const { summary } = report;
  const lines = [`meshgate inventory: ${summary.ingresses} Ingresses, ${summary.inCutover} in the cutover (class nginx, and Sealos' pause and disable), ${summary.hosts} hosts`];
  const rows = Object.entries(labels).map(([kind, label]) => [label, summary.items[kind as InventoryClass]] as const);
  for (const [label, count] of rows) lines.push(`  ${label.padEnd(17)} ${String(count).padStart(7)}`);
  lines.push(...knownDifferenceRows(report));
  lines.push(`Hosts that block (${summary.blockingHosts.length}):${summary.blockingHosts.length === 0 ? ' none' : ''}`);
  for (const host of summary.blockingHosts.slice(0, listed)) lines.push(`  ${host}: ${blockingReasons(report, host).join('; ')}`);
  if (summary.blockingHosts.length > listed) lines.push(`  ... and ${summary.blockingHosts.length - listed} more (--json lists them all)`);
  lines.push(`Not understood, never seen by the translation (${summary.notUnderstood.length}):${summary.notUnderstood.length === 0 ? ' none' : ''}`);
  for (const { name, count } of summary.notUnderstood.slice(0, listed)) lines.push(`  ${name} (${count}x)`);
  const others = report.ingresses.filter((ingress) => !ingress.inCutover);
  if (others.length > 0) {
    const byClass = countBy(others.map((ingress) => ingress.ingressClass ?? '(no class)'));
    lines.push(`Not in the cutover: ${others.length} Ingresses of other classes (${byClass.map(([name, count]) => `${name} ${count}`).join(', ')})`);
  }
  return lines;
}

function knownDifferenceRows(report: InventoryReport): string[] {
  const rows = countBy(report.ingresses.flatMap((ingress) => ingress.annotations.flatMap((annotation) => annotation.directives ?? [annotation])).filter((item) => item.class === 'known-difference' && item.row).map((item) => item.row!));
  return rows.length === 0 ? [] : [`  known differences by row: ${rows.map(([row, count]) => `${row} ${count}`).join(', ')} (docs/fidelity.md)`];
}

function blockingReasons(report: InventoryReport, host: string): string[] {
  const items = report.ingresses
    .filter((ingress) => ingress.hosts.includes(host))
    .flatMap((ingress) => ingress.annotations.flatMap((annotation) => annotation.directives ?? [annotation]))
    .filter((item) => item.class === 'blocking-gap');
  return [...new Set(items.map((item) => `${item.text.split(':')[0]} (${item.how})`))];
}

function countBy(values: readonly string[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/**
 * What `inventory --from-cluster` needs and nothing more: list and watch on Ingresses,
 * bound to one ServiceAccount. No write verb, no other resource.
 */
export function inventoryRbac(namespace: string): string {
  const name = 'meshgate-inventory';
  return renderManifests([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: `${name}-${namespace}` }, rules: [{ apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: ['list', 'watch'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: `${name}-${namespace}` },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `${name}-${namespace}` },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
  ]);
}
