import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.ts';
import { type TimeoutsFlag, addClusterOptions, sharedOptions, timeoutsOf } from './options.ts';
import type { UpOptions } from '../run/up-environment.ts';

type UpFlags = Omit<UpOptions, 'timeouts'> & TimeoutsFlag & { foreground?: boolean };

/** `up`: start an environment, write its target file, leave it running until `down`. */
export function upCommand(context: CommandContext): Command {
  return addClusterOptions(new Command('up'))
    .description('start an environment and leave it running; writes a target file for `meshgate run` and prints its path')
    .addOption(sharedOptions.env())
    .addOption(sharedOptions.scenario())
    .addOption(new Option('--ingresses <file>', 'replay `kubectl get ingress -A -o yaml` output instead of a scenario: the local nginx serves it as ingress-nginx would, fixtures stand in for its Services (--env local)'))
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.httpPort())
    .addOption(sharedOptions.httpsPort())
    .addOption(sharedOptions.target())
    .addOption(sharedOptions.timeouts())
    .addOption(new Option('--foreground', 'stay in the foreground until SIGINT/SIGTERM instead of detaching'))
    .action(async (flags: UpFlags) => {
      const { holdEnvironment, startDetached } = await import('../run/up-environment.ts');
      const options = { ...flags, target: resolve(flags.target), timeouts: timeoutsOf(flags) };
      if (flags.foreground) await holdEnvironment(options, { ...context, knownDifferences: async () => (await context.catalogue()).knownDifferences });
      else await startDetached(options, process.argv.slice(process.argv.indexOf('up') + 1), context);
    });
}

/** `down`: stop what `up` started, by signalling the process that holds it. */
export function downCommand(context: CommandContext): Command {
  return new Command('down')
    .description('stop the environment `meshgate up` started (every process, every temp file)')
    .addOption(sharedOptions.target())
    .addOption(sharedOptions.timeouts())
    .action(async (flags: { target: string } & TimeoutsFlag) => {
      const { stopEnvironment } = await import('../run/up-environment.ts');
      await stopEnvironment(flags.target, timeoutsOf(flags), context.log);
    });
}
