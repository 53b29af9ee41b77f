import type { WatchRecorder } from './watch-recorder.ts';
import { type EventRules, type WatchEvent, defaultEventRules, describeEvent, detectEvents } from './watch-events.ts';

/** How far back the live event view looks, ms: longer than any stall it must still see whole. */
const liveLookbackMs = 60_000;

/**
 * Progress of a watch on stderr: on a terminal one status line rewritten in
 * place every second; otherwise (CI logs) one rolling line every `everyMs`.
 * Each distinct failure is printed once, when first seen, above the status; an
 * event (many hosts failing or slow together, pending answers included) is
 * printed when it starts and when it is over, and named in the status line
 * while it lasts.
 */
export class WatchStatus {
  private timers: NodeJS.Timeout[] = [];
  private lastLength = 0;
  private ongoing: WatchEvent | undefined;

  constructor(
    private readonly recorder: WatchRecorder,
    private readonly stream: NodeJS.WriteStream,
    private readonly everyMs: number,
    private readonly rules: EventRules = defaultEventRules,
  ) {}

  start(): void {
    this.timers = [setInterval(() => this.print(), this.stream.isTTY ? 1000 : this.everyMs), setInterval(() => this.followEvents(Date.now()), this.rules.slotMs)];
    for (const timer of this.timers) timer.unref();
  }

  /** A line of its own (a failure seen for the first time, a mark), then the status line again. */
  failure(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
    if (this.stream.isTTY) this.print();
  }

  stop(): void {
    for (const timer of this.timers) clearInterval(timer);
    this.followEvents(Date.now());
    if (this.ongoing) this.failure(`  ⚠ ${describeEvent(this.ongoing)} (still going when the watch ended)`);
    this.clear();
  }

  /** An event is ongoing while failed or pending-too-long answers reach into the last slot (or the one before: answers land late). */
  private followEvents(now: number): void {
    const events = detectEvents(this.recorder.recent(now - liveLookbackMs, now), this.rules);
    const current = events.find((event) => event.end >= now - 2 * this.rules.slotMs);
    if (current && !this.ongoing) this.failure(`  ⚠ ${current.kind} started at ${new Date(current.start).toISOString()}: ${current.hosts.length} of ${current.hostsAnswering} hosts failing or slow`);
    if (!current && this.ongoing) {
      const over = events.filter((event) => event.start <= this.ongoing!.end && event.end >= this.ongoing!.start).at(-1) ?? this.ongoing;
      this.ongoing = undefined;
      this.failure(`  ⚠ ${describeEvent(over)}`);
    }
    this.ongoing = current;
  }

  private print(): void {
    const { requests, failures, distinctFailures } = this.recorder.summary();
    const rate = requests === 0 ? '-' : `${((100 * (requests - failures)) / requests).toFixed(3)} %`;
    const event = this.ongoing ? `; ${this.ongoing.kind.toUpperCase()} for ${(this.ongoing.durationMs / 1000).toFixed(0)} s on ${this.ongoing.hosts.length} hosts` : '';
    const line = `meshgate: ${new Date().toISOString().slice(11, 19)} ${requests} exchanges, ${failures} failed (${distinctFailures.length} distinct), success ${rate}${event}`;
    if (this.stream.isTTY) {
      this.clear();
      this.stream.write(line);
      this.lastLength = line.length;
    } else {
      this.stream.write(`${line}\n`);
    }
  }

  private clear(): void {
    if (this.stream.isTTY && this.lastLength > 0) this.stream.write('\r\x1b[2K');
    this.lastLength = 0;
  }
}
