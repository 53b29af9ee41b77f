/** What a failed answer was, in the words an operator uses during a cutover. */
export type FailureKind = 'slow' | 'stall' | 'refused' | 'reset' | 'wrong backend' | 'tls' | 'status' | 'other';

/** One exchange with one served host, as watch records it. */
export interface WatchAnswer {
  /** When the exchange started, ms since the Unix epoch. */
  at: number;
  host: string;
  app: string;
  protocol: string;
  /** How long it took, ms (for an answer still pending: how long it has waited so far). */
  latencyMs: number;
  /** What went wrong, named in the protocol's terms; null when it succeeded in time. */
  failure: string | null;
  /** The failure's kind; null when it succeeded in time. */
  kind: FailureKind | null;
}

// Error texts of node:net / node:tls / grpc-js / ws, matched in this order: a gRPC
// UNAVAILABLE carries the socket error that caused it ("... connect ECONNREFUSED ...").
const kinds: Array<[FailureKind, RegExp]> = [
  ['stall', /ETIMEDOUT|DEADLINE_EXCEEDED|timed? ?out/i],
  ['refused', /ECONNREFUSED/],
  ['tls', /CERT|SSL|TLS|EPROTO|certificate|ALTNAME|self.signed/i],
  ['reset', /ECONNRESET|EPIPE|socket hang up|before the echo|ECLOSED|Connection dropped|ERR_STREAM_PREMATURE_CLOSE/i],
  ['wrong backend', /^answered by /],
  ['status', /^status \d+|^gRPC \d+/],
];

/** The kind of a failure text (see `probeApp`'s `describeFailure`). Pure. */
export function failureKind(failure: string): FailureKind {
  return kinds.find(([, pattern]) => pattern.test(failure))?.[0] ?? 'other';
}

/**
 * Judges one exchange against the per-answer ceiling: a correct answer slower
 * than `maxLatencyMs` is a failure of kind `slow` (a user waited too long); a
 * failed one keeps its own kind. Pure.
 */
export function judgeAnswer(exchange: Omit<WatchAnswer, 'kind'>, maxLatencyMs: number): WatchAnswer {
  if (exchange.failure !== null) return { ...exchange, kind: failureKind(exchange.failure) };
  if (exchange.latencyMs > maxLatencyMs) return { ...exchange, failure: `slow: answered after more than ${maxLatencyMs} ms`, kind: 'slow' };
  return { ...exchange, kind: null };
}

/** Nearest-rank quantile of latencies, ms (no interpolation: the value a real answer had); 0 for none. Pure. */
export function nearestRank(latencies: number[], q: number): number {
  if (latencies.length === 0) return 0;
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
}
