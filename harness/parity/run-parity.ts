import { appendFile, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayAddress } from '../clients/http-client.ts';
import { InputFileError, UsageError } from '../errors.ts';
import { type HostParity, compareHost, noisyFields } from './compare-answers.ts';
import { type Answers, probeHost } from './host-probes.ts';
import type { ParityHost } from './parity-hosts.ts';
import { redact } from '../redact.ts';

export interface ParityOptions {
  reference: GatewayAddress;
  candidate: GatewayAddress;
  hosts: readonly ParityHost[];
  /** Requests per second over both gateways together. */
  ratePerSecond: number;
  /** Hosts probed at once; each host has one request in flight at a time. */
  hostsAtOnce: number;
  /** Bound on each request, in milliseconds. */
  timeoutMs: number;
  /** Extra attempts at a host whose answers carry a connection error. */
  retries: number;
  /** Known-differences rows by id, with their classification. */
  rows: ReadonlyMap<string, string>;
  /** JSON lines of the hosts done so far: read to resume, appended as hosts finish. */
  stateFile?: string;
  signal: AbortSignal;
  progress: (line: string) => void;
}

export interface ParityReport {
  reference: string;
  candidate: string;
  hosts: HostParity[];
  counts: { same: number; knownDifference: number; differs: number; unreachable: number };
  /** Hosts taken from the state file of an earlier, interrupted run. */
  resumed: number;
  interrupted: boolean;
}

/**
 * For every host, probes the reference, the candidate, then the reference again
 * (A/B/A: the two reference answers show what varies by itself, and drift during the
 * host's probes lands in that noise rather than in a difference), and compares.
 */
export async function runParity(options: ParityOptions): Promise<ParityReport> {
  const label = (gateway: GatewayAddress) => `${gateway.address} (http ${gateway.httpPort}, https ${gateway.httpsPort})`;
  const header = { reference: label(options.reference), candidate: label(options.candidate) };
  const done = options.stateFile ? await readState(options.stateFile, header) : new Map<string, HostParity>();
  const pending = options.hosts.filter((host) => !done.has(host.host));
  const throttle = rateLimiter(options.ratePerSecond, options.signal);
  const results = new Map(done);
  const startedAt = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < pending.length && !options.signal.aborted) {
      const host = pending[next++]!;
      const parity = await compareOne(host, { ...options, throttle });
      if (options.signal.aborted) return;
      results.set(host.host, parity);
      if (options.stateFile) await appendFile(options.stateFile, `${redact(JSON.stringify(parity))}\n`);
      reportProgress(options, results.size - done.size, pending.length, startedAt, results);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.hostsAtOnce, pending.length) }, worker));
  const hosts = options.hosts.map((host) => results.get(host.host)).filter((parity): parity is HostParity => parity !== undefined);
  const count = (verdict: HostParity['verdict']) => hosts.filter((parity) => parity.verdict === verdict).length;
  return { ...header, hosts, counts: { same: count('same'), knownDifference: count('known-difference'), differs: count('differs'), unreachable: count('unreachable') }, resumed: done.size, interrupted: options.signal.aborted };
}

async function compareOne(host: ParityHost, options: ParityOptions & { throttle: () => Promise<void> }): Promise<HostParity> {
  const probe = (gateway: GatewayAddress) => probeHost(gateway, host, { throttle: options.throttle, timeoutMs: options.timeoutMs });
  let answers: [Answers, Answers, Answers] = [{}, {}, {}];
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    const first = await probe(options.reference);
    const candidate = await probe(options.candidate);
    const second = await probe(options.reference);
    answers = [first, candidate, second];
    if (!answers.some(hasConnectionError) || options.signal.aborted) break;
  }
  const [first, candidate, second] = answers;
  const silent = ([['reference', first], ['candidate', candidate], ['reference', second]] as const).find(([, gatewayAnswers]) => answeredNothing(gatewayAnswers));
  if (silent) {
    const reason = `the ${silent[0]} gateway answered none of its probes (${[...new Set(Object.values(silent[1]))].join(', ')})`;
    return { host: host.host, verdict: 'unreachable', reason, differences: [], noisy: [] };
  }
  return compareHost(host.host, first, candidate, noisyFields(first, second), options.rows);
}

/** A probe that got no answer at all: refused, reset, or nothing within the timeout. */
const connectionError = /^error (ECONNRESET|ECONNREFUSED|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_SOCKET|EPIPE|EHOSTUNREACH|ENETUNREACH)/;

function hasConnectionError(answers: Answers): boolean {
  return Object.values(answers).some((value) => connectionError.test(value));
}

/**
 * Every probe of the host got no answer: the gateway went away, hangs, or never served
 * anything, which says nothing about how it routes, so the host is not compared (two
 * silent gateways must not pass as the same).
 */
function answeredNothing(answers: Answers): boolean {
  const values = Object.values(answers);
  return values.length > 0 && values.every((value) => connectionError.test(value));
}

/** Spaces requests `1000 / rate` ms apart across every caller; aborting wakes the waiters. */
export function rateLimiter(ratePerSecond: number, signal: AbortSignal): () => Promise<void> {
  const interval = 1000 / ratePerSecond;
  let nextAt = 0;
  return async () => {
    const now = performance.now();
    const at = Math.max(now, nextAt);
    nextAt = at + interval;
    if (at > now) await sleep(at - now, undefined, { signal }).catch(() => undefined);
  };
}

function reportProgress(options: ParityOptions, finished: number, total: number, startedAt: number, results: ReadonlyMap<string, HostParity>): void {
  if (finished !== total && finished % Math.max(1, Math.round(total / 20)) !== 0) return;
  const elapsed = Date.now() - startedAt;
  const eta = Math.round(((total - finished) * elapsed) / finished / 1000);
  const differs = [...results.values()].filter((parity) => parity.verdict === 'differs').length;
  options.progress(`meshgate: parity ${finished}/${total} hosts, ${differs} differ${finished < total ? `, about ${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s left` : ''}`);
}

/** Hosts finished by an earlier run against the same two gateways; a state file of other gateways is refused. */
async function readState(file: string, header: { reference: string; candidate: string }): Promise<Map<string, HostParity>> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(new InputFileError(file, error.message))));
  if (text === '') {
    await appendFile(file, `${JSON.stringify(header)}\n`);
    return new Map();
  }
  const [first = '', ...lines] = text.trim().split('\n');
  const saved = JSON.parse(first) as typeof header;
  if (saved.reference !== header.reference || saved.candidate !== header.candidate) {
    throw new UsageError(`--state ${file} belongs to a comparison of ${saved.reference} with ${saved.candidate}; use another file`);
  }
  // A host no gateway answered is tried again.
  const finished = lines.map((line) => JSON.parse(line) as HostParity).filter((parity) => parity.verdict !== 'unreachable');
  return new Map(finished.map((parity) => [parity.host, parity]));
}
