import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appProtocol } from '../suite/app-probe.ts';
import { readTarget } from '../target.ts';
import { type WatchSummary, WatchRecorder } from '../watch/watch-recorder.ts';
import { writeWatchReport } from '../watch/watch-report.ts';
import { WatchStatus } from '../watch/watch-status.ts';
import { watchTraffic, watchedApps } from '../watch/watch-traffic.ts';
import { assertReachable, gatewayLabel } from './reachable.ts';
import { checkRunId, newRunId } from './run-id.ts';

/** What a watch needs: the target, how long and how often, the success rate it requires, where reports go. */
export interface WatchOptions {
  /** The target file. */
  target: string;
  /** ms. */
  duration: number;
  /** Pause between two rounds over every host, ms. */
  interval: number;
  /** Success rate the gate requires, 0 to 1. */
  minSuccess: number;
  /** Without a terminal, how often the rolling status line is printed, ms. */
  statusEvery: number;
  reports: string;
  runId?: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** A finished watch: whether the success rate was met, its figures, and where its report is. */
export interface WatchOutcome {
  passed: boolean;
  summary: WatchSummary;
  dir: string;
  runId: string;
  /** The target's scenario name (the metrics' group). */
  scenario: string;
}

/**
 * The watch pipeline, with the run's stages (run id, reachability, gateway label):
 * light traffic to every served host until the duration or the signal, then the
 * report (watch.csv, watch.html, watch.json) and the verdict on the success rate.
 */
export async function watchGateway(options: WatchOptions): Promise<WatchOutcome> {
  const runId = checkRunId(options.runId ?? newRunId());
  const target = await readTarget(options.target);
  await assertReachable(target, options.signal);
  const apps = watchedApps(target);
  const protocols = [...new Set(apps.map(appProtocol))].map((protocol) => `${apps.filter((app) => appProtocol(app) === protocol).length} ${protocol}`);
  options.log(`meshgate: watching ${apps.length} served apps (${protocols.join(', ')}) on ${gatewayLabel(target)} for up to ${options.duration / 1000} s (Ctrl-C to stop)`);
  const recorder = new WatchRecorder(apps);
  const status = new WatchStatus(recorder, process.stderr, options.statusEvery);
  const startedAt = new Date().toISOString();
  status.start();
  try {
    await watchTraffic({
      target,
      gateway: { ...target.gateway, ca: target.caFile ? readFileSync(target.caFile, 'utf8') : undefined },
      durationMs: options.duration,
      intervalMs: options.interval,
      signal: options.signal,
      onSample: (sample) => {
        const first = recorder.record(sample);
        if (first) status.failure(`  ✗ ${first.firstAt} ${first.host} (${first.app}, ${first.protocol}): ${first.what}`);
      },
    });
  } finally {
    status.stop();
  }
  const summary = recorder.summary();
  const passed = summary.requests > 0 && summary.successRate >= options.minSuccess;
  const dir = join(options.reports, runId);
  await writeWatchReport(dir, { runId, gateway: gatewayLabel(target), startedAt, finishedAt: new Date().toISOString(), minSuccess: options.minSuccess, passed }, summary, recorder.perSecond());
  options.log(`meshgate: ${passed ? 'PASS' : 'FAIL'}: ${summary.requests} requests, ${summary.failures} failed (${summary.distinctFailures.length} distinct), success rate ${(summary.successRate * 100).toFixed(3)} % (required ${(options.minSuccess * 100).toFixed(1)} %)`);
  options.log(`meshgate: watch report in ${dir}/ (watch.html, watch.csv, watch.json)`);
  return { passed, summary, dir, runId, scenario: target.resolved.name };
}
