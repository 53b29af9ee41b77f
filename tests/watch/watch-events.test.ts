import { describe, expect, it } from 'vitest';
import type { FailureKind, WatchAnswer } from '../../harness/watch/watch-answers.ts';
import { defaultEventRules, describeEvent, detectEvents } from '../../harness/watch/watch-events.ts';

const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const hosts = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/** Every host answers every `everyMs` from `from` to `to` (ms after t0) in `latencyMs`, except where `spoil` says otherwise. */
function traffic(to: number, spoil: (host: string, at: number) => { latencyMs: number; kind: FailureKind | null } | undefined = () => undefined, everyMs = 250): WatchAnswer[] {
  const answers: WatchAnswer[] = [];
  for (const host of hosts) {
    for (let at = 0; at < to; ) {
      const bad = spoil(host, at);
      const latencyMs = bad?.latencyMs ?? 20;
      answers.push({ at: t0 + at, host, app: `ns/${host}`, protocol: 'https', latencyMs, failure: bad?.kind ?? null, kind: bad?.kind ?? null });
      at += latencyMs + everyMs;
    }
  }
  return answers;
}

// A 3 s freeze from 5 s to 8 s (an answer only slow when it took over 1 s: the exchange started at 4.8 s): each host's exchange in flight (or started during it) answers when it ends.
const frozen = (_host: string, at: number) => (at >= 4_800 && at < 8_000 ? { latencyMs: 8_000 - at, kind: 8_000 - at > 1_000 ? ('slow' as const) : null } : undefined);

describe('detectEvents', () => {
  const cases: Array<{ name: string; answers: WatchAnswer[]; events: Array<{ kind: string; hosts: number; seen: object; durationMs?: [number, number] }> }> = [
    { name: 'clean traffic', answers: traffic(20_000), events: [] },
    { name: 'a 3 s freeze of every host', answers: traffic(20_000, frozen), events: [{ kind: 'stall', hosts: 8, seen: { slow: 8 }, durationMs: [2_900, 3_300] }] },
    { name: 'one host failing all along (its own trouble, not an event)', answers: traffic(20_000, (host) => (host === 'a' ? { latencyMs: 5, kind: 'refused' } : undefined)), events: [] },
    { name: 'one host slow all along', answers: traffic(20_000, (host) => (host === 'a' ? { latencyMs: 1_500, kind: 'slow' } : undefined)), events: [] },
    { name: 'two hosts failing in different seconds', answers: traffic(20_000, (host, at) => ((host === 'a' && at > 2_000 && at < 2_300) || (host === 'b' && at > 9_000 && at < 9_300) ? { latencyMs: 5, kind: 'reset' } : undefined)), events: [] },
    {
      name: 'half the hosts refused for 1 s, then reset for 1 s',
      answers: traffic(20_000, (host, at) => (hosts.indexOf(host) < 4 && at >= 10_000 && at < 12_000 ? { latencyMs: 5, kind: at < 11_000 ? 'refused' : 'reset' } : undefined)),
      events: [{ kind: 'outage', hosts: 4, seen: { refused: 12, reset: 16 } }],
    },
    {
      name: 'two stalls 5 s apart are two events',
      answers: traffic(20_000, (host, at) => ((at >= 2_000 && at < 3_000) || (at >= 9_000 && at < 10_000) ? { latencyMs: 1_200, kind: 'slow' } : undefined)),
      events: [
        { kind: 'stall', hosts: 8, seen: { slow: 8 } },
        { kind: 'stall', hosts: 8, seen: { slow: 8 } },
      ],
    },
  ];
  it.each(cases)('$name', ({ answers, events }) => {
    const found = detectEvents(answers);
    expect(found.map((event) => ({ kind: event.kind, hosts: event.hosts.length, seen: event.seen }))).toEqual(events.map(({ kind, hosts, seen }) => ({ kind, hosts, seen })));
    events.forEach((expected, index) => {
      if (expected.durationMs) expect(found[index]!.durationMs).toBeGreaterThanOrEqual(expected.durationMs[0]);
      if (expected.durationMs) expect(found[index]!.durationMs).toBeLessThanOrEqual(expected.durationMs[1]);
    });
  });

  it('needs minHosts and minShare of the hosts answering in the same slot', () => {
    const twoOfEight = traffic(5_000, (host, at) => (['a', 'b'].includes(host) && at < 1_000 ? { latencyMs: 5, kind: 'status' } : undefined));
    expect(detectEvents(twoOfEight)).toHaveLength(1);
    expect(detectEvents(twoOfEight, { ...defaultEventRules, minHosts: 3 })).toHaveLength(0);
    expect(detectEvents(twoOfEight, { ...defaultEventRules, minShare: 0.5 })).toHaveLength(0);
  });

  it('names the event: kind, start, duration, hosts and what was seen', () => {
    const [event] = detectEvents(traffic(20_000, frozen));
    expect(describeEvent(event!)).toMatch(/^stall at 12:00:04\.\d{3} for 3\.\d s: 8 of 8 hosts \(a, b, c and 5 more\); seen 8 slow$/);
  });
});
