/** The protocols load is measured in. */
export type LoadProtocol = 'http' | 'websocket' | 'grpc';

/** How an exchange can fail: a connection error, no answer in time, a non-success status, a wrong answer. */
export type FailureKind = 'error' | 'timeout' | 'status' | 'mismatch';

/** Failed exchanges by kind (every Outcome but 'ok'). */
export type Failures = Record<FailureKind, number>;

/** One per-second window: what a time series of the run looks like. */
export interface LoadWindow {
  /** Seconds since the measured part started. */
  second: number;
  requests: number;
  errors: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
}

export interface LoadResult {
  protocol: LoadProtocol;
  /** When the measured part began (ISO 8601), after the warm-up. */
  startedAt: string;
  /** Connections of a closed-model run; for an open-model run, its connection cap. */
  concurrency: number;
  /** Requests per second an open-model run was asked for; absent for closed-model runs. */
  targetRate?: number;
  durationMs: number;
  requests: number;
  /** Failed exchanges: connection errors, timeouts, non-success statuses and mismatched answers. */
  errors: number;
  failures: Failures;
  successRate: number;
  rps: number;
  p50Us: number;
  p95Us: number;
  p99Us: number;
  maxUs: number;
  windows: LoadWindow[];
  /** The whole-run latency histogram (µs), HdrHistogram compressed base64: mergeable across runs. */
  histogram: string;
  /** Each window's histogram, encoded alike, when asked for: load workers send them so windows merge exactly. */
  windowHistograms?: string[];
}
