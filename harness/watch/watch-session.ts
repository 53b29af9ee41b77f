import type { GatewayAddress } from '../clients/http-client.ts';
import type { LoadedTarget } from '../target.ts';
import { defaultEventRules, detectEvents } from './watch-events.ts';
import { gateWatch } from './watch-gate.ts';
import { type HeldConnection, reportMark } from './watch-mark.ts';
import type { WatchOutcome } from './watch-outcome.ts';
import { listenForMarks } from './watch-marks.ts';
import { p95Breaches } from './watch-p95.ts';
import { WatchRecorder } from './watch-recorder.ts';
import { WatchStatus } from './watch-status.ts';
import { warmUp, watchTraffic, watchedApps } from './watch-traffic.ts';
import { holdWebSockets } from './watch-websockets.ts';

/** What a watch is asked to do; durations in ms. */
export interface WatchSettings {
  target: LoadedTarget;
  gateway: GatewayAddress;
  durationMs: number;
  intervalMs: number;
  statusEveryMs: number;
  minSuccess: number;
  /** Per-answer ceiling, ms. */
  maxLatencyMs: number;
  /** Rolling p95 budget per host, ms, over `p95WindowMs`. */
  p95BudgetMs: number;
  p95WindowMs: number;
  /** A file whose touch marks the switch (SIGUSR2 does too), and how far either side of a mark the report looks, ms. */
  markFile?: string;
  markWindowMs: number;
  signal: AbortSignal;
}

/** Runs the watch's traffic, held WebSockets, marks and status line until the duration ends or the signal fires; then judges. */
export async function runWatchSession(settings: WatchSettings): Promise<WatchOutcome> {
  const apps = watchedApps(settings.target);
  const recorder = new WatchRecorder(apps, settings.maxLatencyMs);
  const status = new WatchStatus(recorder, process.stderr, settings.statusEveryMs);
  const held: HeldConnection[] = [];
  const marks: Array<{ at: number; by: string }> = [];
  // Listening from the start: SIGUSR2 unheard would end the process.
  const stopMarks = listenForMarks(settings.markFile, performance.timeOrigin, (mark) => {
    marks.push(mark);
    status.failure(`  ▶ switch marked at ${new Date(mark.at).toISOString()} (${mark.by})`);
  });
  const done = new AbortController();
  const signal = AbortSignal.any([settings.signal, done.signal]);
  let startedAt = new Date().toISOString();
  try {
    await warmUp(settings.target, settings.gateway);
    startedAt = new Date().toISOString();
    status.start();
    const options = { durationMs: settings.durationMs, intervalMs: settings.intervalMs, signal };
    const onDrop = (connection: HeldConnection) => status.failure(`  ✗ ${new Date(connection.closedAt!).toISOString()} ${connection.host}: held WebSocket ended (${connection.why}); reconnecting`);
    const websockets = holdWebSockets(apps, settings.gateway, { ...options, onDrop }, held);
    await watchTraffic({
      ...options,
      target: settings.target,
      gateway: settings.gateway,
      onStart: (exchange) => recorder.started(exchange),
      onSample: (sample) => {
        const first = recorder.record(sample);
        if (first) status.failure(`  ✗ ${first.firstAt} ${first.host} (${first.app}, ${first.protocol}): ${first.what}`);
      },
    });
    done.abort();
    await websockets;
  } finally {
    done.abort();
    stopMarks();
    status.stop();
  }
  const endedAt = Date.now();
  return judgeWatch(settings, recorder, held, marks, startedAt, endedAt);
}

function judgeWatch(settings: WatchSettings, recorder: WatchRecorder, held: HeldConnection[], marks: Array<{ at: number; by: string }>, startedAt: string, endedAt: number): WatchOutcome {
  const answers = [...recorder.answers()];
  const summary = recorder.summary();
  const events = detectEvents(answers, defaultEventRules);
  const breaches = p95Breaches(answers, { budgetMs: settings.p95BudgetMs, windowMs: settings.p95WindowMs });
  const gate = gateWatch({ requests: summary.requests, failures: summary.failures, minSuccess: settings.minSuccess, p95BudgetMs: settings.p95BudgetMs, events, breaches });
  const markReports = marks.map((mark) => reportMark(mark, answers, held, { windowMs: settings.markWindowMs, minSuccess: settings.minSuccess, endedAt }));
  return {
    startedAt,
    finishedAt: new Date(endedAt).toISOString(),
    ...gate,
    summary,
    seconds: recorder.perSecond(),
    events,
    p95Breaches: breaches,
    marks: markReports,
    websockets: { opened: held.length, dropped: held.filter((connection) => connection.closedAt !== null).length },
  };
}
