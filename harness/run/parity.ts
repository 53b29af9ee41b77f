import { join } from 'node:path';
import { EnvironmentError, InterruptedError, UsageError } from '../errors.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { type ParityDocument, parityVerdict, paritySummary } from '../parity/parity-document.ts';
import { runParityJob } from '../parity/parity-job.ts';
import { type GatewayEndpoint, type HostSource, gatewayWithCa, parityHosts, reachableGateway } from '../parity/parity-sources.ts';
import { runParity } from '../parity/run-parity.ts';
import { parityMetrics } from './command-metrics.ts';
import { writeParityReport } from '../reporters/parity-html.ts';
import type { KnownDifference } from '../suite/known-difference.ts';
import { type VerdictOutputs, afterVerdict } from './after-verdict.ts';
import { checkRunId, newRunId } from './run-id.ts';

/** What `parity` needs: where the hosts come from, the two gateways, the pace, where reports go, and the verdict's outputs. */
export interface ParityCommandOptions extends HostSource, VerdictOutputs {
  reference: GatewayEndpoint;
  candidate: GatewayEndpoint;
  referenceCa?: string;
  candidateCa?: string;
  /** Requests per second over both gateways (and every worker) together. */
  rate: number;
  hostsAtOnce: number;
  /** Bound on each request: seconds. */
  timeout: number;
  retries: number;
  state?: string;
  /** Indexed Job pods sharing the hosts (1: this process compares them all). */
  workers: number;
  workerImage?: string;
  reports: string;
  runId?: string;
  /** The known-differences table (content, loaded when the command runs). */
  knownDifferences: () => Promise<readonly KnownDifference[]>;
  signal: AbortSignal;
}

/**
 * The parity pipeline: the hosts, the gateways (checked before any probe), the comparison
 * here or in an Indexed Job, then parity.html and parity.json, the summary, the metrics and
 * the notice. Returns the exit code: 0 pass, 1 a host differs; a host not compared or an
 * interruption throws (exit 2) after the report is written.
 */
export async function runParityCommand(options: ParityCommandOptions): Promise<number> {
  const runId = checkRunId(options.runId ?? newRunId());
  const inJob = options.workers > 1;
  if (inJob && (options.workerImage === undefined || options.state !== undefined)) throw new UsageError("--workers needs --worker-image (meshgate's image, run as an Indexed Job), and does not resume from --state");
  const { hosts, source } = await parityHosts(options, options.log);
  // In a Job the pods reach the gateways (at in-cluster addresses), and each checks them before its first probe.
  const gateway = inJob ? gatewayWithCa : reachableGateway;
  const reference = await gateway('reference', options.reference, options.referenceCa, options.timeout * 1000);
  const candidate = await gateway('candidate', options.candidate, options.candidateCa, options.timeout * 1000);
  const rows = new Map((await options.knownDifferences()).map((row) => [row.id, row.classification]));
  options.log(`meshgate: comparing ${hosts.length} hosts through ${reference.address} (reference) and ${candidate.address} (candidate), at most ${options.rate} requests/s`);
  const startedAt = new Date().toISOString();
  const settings = { reference, candidate, hosts, ratePerSecond: options.rate, hostsAtOnce: options.hostsAtOnce, timeoutMs: options.timeout * 1000, retries: options.retries };
  const report = inJob
    ? await runParityJob({ kube: connectKube({ ...options, requestMs: options.timeouts.kubeRequestMs }), runId, timeouts: options.timeouts, image: options.workerImage!, spec: { ...settings, workers: options.workers, rows: [...rows] }, signal: options.signal, log: options.log })
    : await runParity({ ...settings, rows, ...(options.state ? { stateFile: options.state } : {}), signal: options.signal, progress: options.log });
  const { rate, hostsAtOnce, timeout, retries, workers } = options;
  const document: ParityDocument = { runId, verdict: parityVerdict(report), source, startedAt, finishedAt: new Date().toISOString(), options: { rate, hostsAtOnce, timeout, retries, workers }, ...report };
  const dir = join(options.reports, runId);
  await writeParityReport(dir, document);
  const summary = paritySummary(document);
  for (const line of summary) options.log(line);
  options.log(`meshgate: report in ${dir}/parity.html and parity.json`);
  const exitCode = document.verdict === 'pass' ? 0 : document.verdict === 'fail' ? 1 : 2;
  const notice = { command: 'parity', runId, verdict: document.verdict, exitCode, lines: summary.slice(1), report: { dir } };
  await afterVerdict(options, { families: parityMetrics(document), group: { grouping: { command: 'parity' }, runId } }, notice);
  if (document.verdict === 'interrupted') throw new InterruptedError((options.signal.reason as NodeJS.Signals | undefined) ?? 'SIGINT');
  if (document.verdict === 'error') throw new EnvironmentError(`${report.counts.unreachable} hosts could not be compared (a gateway answered none of their probes); the report says which`);
  options.printJson?.({ runId, verdict: document.verdict, counts: report.counts, differing: report.hosts.filter((host) => host.verdict === 'differs').map((host) => host.host), reportDir: dir });
  return exitCode;
}
