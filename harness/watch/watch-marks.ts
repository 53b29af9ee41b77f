import { type Stats, existsSync, statSync, unwatchFile, watchFile } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.ts';

/** Marks at most this many switches in one watch (each one gets its own section in the report). */
export const maxMarks = 100;

/** How often the mark file is looked at, ms. */
const markFilePollMs = 100;

/** `--mark-file`, resolved: its folder must exist, else the mark could never come. */
export function markFilePath(value: string): string {
  const folder = dirname(resolve(value));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`--mark-file ${value}: no folder ${folder} to watch it in`);
  return resolve(value);
}

/**
 * Records the moment of the switch: on SIGUSR2 (`kill -USR2 <pid>`), and when
 * `markFile` is touched (created or its modification time changes; the time is
 * the file's, so a late poll does not move the mark). A touch after `sinceMs` but
 * before this call (the watch was still starting) counts too; an older file does
 * not. Call the returned function to stop listening.
 */
export function listenForMarks(markFile: string | undefined, sinceMs: number, onMark: (mark: { at: number; by: string }) => void): () => void {
  const marks: number[] = [];
  const add = (at: number, by: string) => {
    if (marks.length >= maxMarks) return;
    marks.push(at);
    onMark({ at, by });
  };
  const onSignal = () => add(Date.now(), 'SIGUSR2');
  process.on('SIGUSR2', onSignal);
  const onChange = (current: Stats, previous: Stats) => {
    if (current.mtimeMs !== previous.mtimeMs && current.mtimeMs > 0) add(Math.min(current.mtimeMs, Date.now()), markFile!);
  };
  if (markFile) {
    const early = statSync(markFile, { throwIfNoEntry: false })?.mtimeMs ?? 0;
    if (early >= sinceMs) add(early, markFile);
    watchFile(markFile, { interval: markFilePollMs, persistent: false }, onChange);
  }
  return () => {
    process.off('SIGUSR2', onSignal);
    if (markFile) unwatchFile(markFile, onChange);
  };
}
