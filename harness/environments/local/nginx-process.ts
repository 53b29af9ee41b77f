import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execa } from 'execa';
import { EnvironmentError } from '../../errors.ts';
import { type ChildProcess, startChildProcess } from '../../process/child-process.ts';
import { pinnedCommand } from '../../process/cpu-pinning.ts';
import type { Timeouts } from '../../timeouts.ts';
import { tcpConnects, waitUntil } from '../../wait.ts';

/** The nginx binary: MESHGATE_NGINX, or `nginx` on PATH. */
export const nginxBinary = process.env.MESHGATE_NGINX ?? 'nginx';

/** `nginx/1.22.1`, as `nginx -v` reports it; fails (exit 2) naming what to do when nginx cannot be run. */
export async function nginxVersion(): Promise<string> {
  const result = await execa(nginxBinary, ['-v'], { reject: false });
  if (result.failed) throw new EnvironmentError(`${nginxBinary} cannot be run (${result.code ?? result.shortMessage}); install nginx (./scripts/setup.sh) or set MESHGATE_NGINX`);
  return /nginx\/\S+/.exec(result.stderr)?.[0] ?? 'nginx/unknown';
}

/** Where the gateway's rendered config lives under its prefix (the target file names it, for cases that read it). */
export function nginxConfigFile(prefix: string): string {
  return join(prefix, 'nginx.conf');
}

export interface NginxOptions {
  /** Cores to pin nginx to (taskset -c), or undefined. */
  cpus?: string;
  prefix: string;
  config: string;
  listenHost: string;
  httpPort: number;
  timeouts: Timeouts;
}

/**
 * Starts a private nginx in the foreground (so it is our child and dies with us)
 * with its own prefix, pid, logs and temp paths, after `nginx -t` accepted the
 * config. Ready when its HTTP port accepts connections.
 */
export async function startNginx(options: NginxOptions, signal?: AbortSignal): Promise<ChildProcess> {
  const configFile = nginxConfigFile(options.prefix);
  const errorLog = join(options.prefix, 'logs', 'error.log');
  await writeFile(configFile, options.config);
  const args = ['-p', options.prefix, '-c', configFile, '-e', errorLog];
  const check = await execa(nginxBinary, [...args, '-t', '-q'], { reject: false });
  if (check.failed) {
    throw new EnvironmentError(`nginx rejected the rendered config ${configFile}: ${check.stderr.trim() || check.message}`);
  }
  const nginx = startChildProcess('nginx', ...pinnedCommand(options.cpus, nginxBinary, [...args, '-g', 'daemon off; master_process on;']), options.timeouts);
  try {
    const died = nginx.exited.then(async ({ stderr }) => {
      const log = await readFile(errorLog, 'utf8').catch(() => '');
      throw new EnvironmentError(`nginx exited during start: ${(stderr || log).trim().split('\n').slice(-3).join(' | ')}`);
    });
    // nginx writes its pid file only after it has bound every listen address, so a
    // port taken by someone else cannot pass for a ready nginx.
    const pidFile = join(options.prefix, 'nginx.pid');
    const ready = waitUntil('nginx to write its pid file and accept connections', `${options.listenHost}:${options.httpPort}`, { timeouts: options.timeouts, name: 'nginxReadyMs' }, async () => {
      const pid = Number((await readFile(pidFile, 'utf8')).trim());
      if (pid !== nginx.pid) throw new Error(`pid file says ${pid}, nginx is ${nginx.pid}`);
      await tcpConnects(options.listenHost, options.httpPort, options.timeouts.requestMs)();
    }, signal);
    await Promise.race([ready, died]);
    died.catch(() => undefined);
    return nginx;
  } catch (error) {
    await nginx.stop();
    throw error;
  }
}
