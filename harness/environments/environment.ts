import type { Target } from '../target.ts';

/**
 * An environment brings a gateway with the scenario's tenants behind it to life,
 * testcontainers-style: configure -> `start()` -> a started handle -> `stop()`.
 */
export interface Environment {
  /** Starts everything; on failure, stops whatever it had started before throwing. */
  start(signal?: AbortSignal): Promise<StartedEnvironment>;
}

export interface StartedEnvironment extends AsyncDisposable {
  /** What the suites need to reach the gateway (written to the target file). */
  target(): Target;
  /** The live reference gateway serving the same tenants, where the environment has one (dual mode: ingress-nginx beside Istio). */
  referenceTarget?(): Target | undefined;
  /** Saves what the environment logged (a cluster's node and pod logs) into `dir`, for a failed run's report. */
  exportLogs?(dir: string): Promise<void>;
  /** Stops every process and removes every file this environment created. Idempotent. */
  stop(): Promise<void>;
}

/**
 * What an environment can test. A case that needs a feature the target lacks is
 * reported NOT_SUPPORTED, never FAILED.
 */
export const features = [
  'http1',
  'http2',
  /** HTTP/2 over cleartext on a separate port. */
  'h2c',
  'websocket',
  'grpc',
  'tls',
  'cors',
  /** Traffic between tenants inside a cluster (needs pods and Services). */
  'east-west',
  /** Load generation against the gateway. */
  'load',
] as const;
export type Feature = (typeof features)[number];
