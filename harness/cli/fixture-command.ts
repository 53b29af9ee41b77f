import { Command } from 'commander';
import { runFixtureProcess } from '../fixture/main.ts';

/**
 * `fixture`: one echo backend in the foreground, as the local environment and the
 * cluster image run it. The flags are parsed (and validated) by the fixture itself;
 * they are declared here for --help.
 */
export function fixtureCommand(): Command {
  return new Command('fixture')
    .description('run one echo fixture backend (HTTP/1.1 + WebSocket, and gRPC h2c) until SIGTERM')
    .requiredOption('--tenant <user>', 'tenant (Sealos user) it reports')
    .requiredOption('--namespace <ns>', 'namespace it reports (ns-<user>)')
    .requiredOption('--app <name>', 'app name it reports')
    .option('--instance <id>', 'instance id it reports (default: random)')
    .option('--http-port <port>', 'HTTP/WebSocket port (default: a free one)')
    .option('--grpc-port <port>', 'gRPC h2c port (default: a free one)')
    .option('--latency-ms <ms>', 'latency added to every answer')
    .option('--error-rate <0..1>', 'fraction of requests answered with an error')
    .addHelpText('after', '\nPrints one JSON ready line with its ports on stdout. Per request: ?delay=ms, ?status=N, ?size=bytes, ?chunks=N&interval=ms.')
    .action(async (_flags: unknown, command: Command) => {
      const rawArgs = command.parent?.args ?? [];
      await runFixtureProcess(rawArgs.slice(rawArgs.indexOf('fixture') + 1));
    });
}
