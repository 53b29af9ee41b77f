import { join } from 'node:path';
import { Command } from 'commander';
import { InputFileError, UsageError } from '../errors.ts';
import type { RunReport } from '../results/run-report.ts';
import type { CommandContext } from './command-context.ts';
import { sharedOptions } from './options.ts';
import { readInputFile } from '../input-file.ts';

interface SaveFlags {
  from?: string[];
  out?: string;
  reports: string;
  force?: boolean;
  append?: boolean;
}

/**
 * `baseline save`: turns runs' results into the reference later runs are gated
 * against. Several runs (k >= 3, recorded interleaved or over time) give the
 * performance gate the spread between runs; --append adds runs to a baseline.
 */
export function baselineCommand(context: CommandContext): Command {
  const save = new Command('save')
    .description('save completed runs as a baseline (record it under ingress-nginx, validate under Istio); k >= 3 runs for a performance verdict')
    .argument('[run-ids...]', 'runs under --reports (or give --from)')
    .option('--from <results.json...>', 'results files to save')
    .option('-o, --out <file>', 'where to write the baseline (default: baselines/<scenario>-<environment>.json)')
    .option('--append', 'add these runs to the existing baseline --out (same scenario, catalogue, environment and machine class)')
    .option('--force', 'replace an existing baseline file (written atomically: whole or not at all)')
    .addOption(sharedOptions.reports())
    .action(async (runIds: string[], flags: SaveFlags) => {
      const sources = [...runIds.map((runId) => join(flags.reports, runId, 'results.json')), ...(flags.from ?? [])];
      if (sources.length === 0) throw new UsageError('name run ids or --from <results.json>');
      if (flags.append && flags.force) throw new UsageError('--append adds to a baseline, --force replaces it: give one');
      const { appendRuns, baselineFromReport, readBaseline, writeBaseline } = await import('../gate/baseline.ts');
      const reports = await Promise.all(sources.map(async (source) => ({ report: await readReport(source), source })));
      const [first, ...rest] = reports;
      const out = flags.out ?? join('baselines', `${first!.report.scenario}-${first!.report.environment}.json`);
      const baseline = flags.append ? appendRuns(await readBaseline(out), reports) : appendRuns(baselineFromReport(first!.report, first!.source), rest);
      await writeBaseline(out, baseline, { force: Boolean(flags.force || flags.append) });
      context.print(`${out}\n`);
      const runs = baseline.runs?.length ?? 1;
      context.log(`meshgate: baseline of ${runs} run(s) (${baseline.cases.length} cases) written to ${out}${runs < 3 ? '; a performance verdict needs at least 3 runs: add more with --append' : ''}`);
    });
  return new Command('baseline').description('manage baselines (see baselines/README.md)').addCommand(save.exitOverride());
}

async function readReport(file: string): Promise<RunReport> {
  const report = await readInputFile(file, 'results', (text) => JSON.parse(text) as RunReport);
  if (report?.version !== 1 || !Array.isArray(report.cases)) throw new InputFileError(file, 'not a meshgate results.json (version 1)');
  return report;
}
