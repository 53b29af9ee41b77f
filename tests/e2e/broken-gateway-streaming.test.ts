import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalEnvironmentOptions } from '../../harness/environments/local/local-environment.ts';
import { breakConfig, failedCaseIds, runMeshgate, scratchDir, startLocal } from './meshgate-cli.ts';

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
interface Breakage {
  name: string;
  options: Partial<LocalEnvironmentOptions>;
  failing: string[];
}

const breakages: Breakage[] = [
  {
    // Only the ws app has 3600s (the terminal has 86400s, the rest 300s); websocket-idle-hold waits 2 s by default.
    name: 'a WebSocket read timeout shorter than idle clients wait (1 s)',
    options: { configHook: breakConfig(/proxy_read_timeout 3600s;/, 'proxy_read_timeout 1s;') },
    failing: ['websocket-idle-hold'],
  },
  {
    name: "the terminal's cross-site WebSocket guard dropped",
    options: { configHook: breakConfig(/if \(\$meshgate_cross_site_websocket\) \{ return 403; \}/, '') },
    failing: ['websocket-terminal-cross-site-refused'],
  },
  {
    // Only locations that grpc_pass (no `}` between the limit and grpc_pass: the same location block).
    name: 'gRPC request bodies limited to 1m',
    options: { configHook: breakConfig(/client_max_body_size \S+;(?=[^}]*grpc_pass grpc:\/\/)/, 'client_max_body_size 1m;') },
    failing: ['grpc-4mib-message'],
  },
];

describe.each(breakages)('a gateway with $name', ({ options, failing }) => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let started: Awaited<ReturnType<typeof startLocal>>;

  beforeAll(async () => {
    scratch = await scratchDir();
    started = await startLocal(scratch.dir, options);
  });
  afterAll(async () => {
    await started?.environment.stop();
    await scratch?.remove();
  });

  it(`fails the gate (exit 1) with exactly: ${failing.join(', ')}`, async () => {
    // Failing cases wait out the convergence window; 3 s keeps the table fast and still needs 3 matches in a row to pass.
    // The idle time is pinned to its default so a developer's own MESHGATE_WS_IDLE_MS cannot change the outcome.
    const env = { MESHGATE_TIMEOUT_CONVERGENCE_MS: '3000', MESHGATE_WS_IDLE_MS: '2000' };
    const result = await runMeshgate(['run', '--target', started.targetFile, '--reports', scratch.dir, '--json', 'protocols'], env);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(failedCaseIds(result.stdout)).toEqual(failing);
    for (const id of failing) expect(result.stderr).toContain(id);
  });
});
