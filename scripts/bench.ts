// npm run bench [-- --protocols http,grpc,websocket --concurrency 1,50 --seconds 5 --rounds 3 --neighbour
//                   --engine-processes 1 --tool-cores 1]
// meshgate's load engine beside reference tools on one target (bench-target.ts:
// nginx and the echo fixture on core 0, every tool on core 1), in the same run:
// HTTP/1.1 (wrk, hey, autocannon), gRPC unary over TLS (h2load), WebSocket
// round trips (a minimal ws loop). Tools take turns, order rotated each round;
// the median run of each and its ratio to the reference are printed as tables.
// --neighbour adds a CPU-burning process on each core for the whole bench;
// --engine-processes and --tool-cores show how the engine scales over processes and cores.
// See shared/design/performance.md: with other jobs on the machine only the
// ratios of one run mean anything.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { grpcTools } from './bench-grpc.ts';
import { httpTools } from './bench-http.ts';
import { type BenchTarget, startBenchTarget, targetCore, toolCore } from './bench-target.ts';
import { type Load, type Tool, compare, toolCores } from './bench-tools.ts';
import { startCpuBurner } from './cpu-burner.ts';
import { websocketTools } from './bench-websocket.ts';

const protocols = ['http', 'grpc', 'websocket'] as const;
type Protocol = (typeof protocols)[number];
/** Concurrencies each protocol is compared at unless --concurrency says otherwise. */
const defaultConcurrency: Record<Protocol, number[]> = { http: [50], grpc: [1, 50], websocket: [1, 50] };

function usage(problem: string): never {
  console.error(`bench: ${problem}\nusage: npm run bench -- [--protocols http,grpc,websocket] [--concurrency 1,50] [--seconds 5] [--rounds 3] [--neighbour] [--engine-processes 1] [--tool-cores 1]`);
  process.exit(2);
}

function options() {
  let values;
  try {
    ({ values } = parseArgs({
      options: { protocols: { type: 'string' }, concurrency: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' }, neighbour: { type: 'boolean' },
        'engine-processes': { type: 'string' }, 'tool-cores': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    usage((error as Error).message);
  }
  const integer = (name: string, raw: string | undefined, fallback: number, max: number) => {
    const value = raw === undefined ? fallback : Number(raw);
    if (!Number.isInteger(value) || value < 1 || value > max) usage(`--${name} must be a whole number from 1 to ${max}, got '${raw}'`);
    return value;
  };
  const chosen = (values.protocols?.split(',') ?? protocols).map((name) => name.trim());
  const unknown = chosen.filter((name) => !(protocols as readonly string[]).includes(name));
  if (unknown.length > 0) usage(`--protocols: unknown ${unknown.join(', ')} (known: ${protocols.join(', ')})`);
  const concurrency = values.concurrency?.split(',').map((level) => integer('concurrency', level, 1, 1000));
  return {
    protocols: chosen as Protocol[],
    concurrency,
    seconds: integer('seconds', values.seconds, 5, 600),
    rounds: integer('rounds', values.rounds, 3, 50),
    neighbour: values.neighbour === true,
    engineProcesses: integer('engine-processes', values['engine-processes'], 1, 16),
    toolCores: toolCoreList(values['tool-cores']),
  };
}

/** A taskset core list such as `1` or `0-1`, within the cores this machine has. */
function toolCoreList(raw: string | undefined): string {
  if (raw === undefined) return toolCore;
  const cores = raw.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map(Number);
    return Number.isInteger(from) && Number.isInteger(to) && from! <= to! ? Array.from({ length: to! - from! + 1 }, (_, i) => from! + i) : [NaN];
  });
  if (cores.some((core) => !Number.isInteger(core) || core < 0 || core >= availableParallelism())) usage(`--tool-cores: '${raw}' is not a list of cores 0-${availableParallelism() - 1}`);
  return raw;
}

const settings = options();
toolCores.cpus = settings.toolCores;
const scratch = await mkdtemp(join(tmpdir(), 'meshgate-bench-data-'));
let neighbours: ReturnType<typeof startCpuBurner> | undefined;
let target: BenchTarget | undefined;
const stopAll = async () => {
  await Promise.all([target?.stop(), neighbours?.stop()]);
  await rm(scratch, { recursive: true, force: true });
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().finally(() => process.exit(2)));

try {
  target = await startBenchTarget();
  // Started once the target is up: the neighbour loads what is measured, not the start.
  // Pinned, one per core, each ending itself after 30 minutes whatever happens to the bench.
  if (settings.neighbour) neighbours = startCpuBurner([targetCore, toolCore], 30 * 60);
  const condition = settings.neighbour ? 'with a CPU-burning neighbour on each core' : 'no neighbour started by the bench';
  console.log(`bench: target on core ${targetCore}, tools on core(s) ${settings.toolCores}, ${settings.seconds} s per run, ${settings.rounds} rounds, ${condition}`);
  for (const protocol of settings.protocols) {
    for (const concurrency of settings.concurrency ?? defaultConcurrency[protocol]) {
      const load: Load = { gateway: target.gateway, concurrency, seconds: settings.seconds, engineProcesses: settings.engineProcesses, nginxCpuSeconds: target.nginxCpuSeconds };
      const tools: Tool[] = protocol === 'http' ? httpTools(load) : protocol === 'grpc' ? await grpcTools(load, scratch) : websocketTools(load);
      await compare(`${protocol}, concurrency ${concurrency}`, tools, settings.rounds);
    }
  }
} finally {
  await stopAll();
}
