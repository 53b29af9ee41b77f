import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.ts';
import type { DoctorOptions } from '../run/doctor.ts';
import { resolveTimeouts } from '../timeouts.ts';
import { existingClusterOptions } from './options.ts';

type DoctorFlags = Omit<DoctorOptions, 'timeouts'> & { json?: boolean };

/** `doctor`: checks an environment's prerequisites with versions and says what to do about each missing one. */
export function doctorCommand(context: CommandContext): Command {
  const command = new Command('doctor')
    .description('check the prerequisites of an environment (and of the benchmarks), with versions and what to do about anything missing')
    .addOption(new Option('-e, --env <name>', 'environment to check').choices(['local', 'kind', 'k3s', 'existing']).default('local'))
    .addOption(new Option('--mode <mode>', 'gateways the cluster environment would install').choices(['ingress', 'istio', 'dual']).default('istio'))
    .addOption(new Option('--istio-installer <tool>', 'how Istio would be installed').choices(['istioctl', 'helm']).default('istioctl'))
    .option('--json', 'print the checks as JSON on stdout');
  for (const option of existingClusterOptions()) command.addOption(option);
  return command
    .addHelpText('after', '\nWith --env existing, doctor also reads the cluster (reads only): the istiod (or Higress) version and PILOT_SCOPE_GATEWAY_TO_NAMESPACE, the gateway pods --gateway-namespace and --gateway-selector find, the Istio CRD versions served, the ingress-nginx controller.')
    .action(async (flags: DoctorFlags) => {
      const { runDoctor } = await import('../run/doctor.ts');
      const { results, exitCode } = await runDoctor({ ...flags, timeouts: resolveTimeouts(process.env) }, context.log);
      if (flags.json) context.printJson(results);
      context.exitCode = exitCode;
    });
}
