import { Command } from 'commander';

/**
 * `fixture`: echo backends in the foreground: one (as a cluster pod runs it) or many
 * in one process (as the local environment's pool runs them). The flags are parsed (and validated) by the fixture itself;
 * they are declared here for --help.
 */
export function fixtureCommand(): Command {
  return new Command('fixture')
    .description('run echo fixture backends (HTTP/1.1 + WebSocket, and gRPC h2c) until SIGTERM: one, or many with --apps')
    .option('--tenant <user>', 'tenant (Sealos user) it reports (required without --apps)')
    .option('--namespace <ns>', 'namespace it reports (ns-<user>; required without --apps)')
    .option('--app <name>', 'app name it reports (required without --apps)')
    .option('--apps <json>', 'many apps in one process, each on its own free ports: [{"tenant":"t1","namespace":"ns-t1","app":"web","instance":"i1"}, ...]')
    .option('--instance <id>', 'instance id it reports (default: random)')
    .option('--http-port <port>', 'HTTP/WebSocket port (default: a free one)')
    .option('--grpc-port <port>', 'gRPC h2c port (default: a free one)')
    .option('--latency-ms <ms>', 'latency added to every answer')
    .option('--error-rate <0..1>', 'fraction of requests answered with an error')
    .addHelpText('after', '\nPrints one JSON ready line per app with its ports on stdout. Per request: ?delay=ms, ?status=N, ?size=bytes, ?chunks=N&interval=ms.')
    .action(async (_flags: unknown, command: Command) => {
      const rawArgs = command.parent?.args ?? [];
      const { runFixtureProcess } = await import('../fixture/main.ts');
      await runFixtureProcess(rawArgs.slice(rawArgs.indexOf('fixture') + 1));
    });
}
