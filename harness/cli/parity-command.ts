import { Command, Option } from 'commander';
import type { CommandContext } from './command-context.ts';
import type { VerdictOutputs } from '../run/after-verdict.ts';
import type { ParityCommandOptions } from '../run/parity.ts';
import { type MonitoringFlags, verdictOutputs } from './monitoring.ts';
import { existingClusterOptions, sharedOptions, timeoutsOf, wholeNumber } from './options.ts';
import { parseGatewayEndpoint } from '../net/gateway-endpoint.ts';

/** `parity`: every host through two live gateways, answer by answer. */
export function parityCommand(context: CommandContext): Command {
  const command = new Command('parity')
    .description('probe every host through two live gateways (TLS, redirect, GET and HEAD, CORS preflights, WebSocket upgrade; read-only) and name each host whose answers differ, after learning from the reference twice what varies by itself')
    .requiredOption('--reference <address[:http:https]>', 'the gateway in service today (e.g. ingress-nginx)', parseGatewayEndpoint)
    .requiredOption('--candidate <address[:http:https]>', 'the gateway to switch to (e.g. the Istio ingress gateway)', parseGatewayEndpoint)
    .option('--reference-ca <file>', "PEM bundle that verifies the reference's certificates (default: the system roots)")
    .option('--candidate-ca <file>', "PEM bundle that verifies the candidate's certificates (default: the system roots)")
    .option('--hosts <file>', 'hosts to compare, one per line (HTTPS and / assumed)')
    .option('--ingresses <file>', 'hosts, paths, TLS, CORS and WebSocket from `kubectl get ingress -A -o yaml` output')
    .option('--from-cluster', 'hosts from the Ingresses of the kubeconfig context (list only)')
    .addOption(new Option('--rate <requests/s>', 'requests per second over both gateways together').argParser(wholeNumber('--rate', 1, 1000)).default(20))
    .addOption(new Option('--hosts-at-once <n>', 'hosts probed at once (one request in flight per host)').argParser(wholeNumber('--hosts-at-once', 1, 64)).default(8))
    .addOption(new Option('--timeout <seconds>', 'bound on each request').argParser(wholeNumber('--timeout', 1, 120)).default(5))
    .addOption(new Option('--retries <n>', 'extra attempts at a host whose answers carry a connection error').argParser(wholeNumber('--retries', 0, 5)).default(1))
    .addOption(new Option('--workers <n>', 'share the hosts among n pods of an Indexed Job in the kubeconfig\'s cluster (the gateway addresses are then those the pods reach); the rate is shared').argParser(wholeNumber('--workers', 1, 100)).default(1))
    .option('--worker-image <image>', "meshgate's own image, for the --workers pods")
    .option('--state <file>', 'resume from (and record progress in) this file: hosts already in it are not probed again')
    .addOption(sharedOptions.reports())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.metricsOut())
    .addOption(sharedOptions.pushgateway())
    .addOption(sharedOptions.timeouts())
    .option('--json', 'print the comparison summary as JSON on stdout');
  for (const option of existingClusterOptions().slice(0, 2)) command.addOption(option);
  return command
    .addHelpText('after', '\nWrites reports/<run-id>/parity.html and parity.json: every host that differs, both answers side by side.\nExit codes: 0 every host answers the same (or with known differences only), 1 a host differs, 2 bad input, an unreachable gateway (at the start, or for a host) or an interrupted run.')
    .action(async (flags: ParityFlags) => {
      const { runParityCommand } = await import('../run/parity.ts');
      context.exitCode = await runParityCommand({ ...flags, timeouts: timeoutsOf(flags), ...verdictOutputs(context, flags), knownDifferences: async () => (await context.catalogue()).knownDifferences, signal: context.signal });
    });
}

/** The flags of `parity`, as commander gives them. */
type ParityFlags = Omit<ParityCommandOptions, keyof VerdictOutputs | 'knownDifferences' | 'signal' | 'timeouts'> & MonitoringFlags;
