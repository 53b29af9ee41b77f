import { type ResolvedApp, servedApps } from '../scenario/resolve.ts';
import type { LoadedTarget } from '../target.ts';

/** Subject selectors for cases: which apps of the target's scenario a case applies to. */

/** Served apps that answer plain HTTP (web, ws, terminal, adminer; not gRPC). */
export function httpApps(target: LoadedTarget): ResolvedApp[] {
  return servedApps(target.resolved).filter((app) => app.backendProtocol !== 'GRPC');
}

/** Served HTTP apps reachable over TLS. */
export function httpsApps(target: LoadedTarget): ResolvedApp[] {
  return httpApps(target).filter((app) => app.tls !== null);
}

export function appsOfKind(target: LoadedTarget, ...kinds: Array<ResolvedApp['kind']>): ResolvedApp[] {
  return servedApps(target.resolved).filter((app) => kinds.includes(app.kind));
}

/** Served apps over TLS, one per distinct certificate host set (wildcard, each custom domain). */
export function tlsApps(target: LoadedTarget): ResolvedApp[] {
  return servedApps(target.resolved).filter((app) => app.tls !== null);
}

/** Apps that must serve nothing: paused apps and suspended tenants. */
export function inactiveApps(target: LoadedTarget): ResolvedApp[] {
  return target.resolved.apps.filter((app) => app.state !== 'active');
}

/** Apps whose host another tenant owns (rejected claims). */
export function squattingApps(target: LoadedTarget): ResolvedApp[] {
  return target.resolved.apps.filter((app) => app.state === 'active' && app.hostOwner !== app.id);
}

export function corsApps(target: LoadedTarget): ResolvedApp[] {
  return httpApps(target).filter((app) => app.cors !== null);
}

/** A host under the scenario's domain that no app uses; stable across runs, so baselines can key on it. */
export function unknownHost(target: LoadedTarget): string {
  return `meshgate-unknown.${target.resolved.domain}`;
}

/** The scheme a plain request to `app` should use: HTTPS when the app redirects HTTP. */
export function preferredScheme(app: ResolvedApp): 'http' | 'https' {
  return app.tls ? 'https' : 'http';
}

/** An app reached over one scheme. */
export interface SchemeSubject {
  app: ResolvedApp;
  scheme: 'http' | 'https';
}

/**
 * Every listener that serves `apps`: HTTPS where the app has TLS, plain HTTP where it
 * does not redirect (a redirecting listener is checked by the ssl-redirect case).
 */
export function overSchemes(apps: ResolvedApp[]): SchemeSubject[] {
  return apps.flatMap((app) => [
    ...(app.tls ? [{ app, scheme: 'https' as const }] : []),
    ...(!app.sslRedirect ? [{ app, scheme: 'http' as const }] : []),
  ]);
}

/** `ns-x/app https`: a scheme subject's name in results. */
export const schemeSubjectName = ({ app, scheme }: SchemeSubject): string => `${app.id} ${scheme}`;

/**
 * Squatters picked by `which`, each once per listener of its host's owner: what a case
 * that checks the owner keeps the host probes.
 */
export function squatterListeners(target: LoadedTarget, which: (app: ResolvedApp) => boolean): SchemeSubject[] {
  return squattingApps(target)
    .filter(which)
    .flatMap((squatter) => {
      const owner = target.resolved.apps.find((app) => app.id === squatter.hostOwner);
      return owner ? overSchemes([owner]).map(({ scheme }) => ({ app: squatter, scheme })) : [];
    });
}
