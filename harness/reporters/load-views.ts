import { decodeFromCompressedBase64 } from 'hdr-histogram-js';
import type { LoadResult } from '../results/load-result.ts';
import { loadResultOf } from '../results/measurements.ts';
import type { CaseRecord } from '../results/case-record.ts';
import type { RunReport } from '../results/run-report.ts';

/** One measured level of a load target, with what it is compared against (baseline or live reference), if anything. */
export interface LoadLevel {
  record: CaseRecord;
  /** The app the load went to (the case subject without its level). */
  target: string;
  model: 'closed' | 'open';
  /** Connections (closed model) or arrival rate in requests/s (open model). */
  level: number;
  load: LoadResult;
  reference?: LoadResult;
}

/** Every load case of a report, grouped by target in report order, levels ascending. */
export function loadLevels(report: Pick<RunReport, 'cases' | 'baselineLoads'>): Map<string, LoadLevel[]> {
  const byTarget = new Map<string, LoadLevel[]>();
  for (const record of report.cases) {
    const load = loadResultOf(record);
    if (!load) continue;
    const target = record.subject.replace(/ [cr]=\d+$/, '');
    const reference = record.measurements?.reference ?? report.baselineLoads?.[record.key];
    const level: LoadLevel = { record, target, model: load.targetRate === undefined ? 'closed' : 'open', level: load.targetRate ?? load.concurrency, load, reference };
    byTarget.set(target, [...(byTarget.get(target) ?? []), level]);
  }
  for (const levels of byTarget.values()) levels.sort((a, b) => a.level - b.level);
  return byTarget;
}

/** `c=50` for a closed-model level, `200/s` for an open-model one. */
export function levelName(level: Pick<LoadLevel, 'model' | 'level'>): string {
  return level.model === 'closed' ? `c=${level.level}` : `${level.level}/s`;
}

/** Percentiles at which HDR percentile curves are drawn: evenly spaced on the 1/(1-q) log axis. */
export const curvePercentiles = [0, 50, 75, 90, 95, 99, 99.5, 99.9, 99.95, 99.99, 99.999];

/** The HDR percentile curve of a run: [1/(1-q), latency ms] per percentile q, from its whole-run histogram. */
export function percentileCurve(load: LoadResult): Array<[number, number]> {
  if (!load.histogram) return [];
  const histogram = decodeFromCompressedBase64(load.histogram);
  try {
    return curvePercentiles.map((q) => [1 / (1 - q / 100), histogram.getValueAtPercentile(q) / 1000]);
  } finally {
    histogram.destroy();
  }
}

/** Ticks of the percentile axis: position 1/(1-q), labelled with q. */
export const percentileTicks = [0, 90, 99, 99.9, 99.99, 99.999].map((q) => ({ value: 1 / (1 - q / 100), text: `${q} %` }));
