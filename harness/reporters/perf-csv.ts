import { stringify } from 'csv-stringify/sync';
import { loadResultOf } from '../results/measurements.ts';
import type { CaseRecord } from '../results/case-record.ts';

/** Columns of perf.csv; units are in the names so a spreadsheet needs no legend. */
const columns = ['timestamp', 'service', 'protocol', 'concurrent_users', 'target_rate_rps', 'window_s', 'requests', 'errors', 'p50_latency_ms', 'p95_latency_ms', 'p99_latency_ms', 'success_rate', 'rps'];

const ms = (micros: number) => Number((micros / 1000).toFixed(3));

/**
 * perf.csv: one row per measured second of every load case, so a person can plot
 * the timeline and a tool can recompute anything. Pure.
 */
export function formatPerfCsv(cases: CaseRecord[], startedAt: string): string {
  const rows = cases.flatMap((record) => {
    const load = loadResultOf(record);
    if (!load) return [];
    const service = record.subject.replace(/ [cr]=\d+$/, '');
    return load.windows.map((window) => [
      new Date(Date.parse(load.startedAt || startedAt) + window.second * 1000).toISOString(),
      service,
      load.protocol,
      // An open-model row has an arrival rate, not a number of users: its sessions are a pool, not the load.
      load.targetRate === undefined ? load.concurrency : '',
      load.targetRate ?? '',
      window.second,
      window.requests,
      window.errors,
      ms(window.p50Us),
      ms(window.p95Us),
      ms(window.p99Us),
      window.requests === 0 ? 0 : Number(((window.requests - window.errors) / window.requests).toFixed(5)),
      window.requests,
    ]);
  });
  return stringify(rows, { header: true, columns });
}
