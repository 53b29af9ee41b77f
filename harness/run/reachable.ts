import { InputFileError } from '../errors.ts';
import type { LoadedTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import { tcpConnects, waitUntil } from '../wait.ts';

/** An unreachable gateway is the harness's problem (exit 2), not a thousand failed cases. */
export async function assertReachable(target: LoadedTarget, timeouts: Timeouts, signal: AbortSignal): Promise<void> {
  const { address, httpPort, httpsPort } = target.gateway;
  for (const port of [httpPort, httpsPort]) {
    await waitUntil('the gateway to accept connections', `${address}:${port} from target ${target.runId}`, { timeouts, name: 'gatewayReachableMs' }, tcpConnects(address, port, timeouts.requestMs), signal);
  }
}

/** A live A/B needs the reference to serve the hosts the load goes to. */
export function assertSameLoadTargets(target: LoadedTarget, compare: { file: string; content: LoadedTarget }): void {
  const hosts = new Set(compare.content.resolved.apps.map((app) => app.host));
  const loaded = target.resolved.apps.filter((app) => target.resolved.performance.targets.includes(app.id));
  const missing = loaded.filter((app) => !hosts.has(app.host)).map((app) => app.host);
  if (missing.length > 0) throw new InputFileError(compare.file, `the compare target does not serve ${missing.join(', ')}, which the load goes to`);
}

/** `127.0.0.1 (http 80, https 443)`: how logs and reports name a target's gateway. */
export function gatewayLabel(target: LoadedTarget): string {
  return `${target.gateway.address} (http ${target.gateway.httpPort}, https ${target.gateway.httpsPort})`;
}
