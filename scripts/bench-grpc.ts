// gRPC unary calls through nginx's grpc_pass with TLS at the edge: h2load and meshgate's engine.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadEchoService } from '../harness/fixture/echo-proto.ts';
import { type Figures, type Load, type Tool, meshgate, runPinned } from './bench-tools.ts';
import { benchHost } from './bench-target.ts';

/**
 * The tools, h2load first (the ratios are to it). h2load posts a data file: the
 * same 64-byte EchoRequest as the engine, behind the 5-byte gRPC length prefix
 * (grpc/doc/PROTOCOL-HTTP2.md, "Length-Prefixed-Message"). Both use one HTTP/2
 * connection with `concurrency` streams in flight, as a gRPC channel does.
 */
export async function grpcTools(load: Load, dir: string): Promise<Tool[]> {
  const method = loadEchoService().Unary;
  const body = method.requestSerialize({ message: 'm'.repeat(64) });
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  const dataFile = join(dir, 'echo-request.bin');
  await writeFile(dataFile, frame);
  const url = `https://${load.gateway.address}:${load.gateway.httpsPort}${method.path}`;
  return [() => h2load(url, dataFile, load), () => meshgate('grpc', load)];
}

async function h2load(url: string, dataFile: string, { concurrency, seconds }: Load): Promise<Figures> {
  const headers = ['content-type: application/grpc', 'te: trailers', `:authority: ${benchHost}`].flatMap((header) => ['-H', header]);
  const stdout = await runPinned('h2load', ['-c1', `-m${concurrency}`, `-D${seconds}`, '--warm-up-time=1', '-d', dataFile, ...headers, url]);
  const rps = /finished in [0-9.]+m?s, ([0-9.]+) req\/s/.exec(stdout);
  // "time for request:  min  max  mean  sd  +/- sd": h2load prints no percentiles; its mean stands in for p50.
  const times = /time for request:\s+(\S+)\s+(\S+)\s+(\S+)/.exec(stdout);
  const requests = /requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded/.exec(stdout);
  if (!rps || !times || !requests) throw new Error(`h2load printed no figures:\n${stdout}`);
  return { tool: 'h2load 1.52', rps: Number(rps[1]), p50Ms: toMs(times[3]!), p99Ms: NaN, method: 'mean (in the p50 column), max; checks HTTP status only', failures: Number(requests[1]) - Number(requests[2]) };
}

/** h2load's durations: "701us", "1.53ms", "2.1s". */
function toMs(value: string): number {
  const match = /^([0-9.]+)(us|ms|s)$/.exec(value);
  return match ? Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'] : NaN;
}
