import type { FailureKind, WatchAnswer } from './watch-answers.ts';

/** When failed answers count as one event rather than a host's own trouble. */
export interface EventRules {
  /** Width of the time slots answers are grouped in, ms. */
  slotMs: number;
  /** A slot is eventful when at least this many distinct hosts failed in it... */
  minHosts: number;
  /** ...and they are at least this share (0..1) of the hosts answering in it. */
  minShare: number;
  /** Eventful slots at most this far apart, ms, are one event (a stall's edges fall in different slots). */
  mergeGapMs: number;
}

/**
 * Defaults: two hosts and a quarter of those answering, in the same second. A host
 * that fails alone is that host's failure (listed, and counted in the success
 * rate); a quarter of the platform at once is what a bad reload, a draining
 * listener or a DNS or load-balancer flip looks like.
 */
export const defaultEventRules: EventRules = { slotMs: 1000, minHosts: 2, minShare: 0.25, mergeGapMs: 1000 };

/** Many hosts failing or slow together: one event, whatever the number of answers it spoiled. */
export interface WatchEvent {
  /** `stall`: answers only came late or not at all; `outage`: answers failed. */
  kind: 'stall' | 'outage';
  /** When its first failed answer started and its last one ended, ms since the Unix epoch. */
  start: number;
  end: number;
  durationMs: number;
  /** Distinct hosts with a failed answer in it, sorted. */
  hosts: string[];
  /** Hosts answering during it (failed or not). */
  hostsAnswering: number;
  /** Failed answers by kind. */
  seen: Partial<Record<FailureKind, number>>;
}

const end = (answer: WatchAnswer) => answer.at + answer.latencyMs;

/**
 * Groups failed answers (`kind` not null) into events. An answer occupies every
 * slot from its start to its end, so a stall shows in the seconds it lasted, not
 * only in the second it began. Pure: the thresholds are tested without timing.
 */
export function detectEvents(answers: WatchAnswer[], rules: EventRules = defaultEventRules): WatchEvent[] {
  const slots = new Map<number, { answering: Set<string>; failing: Set<string> }>();
  for (const answer of answers) {
    for (let slot = Math.floor(answer.at / rules.slotMs); slot <= Math.floor(end(answer) / rules.slotMs); slot++) {
      const cell = slots.get(slot) ?? { answering: new Set<string>(), failing: new Set<string>() };
      slots.set(slot, cell);
      cell.answering.add(answer.host);
      if (answer.kind !== null) cell.failing.add(answer.host);
    }
  }
  const eventful = [...slots.entries()]
    .filter(([, cell]) => cell.failing.size >= rules.minHosts && cell.failing.size >= rules.minShare * cell.answering.size)
    .map(([slot]) => slot)
    .sort((a, b) => a - b);
  const groups: Array<{ first: number; last: number; answering: Set<string> }> = [];
  for (const slot of eventful) {
    const group = groups.at(-1);
    if (group && (slot - group.last - 1) * rules.slotMs <= rules.mergeGapMs) group.last = slot;
    else groups.push({ first: slot, last: slot, answering: new Set() });
  }
  return groups.map((group) => describe(group, answers, slots, rules.slotMs));
}

function describe(group: { first: number; last: number; answering: Set<string> }, answers: WatchAnswer[], slots: Map<number, { answering: Set<string> }>, slotMs: number): WatchEvent {
  const from = group.first * slotMs;
  const to = (group.last + 1) * slotMs;
  const failed = answers.filter((answer) => answer.kind !== null && answer.at < to && end(answer) >= from);
  for (let slot = group.first; slot <= group.last; slot++) for (const host of slots.get(slot)?.answering ?? []) group.answering.add(host);
  const seen: WatchEvent['seen'] = {};
  for (const answer of failed) seen[answer.kind!] = (seen[answer.kind!] ?? 0) + 1;
  const start = Math.min(...failed.map((answer) => answer.at));
  const last = Math.max(...failed.map(end));
  const stalled = failed.every((answer) => answer.kind === 'slow' || answer.kind === 'stall');
  return { kind: stalled ? 'stall' : 'outage', start, end: last, durationMs: last - start, hosts: [...new Set(failed.map((answer) => answer.host))].sort(), hostsAnswering: group.answering.size, seen };
}

/** `stall at 01:02:03.456 for 3.0 s: 8 of 8 hosts (a, b, c and 5 more); seen 8 slow`. Pure. */
export function describeEvent(event: WatchEvent, listHosts = 3): string {
  const named = event.hosts.slice(0, listHosts).join(', ') + (event.hosts.length > listHosts ? ` and ${event.hosts.length - listHosts} more` : '');
  const seen = Object.entries(event.seen).map(([kind, count]) => `${count} ${kind}`).join(', ');
  return `${event.kind} at ${new Date(event.start).toISOString().slice(11, 23)} for ${(event.durationMs / 1000).toFixed(1)} s: ${event.hosts.length} of ${event.hostsAnswering} hosts (${named}); seen ${seen}`;
}
