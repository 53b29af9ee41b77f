import type { V1Lease } from '@kubernetes/client-node';
import { MeshgateError, errorMessage } from '../../errors.ts';
import { apiStatus, type KubeApi, kubeError } from './kube-api.ts';

/** Where the scenario's Lease lives and who takes it. */
export interface RunLeaseOptions {
  namespace: string;
  /** `runLeaseName(scenario name)`. */
  name: string;
  runId: string;
  /** How long a holder that stopped renewing keeps the Lease, s. */
  durationSeconds?: number;
  log: (line: string) => void;
}

/** A Lease this run holds. */
export interface HeldLease {
  /** The run that held it before and stopped renewing it (killed): its objects are left to remove. */
  previousHolder: string | undefined;
  /** Stops renewing and gives the Lease up; never throws. */
  release(): Promise<void>;
}

/** Another run of the scenario holds its Lease. */
export class LeaseHeldError extends MeshgateError {
  constructor(lease: string, holder: string, renewedAt: string) {
    super('E_LEASE_HELD', `run ${holder} is running this scenario (Lease ${lease}, renewed ${renewedAt}); two runs would share its namespaces. Wait for it, or delete its Job`);
  }
}

const defaultDurationSeconds = 60;

/**
 * Takes the scenario's coordination.k8s.io Lease for `runId` (creates it, or takes it
 * over once its holder stopped renewing it) and renews it every third of its duration
 * until released. Refuses with LeaseHeldError while another run renews it; a race
 * between two takers is settled by the API server (409 on create or on a stale
 * resourceVersion) and reported the same way.
 */
export async function acquireRunLease(kube: KubeApi, options: RunLeaseOptions): Promise<HeldLease> {
  const { namespace, name, runId } = options;
  const durationSeconds = options.durationSeconds ?? defaultDurationSeconds;
  const ref = `${namespace}/${name}`;
  const existing = await readLease(kube, namespace, name);
  const spec = { holderIdentity: runId, leaseDurationSeconds: durationSeconds, acquireTime: new Date(), renewTime: new Date() };
  let previousHolder: string | undefined;
  let lease: V1Lease;
  try {
    if (existing === undefined) {
      lease = await kube.coordination.createNamespacedLease({ namespace, body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec } });
    } else {
      const holder = existing.spec?.holderIdentity ?? '';
      const renewed = existing.spec?.renewTime ?? existing.spec?.acquireTime;
      const live = holder !== '' && renewed !== undefined && new Date(renewed).getTime() + (existing.spec?.leaseDurationSeconds ?? 0) * 1000 > Date.now();
      if (live && holder !== runId) throw new LeaseHeldError(ref, holder, new Date(renewed!).toISOString());
      previousHolder = holder !== '' && holder !== runId ? holder : undefined;
      const transitions = (existing.spec?.leaseTransitions ?? 0) + 1;
      lease = await kube.coordination.replaceNamespacedLease({ name, namespace, body: { ...existing, spec: { ...spec, leaseTransitions: transitions } } });
    }
  } catch (error) {
    if (apiStatus(error) === 409) throw new LeaseHeldError(ref, 'another run', 'just now');
    throw kubeError(`take Lease ${ref}`, error);
  }
  return holdLease(kube, options, lease, durationSeconds, previousHolder);
}

function holdLease(kube: KubeApi, options: RunLeaseOptions, taken: V1Lease, durationSeconds: number, previousHolder: string | undefined): HeldLease {
  const { namespace, name } = options;
  let lease = taken;
  const write = async (spec: V1Lease['spec']) => {
    lease = await kube.coordination.replaceNamespacedLease({ name, namespace, body: { ...lease, spec } });
  };
  // A failed renewal is retried at the next tick; the Lease outlives one miss by two ticks.
  const renew = () => write({ ...lease.spec, renewTime: new Date() }).catch((error: unknown) => options.log(`meshgate: could not renew Lease ${namespace}/${name}: ${errorMessage(error)}`));
  const timer = setInterval(() => void renew(), (durationSeconds * 1000) / 3);
  timer.unref();
  return {
    previousHolder,
    release: async () => {
      clearInterval(timer);
      // Given up by clearing the holder: the next run finds nothing of this one to remove.
      await write({ leaseDurationSeconds: durationSeconds, leaseTransitions: lease.spec?.leaseTransitions }).catch((error: unknown) =>
        options.log(`meshgate: could not release Lease ${namespace}/${name} (it expires in ${durationSeconds} s): ${errorMessage(error)}`),
      );
    },
  };
}

async function readLease(kube: KubeApi, namespace: string, name: string): Promise<V1Lease | undefined> {
  try {
    return await kube.coordination.readNamespacedLease({ name, namespace });
  } catch (error) {
    if (apiStatus(error) === 404) return undefined;
    throw kubeError(`read Lease ${namespace}/${name}`, error);
  }
}
