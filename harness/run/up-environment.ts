import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { EnvironmentError, InputFileError, UsageError, WaitTimeoutError } from '../errors.ts';
import type { KnownDifferencesSource } from './ingress-input.ts';
import { blockingClasses, formatUntranslatable } from '../inventory/untranslatable.ts';
import { type Target, readTarget, writeTarget } from '../target.ts';
import type { Timeouts } from '../timeouts.ts';
import { checkRunId, newRunId } from './run-id.ts';
import type { EnvironmentFlags } from './start-environment.ts';

const binary = fileURLToPath(new URL('../../bin/meshgate.js', import.meta.url));

/** What `up` is asked for: the environment, its target file, and optionally an Ingress export to replay instead of the scenario. */
export interface UpOptions extends EnvironmentFlags {
  runId?: string;
  /** Absolute path of the target file. */
  target: string;
  /** `kubectl get ingress -A -o yaml` output to replay (local environment only). */
  ingresses?: string;
  /** The run's timeouts: the environment's start, waits and stop, and how long the detached start is awaited. */
  timeouts: Timeouts;
}

/** Where `up` writes and how it stops. */
export interface UpIo {
  log: (line: string) => void;
  print: (text: string) => void;
  signal: AbortSignal;
  /** The known-differences table, for classing what an Ingress export leaves out. */
  knownDifferences: KnownDifferencesSource;
}

/** Runs the environment in this process until a signal, then stops it and removes the target file. */
export async function holdEnvironment(options: UpOptions, io: UpIo): Promise<void> {
  const runId = checkRunId(options.runId ?? newRunId());
  const { startEnvironment } = await import('./start-environment.ts');
  const replay = options.ingresses === undefined ? null : await ingressReplay(options, io);
  const environment = await startEnvironment({ ...options, runId, signal: io.signal, log: io.log, ...(replay ? { loaded: replay.input.scenario } : {}) });
  try {
    await writeTarget(options.target, { ...environment.target(), ...(replay ? { untranslated: replay.untranslated } : {}), ownerPid: process.pid });
    const reference = environment.referenceTarget?.();
    if (reference) {
      await writeTarget(referenceFile(options.target), reference);
      io.log(`meshgate: live reference (${reference.gateway.software}) in ${referenceFile(options.target)}: pass it to \`meshgate run --compare-target\``);
    }
    process.send?.({ ready: options.target });
    io.print(`${options.target}\n`);
    io.log(`meshgate: environment up; \`meshgate down --target ${options.target}\` stops it`);
    await new Promise((done) => io.signal.addEventListener('abort', done, { once: true }));
  } finally {
    await environment.stop();
    await rm(options.target, { force: true });
    await rm(referenceFile(options.target), { force: true });
  }
}

/** An Ingress export as the scenario the local gateway serves; what it leaves out goes to the log and the target's `untranslated`. */
async function ingressReplay(options: UpOptions, io: UpIo) {
  if (options.env !== 'local') throw new UsageError('--ingresses replays an export on the local environment only (--env local)');
  if (options.scenario !== undefined) throw new UsageError('--ingresses and --scenario each say what to serve: give one');
  const { differenceRows, loadIngressInput } = await import('./ingress-input.ts');
  const input = await loadIngressInput(options.ingresses!, await differenceRows(io.knownDifferences));
  for (const line of formatUntranslatable(input.untranslatable)) io.log(line);
  const untranslated: NonNullable<Target['untranslated']> = input.untranslatable.map((item) => ({ appId: item.ingress, setting: `[${item.class}] ${item.item}`, effect: item.reason }));
  return { input, untranslated };
}

/** Where `up` writes the reference gateway's target in dual mode: beside the main one. */
function referenceFile(target: string): string {
  return target.replace(/(\.json)?$/, '.reference.json');
}

/** Starts `up --foreground` as a detached child (with `args`, this command's own) and returns once its target file is written. */
export async function startDetached(options: UpOptions, args: string[], io: Pick<UpIo, 'log' | 'print'>): Promise<void> {
  await mkdir(dirname(options.target), { recursive: true });
  const logFile = `${options.target}.log`;
  const log = await open(logFile, 'w');
  // The child gets this command's own arguments (the last --target wins: the resolved one).
  const child = spawn(process.execPath, [binary, 'up', ...args, '--foreground', '--target', options.target], { detached: true, stdio: ['ignore', 'ignore', log.fd, 'ipc'] });
  try {
    await waitForReady(child, logFile, options.env === 'local' ? options.timeouts.upReadyMs : options.timeouts.clusterUpMs);
  } finally {
    await log.close();
  }
  child.disconnect();
  child.unref();
  if (options.ingresses !== undefined) {
    // The list went to the holder's log: say here how much of the set is left out, and where it is named.
    const left = (await readTarget(options.target)).untranslated ?? [];
    const blocking = left.filter((item) => blockingClasses.some((name) => item.setting.startsWith(`[${name}]`))).length;
    io.log(`meshgate: the replay leaves ${left.length} item(s) of the Ingress set out, ${blocking} blocking: each is named under "untranslated" in ${options.target} and in ${logFile}`);
  }
  io.print(`${options.target}\n`);
  io.log(`meshgate: environment up (pid ${child.pid}, log ${logFile}); \`meshgate down --target ${options.target}\` stops it`);
}

function waitForReady(child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      fail(new WaitTimeoutError('the environment to start', `meshgate up (log ${logFile})`, timeoutMs));
    }, timeoutMs);
    child.once('message', () => {
      clearTimeout(timer);
      ready();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new EnvironmentError(`the environment did not start (exit code ${code}); see ${logFile}`));
    });
  });
}

/** `down`: stops what `up` started, by signalling the process that holds it; waits at most four times `timeouts.processStopMs`. */
export async function stopEnvironment(targetFile: string, timeouts: Timeouts, log: (line: string) => void): Promise<void> {
  if (!(await exists(targetFile))) {
    // Twice `down`, or `down` before `up`: the goal (nothing running) already holds.
    await rm(`${targetFile}.log`, { force: true });
    log(`meshgate: nothing is up (no ${targetFile})`);
    return;
  }
  const target = await readTarget(targetFile);
  if (!target.ownerPid) throw new InputFileError(targetFile, 'no ownerPid: this target was not started by `meshgate up`, nothing to stop');
  if (!isAlive(target.ownerPid)) {
    await removeTargetFiles(targetFile);
    log(`meshgate: process ${target.ownerPid} is already gone; removed the stale target file`);
    return;
  }
  process.kill(target.ownerPid, 'SIGTERM');
  const bound = timeouts.processStopMs * 4;
  for (let waited = 0; isAlive(target.ownerPid); waited += 100) {
    if (waited > bound) throw new WaitTimeoutError('the environment to stop', `pid ${target.ownerPid}`, bound);
    await sleep(100);
  }
  // The holder removes the target file itself; the log of its start belongs to `up`'s caller, so `down` removes it.
  await removeTargetFiles(targetFile);
  log(`meshgate: environment ${target.runId} stopped`);
}

/** The target file and the log `up` wrote beside it. */
async function removeTargetFiles(target: string): Promise<void> {
  await rm(target, { force: true });
  await rm(`${target}.log`, { force: true });
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
