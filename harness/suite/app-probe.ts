import type { GatewayAddress } from '../clients/http-client.ts';
import type { ResolvedApp } from '../scenario/resolve.ts';
import type { Observation } from './expectation.ts';
import { probeGrpcUnary, probeHttp, probeWebSocket } from './probes.ts';

/** One request in the app's own protocol, checked against what a healthy gateway answers. */
export async function probeApp(app: ResolvedApp, gateway: GatewayAddress): Promise<{ protocol: string; failure: string | null }> {
  const scheme = app.tls ? 'https' : 'http';
  if (app.backendProtocol === 'GRPC') return judge('grpc', await probeGrpcUnary(gateway, app.host, 'watch'), app, 0);
  if (app.kind === 'ws') return judge(app.tls ? 'wss' : 'ws', await probeWebSocket(gateway, { scheme: app.tls ? 'wss' : 'ws', host: app.host }), app, 101);
  return judge(scheme, await probeHttp(gateway, { scheme, host: app.host }), app, 200);
}

function judge(protocol: string, observation: Observation, app: ResolvedApp, status: number): { protocol: string; failure: string | null } {
  if (observation.error) return { protocol, failure: observation.error };
  if (observation.status !== status) return { protocol, failure: `status ${observation.status}` };
  if (observation.backend !== app.id) return { protocol, failure: `answered by ${observation.backend ?? 'no backend'}` };
  return { protocol, failure: null };
}
