// `meshgate parity` at platform size: renders two real nginx gateways (127.0.0.1 and
// 127.0.0.2, the same ports) for a scenario of N apps (web, gRPC and WebSocket in equal
// parts, Sealos-shaped hosts, the wildcard certificate), all routed to one echo fixture,
// then runs the real command over every host at the given global rate and prints its
// wall time, hosts/s, requests/s and peak RSS (/usr/bin/time).
//   npm run bench:parity -- [hosts=10000] [rate=1000] [hosts-at-once=64]
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse } from 'yaml';
import type { ChildProcess } from '../harness/process/child-process.ts';
import { resolveScenario } from '../harness/scenario/resolve.ts';
import { scenarioSchema } from '../harness/scenario/schema.ts';
import { scaleScenario } from './scale-scenario.ts';
import { resolveTimeouts } from '../harness/timeouts.ts';

// nginx reads a config of 10,000 servers in tens of seconds on a busy machine; timeouts are read when harness/timeouts.ts loads.
process.env.MESHGATE_TIMEOUT_NGINX_READY_MS ??= '300000';
const [{ writeGatewayCertificates }, { startFixtureProcesses }, { renderNginxConfig }, { startNginx }, { freePort }] = await Promise.all([
  import('../harness/environments/local/gateway-certificates.ts'),
  import('../harness/environments/local/fixture-processes.ts'),
  import('../harness/environments/local/nginx-config.ts'),
  import('../harness/environments/local/nginx-process.ts'),
  import('../harness/net/ports.ts'),
]);

const [count, rate, hostsAtOnce] = [process.argv[2] ?? '10000', process.argv[3] ?? '1000', process.argv[4] ?? '64'].map(Number) as [number, number, number];
if (![count, rate, hostsAtOnce].every(Number.isInteger) || count < 3 || count > 20_000 || rate < 1 || rate > 1000 || hostsAtOnce < 1 || hostsAtOnce > 64) {
  console.error('usage: npm run bench:parity -- [hosts, 3-20000] [rate, 1-1000 requests/s] [hosts-at-once, 1-64]');
  process.exit(2);
}
const bin = fileURLToPath(new URL('../bin/meshgate.js', import.meta.url));
const scenario = resolveScenario(scenarioSchema.parse(parse(scaleScenario(count))));
const dir = await mkdtemp(join(tmpdir(), 'meshgate-bench-parity-'));
const children: ChildProcess[] = [];
try {
  // nginx's workers read the certificates and temp paths below it.
  await chmod(dir, 0o711);
  const { caFile, tlsFiles } = await writeGatewayCertificates(dir, scenario);
  // One echo fixture answers for every app: the gateways' routing is what is compared, and 10,000 fixtures would not fit the machine.
  const timeouts = resolveTimeouts(process.env);
  const [backend] = (await startFixtureProcesses(scenario.apps.slice(0, 1), 'bench', { timeouts }, (child) => children.push(child))).values();
  const backends = new Map(scenario.apps.map((app) => [app.id, backend!]));
  const ports = { httpPort: await freePort(), httpsPort: await freePort() };
  for (const listenHost of ['127.0.0.1', '127.0.0.2']) {
    const prefix = join(dir, listenHost);
    await Promise.all(['logs', 'tmp'].map((sub) => mkdir(join(prefix, sub), { recursive: true })));
    const config = renderNginxConfig({ scenario, prefix, listenHost, ...ports, backends, tlsFiles, workerProcesses: 1 });
    children.push(await startNginx({ prefix, config, listenHost, httpPort: ports.httpPort, timeouts }));
  }
  const hostsFile = join(dir, 'hosts.txt');
  await writeFile(hostsFile, `${scenario.apps.map((app) => app.host).join('\n')}\n`);
  const gateway = (address: string) => `${address}:${ports.httpPort}:${ports.httpsPort}`;
  const args = ['parity', '--hosts', hostsFile, '--reference', gateway('127.0.0.1'), '--candidate', gateway('127.0.0.2'), '--reference-ca', caFile!, '--candidate-ca', caFile!];
  const run = await execa('/usr/bin/time', ['-f', '%e %M', process.execPath, bin, ...args, '--rate', String(rate), '--hosts-at-once', String(hostsAtOnce), '--reports', dir, '--json'], { reject: false });
  const [seconds, kib] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number];
  if (run.exitCode !== 0) throw new Error(`parity exited ${run.exitCode}: ${run.stderr.split('\n').slice(-20).join('\n')}`);
  const summary = JSON.parse(run.stdout) as { counts: Record<string, number> };
  // Each host: TLS handshake, plain HTTP, GET and HEAD, through the reference twice and the candidate once.
  const requests = count * 4 * 3;
  console.log(`parity of ${count} hosts on loopback (two nginx, --rate ${rate}, --hosts-at-once ${hostsAtOnce}): ${seconds.toFixed(1)} s, ${(count / seconds).toFixed(0)} hosts/s, ${(requests / seconds).toFixed(0)} requests/s, peak RSS ${(kib / 1024).toFixed(0)} MiB (node ${process.versions.node}); ${JSON.stringify(summary.counts)}`);
} finally {
  await Promise.all(children.map((child) => child.stop()));
  await rm(dir, { recursive: true, force: true });
}
