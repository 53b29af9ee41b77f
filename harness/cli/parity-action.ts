// The work of `parity`, loaded only when it runs.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayAddress } from '../clients/http-client.ts';
import { EnvironmentError, InterruptedError, UsageError, errorMessage } from '../errors.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { resolveTimeouts } from '../timeouts.ts';
import { listClusterIngresses } from '../inventory/cluster-ingresses.ts';
import { readIngressFile } from '../inventory/ingress-objects.ts';
import { hostsFromIngresses, readHostList } from '../parity/parity-hosts.ts';
import { type ParityReport, runParity } from '../parity/run-parity.ts';
import { tcpConnects } from '../wait.ts';
import type { CommandContext } from './command-context.ts';
import { checkRunId, newRunId } from '../run/run-id.ts';
import { readInputFile } from '../input-file.ts';

/** The flags of `parity` (parity-command.ts). */
export interface ParityFlags {
  reference: { address: string; httpPort: number; httpsPort: number };
  candidate: { address: string; httpPort: number; httpsPort: number };
  referenceCa?: string;
  candidateCa?: string;
  hosts?: string;
  ingresses?: string;
  fromCluster?: boolean;
  kubeconfig?: string;
  context?: string;
  rate: number;
  hostsAtOnce: number;
  timeout: number;
  retries: number;
  state?: string;
  reports: string;
  runId?: string;
  json?: boolean;
}

export async function runParityAction(context: CommandContext, flags: ParityFlags): Promise<void> {
  const sources = [flags.hosts, flags.ingresses, flags.fromCluster].filter((source) => source !== undefined);
  if (sources.length !== 1) throw new UsageError('say where the hosts come from: exactly one of --hosts FILE, --ingresses FILE, --from-cluster');
  const runId = checkRunId(flags.runId ?? newRunId());
  const hosts =
    flags.hosts !== undefined
      ? await readHostList(flags.hosts)
      : hostsFromIngresses(flags.ingresses !== undefined ? await readIngressFile(flags.ingresses) : await listClusterIngresses(connectKube({ kubeconfig: flags.kubeconfig, context: flags.context, requestMs: resolveTimeouts(process.env).kubeRequestMs })));
  if (hosts.length === 0) throw new UsageError('no host to compare: no Ingress of class nginx names a host');
  const reference = await gatewayOf('reference', flags.reference, flags.referenceCa, flags.timeout * 1000);
  const candidate = await gatewayOf('candidate', flags.candidate, flags.candidateCa, flags.timeout * 1000);
  const { knownDifferences } = await context.catalogue();
  context.log(`meshgate: comparing ${hosts.length} hosts through ${flags.reference.address} (reference) and ${flags.candidate.address} (candidate), at most ${flags.rate} requests/s`);
  const report = await runParity({
    reference,
    candidate,
    hosts,
    ratePerSecond: flags.rate,
    hostsAtOnce: flags.hostsAtOnce,
    timeoutMs: flags.timeout * 1000,
    retries: flags.retries,
    rows: new Map(knownDifferences.map((row) => [row.id, row.classification])),
    ...(flags.state ? { stateFile: flags.state } : {}),
    signal: context.signal,
    progress: context.log,
  });
  const dir = join(flags.reports, runId);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'parity.json'), `${JSON.stringify({ runId, ...report }, null, 2)}\n`);
  for (const line of summaryLines(report)) context.log(line);
  context.log(`meshgate: report in ${dir}/parity.json`);
  if (report.interrupted) throw new InterruptedError((context.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
  context.exitCode = report.counts.differs > 0 ? 1 : 0;
  if (flags.json) context.printJson({ runId, verdict: report.counts.differs > 0 ? 'fail' : 'pass', counts: report.counts, differing: report.hosts.filter((host) => host.verdict === 'differs').map((host) => host.host), reportDir: dir });
}

/** A gateway that does not accept connections fails the run before any host is probed: no partial report. */
async function gatewayOf(role: string, endpoint: ParityFlags['reference'], caFile: string | undefined, requestMs: number): Promise<GatewayAddress> {
  for (const port of [endpoint.httpPort, endpoint.httpsPort]) {
    await tcpConnects(endpoint.address, port, requestMs)().catch((error: unknown) => {
      throw new EnvironmentError(`the ${role} gateway ${endpoint.address}:${port} does not accept connections: ${errorMessage(error)}`);
    });
  }
  const ca = caFile === undefined ? undefined : await readInputFile(caFile, `the ${role} gateway's CA bundle`);
  return { ...endpoint, requestMs, ...(ca ? { ca } : {}) };
}

function summaryLines(report: ParityReport): string[] {
  const { same, knownDifference, differs } = report.counts;
  const lines = [`meshgate: ${differs > 0 ? 'FAIL' : 'PASS'}: ${report.hosts.length} hosts, ${same} the same, ${knownDifference} with known differences only, ${differs} differ${report.resumed > 0 ? ` (${report.resumed} from the state file)` : ''}`];
  for (const host of report.hosts.filter((parity) => parity.verdict === 'differs').slice(0, 50)) {
    lines.push(`  ✗ ${host.host}`);
    for (const difference of host.differences.filter((item) => item.class === 'differs')) lines.push(`      ${difference.field}: ${difference.reference ?? '(none)'} -> ${difference.candidate ?? '(none)'}`);
  }
  return lines;
}
