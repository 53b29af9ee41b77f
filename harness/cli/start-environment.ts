import type { StartedEnvironment } from '../environments/environment.ts';
import { LocalEnvironment } from '../environments/local/local-environment.ts';
import { loadScenario } from '../scenario/load.ts';

export interface StartOptions {
  env: string;
  scenario?: string;
  runId: string;
  httpPort?: number;
  httpsPort?: number;
  signal: AbortSignal;
  log: (line: string) => void;
}

/** Loads the scenario and starts the chosen environment, saying what it does and how long it took. */
export async function startEnvironment(options: StartOptions): Promise<StartedEnvironment> {
  const scenario = await loadScenario(options.scenario);
  const started = Date.now();
  options.log(`meshgate: starting ${options.env} environment: ${scenario.resolved.apps.length} fixture backends and an nginx gateway (scenario ${scenario.resolved.name} from ${scenario.file})`);
  const environment = new LocalEnvironment({ scenario, runId: options.runId, httpPort: options.httpPort, httpsPort: options.httpsPort });
  const running = await environment.start(options.signal);
  const { gateway } = running.target();
  options.log(`meshgate: gateway ready on ${gateway.address} (http ${gateway.httpPort}, https ${gateway.httpsPort}) in ${Date.now() - started} ms`);
  return running;
}
