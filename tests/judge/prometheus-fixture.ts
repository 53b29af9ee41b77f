import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { freePort } from '../../harness/net/ports.ts';
import { startChildProcess } from '../../harness/process/child-process.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { defaultTimeouts } from '../../harness/timeouts.ts';

export interface RunningPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** Bound for Prometheus to open its TSDB and answer /-/ready on a busy machine, ms. */
const readyMs = 60_000;

/** Fails clearly when Debian's prometheus package is missing: these tests must not skip silently. */
async function requireTool(tool: string): Promise<void> {
  const found = await execa('sh', ['-c', `command -v ${tool}`], { reject: false });
  if (found.exitCode !== 0) throw new Error(`${tool} is not installed: apt-get install -y prometheus (.ci/run installs it)`);
}

/** Polls Prometheus' readiness endpoint (prometheus.io/docs/prometheus/latest/management_api/) within readyMs. */
async function untilReady(url: string): Promise<void> {
  const deadline = Date.now() + readyMs;
  let last = 'no answer';
  for (let attempt = 0; attempt < 1000 && Date.now() < deadline; attempt++) {
    const status = await fetch(url).then((response) => response.status, (error: unknown) => String(error));
    if (status === 200) return;
    last = String(status);
    await sleep(100);
  }
  throw new Error(`Prometheus not ready at ${url} within ${readyMs} ms (last: ${last})`);
}

/**
 * A real Prometheus on a loopback port, serving `openMetrics` imported with
 * `promtool tsdb create-blocks-from openmetrics` (prometheus.io/docs/prometheus/latest/storage/,
 * "Backfilling from OpenMetrics format"), with no scrape target of its own.
 */
export async function startPrometheus(openMetrics: string): Promise<RunningPrometheus> {
  await requireTool('prometheus');
  await requireTool('promtool');
  const dir = await mkdtemp(join(tmpdir(), 'meshgate-prometheus-'));
  try {
    await writeFile(join(dir, 'metrics.om'), openMetrics);
    await writeFile(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
    await execa('promtool', ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', join(dir, 'metrics.om'), join(dir, 'data')], { timeout: readyMs });
    const port = await freePort();
    const process = startChildProcess('prometheus', 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      '--storage.tsdb.retention.time=30d',
      `--web.listen-address=127.0.0.1:${port}`,
    ], defaultTimeouts);
    const url = `http://127.0.0.1:${port}`;
    const stop = async () => {
      await process.stop();
      await rm(dir, { recursive: true, force: true });
    };
    try {
      await untilReady(`${url}/-/ready`);
    } catch (error) {
      await stop();
      throw error;
    }
    return { url, stop };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
