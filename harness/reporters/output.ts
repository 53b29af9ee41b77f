import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRedacted } from '../redact.ts';
import type { RunReport } from '../results/run-report.ts';

/** What an output is told besides the report. */
export interface OutputContext {
  /** The run's report folder, reports/<run-id>/. */
  dir: string;
  /** The run's exit code (2 when interrupted or the harness failed). */
  exitCode: number;
  log: (line: string) => void;
  /** A monitoring output (metrics, webhook) that failed says so here: the run records it as a note, and the exit code stays. */
  warn?: (warning: string) => void;
}

/**
 * One destination of a run report (a file format, a metrics sink, a
 * notification), as k6's outputs are: the run writes a list of them in order.
 */
export interface Output {
  /** What it writes to, for logs and errors: `junit.xml`, `Pushgateway`, ... */
  readonly name: string;
  write(report: RunReport, context: OutputContext): Promise<void>;
}

/** Writes `report` to every output, one after another, in the list's order. */
export async function writeOutputs(outputs: readonly Output[], report: RunReport, context: OutputContext): Promise<void> {
  for (const output of outputs) await output.write(report, context);
}

/** An output that formats the report as one file in the report folder, written atomically through the one redaction. */
export function fileOutput(name: string, format: (report: RunReport) => string): Output {
  return {
    name,
    async write(report, context) {
      await mkdir(context.dir, { recursive: true });
      await writeRedacted(join(context.dir, name), format(report));
    },
  };
}
