import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { writeRedacted } from '../redact.ts';
import type { KeyJudgement, TrafficJudgement } from './judge-traffic.ts';

/** The verdict as lines for a terminal or a notification: verdict, reasons, then every key's figures. */
export function formatJudgement(judgement: TrafficJudgement, sides: { candidate: string; reference: string }): string[] {
  const lines = [`${judgement.verdict.toUpperCase()}: ${sides.candidate} against ${sides.reference}, ${judgement.keys.length - 1} key(s)`];
  for (const reason of judgement.reasons) lines.push(`  ✗ ${reason.subject}: ${reason.message}`);
  for (const note of judgement.notes.slice(0, 20)) lines.push(`  · ${note.subject}: ${note.message}`);
  lines.push(`  ${'key'.padEnd(32)} ${'requests'.padStart(17)} ${'5xx %'.padStart(15)} ${'p95 ms'.padStart(17)} ${'p99 ms'.padStart(17)}`);
  for (const key of judgement.keys) lines.push(`  ${keyLine(key)}`);
  return lines;
}

function keyLine(key: KeyJudgement): string {
  const pair = (candidate: string, reference: string, width: number) => `${candidate} / ${reference}`.padStart(width);
  const num = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '-');
  return [
    key.key.padEnd(32),
    pair(String(key.candidate.requests), String(key.reference.requests), 17),
    pair((key.candidate.errorRatio * 100).toFixed(2), (key.reference.errorRatio * 100).toFixed(2), 15),
    pair(num(key.candidate.p95Ms), num(key.reference.p95Ms), 17),
    pair(num(key.candidate.p99Ms), num(key.reference.p99Ms), 17),
  ].join(' ');
}

/** reports/<run-id>/judge.json: the judgement (with run id and monitoring warnings) as `--json` prints it, through the one redaction. */
export async function writeJudgement(dir: string, judgement: TrafficJudgement & { runId: string; warnings: string[] }): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeRedacted(join(dir, 'judge.json'), `${JSON.stringify(judgement, null, 2)}\n`);
}
