// Runs meshgate's load engine once and prints the LoadResult as JSON (without
// windows and histogram) with `cpuUs`, the CPU (user + sys) this process used while
// measuring. Used by the bench so the engine runs pinned like the other tools.
//   tsx scripts/bench-engine.ts <http|grpc|websocket> '<{"gateway":…,"host":…,"expectBackend":…}>' <concurrency> <seconds>
import { runClosedLoop } from '../harness/load/closed-loop.ts';
import { grpcUnaryDriver, httpDriver, websocketDriver } from '../harness/load/load-driver.ts';
import type { LoadDriver, LoadTarget } from '../harness/load/load-session.ts';

const [protocol = '', json = '{}', concurrency = '50', seconds = '5'] = process.argv.slice(2);
const { gateway, host, expectBackend } = JSON.parse(json) as Pick<LoadTarget, 'gateway' | 'host' | 'expectBackend'>;
const drivers: Record<string, () => LoadDriver> = {
  http: () => httpDriver({ gateway, scheme: 'http', host, expectBackend }),
  // gRPC as the suites load it: TLS at the edge, HTTP/2 by ALPN.
  grpc: () => grpcUnaryDriver({ gateway, scheme: 'https', host, expectBackend }),
  websocket: () => websocketDriver({ gateway, scheme: 'http', host, path: '/ws', expectBackend }),
};
const driver = drivers[protocol];
if (!driver) throw new Error(`bench-engine: unknown protocol '${protocol}' (http, grpc, websocket)`);
const warmupMs = 1000;
// CPU from the end of the warm-up (start-up, connecting and compiling are not per exchange) to the end.
let measuredFrom = process.cpuUsage();
setTimeout(() => (measuredFrom = process.cpuUsage()), warmupMs);
const result = await runClosedLoop({ driver: driver(), concurrency: Number(concurrency), warmupMs, durationMs: Number(seconds) * 1000 });
const { user, system } = process.cpuUsage(measuredFrom);
process.stdout.write(`${JSON.stringify({ ...result, windows: undefined, histogram: undefined, cpuUs: user + system })}\n`);
