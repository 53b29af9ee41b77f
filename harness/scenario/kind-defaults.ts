import type { AppKind } from './schema.ts';

/**
 * What Sealos puts on each kind of app's Ingress (see shared/design/sealos-fixtures.md),
 * as typed settings. A scenario file overrides any of them per app.
 */
export interface KindDefaults {
  backendProtocol: 'HTTP' | 'GRPC' | 'WS';
  /** Launchpad apps set ssl-redirect "false"; terminal and adminer keep ingress-nginx's default (true with TLS). */
  sslRedirect: boolean;
  bodySize: string;
  timeouts: { connectSeconds: number; sendSeconds: number; readSeconds: number };
  /** The terminal/adminer CORS set: https://<domain> and https://*.<domain>. */
  sealosCors: boolean;
  requestHeaders: { set: Record<string, string>; remove: string[] };
  responseHeaders: (domain: string) => { set: Record<string, string>; remove: string[] };
  webSocketGuard: boolean;
}

const none = () => ({ set: {}, remove: [] });
/** ingress-nginx's proxy-connect-timeout default; Sealos does not change it. */
const connectSeconds = 5;

/** What every launchpad Ingress carries; the kinds below change only what differs. */
const launchpad: Omit<KindDefaults, 'backendProtocol'> = {
  sslRedirect: false,
  bodySize: '32m',
  timeouts: { connectSeconds, sendSeconds: 300, readSeconds: 300 },
  sealosCors: false,
  requestHeaders: none(),
  responseHeaders: none,
  webSocketGuard: false,
};

export const kindDefaults: Record<AppKind, KindDefaults> = {
  web: { ...launchpad, backendProtocol: 'HTTP' },
  grpc: { ...launchpad, backendProtocol: 'GRPC' },
  ws: { ...launchpad, backendProtocol: 'WS', timeouts: { connectSeconds, sendSeconds: 3600, readSeconds: 3600 } },
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

/** The methods Sealos' terminal and adminer allow. */
export const sealosCorsMethods = ['PUT', 'GET', 'POST', 'PATCH', 'OPTIONS'];
