/** How often a watchdog looks at its exchange, ms: a timeout fires up to one tick late. */
const tickMs = 250;

/**
 * The timeout of one session's exchanges without a timer or a clock read per
 * exchange, which cost at load rates: one coarse interval per session sees
 * whether the exchange in flight is still the one it saw, and calls `onStall`
 * once the same one has been in flight for `timeoutMs` worth of ticks.
 */
export class ExchangeWatchdog {
  /** Exchanges begun, so a tick can tell a new exchange from the one it saw. */
  private begun = 0;
  private inFlight = false;
  private seen = -1;
  private ticks = 0;
  private interval: NodeJS.Timeout | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly onStall: () => void,
  ) {}

  /** An exchange starts (the interval starts with the first one). */
  begin(): void {
    this.begun++;
    this.inFlight = true;
    this.interval ??= setInterval(() => this.tick(), tickMs).unref();
  }

  /** The exchange in flight has settled. */
  end(): void {
    this.inFlight = false;
  }

  stop(): void {
    clearInterval(this.interval);
    this.interval = undefined;
    this.inFlight = false;
  }

  private tick(): void {
    if (!this.inFlight || this.seen !== this.begun) {
      this.seen = this.begun;
      this.ticks = 0;
      return;
    }
    this.ticks++;
    if (this.ticks * tickMs < this.timeoutMs) return;
    this.ticks = 0;
    this.onStall();
  }
}
