import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayAddress } from '../clients/http-client.ts';
import { type ResolvedApp, servedApps } from '../scenario/resolve.ts';
import { probeApp } from '../suite/app-probe.ts';
import type { LoadedTarget } from '../target.ts';

export interface WatchOptions {
  target: LoadedTarget;
  gateway: GatewayAddress;
  /** How long to keep traffic flowing, ms (bounded by the caller). */
  durationMs: number;
  /** Pause between two rounds over every host, ms. */
  intervalMs: number;
  signal?: AbortSignal;
  /** Called for every failed request, as it happens. */
  onFailure: (failure: WatchFailure) => void;
}

export interface WatchFailure {
  at: string;
  app: string;
  host: string;
  protocol: string;
  what: string;
}

export interface WatchSummary {
  requests: number;
  failures: number;
  successRate: number;
  byApp: Record<string, { requests: number; failures: number }>;
}

/**
 * Keeps light traffic flowing to every served host, one request per host per
 * round, until the duration ends or the signal fires. Bounded: at most
 * durationMs / intervalMs rounds.
 */
export async function watchTraffic(options: WatchOptions): Promise<WatchSummary> {
  const apps = servedApps(options.target.resolved);
  const byApp: WatchSummary['byApp'] = Object.fromEntries(apps.map((app) => [app.id, { requests: 0, failures: 0 }]));
  const end = Date.now() + options.durationMs;
  const rounds = Math.ceil(options.durationMs / options.intervalMs) + 1;
  for (let round = 0; round < rounds && Date.now() < end && !options.signal?.aborted; round++) {
    await Promise.all(
      apps.map(async (app) => {
        const { protocol, failure } = await probeApp(app, options.gateway);
        const tally = byApp[app.id]!;
        tally.requests++;
        if (failure === null) return;
        tally.failures++;
        options.onFailure({ at: new Date().toISOString(), app: app.id, host: app.host, protocol, what: failure });
      }),
    );
    await sleep(options.intervalMs, undefined, { signal: options.signal }).catch(() => undefined);
  }
  const requests = Object.values(byApp).reduce((sum, tally) => sum + tally.requests, 0);
  const failures = Object.values(byApp).reduce((sum, tally) => sum + tally.failures, 0);
  return { requests, failures, successRate: requests === 0 ? 0 : (requests - failures) / requests, byApp };
}
