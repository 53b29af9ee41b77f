import { type Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { type JudgeSettings, type TrafficJudgement, defaultJudgeSettings } from '../judge/judge-traffic.ts';
import { parseHttpUrl } from '../net/http-url.ts';
import type { CommandContext } from './command-context.ts';
import { type PrometheusAuthFlags, addPrometheusAuthOptions, prometheusAccess } from './prometheus-auth.ts';
import { type TimeoutsFlag, timeoutsOf } from './options.ts';
import { registerUrlSecrets } from '../redact.ts';

/** Flags of the real-traffic judgement (judge, and watch with --prometheus). */
export interface JudgeFlags extends PrometheusAuthFlags {
  prometheus?: URL;
  gatewayInstall: GatewayInstall;
  gatewayWorkload?: string;
  queries?: string;
  minRequests: number;
  maxErrorRatio: number;
  maxP95Ms: number;
  latencyBudget: number;
  referenceOffset: number;
}

/**
 * The Istio ingress gateway's workload name (the `source_workload` of its metrics) per way of
 * installing it: istioctl's default profile names the Deployment istio-ingressgateway
 * (manifests/charts/gateways/istio-ingress/values.yaml); Istio's Helm instructions install the
 * `gateway` chart as release istio-ingress, and that chart names the Deployment after the
 * release (istio.io/latest/docs/setup/install/helm/); Higress' chart names it higress-gateway
 * (alibaba/higress helm/core/values.yaml, gateway.name).
 */
export const gatewayWorkloads = { istioctl: 'istio-ingressgateway', helm: 'istio-ingress', higress: 'higress-gateway' } as const;
export type GatewayInstall = keyof typeof gatewayWorkloads;

/** The workload the candidate's queries select: --gateway-workload, else the install's default. */
export function gatewayWorkloadOf(flags: Pick<JudgeFlags, 'gatewayInstall' | 'gatewayWorkload'>): string {
  return flags.gatewayWorkload ?? gatewayWorkloads[flags.gatewayInstall];
}

/** A Kubernetes object name (RFC 1123 subdomain), so it goes into a PromQL string as it is. */
function parseWorkload(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(value)) throw new UsageError(`not a workload name: ${value} (a Kubernetes Deployment name, e.g. istio-ingress)`);
  return value;
}

/** A Prometheus server's base URL, checked: http(s), no query string. Credentials in it are used as Basic auth and masked everywhere. */
export function parsePrometheusUrl(value: string): URL {
  registerUrlSecrets(value, false);
  const url = parseHttpUrl(value, 'Prometheus', 'http://prometheus.monitoring:9090');
  if (url.search !== '') throw new UsageError(`not a Prometheus URL: ${value} (http or https, no query string)`);
  return url;
}

const number = (what: string, min: number, max: number) => (value: string) => {
  const parsed = Number(value);
  if (!/^[0-9.]+$/.test(value) || !(parsed >= min && parsed <= max)) throw new UsageError(`not ${what}: ${value} (${min} to ${max})`);
  return parsed;
};

/** `0`, or a duration as parseDuration takes it, in ms. */
export function parseOffset(parseDuration: (value: string) => number): (value: string) => number {
  return (value) => (value === '0' ? 0 : parseDuration(value));
}

/** Adds the judgement's flags; `required` makes --prometheus mandatory (judge) rather than optional (watch). */
export function addJudgeOptions(command: Command, parseDuration: (value: string) => number, required: boolean): Command {
  const d = defaultJudgeSettings;
  const prometheus = new Option('--prometheus <url>', `Prometheus that scrapes both gateways${required ? '' : ': judge their real traffic over the watch too'}`).argParser(parsePrometheusUrl).env('MESHGATE_PROMETHEUS');
  command
    .addOption(required ? prometheus.makeOptionMandatory() : prometheus)
    .addOption(new Option('--gateway-install <how>', 'how the Istio ingress gateway was installed, for its workload name: istioctl (istio-ingressgateway), helm (istio-ingress), higress (higress-gateway)').choices(Object.keys(gatewayWorkloads)).default('istioctl').env('MESHGATE_GATEWAY_INSTALL'))
    .addOption(new Option('--gateway-workload <name>', 'the ingress gateway\'s workload (Deployment) name in its metrics\' source_workload; overrides --gateway-install').argParser(parseWorkload).env('MESHGATE_GATEWAY_WORKLOAD'))
    .addOption(new Option('--queries <file>', 'named PromQL queries for your label set (default: harness/judge/queries.yaml)').env('MESHGATE_QUERIES'))
    .addOption(new Option('--reference-offset <time>', 'the reference (ingress-nginx) window ends this long before the candidate\'s; 0: the same window').argParser(parseOffset(parseDuration)).default(0, '0'))
    .addOption(new Option('--min-requests <n>', 'requests per side below which a key is not judged (too little traffic)').argParser(number('a request count', 1, 1e12)).default(d.minRequests))
    .addOption(new Option('--max-error-ratio <ratio>', '5xx ratio ceiling for the candidate').argParser(number('a ratio', 0, 1)).default(d.maxErrorRatio))
    .addOption(new Option('--max-p95-ms <ms>', 'p95 ceiling for the candidate, ms').argParser(number('milliseconds', 0.001, 3_600_000)).default(d.maxP95Ms))
    .addOption(new Option('--latency-budget <share>', 'latency the candidate may add to the reference\'s p95/p99 (0.15: 15 %)').argParser(number('a share', 0, 10)).default(d.latencyBudget));
  return addPrometheusAuthOptions(command);
}

/**
 * Judges the window ending now (or `at`) and logs it; returns the judgement. `signal`
 * defaults to the interrupt's; watch passes none, as a signal only ends its traffic.
 */
export async function judgeFromFlags(context: CommandContext, flags: JudgeFlags & TimeoutsFlag & { prometheus: URL }, windowMs: number, at = new Date(), signal: AbortSignal | undefined = context.signal): Promise<TrafficJudgement> {
  const [{ formatJudgement }, { loadQueries }, { runJudgement }] = await Promise.all([
    import('../judge/format-judgement.ts'),
    import('../judge/queries.ts'),
    import('../judge/run-judgement.ts'),
  ]);
  const queries = await loadQueries(flags.queries);
  const settings: JudgeSettings = { ...defaultJudgeSettings, minRequests: flags.minRequests, maxErrorRatio: flags.maxErrorRatio, maxP95Ms: flags.maxP95Ms, latencyBudget: flags.latencyBudget };
  const prometheus = await prometheusAccess(flags.prometheus, flags, timeoutsOf(flags).prometheusQueryMs);
  const gatewayWorkload = gatewayWorkloadOf(flags);
  context.log(`meshgate: judging ${queries.candidate.name} (workload ${gatewayWorkload}) against ${queries.reference.name} over ${Math.ceil(windowMs / 1000)} s ending ${at.toISOString()} (${prometheus.url.origin})`);
  const judgement = await runJudgement({ prometheus, queries, windowMs, at, referenceOffsetMs: flags.referenceOffset, gatewayWorkload, settings, signal });
  for (const line of formatJudgement(judgement, { candidate: queries.candidate.name, reference: queries.reference.name })) context.log(`meshgate: ${line}`);
  return judgement;
}
