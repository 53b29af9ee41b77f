import { join } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.ts';
import type { CommandContext } from './command-context.ts';
import { sharedOptions } from './options.ts';

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
      const { saveBaseline } = await import('../gate/save-baseline.ts');
      const { file, message } = await saveBaseline({ ...flags, sources });
      context.print(`${file}\n`);
      context.log(message);
    });
  return new Command('baseline').description('manage baselines (see baselines/README.md)').addCommand(save.exitOverride());
}
