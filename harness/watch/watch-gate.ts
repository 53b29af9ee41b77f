import type { WatchEvent } from './watch-events.ts';
import { describeEvent } from './watch-events.ts';
import type { P95Breach } from './watch-p95.ts';

/** What the watch gate weighs. */
export interface WatchGateInput {
  requests: number;
  failures: number;
  minSuccess: number;
  p95BudgetMs: number;
  events: WatchEvent[];
  breaches: P95Breach[];
}

/**
 * The watch passes when answers completed, the success rate held (a slow answer is
 * a failure), no host's rolling p95 went over the budget and no event happened:
 * a platform-wide stall fails a long watch even when its few answers fit the
 * error budget. Every reason names what broke. Pure.
 */
export function gateWatch(input: WatchGateInput): { passed: boolean; reasons: string[] } {
  const reasons: string[] = [];
  const rate = input.requests === 0 ? 0 : (input.requests - input.failures) / input.requests;
  if (input.requests === 0) reasons.push('no exchange completed');
  else if (rate < input.minSuccess) reasons.push(`success rate ${(rate * 100).toFixed(3)} % under the required ${(input.minSuccess * 100).toFixed(1)} %`);
  for (const breach of input.breaches) {
    reasons.push(`p95 over the ${input.p95BudgetMs} ms budget on ${breach.host} (${breach.app}, ${breach.protocol}): ${Math.round(breach.p95Ms)} ms, ${breach.over} of ${breach.answers} answers slower, from ${new Date(breach.from).toISOString()}`);
  }
  for (const event of input.events) reasons.push(describeEvent(event));
  return { passed: reasons.length === 0, reasons };
}
