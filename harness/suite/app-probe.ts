import { status as grpcStatus } from '@grpc/grpc-js';
import type { GatewayAddress } from '../clients/http-client.ts';
import type { ResolvedApp } from '../scenario/resolve.ts';
import type { Observation } from '../results/observation.ts';
import { probeGrpcUnary, probeHttp, probeWebSocket } from './probes.ts';

/** One request in the app's own protocol, checked against what a healthy gateway answers; a failure is named (status, gRPC code, close code, error text). */
export async function probeApp(app: ResolvedApp, gateway: GatewayAddress): Promise<{ protocol: string; failure: string | null }> {
  const protocol = appProtocol(app);
  if (protocol === 'grpc') return { protocol, failure: describeFailure(protocol, await probeGrpcUnary(gateway, app.host, 'watch'), app, 0) };
  if (protocol === 'ws' || protocol === 'wss') return { protocol, failure: describeFailure(protocol, await probeWebSocket(gateway, { scheme: protocol, host: app.host }), app, 101) };
  return { protocol, failure: describeFailure(protocol, await probeHttp(gateway, { scheme: protocol, host: app.host }), app, 200) };
}

/** The protocol an app is probed in: gRPC, WebSocket (ws/wss) for WebSocket apps, else HTTP(S). */
export function appProtocol(app: ResolvedApp): 'grpc' | 'ws' | 'wss' | 'http' | 'https' {
  if (app.backendProtocol === 'GRPC') return 'grpc';
  if (app.kind === 'ws') return app.tls ? 'wss' : 'ws';
  return app.tls ? 'https' : 'http';
}

/** What went wrong, in the words of the protocol: `status 502`, `gRPC 14 UNAVAILABLE: ...`, `closed 1011 (...)`, `ECONNRESET: ...`. */
export function describeFailure(protocol: string, observation: Observation, app: ResolvedApp, status: number): string | null {
  const { details } = observation;
  if (protocol === 'grpc' && observation.status !== undefined && observation.status !== status) {
    const text = typeof details?.message === 'string' ? `: ${details.message.replace(/^\d+ [A-Z_]+: /, '')}` : '';
    return `gRPC ${observation.status} ${grpcStatus[observation.status] ?? 'UNKNOWN_CODE'}${text}`;
  }
  if (observation.error === 'ECLOSED') return `closed ${details?.closeCode}${details?.closeReason ? ` (${details.closeReason})` : ''} before the echo`;
  if (observation.error) return `${observation.error}${typeof details?.message === 'string' && details.message !== observation.error ? `: ${details.message}` : ''}`;
  if (observation.status !== status) return `status ${observation.status} (expected ${status})`;
  if (observation.backend !== app.id) return `answered by ${observation.backend ?? 'no backend'}`;
  return null;
}
