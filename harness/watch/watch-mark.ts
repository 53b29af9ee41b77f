import { type WatchAnswer, nearestRank } from './watch-answers.ts';

/** One WebSocket connection watch held open, from its upgrade to its end. */
export interface HeldConnection {
  host: string;
  /** When it was open, ms since the Unix epoch; `closedAt` null while still open at the end. */
  openedAt: number;
  closedAt: number | null;
  /** Why it ended (close code, error, no echo); null while open. */
  why: string | null;
}

/** Latency and failures of one protocol's answers on one side of a mark. */
export interface MarkSide {
  answers: number;
  failures: number;
  p50Ms: number;
  p95Ms: number;
}

/** What the switch cost one protocol. */
export interface MarkProtocol {
  protocol: string;
  before: MarkSide;
  after: MarkSide;
  /** Failures within the window either side of the mark, and the share (1 = all) of the watch's error budget for this protocol they spent; null when none was allowed (--min-success 1). */
  failuresAround: number;
  budgetSpent: number | null;
}

/** The moment of the switch and what it did. */
export interface MarkReport {
  /** When the switch was marked, ms since the Unix epoch, and how (signal or file). */
  at: number;
  by: string;
  windowMs: number;
  protocols: MarkProtocol[];
  /** WebSocket connections open at the mark, how many were still open `windowMs` after it (or at the end), and how long each dropped one took to come back, ms (null: it never did). */
  websockets: { held: number; survived: number; reconnectMs: Array<number | null> };
}

function side(answers: WatchAnswer[]): MarkSide {
  const latencies = answers.map((answer) => answer.latencyMs);
  return { answers: answers.length, failures: answers.filter((answer) => answer.kind !== null).length, p50Ms: nearestRank(latencies, 0.5), p95Ms: nearestRank(latencies, 0.95) };
}

/**
 * Before/after latency per protocol over `windowMs` either side of the mark, and
 * the error budget the switch spent: failures within that window against the
 * failures the whole watch was allowed for the protocol, (1 - minSuccess) x its
 * answers. 1 is the whole budget. Pure.
 */
export function reportMark(mark: { at: number; by: string }, answers: WatchAnswer[], held: HeldConnection[], options: { windowMs: number; minSuccess: number; endedAt: number }): MarkReport {
  const { windowMs } = options;
  const protocols = [...new Set(answers.map((answer) => answer.protocol))].sort().map((protocol) => {
    const own = answers.filter((answer) => answer.protocol === protocol);
    const before = own.filter((answer) => answer.at >= mark.at - windowMs && answer.at < mark.at);
    const after = own.filter((answer) => answer.at >= mark.at && answer.at < mark.at + windowMs);
    const failuresAround = before.concat(after).filter((answer) => answer.kind !== null).length;
    const allowed = (1 - options.minSuccess) * own.length;
    return { protocol, before: side(before), after: side(after), failuresAround, budgetSpent: allowed > 0 ? failuresAround / allowed : null };
  });
  const heldAtMark = held.filter((connection) => connection.openedAt <= mark.at && (connection.closedAt ?? Infinity) > mark.at);
  const until = Math.min(mark.at + windowMs, options.endedAt);
  const dropped = heldAtMark.filter((connection) => connection.closedAt !== null && connection.closedAt < until);
  const reconnectMs = dropped.map((connection) => {
    const next = held.find((other) => other.host === connection.host && other.openedAt >= connection.closedAt!);
    return next ? next.openedAt - connection.closedAt! : null;
  });
  return { ...mark, windowMs, protocols, websockets: { held: heldAtMark.length, survived: heldAtMark.length - dropped.length, reconnectMs } };
}
