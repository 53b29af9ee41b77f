// npm run bench [-- seconds=5 concurrency=50 rounds=3]
// meshgate's load engine against wrk, hey and autocannon on the same local nginx,
// in the same run, at the same concurrency: req/s, p50 and p99 of each, and the
// ratios to wrk. nginx is pinned to core 0 and every load tool to core 1; the
// tools take turns for `rounds` rounds (order rotated) and the medians are
// printed, so machine drift hits all alike (see shared/design/performance.md).
import { mkdtemp, rm, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { startNginx } from '../harness/environments/local/nginx-process.ts';
import { freePort } from '../harness/net/ports.ts';

const [seconds = 5, concurrency = 50, rounds = 3] = process.argv.slice(2).map(Number);
const engine = fileURLToPath(new URL('./bench-engine.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const autocannonCli = fileURLToPath(import.meta.resolve('autocannon/autocannon.js'));

interface Figures {
  tool: string;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  method: string;
}

const pinned = (core: number, command: string[]) => ['taskset', ['-c', String(core), ...command]] as const;

async function wrk(url: string): Promise<Figures> {
  const [file, args] = pinned(1, ['wrk', '-t1', `-c${concurrency}`, `-d${seconds}s`, '--latency', url]);
  const { stdout } = await execa(file, args);
  const unit = (value: string, suffix: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[suffix] ?? NaN);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([0-9.]+)(us|ms|s)$`, 'm').exec(stdout);
    if (!match) throw new Error(`wrk printed no ${p}% latency:\n${stdout}`);
    return unit(match[1]!, match[2]!);
  };
  return { tool: 'wrk 4.1', rps: Number(/^Requests\/sec:\s+([0-9.]+)/m.exec(stdout)?.[1]), p50Ms: percentile('50'), p99Ms: percentile('99'), method: 'wrk --latency (corrected tail)' };
}

async function hey(url: string): Promise<Figures> {
  const [file, args] = pinned(1, ['hey', '-c', String(concurrency), '-z', `${seconds}s`, url]);
  const { stdout } = await execa(file, args);
  // "  50%% in 0.0012 secs": read the number after "in", never the word itself.
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%+ in ([0-9.]+) secs$`, 'm').exec(stdout);
    if (!match) throw new Error(`hey printed no ${p}% latency:\n${stdout}`);
    return Number(match[1]) * 1000;
  };
  return { tool: 'hey 0.1.4', rps: Number(/^\s+Requests\/sec:\s+([0-9.]+)/m.exec(stdout)?.[1]), p50Ms: percentile('50'), p99Ms: percentile('99'), method: 'raw' };
}

async function autocannon(url: string): Promise<Figures> {
  const [file, args] = pinned(1, [process.execPath, autocannonCli, '-c', String(concurrency), '-d', String(seconds), '--json', url]);
  const result = JSON.parse((await execa(file, args)).stdout);
  return { tool: 'autocannon 9 (1 process)', rps: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, method: 'raw, 1 ms floor' };
}

async function meshgate(url: string): Promise<Figures> {
  const [file, args] = pinned(1, [process.execPath, '--import', tsx, engine, url, String(concurrency), String(seconds)]);
  const result = JSON.parse((await execa(file, args)).stdout);
  return { tool: 'meshgate (1 process)', rps: result.rps, p50Ms: result.p50Us / 1000, p99Ms: result.p99Us / 1000, method: 'raw, µs HDR' };
}

/** The run with the median req/s, figures kept together (a median of each column would mix runs). */
function medianOf(figures: Figures[]): Figures {
  return [...figures].sort((a, b) => a.rps - b.rps)[Math.floor(figures.length / 2)]!;
}

const prefix = await mkdtemp(join(tmpdir(), 'meshgate-bench-'));
try {
  await Promise.all(['logs', 'tmp'].map((dir) => mkdir(join(prefix, dir))));
  const port = await freePort();
  const config = `worker_processes 1; worker_cpu_affinity 01; pid ${prefix}/nginx.pid; error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${prefix}/tmp; keepalive_requests 1000000;
  server { listen 127.0.0.1:${port}; location / { return 200 "ok"; } } }
`;
  const nginx = await startNginx({ prefix, config, listenHost: '127.0.0.1', httpPort: port });
  try {
    const url = `http://127.0.0.1:${port}/`;
    console.error(`bench: nginx on ${url} (core 0), each tool on core 1, concurrency ${concurrency}, ${seconds} s`);
    const tools = [wrk, hey, autocannon, meshgate];
    const runs = new Map<string, Figures[]>();
    for (let round = 0; round < rounds; round++) {
      for (let turn = 0; turn < tools.length; turn++) {
        const figures = await tools[(turn + round) % tools.length]!(url);
        runs.set(figures.tool, [...(runs.get(figures.tool) ?? []), figures]);
        console.error(`bench: round ${round + 1}/${rounds} ${figures.tool}: ${Math.round(figures.rps)} req/s`);
      }
    }
    const results = [...runs.values()].map(medianOf);
    const base = medianOf(runs.get('wrk 4.1')!);
    console.log(`| tool | req/s (median of ${rounds}) | vs wrk | p50 ms | p99 ms | latency method |`);
    console.log('|---|---:|---:|---:|---:|---|');
    for (const r of results) console.log(`| ${r.tool} | ${Math.round(r.rps)} | ${(r.rps / base.rps).toFixed(2)} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.method} |`);
  } finally {
    await nginx.stop();
  }
} finally {
  await rm(prefix, { recursive: true, force: true });
}
