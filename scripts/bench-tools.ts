// What every part of `npm run bench` shares: a tool's figures, pinned commands,
// tools taking turns in rotated order, medians, the printed table, and the
// bounded CPU-burning neighbour.
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
}

/** A tool measuring one load: the same target, protocol and concurrency for every tool of a table. */
export type Tool = () => Promise<Figures>;

export interface Load {
  gateway: Required<GatewayAddress>;
  concurrency: number;
  seconds: number;
  /** meshgate engine processes sharing the concurrency, all on the tools' core(s). */
  engineProcesses: number;
}

/** The tools' cores: `toolCore` unless the bench was asked for others (--tool-cores). */
export const toolCores = { cpus: toolCore };

/** Runs `file args` on the tools' core(s) and returns its stdout. */
export async function runPinned(file: string, args: string[]): Promise<string> {
  return (await execa(...pinnedCommand(toolCores.cpus, file, args))).stdout;
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
      return JSON.parse(stdout) as { rps: number; p50Us: number; p99Us: number; errors: number };
    }),
  );
  const worst = (key: 'p50Us' | 'p99Us') => Math.max(...results.map((result) => result[key])) / 1000;
  const sum = (key: 'rps' | 'errors') => results.reduce((total, result) => total + result[key], 0);
  const tool = `meshgate (${shares.length} process${shares.length === 1 ? '' : 'es'})`;
  return { tool, rps: sum('rps'), p50Ms: worst('p50Us'), p99Ms: worst('p99Us'), method: 'raw, µs HDR; checks status, backend, echo', failures: sum('errors') };
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
  console.log(`\n${title}\n\n| tool | per s (median of ${rounds}) | vs ${base.tool} | p50 ms | p99 ms | failures | method |`);
  console.log('|---|---:|---:|---:|---:|---:|---|');
  for (const r of medians) {
    console.log(`| ${r.tool} | ${Math.round(r.rps)} | ${(r.rps / base.rps).toFixed(2)} | ${fixed(r.p50Ms)} | ${fixed(r.p99Ms)} | ${r.failures} | ${r.method} |`);
  }
  return medians;
}

const fixed = (ms: number) => (Number.isFinite(ms) ? ms.toFixed(3) : 'n/a');

