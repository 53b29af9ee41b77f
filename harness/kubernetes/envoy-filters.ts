import type { ResolvedApp } from '../scenario/resolve.ts';
import { MAX_BUFFER_BYTES, bufferLimitBytes } from './body-limit.ts';
import type { EnvoyConfigPatch, EnvoyFilter } from './envoy-filter-objects.ts';
import { objectMeta } from './objects.ts';
import { type Listener, type RouteContext, backendRouteName, servingListeners, upgradeRouteName } from './virtual-service.ts';

/** The gateway the EnvoyFilters patch: where they live (they reach only its pods) and its pods' labels. */
export interface PatchedGateway {
  namespace: string;
  /** Name of the Gateway object; its own EnvoyFilter takes the same name. */
  name: string;
  selector: Record<string, string>;
}

const bufferFilter = 'envoy.filters.http.buffer';
const hcm = 'envoy.filters.network.http_connection_manager';
const typeUrl = (message: string) => `type.googleapis.com/${message}`;
const bufferType = typeUrl('envoy.extensions.filters.http.buffer.v3.Buffer');

/**
 * What every tenant on the gateway gets, as ingress-nginx gives it in its global config:
 * - Envoy's buffer filter before the router, disabled until a route enables it
 *   (HttpFilter.disabled, http_connection_manager.proto), so tenants outside the scenario
 *   are not buffered; Higress inserts the same filter
 *   (helm/core/templates/request-body-size-limit-envoyfilter.yaml).
 * - Request headers whose names have an underscore dropped, as nginx ignores them
 *   (`underscores_in_headers off`, `ignore_invalid_headers on`); Envoy's default is ALLOW
 *   (HttpProtocolOptions.headers_with_underscores_action, protocol.proto), and no Istio
 *   release up to 1.29 sets it.
 * - A client's X-Request-ID kept, as ingress-nginx keeps it ($http_x_request_id, else a new
 *   one): at the edge Envoy replaces it unless preserve_external_request_id is set
 *   (conn_manager_utility.cc mutateRequestHeaders), which Istio never sets.
 */
export function buildGatewayEnvoyFilter(gateway: PatchedGateway, runId: string): EnvoyFilter {
  const listener = (subFilter?: string) => ({ filterChain: { filter: { name: hcm, ...(subFilter ? { subFilter: { name: subFilter } } : {}) } } });
  const patches: EnvoyConfigPatch[] = [
    {
      applyTo: 'HTTP_FILTER',
      match: { context: 'GATEWAY', listener: listener('envoy.filters.http.router') },
      // max_request_bytes is required even on a disabled filter; each route sets its own.
      patch: { operation: 'INSERT_BEFORE', value: { name: bufferFilter, disabled: true, typed_config: { '@type': bufferType, max_request_bytes: MAX_BUFFER_BYTES } } },
    },
    {
      applyTo: 'NETWORK_FILTER',
      match: { context: 'GATEWAY', listener: listener() },
      patch: {
        operation: 'MERGE',
        value: {
          typed_config: {
            '@type': typeUrl('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager'),
            common_http_protocol_options: { headers_with_underscores_action: 'DROP_HEADER' },
            preserve_external_request_id: true,
          },
        },
      },
    },
  ];
  return envoyFilter(gateway.name, gateway, runId, patches);
}

/**
 * An app's routes, patched by virtual host (`<host>:<port>`, Istio's util.DomainName) and
 * route name (the VirtualService route's `name`, route.go TranslateRoute):
 * - on the backend routes, the buffer filter enabled with the app's body limit (a chunked or
 *   HTTP/2 body over it is refused with 413 once that many bytes have arrived), and
 *   proxy-read-timeout as the per-try idle timeout (route_components.proto
 *   RetryPolicy.per_try_idle_timeout): like nginx's, it starts once the request is sent and
 *   bounds the wait between two reads from the backend, so a long response that keeps
 *   flowing is never cut (the route timeout stays off, Istio's default);
 * - on the upgrade routes, proxy-read-timeout as the route's idle timeout
 *   (RouteAction.idle_timeout): an upgrade's request never ends, so no per-try timer starts,
 *   and Istio turns the stream idle timeout off; this closes an idle WebSocket as nginx does.
 * Null for an app without backend routes (paused or suspended).
 */
export function buildAppEnvoyFilter(app: ResolvedApp, runId: string, gateway: PatchedGateway, context: RouteContext): EnvoyFilter | null {
  if (app.state !== 'active') return null;
  const limit = bufferLimitBytes(app);
  const read = `${app.timeouts.readSeconds}s`;
  const backend = {
    ...(limit === null
      ? {}
      : { typed_per_filter_config: { [bufferFilter]: { '@type': typeUrl('envoy.extensions.filters.http.buffer.v3.BufferPerRoute'), buffer: { max_request_bytes: limit } } } }),
    route: { retry_policy: { per_try_idle_timeout: read } },
  };
  const patch = (listener: Listener, route: string, value: Record<string, unknown>): EnvoyConfigPatch => ({
    applyTo: 'HTTP_ROUTE',
    match: {
      context: 'GATEWAY',
      routeConfiguration: {
        // Only an HTTPS route configuration names its Gateway (see envoy-filter-objects.ts).
        ...(listener.scheme === 'https' ? { gateway: context.gateway } : {}),
        portNumber: listener.port,
        vhost: { name: `${app.host}:${listener.port}`, route: { name: route } },
      },
    },
    patch: { operation: 'MERGE', value },
  });
  const patches = servingListeners(app, context).flatMap((listener) => {
    const upgrade = upgradeRouteName(app, listener);
    return [patch(listener, backendRouteName(listener), backend), ...(upgrade === null ? [] : [patch(listener, upgrade, { route: { idle_timeout: read } })])];
  });
  return envoyFilter(`meshgate.${app.namespace}.${app.name}`, gateway, runId, patches);
}

function envoyFilter(name: string, gateway: PatchedGateway, runId: string, configPatches: EnvoyConfigPatch[]): EnvoyFilter {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: objectMeta(name, gateway.namespace, runId),
    spec: { workloadSelector: { labels: gateway.selector }, configPatches },
  };
}
