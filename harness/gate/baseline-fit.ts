import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { InputFileError } from '../errors.ts';
import { type MachineInfo, sameMachineClass } from '../results/machine.ts';
import type { GateFinding } from '../results/gate-result.ts';
import type { Baseline } from '../results/baseline.ts';

/**
 * sha256 of the case catalogue: every file under suites/ (path and content).
 * Read, not imported, so it is known before anything starts; any change to a
 * case changes it.
 */
export async function catalogueHash(dir: string): Promise<string> {
  const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${relative(dir, file)}\0`).update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

/** sha256 of a scenario as written: what a baseline's scenarioHash is compared with. */
export function scenarioHash(scenario: unknown): string {
  return createHash('sha256').update(JSON.stringify(scenario)).digest('hex');
}

/** What this run will be: compared with the baseline before anything starts. */
export interface RunIdentity {
  scenarioHash: string;
  catalogueHash: string;
  machine: MachineInfo;
}

/** Mismatches the user said are meant (--baseline-subset, --baseline-other-machine). */
export interface BaselineAllowances {
  subset?: boolean;
  otherMachine?: boolean;
}

/**
 * A baseline must describe the same scenario, case catalogue and machine class
 * as this run. A mismatch is an InputFileError (exit 2) raised before anything
 * starts, unless a flag says it is meant; then it is returned as notes so the
 * report says so.
 */
export function checkBaselineFits(file: string, baseline: Baseline, run: RunIdentity, allow: BaselineAllowances): GateFinding[] {
  const accepted: GateFinding[] = [];
  const check = (differs: boolean, allowed: boolean | undefined, what: string, flag: string) => {
    if (!differs) return;
    if (!allowed) throw new InputFileError(file, `the baseline was recorded with ${what}; record a baseline for this run, or pass ${flag} if that is meant`);
    accepted.push({ subject: 'baseline', message: `recorded with ${what}: accepted by ${flag}` });
  };
  check(baseline.scenarioHash !== run.scenarioHash, allow.subset, `another scenario (${baseline.scenario})`, '--baseline-subset (compare the cases both have)');
  check(baseline.catalogueHash !== undefined && baseline.catalogueHash !== run.catalogueHash, allow.subset, 'another case catalogue (suites/ changed since)', '--baseline-subset (compare the cases both have)');
  const machine = baseline.machine;
  check(machine !== undefined && !sameMachineClass(machine, run.machine), allow.otherMachine, `another machine class (${machine?.cores} x ${machine?.cpu})`, '--baseline-other-machine (performance figures compare weakly)');
  return accepted;
}
