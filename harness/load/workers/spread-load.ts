import { parseGatewayEndpoint } from '../../net/gateway-endpoint.ts';
import { connectKube } from '../../environments/cluster/kube-api.ts';
import { runLoadJob } from './load-job.ts';
import { UsageError } from '../../errors.ts';
import type { Target } from '../../target.ts';
import type { Timeouts } from '../../timeouts.ts';
import type { LoadResult } from '../../results/load-result.ts';
import type { LoadSpec } from './load-spec.ts';
import { runLocalWorkers } from './local-workers.ts';
import { loadWorkerVariables } from './worker-count.ts';

/**
 * Runs a load spread over `spec.workers`: local worker processes, or in a cluster
 * environment an Indexed Job of meshgate pods next to the gateway, which reach it at the
 * in-cluster address given for the candidate (`reference` false) or the reference.
 * The run's `timeouts` bound the workers' start, their answers and the cluster's requests.
 */
export function spreadLoad(
  target: Target,
  spec: Omit<LoadSpec, 'startAt'>,
  reference: boolean,
  { timeouts, signal }: { timeouts: Timeouts; signal?: AbortSignal },
  env: NodeJS.ProcessEnv = process.env,
): Promise<LoadResult> {
  if (!target.cluster) return runLocalWorkers(spec, timeouts, signal);
  const image = env[loadWorkerVariables.image];
  const variable = reference ? loadWorkerVariables.referenceGateway : loadWorkerVariables.gateway;
  const address = env[variable];
  if (!image || !address) throw new UsageError(`--load-workers in a cluster needs --load-worker-image and --load-gateway${reference ? ' and --load-reference-gateway' : ''} (where the pods reach the gateway)`);
  const inCluster = parseGatewayEndpoint(address);
  const kube = connectKube({ kubeconfig: target.cluster.kubeconfig ?? undefined, context: target.cluster.context ?? undefined, requestMs: timeouts.kubeRequestMs });
  const gateway = { ...spec.target.gateway, address: inCluster.address, httpPort: inCluster.httpPort, httpsPort: inCluster.httpsPort };
  return runLoadJob({ kube, runId: target.runId, image, spec: { ...spec, target: { ...spec.target, gateway } }, timeouts, signal });
}
