import { type Breakage, breakConfig, describeBreakages } from './meshgate-cli.ts';

/**
 * Declared settings that a gateway can lose for one app while everything else stays green:
 * one app's body limit, a long WebSocket read timeout, the client's request id. Each row breaks
 * the local nginx that one way and expects exactly the named case to fail.
 */

/** Only in the server of `host` (the api app: not the first app of its 32m limit, so no whole-body sample covers it). */
const apiServer = /(server_name lmfzhgqcnaty\.cloud\.sealos\.test ;[^]*?client_max_body_size )32m;/;

const breakages: Breakage[] = [
  {
    name: "one app's body limit lowered (32m to 1m)",
    suites: ['protocols', '--case', '^(body|http1)'],
    options: { configHook: breakConfig(apiServer, (_match, before) => `${before}1m;`) },
    failing: ['body-at-limit-accepted'],
  },
  {
    // The quick profile reads each long timeout from the nginx.conf the gateway runs with.
    name: "a WebSocket app's read timeout back at the 60 s default, seen in the configuration (quick profile)",
    suites: ['protocols', '--case', '^websocket-idle'],
    options: { configHook: breakConfig(/proxy_read_timeout 3600s;/, 'proxy_read_timeout 60s;') },
    failing: ['websocket-idle-beyond-default-timeout'],
  },
  {
    name: 'the client X-Request-ID replaced by a new id ($request_id always sent)',
    suites: ['multi-tenant', '--case', '^request-id'],
    options: { configHook: breakConfig(/X-Request-ID \$req_id;/, 'X-Request-ID $request_id;') },
    failing: ['request-id-passed-through'],
  },
];

describeBreakages(breakages);

/**
 * The idle hold itself (any profile but quick), kept short: the gateway default is taken as 3 s
 * (--timeouts gatewayDefaultReadMs=3000) and the WebSocket app's 3600 s is broken to that default,
 * so the 5 s hold (default + 2 s) sees it closed while the apps declaring 300 s and 86400 s stay open.
 * The real default stays 60 s; only this run shortens it.
 */
describeBreakages(
  [
    {
      name: "a WebSocket app's read timeout back at the gateway default, seen by an idle hold (gate profile)",
      suites: ['protocols', '--profile', 'gate', '--case', '^websocket-idle-beyond'],
      options: { configHook: breakConfig(/proxy_read_timeout 3600s;/, 'proxy_read_timeout 3s;') },
      failing: ['websocket-idle-beyond-default-timeout'],
    },
  ],
  { timeouts: 'gatewayDefaultReadMs=3000' },
);
