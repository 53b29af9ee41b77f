import { afterEach, describe, expect, it, vi } from 'vitest';
import { ExchangeWatchdog } from '../../harness/load/exchange-watchdog.ts';

// One shared interval watches every session's exchange in flight.
afterEach(() => vi.useRealTimers());

describe('ExchangeWatchdog', () => {
  it('calls only the stalled exchange stalled, not before its timeout, on one interval that ends with the last watchdog', () => {
    vi.useFakeTimers();
    const stalls: string[] = [];
    const stalled = new ExchangeWatchdog(1000, () => stalls.push('stalled'));
    const busy = new ExchangeWatchdog(1000, () => stalls.push('busy'));
    stalled.begin();
    busy.begin();
    expect(vi.getTimerCount()).toBe(1);
    for (let ms = 0; ms < 1000; ms += 50) {
      vi.advanceTimersByTime(50);
      busy.end();
      busy.begin(); // a new exchange every 50 ms: never the same one twice
    }
    expect(stalls).toEqual([]);
    vi.advanceTimersByTime(300);
    expect(stalls).toEqual(['stalled']);
    stalled.end();
    busy.end();
    vi.advanceTimersByTime(5000);
    expect(stalls).toEqual(['stalled']);
    stalled.stop();
    expect(vi.getTimerCount()).toBe(1);
    busy.stop();
    expect(vi.getTimerCount()).toBe(0);
  });
});
