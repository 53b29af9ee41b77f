import { type ResolvedApp, type ResolvedScenario, tlsSecretKey } from '../scenario/resolve.ts';
import type { Ingress, Secret } from './core-objects.ts';
import { ingressAnnotations } from './ingress-annotations.ts';
import { objectMeta } from './objects.ts';
import { type TlsKeyPair, backendPort, buildTlsSecret } from './tenant-workloads.ts';

/**
 * Mode `ingress`: one Ingress per exposed app, as Sealos' launchpad writes it, and the
 * TLS Secrets they name, in each tenant's namespace (an Ingress reads its Secret from
 * its own namespace, so the wildcard certificate is copied into every tenant's).
 *
 * A squatting app (its host claimed first by another tenant) gets its Ingress too, applied
 * after the owner's: ingress-nginx sorts Ingresses by creationTimestamp and skips a later
 * Ingress's location for a host and path already configured (store.go ListIngresses,
 * controller.go createServers), so the owner keeps the host, as the suites check.
 * A squatter with a narrower route (a path, a canary header) gets none: ingress-nginx alone
 * would serve it (a new location; a canary merged from any namespace), and Sealos' admission
 * webhook refuses it (labring/sealos webhooks/admission/api/v1/ingress_webhook.go checkOwner).
 */
export function buildIngressRouting(
  scenario: ResolvedScenario,
  runId: string,
  certificates: ReadonlyMap<string, TlsKeyPair>,
): (Secret | Ingress)[] {
  // Owners first, then the squatters: the apply order gives the creation order.
  const squatters = scenario.apps.filter((app) => app.hostOwner !== app.id && app.route === null);
  const apps = [...scenario.apps.filter((app) => app.hostOwner === app.id), ...squatters];
  return [...tenantSecrets(apps, runId, certificates), ...apps.map((app) => buildIngress(app, scenario.domain, runId))];
}

/** One Secret per namespace and secret name among the apps' TLS settings. */
function tenantSecrets(apps: ResolvedApp[], runId: string, certificates: ReadonlyMap<string, TlsKeyPair>): Secret[] {
  const secrets = new Map<string, Secret>();
  for (const app of apps) {
    if (!app.tls) continue;
    const id = `${app.namespace}/${app.tls.secretName}`;
    if (!secrets.has(id)) secrets.set(id, buildTlsSecret(app.tls.secretName, app.namespace, runId, certificates, tlsSecretKey(app)));
  }
  return [...secrets.values()];
}

/** An app's Ingress: host, TLS, backend Service port and the annotations that carry its behaviour. */
export function buildIngress(app: ResolvedApp, domain: string, runId: string): Ingress {
  // Sealos labels the launchpad subdomain; a custom domain has none under the scenario's domain.
  const subdomain = app.host.endsWith(`.${domain}`) ? app.host.slice(0, -(domain.length + 1)) : null;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: objectMeta(app.name, app.namespace, runId, {
      labels: {
        'cloud.sealos.io/app-deploy-manager': app.name,
        ...(subdomain ? { 'cloud.sealos.io/app-deploy-manager-domain': subdomain } : {}),
      },
      annotations: ingressAnnotations(app),
    }),
    spec: {
      ...(app.tls ? { tls: [{ hosts: [app.host], secretName: app.tls.secretName }] } : {}),
      rules: [
        {
          host: app.host,
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: app.name, port: { number: backendPort(app) } } } }] },
        },
      ],
    },
  };
}
