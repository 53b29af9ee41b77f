// The one target every tool of `npm run bench` measures, pinned to core 0:
// a private nginx with a static HTTP/1.1 answer, TLS + HTTP/2 grpc_pass and a
// WebSocket proxy, in front of one echo fixture process. Tools run on core 1.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GatewayAddress } from '../harness/clients/http-client.ts';
import { fixtureNodeArgs } from '../harness/fixture/fixture-script.ts';
import { createCertificateAuthority, issueServerCertificate, writeTlsFiles } from '../harness/environments/local/certificates.ts';
import { startNginx } from '../harness/environments/local/nginx-process.ts';
import { freePort } from '../harness/net/ports.ts';
import { type ChildProcess, startChildProcess } from '../harness/process/child-process.ts';
import { resolveTimeouts } from '../harness/timeouts.ts';
import { pinnedCommand } from '../harness/process/cpu-pinning.ts';

/** The core of the gateway and its backend; the tools get `toolCore`. */
export const targetCore = '0';
export const toolCore = '1';

/** The tenant host of every request (Host, :authority, SNI) and the backend that must answer. */
export const benchHost = 'bench.meshgate.test';
export const benchBackend = 'ns-bench/echo';

export interface BenchTarget {
  /** `httpPort`: static answer at `/`, WebSocket echo at `/ws`; `httpsPort`: TLS + HTTP/2, gRPC echo. */
  gateway: Required<GatewayAddress>;
  /** CPU seconds (user + sys) nginx's workers have used so far: whether the target, not the tool, was the limit. */
  nginxCpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts the fixture and nginx (both on `targetCore`); `stop()` ends both and removes the temp directory. */
export async function startBenchTarget(): Promise<BenchTarget> {
  const prefix = await mkdtemp(join(tmpdir(), 'meshgate-bench-'));
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => child.stop()));
    await rm(prefix, { recursive: true, force: true });
  };
  try {
    await Promise.all(['logs', 'tmp'].map((dir) => mkdir(join(prefix, dir))));
    const ca = await createCertificateAuthority({ commonName: 'meshgate bench CA', validityDays: 2 });
    const files = await writeTlsFiles(join(prefix, 'tls'), 'bench', await issueServerCertificate(ca, { hosts: [benchHost], validityDays: 2 }));
    const [namespace, app] = benchBackend.split('/') as [string, string];
    // The compiled fixture, as the local environment starts it: no transpile on the target's core.
    const args = [...(await fixtureNodeArgs()), '--apps', JSON.stringify([{ tenant: 'bench', namespace, app, instance: 'i1' }])];
    const timeouts = resolveTimeouts(process.env);
    const fixture = startChildProcess('bench fixture', ...pinnedCommand(targetCore, process.execPath, args), timeouts);
    children.push(fixture);
    let ready = { httpPort: 0, grpcPort: 0 };
    await fixture.waitForLines(
      (line) => line.startsWith('{"ready":true') && Boolean((ready = JSON.parse(line) as typeof ready)),
      'fixtureReadyMs',
      'its ready line',
    );
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const config = nginxConfig(prefix, { httpPort, httpsPort, ...files, fixtureHttp: ready.httpPort, fixtureGrpc: ready.grpcPort });
    const nginx = await startNginx({ prefix, config, listenHost: '127.0.0.1', httpPort, cpus: targetCore, timeouts });
    children.push(nginx);
    const gateway = { address: '127.0.0.1', httpPort, httpsPort, ca: ca.certPem, requestMs: timeouts.requestMs };
    return { gateway, nginxCpuSeconds: () => childrenCpuSeconds(nginx.pid), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const ticksPerSecond = 100;

/** CPU seconds used by the children of `pid` (nginx's workers) so far, from /proc; NaN where /proc cannot tell. */
async function childrenCpuSeconds(pid: number | undefined): Promise<number> {
  try {
    const children = (await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8')).trim().split(/\s+/);
    let ticks = 0;
    for (const child of children) {
      const stat = await readFile(`/proc/${child}/stat`, 'utf8');
      // After the command name in parentheses come fields 3, 4, ...: utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / ticksPerSecond;
  } catch {
    return NaN;
  }
}

interface ConfigPorts {
  httpPort: number;
  httpsPort: number;
  certFile: string;
  keyFile: string;
  fixtureHttp: number;
  fixtureGrpc: number;
}

/**
 * One worker on the target core. `/` answers from nginx itself, naming a backend
 * the way the fixture does, so HTTP/1.1 measures the client and not a Node backend;
 * `/ws` and gRPC go to the fixture through keep-alive upstreams, as the local environment does.
 */
function nginxConfig(prefix: string, ports: ConfigPorts): string {
  return `worker_processes 1; worker_cpu_affinity 01; pid ${prefix}/nginx.pid; error_log ${prefix}/logs/error.log warn;
events { worker_connections 4096; }
http { access_log off; client_body_temp_path ${prefix}/tmp; keepalive_requests 1000000;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; }
  upstream fixture_http { server 127.0.0.1:${ports.fixtureHttp}; keepalive 64; }
  upstream fixture_grpc { server 127.0.0.1:${ports.fixtureGrpc}; keepalive 64; }
  server { listen 127.0.0.1:${ports.httpPort};
    location / { add_header x-echo-backend ${benchBackend}/nginx; return 200 "ok"; }
    location /ws { proxy_pass http://fixture_http; proxy_http_version 1.1;
      proxy_set_header Upgrade $http_upgrade; proxy_set_header Connection $connection_upgrade; proxy_read_timeout 60s; } }
  server { listen 127.0.0.1:${ports.httpsPort} ssl http2; ssl_certificate ${ports.certFile}; ssl_certificate_key ${ports.keyFile};
    location / { grpc_pass grpc://fixture_grpc; } } }
`;
}
