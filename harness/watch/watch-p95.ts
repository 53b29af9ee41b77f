import { type WatchAnswer, nearestRank } from './watch-answers.ts';

/** The rolling p95 budget: per host, over the answers that started in the last `windowMs` (at least the last `minAnswers`). */
export interface P95Budget {
  budgetMs: number;
  windowMs: number;
}

/** Fewer answers make no 95th percentile (it would be the slowest one): a window holds at least this many, reaching further back when needed. */
export const minAnswersForP95 = 20;

/** One host whose rolling p95 went over the budget. */
export interface P95Breach {
  host: string;
  app: string;
  protocol: string;
  /** The worst window's p95 (nearest rank), ms; of equal ones, the window with the most answers over the budget. */
  p95Ms: number;
  /** That window: when its first and last answers started, ms since the Unix epoch; its answers, and how many were over the budget. */
  from: number;
  to: number;
  answers: number;
  over: number;
}

/**
 * A window's p95 is over the budget when more than 5 % of its answers took
 * longer than the budget (the nearest-rank p95 is then over it). A window holds
 * the answers of the last `windowMs`, or the last 20 when fewer came (a slow
 * host answers less often); a host with fewer than 20 answers is not judged. So
 * a single late answer never makes a percentile: the per-answer ceiling judges
 * it. Every answer counts, failed or not: a failure that took long was waited
 * for too. Pure.
 */
export function p95Breaches(answers: WatchAnswer[], budget: P95Budget): P95Breach[] {
  const byHost = new Map<string, WatchAnswer[]>();
  for (const answer of answers) byHost.set(answer.host, byHost.get(answer.host) ?? []).get(answer.host)!.push(answer);
  const breaches: P95Breach[] = [];
  for (const [host, own] of byHost) {
    const sorted = own.sort((a, b) => a.at - b.at);
    // overBefore[i]: answers over the budget among the first i.
    const overBefore = [0];
    for (const answer of sorted) overBefore.push(overBefore.at(-1)! + (answer.latencyMs > budget.budgetMs ? 1 : 0));
    let byTime = 0;
    let worst: P95Breach | undefined;
    for (let last = minAnswersForP95 - 1; last < sorted.length; last++) {
      while (sorted[byTime]!.at <= sorted[last]!.at - budget.windowMs) byTime++;
      const first = Math.min(byTime, last - minAnswersForP95 + 1);
      const over = overBefore[last + 1]! - overBefore[first]!;
      const count = last - first + 1;
      if (over <= 0.05 * count) continue;
      const p95Ms = nearestRank(sorted.slice(first, last + 1).map((answer) => answer.latencyMs), 0.95);
      if (!worst || p95Ms > worst.p95Ms || (p95Ms === worst.p95Ms && over > worst.over)) worst = { host, app: sorted[0]!.app, protocol: sorted[0]!.protocol, p95Ms, from: sorted[first]!.at, to: sorted[last]!.at, answers: count, over };
    }
    if (worst) breaches.push(worst);
  }
  return breaches.sort((a, b) => b.p95Ms - a.p95Ms || a.host.localeCompare(b.host));
}
