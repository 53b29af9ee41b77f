// What every part of `npm run bench` shares: a tool's figures, pinned commands,
// tools taking turns in rotated order, medians, the printed table, and the
// bounded CPU-burning neighbour.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import type { GatewayAddress } from '../harness/clients/http-client.ts';
import { pinnedCommand } from '../harness/process/cpu-pinning.ts';
import { benchBackend, benchHost, toolCore } from './bench-target.ts';

/** One run of one tool. */
export interface Figures {
  tool: string;
  /** Exchanges per second: requests, calls or message round trips. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** How latency was taken, and what the tool checks of each answer. */
  method: string;
  /** Answers that were not what was asked for (the tool's own count; 0 when it counts none). */
  failures: number;
  /** CPU (user + sys) per exchange, µs, where measured: a figure other jobs on the machine barely move. */
  cpuUsPerExchange?: number;
}

/** A tool measuring one load: the same target, protocol and concurrency for every tool of a table. */
export type Tool = () => Promise<Figures>;

export interface Load {
  gateway: Required<GatewayAddress>;
  concurrency: number;
  seconds: number;
  /** meshgate engine processes sharing the concurrency, all on the tools' core(s). */
  engineProcesses: number;
  /** CPU seconds the target's nginx workers have used so far (BenchTarget.nginxCpuSeconds). */
  nginxCpuSeconds?: () => Promise<number>;
}

/** The tools' cores: `toolCore` unless the bench was asked for others (--tool-cores). */
export const toolCores = { cpus: toolCore };

/** Runs `file args` on the tools' core(s) and returns its stdout. */
export async function runPinned(file: string, args: string[]): Promise<string> {
  return (await execa(...pinnedCommand(toolCores.cpus, file, args))).stdout;
}

const timeCommand = '/usr/bin/time';

/** As runPinned, with the CPU seconds (user + sys) the program used, from /usr/bin/time; NaN without it. */
export async function runPinnedTimed(file: string, args: string[]): Promise<{ stdout: string; cpuSeconds: number }> {
  if (!existsSync(timeCommand)) return { stdout: await runPinned(file, args), cpuSeconds: NaN };
  const [pinned, pinnedArgs] = pinnedCommand(toolCores.cpus, file, args);
  const { stdout, stderr } = await execa(timeCommand, ['-f', 'bench-cpu %U %S', pinned, ...pinnedArgs]);
  const cpu = /^bench-cpu ([0-9.]+) ([0-9.]+)$/m.exec(stderr);
  return { stdout, cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : NaN };
}

const engine = fileURLToPath(new URL('./bench-engine.ts', import.meta.url));

/**
 * meshgate's load engine in its own process(es) on the tools' core, as the other
 * tools run. Several processes split the concurrency and run at once: their rates
 * add up, and the worst p50 / p99 of them is shown.
 */
export async function meshgate(protocol: 'http' | 'grpc' | 'websocket', load: Load): Promise<Figures> {
  const target = JSON.stringify({ gateway: load.gateway, host: benchHost, expectBackend: benchBackend });
  const shares = Array.from({ length: load.engineProcesses }, (_, index) => Math.floor((load.concurrency + index) / load.engineProcesses)).filter((share) => share > 0);
  const results = await Promise.all(
    shares.map(async (share) => {
      const stdout = await runPinned(process.execPath, ['--import', import.meta.resolve('tsx'), engine, protocol, target, String(share), String(load.seconds)]);
      return JSON.parse(stdout) as { rps: number; p50Us: number; p99Us: number; errors: number; requests: number; cpuUs: number };
    }),
  );
  const worst = (key: 'p50Us' | 'p99Us') => Math.max(...results.map((result) => result[key])) / 1000;
  const sum = (key: 'rps' | 'errors' | 'requests' | 'cpuUs') => results.reduce((total, result) => total + result[key], 0);
  const tool = `meshgate (${shares.length} process${shares.length === 1 ? '' : 'es'})`;
  const method = 'raw, µs HDR; checks status, backend, echo';
  return { tool, rps: sum('rps'), p50Ms: worst('p50Us'), p99Ms: worst('p99Us'), method, failures: sum('errors'), cpuUsPerExchange: sum('cpuUs') / sum('requests') };
}

/** The run with the median rate, figures kept together (a median of each column would mix runs). */
export function medianOf(figures: Figures[]): Figures {
  return [...figures].sort((a, b) => a.rps - b.rps)[Math.floor(figures.length / 2)]!;
}

/**
 * Every tool once per round, the order rotated each round so none always runs
 * first or last; prints each run to stderr and the table of medians to stdout,
 * with each tool's ratio to the first tool's median.
 */
export async function compare(title: string, tools: Tool[], rounds: number): Promise<Figures[]> {
  const runs = new Map<string, Figures[]>();
  for (let round = 0; round < rounds; round++) {
    for (let turn = 0; turn < tools.length; turn++) {
      const figures = await tools[(turn + round) % tools.length]!();
      runs.set(figures.tool, [...(runs.get(figures.tool) ?? []), figures]);
      console.error(`bench: ${title}, round ${round + 1}/${rounds}, ${figures.tool}: ${Math.round(figures.rps)}/s`);
    }
  }
  const medians = [...runs.values()].map(medianOf);
  const base = medians[0]!;
  console.log(`\n${title}\n\n| tool | per s (median of ${rounds}) | vs ${base.tool} | p50 ms | p99 ms | CPU µs per exchange (min / median) | failures | method |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const r of medians) {
    // Other jobs on the machine move the rate far more than the CPU each exchange costs.
    const cpu = (runs.get(r.tool) ?? []).map((run) => run.cpuUsPerExchange ?? NaN).sort((a, b) => a - b);
    const cpuCell = `${fixed(cpu[0]!, 2)} / ${fixed(cpu[Math.floor(cpu.length / 2)]!, 2)}`;
    console.log(`| ${r.tool} | ${Math.round(r.rps)} | ${(r.rps / base.rps).toFixed(2)} | ${fixed(r.p50Ms)} | ${fixed(r.p99Ms)} | ${cpuCell} | ${r.failures} | ${r.method} |`);
  }
  return medians;
}

const fixed = (value: number, digits = 3) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

