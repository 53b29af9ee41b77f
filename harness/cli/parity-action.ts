// The work of `parity`, loaded only when it runs.
import { join } from 'node:path';
import { EnvironmentError, InterruptedError, UsageError } from '../errors.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { runParityJob } from '../parity/parity-job.ts';
import { type ParityDocument, parityVerdict, paritySummary } from '../parity/parity-document.ts';
import { type GatewayEndpoint, type HostSource, gatewayWithCa, parityHosts, reachableGateway } from '../parity/parity-sources.ts';
import { runParity } from '../parity/run-parity.ts';
import { parityMetrics } from '../reporters/command-metrics.ts';
import { writeParityReport } from '../reporters/parity-html.ts';
import { checkRunId, newRunId } from '../run/run-id.ts';
import type { CommandContext } from './command-context.ts';
import { type MonitoringFlags, afterVerdict } from './monitoring.ts';

/** The flags of `parity` (parity-command.ts). */
export interface ParityFlags extends HostSource, MonitoringFlags {
  reference: GatewayEndpoint;
  candidate: GatewayEndpoint;
  referenceCa?: string;
  candidateCa?: string;
  rate: number;
  hostsAtOnce: number;
  timeout: number;
  retries: number;
  state?: string;
  /** Indexed Job pods sharing the hosts (1: this process compares them all). */
  workers: number;
  workerImage?: string;
  reports: string;
  runId?: string;
  json?: boolean;
}

export async function runParityAction(context: CommandContext, flags: ParityFlags): Promise<void> {
  const runId = checkRunId(flags.runId ?? newRunId());
  if (flags.workers > 1 && (flags.workerImage === undefined || flags.state !== undefined)) throw new UsageError('--workers needs --worker-image (meshgate\'s image, run as an Indexed Job), and does not resume from --state');
  const { hosts, source } = await parityHosts(flags, context.log);
  // With --workers the pods reach the gateways (at in-cluster addresses), and each checks them before its first probe.
  const gateway = flags.workers > 1 ? gatewayWithCa : reachableGateway;
  const reference = await gateway('reference', flags.reference, flags.referenceCa);
  const candidate = await gateway('candidate', flags.candidate, flags.candidateCa);
  const { knownDifferences } = await context.catalogue();
  context.log(`meshgate: comparing ${hosts.length} hosts through ${flags.reference.address} (reference) and ${flags.candidate.address} (candidate), at most ${flags.rate} requests/s`);
  const startedAt = new Date().toISOString();
  const options = { rate: flags.rate, hostsAtOnce: flags.hostsAtOnce, timeout: flags.timeout, retries: flags.retries, workers: flags.workers };
  const rows = new Map(knownDifferences.map((row) => [row.id, row.classification]));
  const settings = { reference, candidate, hosts, ratePerSecond: flags.rate, hostsAtOnce: flags.hostsAtOnce, timeoutMs: flags.timeout * 1000, retries: flags.retries };
  const report =
    flags.workers > 1
      ? await runParityJob({ kube: connectKube({ kubeconfig: flags.kubeconfig, context: flags.context }), runId, image: flags.workerImage!, spec: { ...settings, workers: flags.workers, rows: [...rows] }, signal: context.signal, log: context.log })
      : await runParity({ ...settings, rows, ...(flags.state ? { stateFile: flags.state } : {}), signal: context.signal, progress: context.log });
  const document: ParityDocument = { runId, verdict: parityVerdict(report), source, startedAt, finishedAt: new Date().toISOString(), options, ...report };
  const dir = join(flags.reports, runId);
  await writeParityReport(dir, document);
  for (const line of paritySummary(document)) context.log(line);
  context.log(`meshgate: report in ${dir}/parity.html and parity.json`);
  context.exitCode = document.verdict === 'pass' ? 0 : document.verdict === 'fail' ? 1 : 2;
  const notice = { command: 'parity', runId, verdict: document.verdict, exitCode: context.exitCode, lines: paritySummary(document).slice(1), report: { dir } };
  await afterVerdict(context, flags, { families: parityMetrics(document), group: { grouping: { command: 'parity' }, runId } }, notice);
  if (document.verdict === 'interrupted') throw new InterruptedError((context.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
  if (document.verdict === 'error') throw new EnvironmentError(`${report.counts.unreachable} hosts could not be compared (a gateway answered none of their probes); the report says which`);
  if (flags.json) context.printJson({ runId, verdict: document.verdict, counts: report.counts, differing: report.hosts.filter((host) => host.verdict === 'differs').map((host) => host.host), reportDir: dir });
}
