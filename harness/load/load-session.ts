import type { GatewayAddress } from '../clients/http-client.ts';
import type { FailureKind, LoadProtocol } from '../results/load-result.ts';

/** Where load goes: the gateway, the scheme, and the tenant host (Host header or :authority, and SNI). */
export interface LoadTarget {
  gateway: GatewayAddress;
  scheme: 'http' | 'https';
  host: string;
  path?: string;
  /** `<namespace>/<app>` that must answer; an answer from any other backend counts as a mismatch. */
  expectBackend?: string;
}

/**
 * How one exchange ended: answered as expected, a connection error, no answer in
 * time, a non-success status, or a success from the wrong backend / with the wrong echo.
 */
export type Outcome = 'ok' | FailureKind;

/**
 * A client with at most one exchange in flight: an HTTP connection, a WebSocket, a
 * gRPC call slot. A callback, not a promise: at wrk's rate the promise per request shows.
 */
export interface LoadSession {
  /** Starts one exchange; `done` is called once with its outcome, never synchronously. */
  exchange(done: (outcome: Outcome) => void): void;
  close(): void;
}

/** Makes the sessions of one run, in the protocol being measured; `close()` ends what they share. */
export interface LoadDriver {
  readonly protocol: LoadProtocol;
  /** Bound on one exchange, ms (the target gateway's requestMs): an open-model run waits this long for its last ones. */
  readonly requestMs: number;
  session(): LoadSession;
  close(): void;
}
