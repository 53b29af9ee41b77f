import type { CaseRecord } from '../results/case-record.ts';
import type { Baseline } from '../results/baseline.ts';
import type { GateFinding, GateResult, LevelSequence, Verdict } from '../results/gate-result.ts';
import { diffFingerprints } from './fingerprint-diff.ts';
import { type PerformanceFindings, describeBudget, gatePerformance } from './performance-gate.ts';
import { loadResultOf } from '../results/measurements.ts';
import { type PerformanceBudget, type ProfileName, defaultBudget } from '../scenario/performance-profile.ts';

/** How performance is gated: the budget, and the profile the levels were measured with. */
export interface PerformanceGateOptions {
  budget: PerformanceBudget;
  profile: ProfileName;
}

/**
 * The verdict, pure. Without a baseline every failed case fails the gate. With
 * one, functional parity decides: a case that passed in the baseline must pass
 * now; a case that failed there too is a note, not a regression; fingerprint
 * differences are listed even when both passed. Load cases are judged by
 * `gatePerformance` (live A/B rounds, or the baseline's runs); with neither,
 * performance is "not gated" and says so. A run in which nothing passed
 * verified nothing and is inconclusive.
 */
export function gateResults(cases: CaseRecord[], baseline?: Baseline, options: PerformanceGateOptions = { budget: defaultBudget, profile: 'quick' }): GateResult {
  const reference = new Map(baseline?.cases.map((record) => [record.key, record]));
  const reasons: GateFinding[] = [];
  const notes: GateFinding[] = [];
  for (const record of cases) {
    const warning = record.measurements?.warning;
    if (warning !== undefined) notes.push({ subject: record.key, message: warning });
    const before = reference.get(record.key);
    if (record.result === 'FAILED') {
      if (before && before.result === 'FAILED') notes.push({ subject: record.key, message: `failed, as in baseline ${baseline?.runId}: ${record.reason}` });
      else reasons.push({ subject: record.key, message: before ? `regressed (passed in baseline ${baseline?.runId}): ${record.reason}` : record.reason });
      continue;
    }
    if (before?.result === 'PASSED' && record.result !== 'PASSED') {
      notes.push({ subject: record.key, message: `passed in the baseline, ${record.result} now: ${record.reason}` });
    }
    if (before?.result === 'PASSED' && record.result === 'PASSED') {
      const changes = diffFingerprints(before.fingerprint, record.fingerprint);
      if (changes.length > 0) notes.push({ subject: record.key, message: `fingerprint changed: ${changes.join('; ')}` });
    }
  }
  const performance = gatePerformance(cases, baseline, options.budget);
  const performanceNote = describePerformanceGate(cases, performance, options);
  if (performanceNote) notes.unshift(performanceNote);
  if (baseline) notes.push(...missingFromRun(cases, baseline));
  notes.push(...performance.notes);
  reasons.push(...performance.failures);
  const sequences = performance.sequences.length > 0 ? { sequences: performance.sequences } : {};
  if (reasons.length > 0) return { verdict: 'fail', reasons, notes: [...notes, ...performance.inconclusive], ...sequences };
  if (performance.inconclusive.length > 0) return { verdict: 'inconclusive', reasons: performance.inconclusive, notes, ...sequences };
  if (!cases.some((record) => record.result === 'PASSED')) {
    return { verdict: 'inconclusive', reasons: [{ subject: 'run', message: 'no case passed: nothing was verified' }], notes, ...sequences };
  }
  return { verdict: 'pass', reasons, notes, ...sequences };
}

/** One line on how performance was gated, with the budget; none when no load case ran. */
function describePerformanceGate(cases: CaseRecord[], performance: PerformanceFindings, options: PerformanceGateOptions): GateFinding | undefined {
  if (!cases.some((record) => loadResultOf(record))) return undefined;
  if (performance.judged === 0) return { subject: 'performance', message: `not gated (${options.profile} profile): no baseline or compare target covers the load cases; they only checked their success rate` };
  const sequences = performance.sequences.length > 0 ? `; live A/B ${describeSequences(performance.sequences)}` : '';
  const once = performance.unjudged > 0 ? `; ${performance.unjudged === 1 ? '1 other level' : `${performance.unjudged} other levels`} ran once for the success rate (the ${options.profile} profile judges one level a target; --profile gate judges every level)` : '';
  return { subject: 'performance', message: `gated (${options.profile} profile) on ${performance.judged} load cases; budget ${describeBudget(options.budget)}${sequences}${once}` };
}

/** The levels' rounds and stops in one phrase: `3-12 rounds (median 6), 10 decided, 3 at a bound`. */
function describeSequences(sequences: LevelSequence[]): string {
  const rounds = sequences.map((sequence) => sequence.rounds).sort((a, b) => a - b);
  const decided = sequences.filter((sequence) => sequence.stoppedBy.startsWith('decided')).length;
  const atBound = (bound: LevelSequence['stoppedBy']) => sequences.filter((sequence) => sequence.stoppedBy === bound).length;
  const bounds = [[atBound('max-rounds'), 'rounds'], [atBound('max-minutes'), 'minutes']].filter(([count]) => count !== 0).map(([count, name]) => `${count} at the ${name} bound`);
  const seconds = sequences.reduce((sum, sequence) => sum + sequence.seconds, 0);
  return `${rounds[0]}-${rounds.at(-1)} rounds (median ${rounds[Math.floor(rounds.length / 2)]}), ${decided} of ${sequences.length} levels decided${bounds.length > 0 ? `, ${bounds.join(', ')}` : ''}, ${Math.round(seconds)} s of load`;
}

/** Baseline cases of the suites that ran now, but which did not run (the scenario or catalogue changed). */
function missingFromRun(cases: CaseRecord[], baseline: Baseline): GateFinding[] {
  const suites = new Set(cases.map((record) => record.suite));
  const now = new Set(cases.map((record) => record.key));
  return baseline.cases
    .filter((record) => suites.has(record.key.split('/')[0]!) && !now.has(record.key))
    .map((record) => ({ subject: record.key, message: `in the baseline (${record.result}) but not run now` }));
}

/** Exit codes: 0 pass, 1 the gate did not pass (fail or inconclusive). Harness errors exit 2 elsewhere. */
export function exitCodeFor(verdict: Verdict): 0 | 1 {
  return verdict === 'pass' ? 0 : 1;
}
