import { randomBytes } from 'node:crypto';
import { UsageError } from '../errors.ts';

/** `20261121-224900-k3x9`: sortable, unique enough for parallel CI jobs. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** A run id becomes a folder name and a Kubernetes label value: keep it to those characters. */
export function checkRunId(id: string): string {
  if (!/^[a-zA-Z0-9]([-a-zA-Z0-9_.]{0,61}[a-zA-Z0-9])?$/.test(id)) throw new UsageError(`invalid --run-id ${JSON.stringify(id)}: letters, digits, - _ . (max 63)`);
  return id;
}
