import type { AppKind } from './schema.ts';

/**
 * What Sealos puts on each kind of app's Ingress (see shared/design/sealos-fixtures.md),
 * as typed settings. A scenario file overrides any of them per app.
 */
export interface KindDefaults {
  backendProtocol: 'HTTP' | 'GRPC' | 'WS';
  /**
   * ingress-nginx redirects HTTP to HTTPS when the Ingress has TLS (ssl-redirect defaults to true). The launchpad
   * no longer writes `ssl-redirect: "false"` (labring/sealos frontend/providers/applaunchpad/src/utils/deployYaml2Json.ts,
   * json2Ingress, commit beea1e56), so every kind redirects unless a scenario says otherwise.
   */
  sslRedirect: boolean;
  /**
   * The launchpad's HTTP annotation set raises client-body-buffer-size, proxy-buffer-size and the header buffers
   * (server-snippet); its GRPC and WS sets replace the HTTP set, so those apps keep ingress-nginx's defaults.
   */
  sealosBuffers: boolean;
  bodySize: string;
  timeouts: { connectSeconds: number; sendSeconds: number; readSeconds: number };
  /** The terminal/adminer CORS set: https://<domain> and https://*.<domain>. */
  sealosCors: boolean;
  requestHeaders: { set: Record<string, string>; remove: string[] };
  responseHeaders: (domain: string) => { set: Record<string, string>; remove: string[] };
  webSocketGuard: boolean;
}

const none = () => ({ set: {}, remove: [] });
/**
 * ingress-nginx's proxy timeouts (internal/ingress/controller/config/config.go, NewDefault: ProxyConnectTimeout 5,
 * ProxySendTimeout 60, ProxyReadTimeout 60); the launchpad writes send/read for HTTP and WS apps only.
 */
export const ingressNginxTimeouts = { connectSeconds: 5, sendSeconds: 60, readSeconds: 60 } as const;
const connectSeconds = ingressNginxTimeouts.connectSeconds;

/** What every launchpad Ingress carries; the kinds below change only what differs. */
const launchpad: Omit<KindDefaults, 'backendProtocol'> = {
  sslRedirect: true,
  sealosBuffers: true,
  bodySize: '32m',
  timeouts: { connectSeconds, sendSeconds: 300, readSeconds: 300 },
  sealosCors: false,
  requestHeaders: none(),
  responseHeaders: none,
  webSocketGuard: false,
};

export const kindDefaults: Record<AppKind, KindDefaults> = {
  web: { ...launchpad, backendProtocol: 'HTTP' },
  grpc: { ...launchpad, backendProtocol: 'GRPC', sealosBuffers: false, timeouts: { ...ingressNginxTimeouts } },
  ws: { ...launchpad, backendProtocol: 'WS', sealosBuffers: false, timeouts: { connectSeconds, sendSeconds: 3600, readSeconds: 3600 } },
  terminal: {
    ...launchpad,
    backendProtocol: 'HTTP',
    sslRedirect: true,
    timeouts: { connectSeconds, sendSeconds: 86400, readSeconds: 86400 },
    sealosCors: true,
    requestHeaders: { set: {}, remove: ['Authorization'] },
    webSocketGuard: true,
  },
  adminer: {
    ...launchpad,
    backendProtocol: 'HTTP',
    sslRedirect: true,
    bodySize: '256m',
    sealosCors: true,
    responseHeaders: (domain) => ({
      set: {
        'Content-Security-Policy': `frame-ancestors 'self' https://${domain} https://*.${domain}`,
        'X-Xss-Protection': '1; mode=block',
      },
      remove: ['X-Frame-Options'],
    }),
  },
};

/** ingress-nginx's CORS defaults (cors-allow-headers, cors-max-age) where Sealos sets none. */
export const ingressNginxCorsDefaults = {
  allowHeaders: ['DNT', 'Keep-Alive', 'User-Agent', 'X-Requested-With', 'If-Modified-Since', 'Cache-Control', 'Content-Type', 'Range', 'Authorization'],
  allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'OPTIONS'],
  maxAgeSeconds: 1728000,
  allowCredentials: true,
};

/**
 * ingress-nginx's HSTS defaults (config.go NewDefault: HSTS true, HSTSIncludeSubdomains true, HSTSMaxAge
 * "31536000"), sent on HTTPS responses by rootfs/etc/nginx/lua/lua_ingress.lua `_M.header`.
 */
export const ingressNginxHsts = { maxAgeSeconds: 31536000, includeSubdomains: true } as const;

/** The methods Sealos' terminal and adminer allow. */
export const sealosCorsMethods = ['PUT', 'GET', 'POST', 'PATCH', 'OPTIONS'];
