/**
 * Gateway metrics as OpenMetrics text (openmetrics.io, the format `promtool tsdb
 * create-blocks-from openmetrics` imports): ingress-nginx's and Istio's request
 * counters and latency histograms, with the label names those projects export,
 * scraped every 15 s. Each scenario gets its own stretch of time, so one Prometheus
 * serves them all and the judge picks one with --at.
 */

export interface ServiceTraffic {
  namespace: string;
  service: string;
  /** Requests per second. */
  rps: number;
  /** Share of requests answered 503. */
  errorShare: number;
  /** Median latency, ms; latencies follow an exponential distribution. */
  medianMs: number;
  /** The Istio gateway's workload (source_workload); default istio-ingressgateway, istioctl's name. */
  workload?: string;
}

export interface Scenario {
  name: string;
  reference: ServiceTraffic[];
  candidate: ServiceTraffic[];
}

/** Seconds between two scrapes. */
const scrapeSeconds = 15;
/** Minutes of data per scenario, and the gap between two (longer than the 5 m lookback). */
export const scenarioMinutes = 12;
const gapMinutes = 10;

/** ingress-nginx's default request-duration buckets: client_golang's DefBuckets, in seconds. */
const nginxBucketsSeconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Istio's default request-duration buckets, ms (istio proxy stats config). */
const istioBucketsMs = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];

/** Where scenario `index` ends its data: the time to judge it at (window 10m). */
export function scenarioEnd(start: number, index: number): Date {
  return new Date((start + (index * (scenarioMinutes + gapMinutes) + scenarioMinutes) * 60) * 1000);
}

const share = (ms: number, medianMs: number) => 1 - 2 ** (-ms / medianMs);
const labelText = (labels: Record<string, string>) => `{${Object.entries(labels).map(([key, value]) => `${key}="${value}"`).join(',')}}`;

interface Family {
  name: string;
  type: 'counter' | 'unknown' | 'histogram';
  /** Series label set -> lines per scenario step. */
  series: Map<string, string[]>;
}

/** The OpenMetrics text of every scenario, starting at `start` (Unix seconds). */
export function openMetrics(scenarios: Scenario[], start: number): string {
  const families: Family[] = [
    // ingress-nginx's client_golang exposes this counter without the _total suffix OpenMetrics
    // requires of a counter: typed unknown, the name stays the one Prometheus stores.
    { name: 'nginx_ingress_controller_requests', type: 'unknown', series: new Map() },
    { name: 'nginx_ingress_controller_request_duration_seconds', type: 'histogram', series: new Map() },
    { name: 'istio_requests', type: 'counter', series: new Map() },
    { name: 'istio_request_duration_milliseconds', type: 'histogram', series: new Map() },
  ];
  const add = (family: Family, labels: Record<string, string>, line: string) => {
    const key = labelText(labels);
    const lines = family.series.get(key) ?? [];
    family.series.set(key, [...lines, line]);
  };
  scenarios.forEach((scenario, index) => {
    const from = start + index * (scenarioMinutes + gapMinutes) * 60;
    for (let step = 0; step <= (scenarioMinutes * 60) / scrapeSeconds; step++) {
      const time = from + step * scrapeSeconds;
      for (const traffic of scenario.reference) addSide(families.slice(0, 2) as [Family, Family], add, nginxLabels(traffic), traffic, step, time, 'status', nginxBucketsSeconds, 1000);
      for (const traffic of scenario.candidate) addSide(families.slice(2) as [Family, Family], add, istioLabels(traffic), traffic, step, time, 'response_code', istioBucketsMs, 1);
    }
  });
  const text = families.flatMap((family) => [`# TYPE ${family.name} ${family.type}`, ...[...family.series.values()].flat()]);
  return `${text.join('\n')}\n# EOF\n`;
}

function addSide(
  [counter, histogram]: [Family, Family],
  add: (family: Family, labels: Record<string, string>, line: string) => void,
  labels: Record<string, string>,
  traffic: ServiceTraffic,
  step: number,
  time: number,
  statusLabel: string,
  bounds: number[],
  unitMs: number,
): void {
  const total = traffic.rps * scrapeSeconds * step;
  const errors = total * traffic.errorShare;
  const name = counter.type === 'counter' ? `${counter.name}_total` : counter.name;
  add(counter, { ...labels, [statusLabel]: '200' }, `${name}${labelText({ ...labels, [statusLabel]: '200' })} ${total - errors} ${time}`);
  add(counter, { ...labels, [statusLabel]: '503' }, `${name}${labelText({ ...labels, [statusLabel]: '503' })} ${errors} ${time}`);
  const lines = bounds.map((le) => `${histogram.name}_bucket${labelText({ ...labels, le: String(le) })} ${total * share(le * unitMs, traffic.medianMs)} ${time}`);
  lines.push(`${histogram.name}_bucket${labelText({ ...labels, le: '+Inf' })} ${total} ${time}`);
  lines.push(`${histogram.name}_count${labelText(labels)} ${total} ${time}`);
  lines.push(`${histogram.name}_sum${labelText(labels)} ${(total * traffic.medianMs) / Math.LN2 / unitMs} ${time}`);
  add(histogram, labels, lines.join('\n'));
}

/** Labels ingress-nginx puts on its request metrics (socket_collector.go requestTags, plus host and the controller's). */
function nginxLabels(traffic: ServiceTraffic): Record<string, string> {
  return {
    controller_class: 'k8s.io/ingress-nginx',
    controller_namespace: 'ingress-nginx',
    controller_pod: 'ingress-nginx-controller-7d9f8',
    host: `${traffic.service}.cloud.sealos.test`,
    ingress: traffic.service,
    method: 'GET',
    namespace: traffic.namespace,
    path: '/',
    service: traffic.service,
    canary: '',
  };
}

/** Labels Istio's ingress gateway puts on its standard metrics (reporter "source" at a gateway). */
function istioLabels(traffic: ServiceTraffic): Record<string, string> {
  return {
    reporter: 'source',
    source_workload: traffic.workload ?? 'istio-ingressgateway',
    source_workload_namespace: 'istio-system',
    destination_service: `${traffic.service}.${traffic.namespace}.svc.cluster.local`,
    destination_service_name: traffic.service,
    destination_service_namespace: traffic.namespace,
    request_protocol: 'http',
  };
}
