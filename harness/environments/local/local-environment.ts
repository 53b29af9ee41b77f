import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.ts';
import { assertPortFree, freePort } from '../../net/ports.ts';
import type { ChildProcess } from '../../process/child-process.ts';
import { cpuSplit } from '../../process/cpu-pinning.ts';
import type { LoadedScenario } from '../../scenario/load.ts';
import type { Target } from '../../target.ts';
import type { Timeouts } from '../../timeouts.ts';
import type { Environment, StartedEnvironment } from '../environment.ts';
import type { Feature } from '../../target.ts';
import { Resources } from '../resources.ts';
import { writeGatewayCertificates } from './gateway-certificates.ts';
import { type FixtureFaults, startFixtureProcesses } from './fixture-processes.ts';
import { renderNginxConfig } from './nginx-config.ts';
import { nginxConfigFile, nginxVersion, startNginx } from './nginx-process.ts';

export interface LocalEnvironmentOptions {
  scenario: LoadedScenario;
  runId: string;
  /** The run's timeouts: process starts and stops, nginx ready. */
  timeouts: Timeouts;
  listenHost?: string;
  /** Fixed gateway ports; 0 or absent picks free ones. */
  httpPort?: number;
  httpsPort?: number;
  /** nginx worker processes (default 1: leaves the other core to the load generator). */
  workerProcesses?: number;
  faults?: FixtureFaults;
  /** Pin nginx and the fixtures to core 0 so the load generator can have the rest (default: where possible). */
  pinCpus?: boolean;
  /** Rewrites the rendered nginx.conf before start. Tests use it to break the gateway on purpose. */
  configHook?: (config: string) => string;
}

/** What the local environment can test: everything but cleartext HTTP/2 and in-cluster traffic. */
export const localFeatures: Feature[] = ['http1', 'http2', 'websocket', 'grpc', 'tls', 'cors', 'load'];

/** Attempts at picking free gateway ports when another process grabs one first. */
const portAttempts = 3;

/**
 * The embedded environment: echo fixtures as local processes behind a private
 * nginx on loopback whose config is rendered from the scenario, with TLS from a
 * CA generated for this run. No Docker, no cluster.
 */
export class LocalEnvironment implements Environment {
  constructor(private readonly options: LocalEnvironmentOptions) {}

  async start(signal?: AbortSignal): Promise<StartedEnvironment> {
    const resources = new Resources();
    try {
      return await this.startWith(resources, signal);
    } catch (error) {
      await resources.release();
      throw error;
    }
  }

  private async startWith(resources: Resources, signal?: AbortSignal): Promise<StartedEnvironment> {
    const { scenario, listenHost = '127.0.0.1' } = this.options;
    // The cheap checks first: a missing nginx or a taken port fails before any process starts.
    const software = await nginxVersion();
    if (this.options.httpPort) await assertPortFree(listenHost, this.options.httpPort, '--http-port');
    if (this.options.httpsPort) await assertPortFree(listenHost, this.options.httpsPort, '--https-port');
    const prefix = await mkdtemp(join(tmpdir(), 'meshgate-'));
    resources.add(() => rm(prefix, { recursive: true, force: true }));
    // nginx workers run unprivileged when we are root: they must traverse the prefix to their temp paths.
    await chmod(prefix, 0o711);
    await Promise.all(['logs', 'tmp'].map((dir) => mkdir(join(prefix, dir))));
    signal?.throwIfAborted();
    const split = this.options.pinCpus === false ? null : cpuSplit();
    const fixtureOptions = { ...this.options.faults, timeouts: this.options.timeouts, ...(split ? { cpus: split.gateway } : {}) };
    const backends = await startFixtureProcesses(scenario.resolved.apps, this.options.runId, fixtureOptions, (child) => resources.addProcess(child), signal);
    signal?.throwIfAborted();
    const { caFile, tlsFiles } = await writeGatewayCertificates(prefix, scenario.resolved);
    const { nginx, httpPort, httpsPort } = await this.startGateway(prefix, listenHost, backends, tlsFiles, split?.gateway, signal);
    resources.addProcess(nginx);
    const target: Target = {
      version: 1,
      environment: 'local',
      runId: this.options.runId,
      createdAt: new Date().toISOString(),
      gateway: { address: listenHost, httpPort, httpsPort, h2cPort: null, software, ...(split ? { pinnedCpus: split.gateway } : {}), configFile: nginxConfigFile(prefix) },
      caFile,
      features: localFeatures,
      scenario: scenario.input,
    };
    return new StartedLocalEnvironment(target, resources);
  }

  private async startGateway(
    prefix: string,
    listenHost: string,
    backends: Parameters<typeof renderNginxConfig>[0]['backends'],
    tlsFiles: Parameters<typeof renderNginxConfig>[0]['tlsFiles'],
    cpus: string | undefined,
    signal?: AbortSignal,
  ): Promise<{ nginx: ChildProcess; httpPort: number; httpsPort: number }> {
    const fixed = Boolean(this.options.httpPort || this.options.httpsPort);
    for (let attempt = 1; ; attempt++) {
      const httpPort = this.options.httpPort || (await freePort(listenHost));
      const httpsPort = this.options.httpsPort || (await freePort(listenHost));
      const rendered = renderNginxConfig({
        scenario: this.options.scenario.resolved,
        prefix,
        listenHost,
        httpPort,
        httpsPort,
        backends,
        tlsFiles,
        workerProcesses: this.options.workerProcesses ?? 1,
      });
      const config = this.options.configHook ? this.options.configHook(rendered) : rendered;
      try {
        return { nginx: await startNginx({ prefix, config, listenHost, httpPort, cpus, timeouts: this.options.timeouts }, signal), httpPort, httpsPort };
      } catch (error) {
        // A free port can be taken between our probe and nginx's bind; pick new ones.
        const raced = error instanceof EnvironmentError && /Address already in use/.test(error.message);
        if (!raced || fixed || attempt >= portAttempts) throw error;
      }
    }
  }
}

class StartedLocalEnvironment implements StartedEnvironment {
  constructor(
    private readonly targetFile: Target,
    private readonly resources: Resources,
  ) {}

  target(): Target {
    return this.targetFile;
  }

  stop(): Promise<void> {
    return this.resources.release();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
