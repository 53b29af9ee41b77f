import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import type { Expectation } from '../../harness/results/observation.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeRenderedReadTimeout } from '../../harness/suite/rendered-config.ts';
import { probeWebSocketIdle } from '../../harness/suite/stream-probes.ts';
import { httpApps } from '../../harness/suite/subjects.ts';
import type { LoadedTarget } from '../../harness/target.ts';
import type { Timeouts } from '../../harness/timeouts.ts';

/** How much longer than the gateway default the hold lasts: nginx closes on its timer, to the millisecond. */
const holdMarginMs = 2_000;

/** How long `websocket-idle-beyond-default-timeout` holds its WebSocket idle (ms): past the gateway's default read timeout. */
export function beyondDefaultHoldMs(timeouts: Timeouts): number {
  return timeouts.gatewayDefaultReadMs + holdMarginMs;
}

/**
 * How the case tells a long read timeout from the default: an idle hold outlasting the default
 * (any gateway; the gate profile), or, in the quick profile, the value in the configuration the
 * gateway runs with where the target shows it (the local nginx). Undefined: neither, the case is skipped.
 */
function evidenceFor(target: LoadedTarget): 'idle-hold' | 'rendered-config' | undefined {
  if (target.resolved.performance.profile !== 'quick') return 'idle-hold';
  return target.gateway.configFile ? 'rendered-config' : undefined;
}

/** Apps declaring a read timeout longer than the hold (the default and its margin): a lost setting would shorten theirs. */
function longTimeoutApps(target: LoadedTarget, timeouts: Timeouts): ResolvedApp[] {
  return httpApps(target).filter((app) => app.timeouts.readSeconds * 1000 > beyondDefaultHoldMs(timeouts));
}

/** The first app of each distinct read timeout. */
function onePerReadTimeout(apps: ResolvedApp[]): ResolvedApp[] {
  return [...new Map(apps.map((app) => [app.timeouts.readSeconds, app] as const).reverse()).values()].reverse();
}

/**
 * Read timeouts longer than the gateway's default. nginx arms an upgraded connection's
 * upstream read timer with proxy_read_timeout each time it waits for the backend
 * (ngx_http_upstream_process_upgraded, src/http/ngx_http_upstream.c 3400-3570 at nginx
 * release-1.22.1), and the send timer only while data is pending: an idle WebSocket is
 * closed after exactly the location's read timeout, so one held past 60 s tells an app's
 * 300 s / 3600 s / 86400 s from ingress-nginx's default. The slow-backend cases cover timeouts
 * short enough to wait out; this case covers the long ones.
 */
export const longTimeoutCases = [
  defineCase({
    id: 'websocket-idle-beyond-default-timeout',
    covers: ['timeouts.readSeconds'],
    sample:
      'apps whose read timeout is longer than the gateway default: every one from the configuration the gateway runs with (quick profile, where the target shows it), ' +
      'one per distinct value by an idle hold (other profiles)',
    description:
      "A WebSocket held idle longer than the gateway's default read timeout (60 s) stays open and echoes afterwards, for apps declaring a longer one " +
      "(a lost annotation falls back to the default). The hold runs beside the other cases, in a slot of its own; the quick profile instead reads each app's " +
      'proxy_read_timeout from the configuration the gateway runs with where the target shows it (local), and skips the case where it does not.',
    features: ['websocket'],
    subjects: (target, timeouts) => (evidenceFor(target) === 'rendered-config' ? longTimeoutApps(target, timeouts) : onePerReadTimeout(longTimeoutApps(target, timeouts))),
    skip: (target, timeouts) =>
      evidenceFor(target)
        ? undefined
        : `the quick profile holds no WebSocket for ${beyondDefaultHoldMs(timeouts) / 1000} s and this target shows no gateway configuration; --profile gate holds one`,
    // Idle connections only: no slot taken, observed once.
    weight: 0,
    convergence: { successes: 1, timeoutMs: 0 },
    expect: (app, { target }): Expectation =>
      evidenceFor(target) === 'rendered-config'
        ? { error: null, details: { evidence: 'rendered-config', readTimeoutSeconds: app.timeouts.readSeconds } }
        : { status: 101, backend: app.id, error: null, details: { closedWhileIdle: false, echoAfterIdle: true } },
    probe: (app, { gateway, target, timeouts, signal }) =>
      evidenceFor(target) === 'rendered-config'
        ? probeRenderedReadTimeout(target.gateway.configFile!, app.host)
        : // Same-origin, so a guarded app (the terminal) upgrades too.
          probeWebSocketIdle(gateway, { scheme: app.tls ? 'wss' : 'ws', host: app.host, headers: { 'sec-fetch-site': 'same-origin' } }, beyondDefaultHoldMs(timeouts), signal),
  }),
];
