import { execa } from 'execa';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendHttpRequest } from '../../harness/clients/http-client.ts';
import { writeGatewayCertificates } from '../../harness/environments/local/gateway-certificates.ts';
import { renderNginxConfig } from '../../harness/environments/local/nginx-config.ts';
import { nginxBinary, startNginx } from '../../harness/environments/local/nginx-process.ts';
import { freePort } from '../../harness/net/ports.ts';
import type { ChildProcess } from '../../harness/process/child-process.ts';
import type { ResolvedScenario } from '../../harness/scenario/resolve.ts';
import { waitUntil } from '../../harness/wait.ts';
import { generatedScenario } from './generated-scenario.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

/**
 * nginx at platform size: the config rendered for 1,000 apps with 60-character host
 * labels passes `nginx -t`, starts, serves its last host and reloads, because the
 * server-name hash, descriptors and connections are sized as ingress-nginx sizes
 * them (nginx.go OnUpdate). With nginx's own hash defaults the same config is refused.
 */
const apps = 1000;
let dir: string;
let scenario: ResolvedScenario;
let config: string;
let nginx: ChildProcess | undefined;
let ports: { http: number; https: number };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshgate-nginx-scale-'));
  await chmod(dir, 0o711);
  await Promise.all(['logs', 'tmp'].map((sub) => mkdir(join(dir, sub))));
  scenario = generatedScenario(apps);
  const { tlsFiles } = await writeGatewayCertificates(dir, scenario);
  ports = { http: await freePort('127.0.0.1'), https: await freePort('127.0.0.1') };
  // Backends are never reached: a served host answers 502, an unknown one 404.
  const backends = new Map(scenario.apps.map((app) => [app.id, { httpPort: 9, grpcPort: 9 }]));
  config = renderNginxConfig({ scenario, prefix: dir, listenHost: '127.0.0.1', httpPort: ports.http, httpsPort: ports.https, backends, tlsFiles, workerProcesses: 1 });
}, 120_000);

afterAll(async () => {
  await nginx?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function nginxTest(text: string): Promise<{ ok: boolean; output: string }> {
  const file = join(dir, 'check.conf');
  await writeFile(file, text);
  const result = await execa(nginxBinary, ['-t', '-p', dir, '-c', file, '-e', join(dir, 'logs', 'check.log')], { reject: false, timeout: 60_000 });
  return { ok: result.exitCode === 0, output: `${result.stderr}${result.stdout}` };
}

/** The worker pids of nginx's master, from /proc. */
async function workers(master: number): Promise<string[]> {
  const tasks = await readdir(`/proc/${master}/task`);
  const children = await Promise.all(tasks.map((task) => readFile(`/proc/${master}/task/${task}/children`, 'utf8').catch(() => '')));
  return children.join(' ').trim().split(/\s+/).filter(Boolean).sort();
}

describe(`nginx with ${apps} apps`, () => {
  it('renders a server per app with hash sizes for its host names', () => {
    expect(config.match(/^ {2}server \{$/gm)?.length).toBe(apps + 1);
    expect(config).toMatch(/server_names_hash_bucket_size 128;/);
    expect(config).toMatch(/server_names_hash_max_size (\d+);/);
  });

  it('is refused with nginx hash defaults instead of the computed sizes (the sizing matters)', async () => {
    const defaults = config.replace(/server_names_hash_max_size \d+;/, 'server_names_hash_max_size 512;').replace(/server_names_hash_bucket_size \d+;/, 'server_names_hash_bucket_size 64;');
    const result = await nginxTest(defaults);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/server_names_hash/);
  }, 90_000);

  it('starts, routes its last host, and reloads', async () => {
    nginx = await startNginx({ prefix: dir, config, listenHost: '127.0.0.1', httpPort: ports.http, timeouts: defaultTimeouts });
    const last = scenario.apps.at(-1)!;
    const gateway = { address: '127.0.0.1', httpPort: ports.http, httpsPort: ports.https, requestMs: defaultTimeouts.requestMs };
    // ws apps redirect, web apps have no backend here: either way nginx matched the host (not the 404 default server).
    const answer = async () => (await sendHttpRequest(gateway, { scheme: 'http', host: last.host })).status;
    expect([308, 502]).toContain(await answer());
    expect((await sendHttpRequest(gateway, { scheme: 'http', host: 'unknown.cloud.sealos.test' })).status).toBe(404);
    const before = await workers(nginx.pid!);
    process.kill(nginx.pid!, 'SIGHUP');
    // A new worker means the new config loaded; the old ones drain their connections (worker_shutdown_timeout).
    await waitUntil('nginx to start a worker with the reloaded config', `pid ${nginx.pid}`, { timeouts: defaultTimeouts, name: 'nginxReloadMs' }, async () => {
      const after = await workers(nginx!.pid!);
      if (!after.some((pid) => !before.includes(pid))) throw new Error(`workers ${after.join(',')}, as before the reload`);
    });
    expect([308, 502]).toContain(await answer());
    expect(await readFile(join(dir, 'logs', 'error.log'), 'utf8')).not.toMatch(/\[emerg\]/);
  }, 180_000);
});
