import { type WatchAnswer, nearestRank } from './watch-answers.ts';

/** The rolling p95 budget: per host, over the answers that started in the last `windowMs`. */
export interface P95Budget {
  budgetMs: number;
  windowMs: number;
}

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
 * A window's p95 is over the budget when more than 5 % of its answers, and at
 * least 2, took longer than the budget: the nearest-rank p95, read as if a short
 * window had 20 answers, so a single late answer (a hiccup the per-answer
 * ceiling judges) never makes a percentile. Every answer counts, failed or not:
 * a failure that took long was waited for too. Pure.
 */
export function p95Breaches(answers: WatchAnswer[], budget: P95Budget): P95Breach[] {
  const byHost = new Map<string, WatchAnswer[]>();
  for (const answer of answers) byHost.set(answer.host, byHost.get(answer.host) ?? []).get(answer.host)!.push(answer);
  const breaches: P95Breach[] = [];
  for (const [host, own] of byHost) {
    const sorted = own.sort((a, b) => a.at - b.at);
    let first = 0;
    let over = 0;
    let worst: P95Breach | undefined;
    for (let last = 0; last < sorted.length; last++) {
      if (sorted[last]!.latencyMs > budget.budgetMs) over++;
      while (sorted[first]!.at <= sorted[last]!.at - budget.windowMs) if (sorted[first++]!.latencyMs > budget.budgetMs) over--;
      const count = last - first + 1;
      if (over < 2 || over <= 0.05 * count) continue;
      const p95Ms = nearestRank(sorted.slice(first, last + 1).map((answer) => answer.latencyMs), 0.95);
      if (!worst || p95Ms > worst.p95Ms || (p95Ms === worst.p95Ms && over > worst.over)) worst = { host, app: sorted[0]!.app, protocol: sorted[0]!.protocol, p95Ms, from: sorted[first]!.at, to: sorted[last]!.at, answers: count, over };
    }
    if (worst) breaches.push(worst);
  }
  return breaches.sort((a, b) => b.p95Ms - a.p95Ms || a.host.localeCompare(b.host));
}
