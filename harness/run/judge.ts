import { join } from 'node:path';
import { exitCodeFor } from '../gate/verdict.ts';
import { writeJudgement } from '../judge/format-judgement.ts';
import { gatewayWorkloadOf } from '../judge/gateway-workload.ts';
import { type JudgeInput, judgeWindow } from '../judge/judge-window.ts';
import { reportLocation } from '../notify/notice.ts';
import { judgeMetrics } from './command-metrics.ts';
import { type VerdictOutputs, afterVerdict } from './after-verdict.ts';
import { checkRunId } from './run-id.ts';

/** What `judge` needs: the judgement's input, the window, where reports go, and the verdict's outputs. */
export interface JudgeOptions extends JudgeInput, VerdictOutputs {
  prometheus: URL;
  /** Length of the judged window, ms. */
  window: number;
  /** End of the window (default: now). */
  at?: Date;
  reports: string;
  runId: string;
  signal: AbortSignal;
}

/**
 * The judge pipeline: judges the window from Prometheus, then the metrics and the
 * notice, then reports/<run-id>/judge.json (with their warnings) and the `--json`
 * document. Returns the exit code.
 */
export async function runJudge(options: JudgeOptions): Promise<number> {
  const runId = checkRunId(options.runId);
  const judgement = await judgeWindow(options, options.window, options.at ?? new Date(), options.signal, options.log);
  const exitCode = exitCodeFor(judgement.verdict);
  const dir = join(options.reports, runId);
  const lines = judgement.reasons.map((reason) => `${reason.subject}: ${reason.message}`);
  const notice = { command: 'judge', runId, verdict: judgement.verdict, exitCode, lines, report: reportLocation(options.reportUrlBase, dir, runId, 'judge.json') };
  const warnings = await afterVerdict(options, { families: judgeMetrics(judgement), group: { grouping: { command: 'judge', workload: gatewayWorkloadOf(options) }, runId } }, notice);
  // Written after the monitoring, so its warnings are in it.
  const document = { runId, ...judgement, warnings };
  await writeJudgement(dir, document);
  options.log(`meshgate: judgement in ${dir}/judge.json`);
  options.printJson?.(document);
  return exitCode;
}
