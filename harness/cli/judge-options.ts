import { type Command, Option } from 'commander';
import { UsageError } from '../errors.ts';
import { gatewayWorkloads } from '../judge/gateway-workload.ts';
import { defaultJudgeSettings } from '../judge/judge-traffic.ts';
import type { JudgeInput } from '../judge/judge-window.ts';
import { parseHttpUrl } from '../net/http-url.ts';
import { addPrometheusAuthOptions } from './prometheus-auth.ts';
import { registerUrlSecrets } from '../redact.ts';

/** Flags of the real-traffic judgement (judge, and watch with --prometheus). */
export type JudgeFlags = JudgeInput;

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
