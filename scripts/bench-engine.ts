// Runs meshgate's load engine once against a URL and prints the LoadResult as JSON.
// Used by scripts/bench.ts so the engine can be pinned to a core like wrk and hey.
//   tsx scripts/bench-engine.ts <http://127.0.0.1:port/> <concurrency> <seconds>
import { runClosedLoop } from '../harness/load/closed-loop.ts';
import { httpDriver } from '../harness/load/load-driver.ts';

const [url = '', concurrency = '50', seconds = '5'] = process.argv.slice(2);
const target = new URL(url);
const result = await runClosedLoop({
  driver: httpDriver({ gateway: { address: target.hostname, httpPort: Number(target.port), httpsPort: 0 }, scheme: 'http', host: 'bench.meshgate.test' }),
  concurrency: Number(concurrency),
  warmupMs: 1000,
  durationMs: Number(seconds) * 1000,
});
process.stdout.write(`${JSON.stringify({ ...result, windows: undefined, histogram: undefined })}\n`);
