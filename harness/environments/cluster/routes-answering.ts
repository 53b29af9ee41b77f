import type { GatewayAddress } from '../../clients/http-client.ts';
import { type ResolvedApp, type ResolvedScenario, servedApps } from '../../scenario/resolve.ts';
import { convergenceSuccesses } from '../../timeouts.ts';
import { type Pending, waitFor } from './wait-strategies.ts';

/** One request to an app in its own protocol through a gateway: the protocol, and what failed (null when it answered as a healthy gateway does). */
export type AppProbe = (app: ResolvedApp, gateway: GatewayAddress) => Promise<{ protocol: string; failure: string | null }>;

/**
 * Readiness from the client's side: every served app answers through `gateway`,
 * in its own protocol and from its own backend, `convergenceSuccesses` times in a
 * row. Rolled-out pods are not enough: the gateway must also have programmed its routes.
 * `probeApp` makes the request (the run passes the cases' app probe in).
 */
export function routesAnswering(scenario: ResolvedScenario, gateway: GatewayAddress, probeApp: AppProbe) {
  const apps = servedApps(scenario);
  return {
    name: 'routes answering',
    async wait(options: { timeoutMs: number; pollMs: number; signal?: AbortSignal }): Promise<void> {
      const streaks = new Map(apps.map((app) => [app.id, 0]));
      await waitFor(
        `routes answering through ${gateway.address}:${gateway.httpsPort}`,
        async () => {
          const pending: Pending[] = [];
          for (const app of apps) {
            if (streaks.get(app.id)! >= convergenceSuccesses) continue;
            const { protocol, failure } = await probeApp(app, gateway);
            const streak = failure ? 0 : streaks.get(app.id)! + 1;
            streaks.set(app.id, streak);
            if (streak < convergenceSuccesses) pending.push({ resource: `${app.id} (${protocol}://${app.host})`, seen: failure ?? `${streak}/${convergenceSuccesses} answers in a row` });
          }
          return pending.length === 0 ? { done: true, value: undefined } : { done: false, pending };
        },
        options,
      );
    },
  };
}
