import { UsageError } from '../../errors.ts';

/** Environment variable carrying --load-workers to the suites' worker processes. */
export const LOAD_WORKERS_VARIABLE = 'MESHGATE_LOAD_WORKERS';

/** Variables carrying the cluster settings of --load-workers to the suites' processes. */
export const loadWorkerVariables = {
  /** meshgate's image for the Indexed Job's pods. */
  image: 'MESHGATE_LOAD_WORKER_IMAGE',
  /** Where pods reach the gateway under test, ADDRESS[:HTTP:HTTPS]. */
  gateway: 'MESHGATE_LOAD_GATEWAY',
  /** Where pods reach a live A/B reference gateway. */
  referenceGateway: 'MESHGATE_LOAD_REFERENCE_GATEWAY',
} as const;

/** Most load workers one load may be spread over. */
export const maxLoadWorkers = 64;

/** `--load-workers N`: 1 (one engine in the suite's process, the default) to maxLoadWorkers. */
export function parseLoadWorkers(value: string): number {
  const count = Number(value);
  if (!/^[0-9]+$/.test(value) || count < 1 || count > maxLoadWorkers) throw new UsageError(`not a worker count: ${value} (1-${maxLoadWorkers})`);
  return count;
}

/** The worker count in force for this process (set by the CLI for the suites it runs). */
export function loadWorkersInForce(env: NodeJS.ProcessEnv = process.env): number {
  const value = env[LOAD_WORKERS_VARIABLE];
  return value === undefined ? 1 : parseLoadWorkers(value);
}

type Endpoint = { address: string; httpPort: number; httpsPort: number };

/** --load-workers and its cluster settings, as given. */
export interface LoadWorkersSettings {
  loadWorkers?: number;
  loadWorkerImage?: string;
  loadGateway?: Endpoint;
  loadReferenceGateway?: Endpoint;
}

/** The suites run in worker processes: --load-workers and its settings reach them by environment. */
export function exportLoadWorkersSettings(settings: LoadWorkersSettings, env: NodeJS.ProcessEnv = process.env): void {
  if (settings.loadWorkers !== undefined) env[LOAD_WORKERS_VARIABLE] = String(settings.loadWorkers);
  if (settings.loadWorkerImage !== undefined) env[loadWorkerVariables.image] = settings.loadWorkerImage;
  for (const [endpoint, variable] of [[settings.loadGateway, loadWorkerVariables.gateway], [settings.loadReferenceGateway, loadWorkerVariables.referenceGateway]] as const) {
    if (endpoint !== undefined) env[variable] = `${endpoint.address}:${endpoint.httpPort}:${endpoint.httpsPort}`;
  }
}
