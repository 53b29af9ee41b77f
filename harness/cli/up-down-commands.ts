import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { EnvironmentError, InputFileError, WaitTimeoutError } from '../errors.ts';
import { readTarget, writeTarget } from '../target.ts';
import type { CommandContext } from './command-context.ts';
import { type TimeoutsFlag, addClusterOptions, sharedOptions, timeoutsOf } from './options.ts';
import { checkRunId, newRunId } from '../run/run-id.ts';
import type { EnvironmentFlags } from '../run/start-environment.ts';

const binary = fileURLToPath(new URL('../../bin/meshgate.js', import.meta.url));

interface UpFlags extends EnvironmentFlags, TimeoutsFlag {
  runId?: string;
  target: string;
  foreground?: boolean;
}

/** `up`: start an environment, write its target file, leave it running until `down`. */
export function upCommand(context: CommandContext): Command {
  return addClusterOptions(new Command('up'))
    .description('start an environment and leave it running; writes a target file for `meshgate run` and prints its path')
    .addOption(sharedOptions.env())
    .addOption(sharedOptions.scenario())
    .addOption(sharedOptions.runId())
    .addOption(sharedOptions.httpPort())
    .addOption(sharedOptions.httpsPort())
    .addOption(sharedOptions.target())
    .addOption(sharedOptions.timeouts())
    .addOption(new Option('--foreground', 'stay in the foreground until SIGINT/SIGTERM instead of detaching'))
    .action(async (flags: UpFlags) => {
      const target = resolve(flags.target);
      if (flags.foreground) await holdEnvironment({ ...flags, target }, context);
      else await startDetached({ ...flags, target }, context);
    });
}

/** Runs the environment in this process until a signal, then stops it and removes the target file. */
async function holdEnvironment(flags: UpFlags, context: CommandContext): Promise<void> {
  const runId = checkRunId(flags.runId ?? newRunId());
  const { startEnvironment } = await import('../run/start-environment.ts');
  const environment = await startEnvironment({ ...flags, runId, timeouts: timeoutsOf(flags), signal: context.signal, log: context.log });
  try {
    await writeTarget(flags.target, { ...environment.target(), ownerPid: process.pid });
    const reference = environment.referenceTarget?.();
    if (reference) {
      await writeTarget(referenceFile(flags.target), reference);
      context.log(`meshgate: live reference (${reference.gateway.software}) in ${referenceFile(flags.target)}: pass it to \`meshgate run --compare-target\``);
    }
    process.send?.({ ready: flags.target });
    context.print(`${flags.target}\n`);
    context.log(`meshgate: environment up; \`meshgate down --target ${flags.target}\` stops it`);
    await new Promise((done) => context.signal.addEventListener('abort', done, { once: true }));
  } finally {
    await environment.stop();
    await rm(flags.target, { force: true });
    await rm(referenceFile(flags.target), { force: true });
  }
}

/** Where `up` writes the reference gateway's target in dual mode: beside the main one. */
function referenceFile(target: string): string {
  return target.replace(/(\.json)?$/, '.reference.json');
}

/** Starts `up --foreground` as a detached child and returns once its target file is written. */
async function startDetached(flags: UpFlags, context: CommandContext): Promise<void> {
  await mkdir(dirname(flags.target), { recursive: true });
  const logFile = `${flags.target}.log`;
  const log = await open(logFile, 'w');
  // The child gets this command's own arguments (the last --target wins: the resolved one).
  const args = [binary, 'up', ...process.argv.slice(process.argv.indexOf('up') + 1), '--foreground', '--target', flags.target];
  const timeouts = timeoutsOf(flags);
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'ignore', log.fd, 'ipc'] });
  try {
    await waitForReady(child, logFile, flags.env === 'local' ? timeouts.upReadyMs : timeouts.clusterUpMs);
  } finally {
    await log.close();
  }
  child.disconnect();
  child.unref();
  context.print(`${flags.target}\n`);
  context.log(`meshgate: environment up (pid ${child.pid}, log ${logFile}); \`meshgate down --target ${flags.target}\` stops it`);
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

/** `down`: stop what `up` started, by signalling the process that holds it. */
export function downCommand(context: CommandContext): Command {
  return new Command('down')
    .description('stop the environment `meshgate up` started (every process, every temp file)')
    .addOption(sharedOptions.target())
    .addOption(sharedOptions.timeouts())
    .action(async (flags: { target: string } & TimeoutsFlag) => {
      if (!(await exists(flags.target))) {
        // Twice `down`, or `down` before `up`: the goal (nothing running) already holds.
        await rm(`${flags.target}.log`, { force: true });
        context.log(`meshgate: nothing is up (no ${flags.target})`);
        return;
      }
      const target = await readTarget(flags.target);
      if (!target.ownerPid) throw new InputFileError(flags.target, 'no ownerPid: this target was not started by `meshgate up`, nothing to stop');
      if (!isAlive(target.ownerPid)) {
        await removeTargetFiles(flags.target);
        context.log(`meshgate: process ${target.ownerPid} is already gone; removed the stale target file`);
        return;
      }
      process.kill(target.ownerPid, 'SIGTERM');
      const bound = timeoutsOf(flags).processStopMs * 4;
      for (let waited = 0; isAlive(target.ownerPid); waited += 100) {
        if (waited > bound) throw new WaitTimeoutError('the environment to stop', `pid ${target.ownerPid}`, bound);
        await sleep(100);
      }
      // The holder removes the target file itself; the log of its start belongs to `up`'s caller, so `down` removes it.
      await removeTargetFiles(flags.target);
      context.log(`meshgate: environment ${target.runId} stopped`);
    });
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
