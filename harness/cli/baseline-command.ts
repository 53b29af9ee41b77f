import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { baselineFromReport, writeBaseline } from '../gate/baseline.ts';
import { InputFileError, UsageError, errorMessage } from '../errors.ts';
import type { RunReport } from '../reporters/run-report.ts';
import type { CommandContext } from './command-context.ts';
import { sharedOptions } from './options.ts';

interface SaveFlags {
  from?: string;
  out?: string;
  reports: string;
  force?: boolean;
}

/** `baseline save`: turns a run's results into the reference a later run is gated against. */
export function baselineCommand(context: CommandContext): Command {
  const save = new Command('save')
    .description('save a completed run as a baseline (record it under ingress-nginx, validate under Istio)')
    .argument('[run-id]', 'a run under --reports (default: give --from)')
    .option('--from <results.json>', 'the results file to save')
    .option('-o, --out <file>', 'where to write the baseline (default: baselines/<scenario>-<environment>.json)')
    .option('--force', 'replace an existing baseline file (written atomically: whole or not at all)')
    .addOption(sharedOptions.reports())
    .action(async (runId: string | undefined, flags: SaveFlags) => {
      if (!runId === !flags.from) throw new UsageError('name either a run id or --from <results.json>');
      const source = flags.from ?? join(flags.reports, runId!, 'results.json');
      const report = await readReport(source);
      const baseline = baselineFromReport(report, source);
      const out = flags.out ?? join('baselines', `${report.scenario}-${report.environment}.json`);
      await writeBaseline(out, baseline, { force: Boolean(flags.force) });
      process.stdout.write(`${out}\n`);
      context.log(`meshgate: baseline of run ${report.runId} (${baseline.cases.length} cases) written to ${out}`);
    });
  return new Command('baseline').description('manage baselines (see baselines/README.md)').addCommand(save.exitOverride());
}

async function readReport(file: string): Promise<RunReport> {
  let report: RunReport;
  try {
    report = JSON.parse(await readFile(file, 'utf8')) as RunReport;
  } catch (error) {
    throw new InputFileError(file, `cannot read results: ${errorMessage(error)}`);
  }
  if (report?.version !== 1 || !Array.isArray(report.cases)) throw new InputFileError(file, 'not a meshgate results.json (version 1)');
  return report;
}
