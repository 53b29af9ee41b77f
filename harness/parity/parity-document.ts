import type { ParityReport } from './run-parity.ts';

/** pass: every host the same or with known differences only; fail: a host differs; error: a host could not be compared; interrupted: hosts are missing. */
export const parityVerdicts = ['pass', 'fail', 'error', 'interrupted'] as const;
export type ParityVerdict = (typeof parityVerdicts)[number];

/** parity.json: the comparison, with what the run was and the options in force. */
export interface ParityDocument extends ParityReport {
  runId: string;
  verdict: ParityVerdict;
  /** Where the hosts came from: `--hosts FILE`, `--ingresses FILE`, `--from-cluster`. */
  source: string;
  /** ISO 8601. */
  startedAt: string;
  finishedAt: string;
  options: Record<string, string | number>;
}

/** The verdict of a comparison: an interrupted or incomplete one never passes. */
export function parityVerdict(report: ParityReport): ParityVerdict {
  if (report.interrupted) return 'interrupted';
  if (report.counts.unreachable > 0) return 'error';
  return report.counts.differs > 0 ? 'fail' : 'pass';
}

/** Hosts the summary names at most; the report names them all. */
const maxNamed = 50;

/** The lines a person reads at the end of the run: the verdict and counts, then each host that differs (or could not be compared) and why. */
export function paritySummary(document: ParityDocument): string[] {
  const { same, knownDifference, differs, unreachable } = document.counts;
  const resumed = document.resumed > 0 ? ` (${document.resumed} from the state file)` : '';
  const lines = [
    `meshgate: ${document.verdict.toUpperCase()}: ${document.hosts.length} hosts, ${same} the same, ${knownDifference} with known differences only, ${differs} differ, ${unreachable} not compared${resumed}`,
  ];
  for (const host of document.hosts.filter((parity) => parity.verdict === 'differs' || parity.verdict === 'unreachable').slice(0, maxNamed)) {
    lines.push(`  ✗ ${host.host}${host.reason ? `: ${host.reason}` : ''}`);
    for (const difference of host.differences.filter((item) => item.class === 'differs')) lines.push(`      ${difference.field}: ${difference.reference ?? '(none)'} -> ${difference.candidate ?? '(none)'}`);
  }
  return lines;
}
