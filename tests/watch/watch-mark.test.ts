import { describe, expect, it } from 'vitest';
import type { WatchAnswer } from '../../harness/watch/watch-answers.ts';
import { type HeldConnection, reportMark } from '../../harness/watch/watch-mark.ts';

const mark = { at: Date.UTC(2026, 0, 1, 12, 0, 0), by: 'SIGUSR2' };
const answer = (offsetMs: number, protocol: string, latencyMs: number, failed = false): WatchAnswer => ({
  at: mark.at + offsetMs,
  host: `${protocol}.test`,
  app: `ns/${protocol}`,
  protocol,
  latencyMs,
  failure: failed ? 'status 502 (expected 200)' : null,
  kind: failed ? 'status' : null,
});

describe('reportMark', () => {
  // https: 20 ms before the switch, 40 ms after, one failure just after it; grpc: unchanged; one answer outside the window.
  const answers = [
    ...Array.from({ length: 10 }, (_, index) => answer(-10_000 + index * 1_000, 'https', 20)),
    ...Array.from({ length: 10 }, (_, index) => answer(index * 1_000, 'https', 40, index === 0)),
    ...Array.from({ length: 20 }, (_, index) => answer(-10_000 + index * 1_000, 'grpc', 5)),
    ...Array.from({ length: 1_000 }, (_, index) => answer(-100_000 - index * 10, 'https', 20)),
    answer(-100_000, 'grpc', 5),
  ];
  const held: HeldConnection[] = [
    { host: 'ws-a', openedAt: mark.at - 60_000, closedAt: null, why: null },
    { host: 'ws-b', openedAt: mark.at - 60_000, closedAt: mark.at + 500, why: 'closed 1001' },
    { host: 'ws-b', openedAt: mark.at + 650, closedAt: null, why: null },
    { host: 'ws-c', openedAt: mark.at - 60_000, closedAt: mark.at + 100, why: 'ECONNRESET' },
    { host: 'ws-d', openedAt: mark.at - 60_000, closedAt: mark.at + 20_000, why: 'closed 1006' },
    { host: 'ws-e', openedAt: mark.at + 1_000, closedAt: null, why: null },
  ];
  const report = reportMark(mark, answers, held, { windowMs: 15_000, minSuccess: 0.999, endedAt: mark.at + 60_000 });

  it('compares latency before and after per protocol, and the error budget the switch spent', () => {
    expect(report.protocols).toEqual([
      { protocol: 'grpc', before: { answers: 10, failures: 0, p50Ms: 5, p95Ms: 5 }, after: { answers: 10, failures: 0, p50Ms: 5, p95Ms: 5 }, failuresAround: 0, budgetSpent: 0 },
      // 1,020 https answers allow 1.02 failures: the switch spent 98 % of the budget.
      { protocol: 'https', before: { answers: 10, failures: 0, p50Ms: 20, p95Ms: 20 }, after: { answers: 10, failures: 1, p50Ms: 40, p95Ms: 40 }, failuresAround: 1, budgetSpent: expect.closeTo(1 / 1.02, 9) },
    ]);
  });

  it('counts the WebSockets held across the mark, the survivors and how long reconnects took', () => {
    // ws-d dropped after the window: it survived the switch. ws-e opened after the mark: not held across it.
    expect(report.websockets).toEqual({ held: 4, survived: 2, reconnectMs: [150, null] });
  });

  it('no failure allowed (--min-success 1) leaves the budget share unknown', () => {
    expect(reportMark(mark, answers, [], { windowMs: 15_000, minSuccess: 1, endedAt: mark.at + 60_000 }).protocols[1]!.budgetSpent).toBeNull();
  });
});
