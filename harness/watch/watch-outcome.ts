import type { WatchEvent } from './watch-events.ts';
import type { MarkReport } from './watch-mark.ts';
import type { P95Breach } from './watch-p95.ts';
import type { WatchSecond, WatchSummary } from './watch-recorder.ts';

/** What a watch report says besides its figures: the run and the budgets in force. */
export interface WatchRun {
  runId: string;
  gateway: string;
  minSuccess: number;
  /** Per-answer ceiling and rolling p95 budget, ms. */
  maxLatencyMs: number;
  p95BudgetMs: number;
}

/** What a watch saw and how it is judged. */
export interface WatchOutcome {
  startedAt: string;
  finishedAt: string;
  passed: boolean;
  reasons: string[];
  summary: WatchSummary;
  seconds: WatchSecond[];
  events: WatchEvent[];
  p95Breaches: P95Breach[];
  marks: MarkReport[];
  /** WebSocket connections held through the watch: how many were opened, how many dropped. */
  websockets: { opened: number; dropped: number };
}
