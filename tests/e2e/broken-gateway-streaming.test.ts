import { type Breakage, breakConfig, describeBreakages } from './meshgate-cli.ts';

/**
 * The streaming cases of the protocols suite (suites/protocols/streaming-cases.ts)
 * must fail on a gateway that really misbehaves. Each row breaks the local nginx
 * in one realistic way, runs the whole protocols suite through the real CLI, and
 * expects exit 1 with exactly the listed cases failing (existing protocol cases
 * included when the breakage hits them too).
 *
 * gRPC proxied as HTTP/1 (grpc_pass -> proxy_pass, which loses HTTP/2 and trailers)
 * is not repeated here: broken-gateway.test.ts runs that breakage on the same
 * protocols suite, so its row lists the streaming gRPC cases it fails too.
 */
const breakages: Breakage[] = [
  {
    // Only the ws app has 3600s (the terminal has 86400s, the rest 300s); websocket-idle-hold waits 2 s by default,
    // and websocket-idle-beyond-default-timeout (quick profile) reads 1 s where 3600 s is declared.
    name: 'a WebSocket read timeout shorter than idle clients wait (1 s)',
    suites: ['protocols'],
    options: { configHook: breakConfig(/proxy_read_timeout 3600s;/, 'proxy_read_timeout 1s;') },
    failing: ['websocket-idle-beyond-default-timeout', 'websocket-idle-hold'],
  },
  {
    name: "the terminal's cross-site WebSocket guard dropped",
    suites: ['protocols'],
    options: { configHook: breakConfig(/if \(\$meshgate_websocket_guard [^{]+\{ return 403; \}/, '') },
    failing: ['websocket-terminal-cross-site-refused'],
  },
  {
    // Only locations that grpc_pass (no `}` between the limit and grpc_pass: the same location block).
    name: 'gRPC request bodies limited to 1m',
    suites: ['protocols'],
    options: { configHook: breakConfig(/client_max_body_size \S+;(?=[^}]*grpc_pass grpc:\/\/)/, 'client_max_body_size 1m;') },
    failing: ['grpc-4mib-message'],
  },
];

// The idle time is pinned to its default so a developer's own MESHGATE_WS_IDLE_MS cannot change the outcome.
describeBreakages(breakages, { env: { MESHGATE_WS_IDLE_MS: '2000' } });
