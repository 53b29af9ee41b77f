import { type ClusterFinding, inspectCluster } from '../environments/cluster/cluster-checks.ts';
import type { GatewayMode } from '../environments/cluster/gateway-install.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { clusterPrerequisites } from '../environments/cluster/prerequisites.ts';
import { benchPrerequisites, localPrerequisites } from '../environments/local/prerequisites.ts';
import type { Prerequisite } from '../environments/prerequisite.ts';
import { errorMessage } from '../errors.ts';
import type { Timeouts } from '../timeouts.ts';

/** What `doctor` checks: the environment, how it would install the gateways, and where an existing cluster's gateways run. */
export interface DoctorOptions {
  env: 'local' | 'kind' | 'k3s' | 'existing';
  mode: GatewayMode;
  istioInstaller: string;
  kubeconfig?: string;
  context?: string;
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  ingressGatewayNamespace: string;
  /** The timeouts of its Kubernetes API requests (kubeRequestMs). */
  timeouts: Timeouts;
}

/** One checked prerequisite: its version (or why it failed) and, when it failed, what to do. */
export interface CheckResult {
  name: string;
  required: boolean;
  ok: boolean;
  version: string;
  advice: string;
}

/**
 * The start stage's dry run: the prerequisites of `options.env` on this machine (and for
 * `local` the benchmarks' tools), with an existing cluster's own findings (reads only).
 * Logs each with its version or advice; exit code 2 when a required one is missing.
 */
export async function runDoctor(options: DoctorOptions, log: (line: string) => void): Promise<{ results: CheckResult[]; exitCode: number }> {
  const checks = options.env === 'local' ? [...localPrerequisites, ...benchPrerequisites] : clusterPrerequisites(options.env, options);
  const results = await Promise.all(checks.map(check));
  if (options.env === 'existing') results.push(...(await clusterFindings(options)));
  for (const r of results) log(`${r.ok ? '✓' : r.required ? '✗' : '○'} ${r.name.padEnd(8)} ${r.version}${r.ok ? '' : ` — ${r.advice}`}`);
  const missing = results.filter((r) => r.required && !r.ok);
  log(missing.length > 0 ? `meshgate: missing for --env ${options.env}: ${missing.map((r) => r.name).join(', ')}` : `meshgate: ready for the ${options.env} environment`);
  return { results, exitCode: missing.length > 0 ? 2 : 0 };
}

async function check(prerequisite: Prerequisite): Promise<CheckResult> {
  try {
    return { name: prerequisite.name, required: prerequisite.required, ok: true, version: await prerequisite.probe(), advice: '' };
  } catch (error) {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'not found' : (error as Error).message.split('\n')[0]!;
    return { name: prerequisite.name, required: prerequisite.required, ok: false, version: reason, advice: prerequisite.advice };
  }
}

/** What the existing cluster itself says (reads only); every finding is required. */
async function clusterFindings(options: DoctorOptions): Promise<CheckResult[]> {
  const placement = { istioNamespace: options.gatewayNamespace, istioSelector: options.gatewaySelector, ingressNginxNamespace: options.ingressGatewayNamespace };
  let findings: ClusterFinding[];
  try {
    findings = await inspectCluster(connectKube({ kubeconfig: options.kubeconfig, context: options.context, requestMs: options.timeouts.kubeRequestMs }), { mode: options.mode, placement });
  } catch (error) {
    findings = [{ name: 'api-server', ok: false, detail: errorMessage(error), advice: 'pass --kubeconfig FILE and --context NAME of the cluster to check' }];
  }
  return findings.map((finding) => ({ name: finding.name, required: true, ok: finding.ok, version: finding.detail, advice: finding.advice }));
}
