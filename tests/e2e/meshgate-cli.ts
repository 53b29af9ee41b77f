import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { LocalEnvironment, type LocalEnvironmentOptions } from '../../harness/environments/local/local-environment.ts';
import type { StartedEnvironment } from '../../harness/environments/environment.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { writeTarget } from '../../harness/target.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

/**
 * The CLI a test spawns: compiled once per test run by tests/compiled-cli.ts (a spawn then
 * costs node's start, not a TypeScript transpile), or bin/meshgate.js outside such a run.
 */
export const meshgateBin = inject('meshgateCli') ?? fileURLToPath(new URL('../../bin/meshgate.js', import.meta.url));

export interface CliResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

/** Where a test's CLI runs write reports unless it says --reports: never the project's own reports/. */
const defaultReports = mkdtempSync(join(tmpdir(), 'meshgate-test-reports-'));
// In-process runs read it from this (test file's own) process.
process.env.MESHGATE_REPORTS = defaultReports;
afterAll(() => rm(defaultReports, { recursive: true, force: true }));

/**
 * Runs the CLI in this process: the same entry function bin/meshgate.js calls, with
 * stdout and stderr captured. Options read from the environment at parse time see
 * this process's, the MESHGATE_TIMEOUT_* variables included (each run resolves them anew).
 */
export async function meshgate(args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const output = { stdout: (text: string) => void (stdout += text), stderr: (text: string) => void (stderr += text) };
  // The suites as bin/meshgate.js passes them in.
  const exitCode = await main([process.execPath, meshgateBin, ...args], async () => (await import('../../suites/catalogue.ts')).catalogue, output);
  return { exitCode, stdout: stdout.replace(/\n$/, ''), stderr: stderr.replace(/\n$/, '') };
}

/** Runs `work` with `env` set in this process's environment, then puts it back; for tests that run alone. */
export async function withEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** Runs the real CLI as a child process, bounded in time. */
export async function runMeshgate(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<CliResult> {
  const result = await execa(process.execPath, [meshgateBin, ...args], { reject: false, timeout: timeoutMs, env: { MESHGATE_REPORTS: defaultReports, ...env }, stdin: 'ignore' });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

/** Processes whose command line mentions `marker` (a run id or a private temp dir). */
export async function processesMentioning(marker: string): Promise<string> {
  const result = await execa('pgrep', ['-af', marker], { reject: false });
  return result.stdout.split('\n').filter((line) => line && !line.includes('pgrep')).join('\n');
}

/** A scratch folder removed by the returned function. */
export async function scratchDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'meshgate-test-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Starts the local environment of the default scenario, with optional breakage, and writes its target file. */
export async function startLocal(dir: string, options: Partial<LocalEnvironmentOptions> = {}): Promise<{ environment: StartedEnvironment; targetFile: string }> {
  const scenario = await loadScenario();
  const environment = await new LocalEnvironment({ scenario, runId: 'test', timeouts: defaultTimeouts, ...options }).start();
  const targetFile = join(dir, 'target.json');
  await writeTarget(targetFile, environment.target());
  return { environment, targetFile };
}

/** Replaces every match of `pattern` in an nginx config, and fails loudly if there was none: a breakage that breaks nothing proves nothing. */
export function breakConfig(pattern: RegExp, replacement: string | ((match: string, ...groups: string[]) => string)): (config: string) => string {
  return (config) => {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    if (!global.test(config)) throw new Error(`breakage pattern ${pattern} matches nothing in the rendered nginx.conf`);
    return config.replace(global, replacement as (substring: string, ...args: unknown[]) => string);
  };
}

/** Points upstream `from` (e.g. `ns-a_web_http`) at the server of upstream `to`: traffic for one tenant reaches another's backend. */
export function routeUpstream(from: string, to: string): (config: string) => string {
  return (config) => {
    const server = new RegExp(`upstream ${to} \\{ server ([0-9.:]+);`).exec(config)?.[1];
    if (!server) throw new Error(`no upstream ${to} in the rendered nginx.conf`);
    return breakConfig(new RegExp(`(upstream ${from} \\{ server )[0-9.:]+`), `$1${server}`)(config);
  };
}

/** The distinct case ids that failed in a `--json` run summary. */
export function failedCaseIds(stdout: string): string[] {
  const summary = JSON.parse(stdout) as { reasons: Array<{ subject: string }> };
  return [...new Set(summary.reasons.map((reason) => reason.subject.replace(/^[^/]+\//, '').replace(/\[.*$/, '')))].sort();
}

/** One realistic gateway defect and the cases it must fail: the proof that checks can fail. */
export interface Breakage {
  name: string;
  /** Suites (and optionally `--case <regex>`) to run against the broken gateway. */
  suites: string[];
  options: Partial<LocalEnvironmentOptions>;
  /** Case ids that must fail, sorted; no other case may. */
  failing: string[];
}

/**
 * Each row starts the local environment broken one way, runs the suites through
 * the CLI's entry function in this process (`meshgate`) and expects exit 1 with
 * exactly the listed cases failing. Failing cases wait out the convergence window;
 * 3 s keeps a table fast and still needs 3 matches in a row to pass. `timeouts`
 * (NAME=MS,...) join it in the rows' `--timeouts`; `env` is set in this process's
 * environment for the file, where each in-process run reads it. Rows run side by
 * side (the project's maxConcurrency): each spends most of its time waiting out that window.
 */
export function describeBreakages(breakages: Breakage[], settings: { timeouts?: string; env?: NodeJS.ProcessEnv } = {}): void {
  const timeouts = ['convergenceMs=3000', ...(settings.timeouts ? [settings.timeouts] : [])].join(',');
  const env = settings.env ?? {};
  beforeAll(() => void Object.assign(process.env, env));
  afterAll(() => {
    for (const name of Object.keys(env)) delete process.env[name];
  });
  it.concurrent.each(breakages)('a gateway with $name fails the gate (exit 1) with exactly its listed cases', async ({ suites, options, failing }) => {
    const scratch = await scratchDir();
    let started: Awaited<ReturnType<typeof startLocal>> | undefined;
    try {
      started = await startLocal(scratch.dir, options);
      const result = await meshgate(['run', '--target', started.targetFile, '--reports', scratch.dir, '--json', '--timeouts', timeouts, ...suites]);
      expect(result.exitCode, result.stderr).toBe(1);
      // The reasons say why an unexpected case failed (a heavy case that missed the short window on a busy machine, or a real defect).
      expect(failedCaseIds(result.stdout), result.stdout).toEqual(failing);
      for (const id of failing) expect(result.stderr).toContain(id);
    } finally {
      await started?.environment.stop();
      await scratch.remove();
    }
  });
}
