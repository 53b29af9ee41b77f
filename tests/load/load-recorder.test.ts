import { decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import { describe, expect, it } from 'vitest';
import { LoadRecorder, newHistogram } from '../../harness/load/load-recorder.ts';

// The recorder counts latencies in an array before they reach the HDR histograms:
// its histograms must be the ones recording every value would give.
describe('LoadRecorder', () => {
  it('gives each window and the whole run the histogram of exactly its values, failures by kind', () => {
    const recorder = new LoadRecorder(0, 3000);
    const start = recorder.measureFrom;
    const perWindow = [newHistogram(), newHistogram(), newHistogram()];
    const whole = newHistogram();
    // Values under and over the counted range (65,536 µs), fractions rounded, windows visited out of order once.
    const samples: Array<[number, number]> = [[0.2, 10], [1.6, 20], [65_535.4, 30], [65_536, 40], [2_000_000, 50], [300, 1200], [301, 1900], [77, 500], [90_000, 2999], [42, 2500]];
    for (const [latency, at] of samples) {
      recorder.record(latency, at === 1900 ? 'timeout' : 'ok', start + at);
      const value = Math.max(1, Math.round(latency));
      perWindow[Math.floor(at / 1000)]!.recordValue(value);
      whole.recordValue(value);
    }
    recorder.record(5, 'ok', start - 1); // warm-up: not counted
    const result = recorder.result('http', 1, undefined, true);
    expect(result.requests).toBe(samples.length);
    expect(result.failures).toEqual({ error: 0, timeout: 1, status: 0, mismatch: 0 });
    expect(result.windows.map((window) => [window.requests, window.errors])).toEqual([[6, 0], [2, 1], [2, 0]]);
    // The encoded form holds every count: equal encodings are equal histograms.
    const same = (encoded: string, expected: ReturnType<typeof newHistogram>) => {
      expect(encoded).toBe(encodeIntoCompressedBase64(expected));
      expect(decodeFromCompressedBase64(encoded).totalCount).toBe(expected.totalCount);
    };
    same(result.histogram, whole);
    result.windowHistograms!.forEach((encoded, index) => same(encoded, perWindow[index]!));
  });
});
