import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayAddress } from '../clients/http-client.ts';
import { type ResolvedApp, servedApps } from '../scenario/resolve.ts';
import { appProtocol, probeApp } from '../suite/app-probe.ts';
import type { LoadedTarget } from '../target.ts';

export interface WatchOptions {
  target: LoadedTarget;
  gateway: GatewayAddress;
  /** How long to keep traffic flowing, ms (bounded by the caller). */
  durationMs: number;
  /** Pause between two rounds over every host, ms. */
  intervalMs: number;
  signal?: AbortSignal;
  /** Called when an exchange starts. */
  onStart?: (exchange: Omit<WatchSample, 'latencyMs' | 'failure'>) => void;
  /** Called for every exchange, as it completes. */
  onSample: (sample: WatchSample) => void;
}

/** One exchange with one served app. */
export interface WatchSample {
  /** When it started, ms since the Unix epoch. */
  at: number;
  app: string;
  host: string;
  protocol: string;
  latencyMs: number;
  /** What went wrong, named in the protocol's terms; null when it succeeded. */
  failure: string | null;
}

/** The served apps watch sends to: every active app that owns its host, whatever its protocol. */
export function watchedApps(target: LoadedTarget): ResolvedApp[] {
  return servedApps(target.resolved);
}

/**
 * One exchange with every served app, reported nowhere, before the watch starts:
 * the first exchange loads the client's code and TLS context (0.5 s and more for
 * every host at once on a busy machine, against tens of ms after), which is the
 * watch starting, not the gateway. Bounded by the request timeout.
 */
export async function warmUp(target: LoadedTarget, gateway: GatewayAddress): Promise<void> {
  await Promise.all(watchedApps(target).map((app) => probeApp(app, gateway)));
}

/**
 * Keeps light traffic flowing to every served host, in its own protocol, until
 * the duration ends or the signal fires. Each host has its own loop (one
 * exchange, then a pause), so one slow host never slows the watch of the others.
 * Bounded: at most durationMs / intervalMs + 1 exchanges per host.
 */
export async function watchTraffic(options: WatchOptions): Promise<void> {
  const end = Date.now() + options.durationMs;
  const rounds = Math.ceil(options.durationMs / options.intervalMs) + 1;
  await Promise.all(
    watchedApps(options.target).map(async (app) => {
      const protocol = appProtocol(app);
      for (let round = 0; round < rounds && Date.now() < end && !options.signal?.aborted; round++) {
        const at = Date.now();
        options.onStart?.({ at, app: app.id, host: app.host, protocol });
        const started = performance.now();
        const { failure } = await probeApp(app, options.gateway);
        options.onSample({ at, app: app.id, host: app.host, protocol, latencyMs: performance.now() - started, failure });
        await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
      }
    }),
  );
}
