import type { WatchRecorder } from './watch-recorder.ts';

/**
 * Progress of a watch on stderr: on a terminal one status line rewritten in
 * place every second; otherwise (CI logs) one rolling line every `everyMs`.
 * Each distinct failure is printed once, when first seen, above the status.
 */
export class WatchStatus {
  private timer: NodeJS.Timeout | undefined;
  private lastLength = 0;

  constructor(
    private readonly recorder: WatchRecorder,
    private readonly stream: NodeJS.WriteStream,
    private readonly everyMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.print(), this.stream.isTTY ? 1000 : this.everyMs);
    this.timer.unref();
  }

  /** A failure seen for the first time: its own line, then the status line again. */
  failure(line: string): void {
    this.clear();
    this.stream.write(`${line}\n`);
    if (this.stream.isTTY) this.print();
  }

  stop(): void {
    clearInterval(this.timer);
    this.clear();
  }

  private print(): void {
    const { requests, failures, distinctFailures } = this.recorder.summary();
    const rate = requests === 0 ? '-' : `${((100 * (requests - failures)) / requests).toFixed(3)} %`;
    const line = `meshgate: ${new Date().toISOString().slice(11, 19)} ${requests} exchanges, ${failures} failed (${distinctFailures.length} distinct), success ${rate}`;
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
