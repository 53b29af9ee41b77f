import { randomBytes } from 'node:crypto';
import { Option } from 'commander';
import { UsageError } from '../errors.ts';

/**
 * Options shared by commands. Layering: defaults < scenario file < environment
 * variables (MESHGATE_*) < flags; commander applies the environment and flag layers.
 */
export const sharedOptions = {
  scenario: () => new Option('-s, --scenario <file>', 'scenario YAML (tenants, apps, performance profile); default: the shipped Sealos-like scenario').env('MESHGATE_SCENARIO'),
  reports: () => new Option('--reports <dir>', 'where reports/<run-id>/ go').env('MESHGATE_REPORTS').default('reports'),
  runId: () => new Option('--run-id <id>', 'name of this run (reports folder, labels); default: timestamp and random suffix').env('MESHGATE_RUN_ID'),
  casePattern: () => new Option('-c, --case <pattern>', 'run only cases whose id matches this regular expression (e.g. "^cors-preflight")'),
  json: () => new Option('--json', 'print the run summary as JSON on stdout (progress stays on stderr)'),
  env: () => new Option('-e, --env <name>', 'environment to start').choices(['local']).default('local').env('MESHGATE_ENV'),
  httpPort: () => new Option('--http-port <port>', 'local gateway HTTP port (default: a free one)').argParser(parsePort).env('MESHGATE_HTTP_PORT'),
  httpsPort: () => new Option('--https-port <port>', 'local gateway HTTPS port (default: a free one)').argParser(parsePort).env('MESHGATE_HTTPS_PORT'),
  baseline: () => new Option('-b, --baseline <file>', 'gate on parity with this baseline (`meshgate baseline save`) instead of "every case passes"').env('MESHGATE_BASELINE'),
  compareTarget: () =>
    new Option('--compare-target <file>', 'live A/B: alternate every load with this reference target (e.g. ingress-nginx beside Istio) and gate on the difference').env('MESHGATE_COMPARE_TARGET'),
  target: () => new Option('-t, --target <file>', 'target file written by `meshgate up` or by hand').default('.meshgate/target.json').env('MESHGATE_TARGET'),
};

export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`not a TCP port: ${value} (expected 1-65535)`);
  return port;
}

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
