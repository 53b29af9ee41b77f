import { UsageError } from './errors.ts';

/**
 * Every timeout and polling interval the harness uses, in one place, with its default.
 * All values are milliseconds. Raise them with care: each one bounds how long a
 * broken environment can keep a CI job waiting. A run resolves them once
 * (`resolveTimeouts`: defaults, then MESHGATE_TIMEOUT_* variables, then `--timeouts`)
 * and passes the object down, as gateway-api's conformance suite passes its TimeoutConfig
 * (kubernetes-sigs/gateway-api conformance/utils/config/timeout.go).
 */
const defaults = {
  /** Longest a fixture process may go without printing its next app's ready line (ports bound, gRPC server started). */
  fixtureReadyMs: 15_000,
  /** nginx writes its pid file and answers on its HTTP port. */
  nginxReadyMs: 10_000,
  /** nginx re-reads its config and starts new workers after a reload (SIGHUP); 1,000 hosts with TLS take seconds. */
  nginxReloadMs: 60_000,
  /** After SIGINT or SIGTERM, running cases get this long to return before they are reported as not run. */
  cancelGraceMs: 1_500,
  /** One case against one subject, once it has its slots: a hung probe fails its case, never the run. */
  caseMs: 600_000,
  /** A process asked to stop (SIGTERM) must exit before it is killed (SIGKILL). */
  processStopMs: 5_000,
  /** One request or connection attempt made by a case. */
  requestMs: 5_000,
  /**
   * The read timeout a gateway falls back to when an app's own is lost: ingress-nginx's
   * proxy-read-timeout default, 60 s (internal/ingress/controller/config/config.go 859 at
   * kubernetes/ingress-nginx@dbb11b92). websocket-idle-beyond-default-timeout holds a WebSocket idle
   * longer than this; only the harness's own tests shorten it (with a gateway broken to match).
   */
  gatewayDefaultReadMs: 60_000,
  /** A case's expectation must hold N consecutive times within this time. */
  convergenceMs: 15_000,
  /** Pause between two attempts of a converging check. */
  convergencePollMs: 100,
  /** Before suites run, the gateway's HTTP and HTTPS ports must accept connections within this time. */
  gatewayReachableMs: 5_000,
  /** One push of a run's metrics to a Pushgateway, connect to answer. */
  metricsPushMs: 10_000,
  /** `meshgate up` waits this long for its background environment to be ready. */
  upReadyMs: 60_000,
  /** The same for a cluster environment: create, build, load, install, apply, roll out. */
  clusterUpMs: 1_800_000,
  /** One request to the Kubernetes API server, from connect to the last byte of the answer. */
  kubeRequestMs: 30_000,
  /** Pause between two polls of a cluster wait (rollouts, endpoints, probe pods). */
  kubePollMs: 1_000,
  /** Every tenant Deployment rolled out and every Service with ready endpoints. */
  rolloutMs: 300_000,
  /** Every served app answering through a cluster gateway (routes programmed, certificates loaded). */
  routesReadyMs: 120_000,
  /** A probe pod (east-west): scheduled, image pulled, run to its end. */
  probePodMs: 120_000,
  /** `kind create cluster` (node image pulled, control plane ready). */
  clusterCreateMs: 600_000,
  /** One install step: istioctl install, a Helm release with --wait, a `docker save` or `kind load image-archive`. */
  installStepMs: 600_000,
  /** A short cluster command: kind get clusters, istioctl version, docker info. */
  clusterCommandMs: 60_000,
  /** Every local load worker process up and ready for its spec (a busy machine starts them slowly). */
  loadWorkersStartMs: 120_000,
  /** Lead before the load workers' Indexed Job starts measuring: every pod scheduled, its image pulled, running. */
  loadJobStartMs: 120_000,
  /** One Prometheus HTTP API query (`meshgate judge`), from connect to the last byte of the answer. */
  prometheusQueryMs: 30_000,
  /** One notification (--notify-webhook), all its attempts together; a slow receiver never holds the verdict longer. */
  webhookMs: 10_000,
};

export type TimeoutName = keyof typeof defaults;

/** The timeouts of one run, in milliseconds (each one's meaning is on its default above). */
export type Timeouts = Readonly<Record<TimeoutName, number>>;

/** The defaults, before any variable or flag. */
export const defaultTimeouts: Timeouts = Object.freeze({ ...defaults });

/** `--timeouts` as given: timeout name -> milliseconds, as text (the resolver checks both). */
export type TimeoutFlags = Readonly<Record<string, string>>;

const timeoutNames = Object.keys(defaults) as TimeoutName[];
const maxTimeoutMs = 3_600_000;

/** The environment variable that overrides a timeout: convergenceMs -> MESHGATE_TIMEOUT_CONVERGENCE_MS. */
export function timeoutVariable(name: TimeoutName): string {
  return `MESHGATE_TIMEOUT_${name.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** How a user raises a timeout, for wait errors: the flag and the variable. */
export function raiseTimeoutHint(name: TimeoutName): string {
  return `--timeouts ${name}=<ms> or ${timeoutVariable(name)}=<ms>`;
}

/**
 * The timeouts of a run: the defaults, overridden by MESHGATE_TIMEOUT_* variables of
 * `env`, overridden by `flags` (`--timeouts name=ms`). Pure. Throws a UsageError (exit 2)
 * naming every malformed variable or flag and every unknown name.
 */
export function resolveTimeouts(env: NodeJS.ProcessEnv, flags: TimeoutFlags = {}): Timeouts {
  const values: Record<TimeoutName, number> = { ...defaults };
  const problems: string[] = [];
  const apply = (name: TimeoutName, raw: string, given: string): void => {
    const value = Number(raw);
    if (/^[0-9]+$/.test(raw) && value >= 1 && value <= maxTimeoutMs) values[name] = value;
    else problems.push(`${given}=${raw}: expected milliseconds from 1 to ${maxTimeoutMs}`);
  };
  for (const name of timeoutNames) {
    const raw = env[timeoutVariable(name)];
    if (raw !== undefined) apply(name, raw, timeoutVariable(name));
  }
  for (const [name, raw] of Object.entries(flags)) {
    if (isTimeoutName(name)) apply(name, raw, `--timeouts ${name}`);
    else problems.push(`--timeouts ${name}=${raw}: no such timeout (one of ${timeoutNames.join(', ')})`);
  }
  if (problems.length > 0) throw new UsageError(problems.join('; '));
  return values;
}

function isTimeoutName(name: string): name is TimeoutName {
  return (timeoutNames as string[]).includes(name);
}

/** How many consecutive matching observations make a check converged. */
export const convergenceSuccesses = 3;
