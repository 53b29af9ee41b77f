/** How often the watchdogs look at their exchanges, ms: a timeout fires up to one tick late. */
const tickMs = 250;

/**
 * The timeout of one session's exchanges without a timer or a clock read per
 * exchange, which cost at load rates: one coarse interval, shared by every
 * watchdog in use, sees whether each one's exchange in flight is still the one it
 * saw, and calls `onStall` once the same one has been in flight for `timeoutMs`
 * worth of ticks.
 */
export class ExchangeWatchdog {
  /** Watchdogs begun and not stopped; the interval runs while there is one. */
  private static readonly watching = new Set<ExchangeWatchdog>();
  private static interval: NodeJS.Timeout | undefined;

  /** Exchanges begun, so a tick can tell a new exchange from the one it saw. */
  private begun = 0;
  private inFlight = false;
  private seen = -1;
  private ticks = 0;

  constructor(
    private readonly timeoutMs: number,
    private readonly onStall: () => void,
  ) {}

  /** An exchange starts (watching starts with the first one). */
  begin(): void {
    this.begun++;
    this.inFlight = true;
    if (ExchangeWatchdog.watching.has(this)) return;
    ExchangeWatchdog.watching.add(this);
    ExchangeWatchdog.interval ??= setInterval(ExchangeWatchdog.sweep, tickMs).unref();
  }

  /** The exchange in flight has settled. */
  end(): void {
    this.inFlight = false;
  }

  stop(): void {
    this.inFlight = false;
    ExchangeWatchdog.watching.delete(this);
    if (ExchangeWatchdog.watching.size > 0) return;
    clearInterval(ExchangeWatchdog.interval);
    ExchangeWatchdog.interval = undefined;
  }

  /** One tick for every watchdog (a stalled one may stop itself, or begin another, meanwhile). */
  private static sweep(): void {
    for (const watchdog of [...ExchangeWatchdog.watching]) watchdog.tick();
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
