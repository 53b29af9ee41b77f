// HTTP/1.1 GETs, keep-alive, at one concurrency: wrk, hey, autocannon and meshgate's engine.
import { fileURLToPath } from 'node:url';
import { type Figures, type Load, type Tool, meshgate, runPinned, runPinnedTimed } from './bench-tools.ts';

const autocannonCli = fileURLToPath(import.meta.resolve('autocannon/autocannon.js'));

/** The tools, wrk first (the ratios are to it); every one asks for `/` on the static answer. */
export function httpTools(load: Load): Tool[] {
  const url = `http://${load.gateway.address}:${load.gateway.httpPort}/`;
  return [() => wrk(url, load), () => hey(url, load), () => autocannon(url, load), () => meshgate('http', load)];
}

async function wrk(url: string, { concurrency, seconds, nginxCpuSeconds }: Load): Promise<Figures> {
  const nginxBefore = await nginxCpuSeconds?.();
  const { stdout, cpuSeconds } = await runPinnedTimed('wrk', ['-t1', `-c${concurrency}`, `-d${seconds}s`, '--latency', url]);
  // nginx's share of its core while wrk ran: near 100 % means the target, not the tool, set the pace.
  const nginxBusy = nginxBefore === undefined ? NaN : ((await nginxCpuSeconds!()) - nginxBefore) / seconds;
  const unit = (value: string, suffix: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[suffix] ?? NaN);
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([0-9.]+)(us|ms|s)$`, 'm').exec(stdout);
    if (!match) throw new Error(`wrk printed no ${p}% latency:\n${stdout}`);
    return unit(match[1]!, match[2]!);
  };
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0);
  const requests = Number(/^\s*(\d+) requests in /m.exec(stdout)?.[1]);
  const method = `wrk --latency (corrected tail); counts non-2xx; nginx ${Number.isFinite(nginxBusy) ? Math.round(nginxBusy * 100) : 'n/a'} % busy`;
  const rps = Number(/^Requests\/sec:\s+([0-9.]+)/m.exec(stdout)?.[1]);
  return { tool: 'wrk 4.1', rps, p50Ms: percentile('50'), p99Ms: percentile('99'), method, failures: non2xx, cpuUsPerExchange: (cpuSeconds * 1e6) / requests };
}

async function hey(url: string, { concurrency, seconds }: Load): Promise<Figures> {
  const stdout = await runPinned('hey', ['-c', String(concurrency), '-z', `${seconds}s`, url]);
  // "  50%% in 0.0012 secs": read the number after "in", never the word itself.
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%+ in ([0-9.]+) secs$`, 'm').exec(stdout);
    if (!match) throw new Error(`hey printed no ${p}% latency:\n${stdout}`);
    return Number(match[1]) * 1000;
  };
  return { tool: 'hey 0.1.4', rps: Number(/^\s+Requests\/sec:\s+([0-9.]+)/m.exec(stdout)?.[1]), p50Ms: percentile('50'), p99Ms: percentile('99'), method: 'raw', failures: 0 };
}

async function autocannon(url: string, { concurrency, seconds }: Load): Promise<Figures> {
  const result = JSON.parse(await runPinned(process.execPath, [autocannonCli, '-c', String(concurrency), '-d', String(seconds), '--json', url]));
  return { tool: 'autocannon 9 (1 process)', rps: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, method: 'raw, 1 ms floor; counts non-2xx', failures: result.non2xx + result.errors };
}
