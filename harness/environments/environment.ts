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
