import type { ResolvedApp } from '../scenario/resolve.ts';
import { bufferLimitBytes } from './body-limit.ts';
import { ingressClass, nginxAnnotation, sealosBufferAnnotations, sealosHeaderBufferSnippet } from './ingress-annotations.ts';

/**
 * A setting of an app's Ingress that the Istio objects do not reproduce faithfully.
 * The run's report lists these beside the results, so a difference the suites find
 * (or cannot find) is explained rather than discovered.
 */
export interface UntranslatedItem {
  /** `ns-<user>/<app>`. */
  appId: string;
  /** The Ingress setting as Sealos writes it, e.g. `nginx.ingress.kubernetes.io/proxy-body-size: 32m`. */
  setting: string;
  /** What the Istio gateway does instead, as a client would notice it. */
  effect: string;
}

/** The settings of `app` that mode `istio` leaves out or approximates. */
export function istioUntranslated(app: ResolvedApp): UntranslatedItem[] {
  const item = (setting: string, effect: string): UntranslatedItem => ({ appId: app.id, setting, effect });
  if (app.state !== 'active') {
    return [
      item(
        `kubernetes.io/ingress.class: ${ingressClass(app)}`,
        'a VirtualService answers 503 for the host; ingress-nginx serves no such host (404 from its default server, its default certificate on HTTPS)',
      ),
    ];
  }
  const { sendSeconds, readSeconds } = app.timeouts;
  return [
    bufferLimitBytes(app) === null
      ? item(
          `${nginxAnnotation('proxy-body-size')}: ${app.bodySize}`,
          `only a declared Content-Length over ${app.bodySize} is refused with 413; the body is not buffered (a gRPC stream would wait for its end), so a chunked or streamed body over the limit reaches the backend`,
        )
      : item(
          `${nginxAnnotation('proxy-body-size')}: ${app.bodySize}`,
          `translated (413 route for a declared length, Envoy's buffer filter for the rest); the gateway holds each upload whole in memory, up to ${app.bodySize}, before the backend sees any of it`,
        ),
    item(
      `${nginxAnnotation('proxy-read-timeout')}: "${readSeconds}"`,
      `translated as the route's per-try idle timeout (${readSeconds}s between two reads from the backend, once the request is sent); a request still being sent (a gRPC bidi stream, an upgraded connection) is not bounded by it`,
    ),
    item(
      `${nginxAnnotation('proxy-send-timeout')}: "${sendSeconds}"`,
      `no per-write upstream timeout in Istio: a backend that stops reading a buffered upload gets 504 after the read timeout (${readSeconds}s) instead; an unbuffered one is not timed out`,
    ),
    ...Object.entries(sealosBufferAnnotations).map(([annotation, size]) =>
      item(`${annotation}: ${size}`, 'no per-route buffer size in Istio; Envoy buffers by its own limits (no visible effect expected)'),
    ),
    item(
      `${nginxAnnotation('server-snippet')}: ${sealosHeaderBufferSnippet.trim().replace(/\n/g, ' ')}`,
      "Envoy's request header limit is per listener (60 KiB by default), not per host: headers between that and 4 x 128k are refused with 431",
    ),
    ...(app.cors
      ? [
          item(
            `${nginxAnnotation('enable-cors')}: "true"`,
            'Envoy answers a preflight itself with 200 (ingress-nginx: 204 with Content-Length: 0) and only when Access-Control-Request-Method is present, without the route\'s response headers (neither sends Vary); it sends Access-Control-Allow-Methods, -Allow-Headers and -Max-Age on preflights only, not on every response',
          ),
        ]
      : []),
    ...(app.backendProtocol === 'WS'
      ? [
          item(
            `${nginxAnnotation('proxy-read-timeout')}: "${readSeconds}" (WebSocket)`,
            `translated as the upgrade route's idle timeout (${readSeconds}s): Envoy counts traffic in either direction, ingress-nginx only what the backend sends, so a client that keeps talking to a silent backend keeps the socket open on Istio only`,
          ),
        ]
      : []),
    item(
      'HTTP/1.0 requests',
      'Envoy answers HTTP/1.0 with 426 Upgrade Required unless istiod runs with PILOT_HTTP10=1; ingress-nginx serves them',
    ),
    ...(app.webSocketGuard
      ? [
          item(
            `${nginxAnnotation('configuration-snippet')}: Sec-Fetch-Site WebSocket guard`,
            'translated as a 403 route; an upgrade without Sec-Fetch-Site is refused only by Istio releases whose withoutHeaders treats a missing header as empty (istio/istio#49537), older ones pass it to the backend',
          ),
        ]
      : []),
  ];
}
