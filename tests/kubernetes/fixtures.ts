import { loadScenario } from '../../harness/scenario/load.ts';
import type { ResolvedApp, ResolvedScenario } from '../../harness/scenario/resolve.ts';
import { type TenantManifestOptions, type TenantManifests, buildTenantManifests } from '../../harness/kubernetes/tenant-manifests.ts';
import type { TlsKeyPair } from '../../harness/kubernetes/tenant-workloads.ts';

/** The run id of every golden object. */
export const runId = 'golden';

/** Fixed placeholder PEMs per TLS secret of the default scenario: golden files must not change between runs. */
export const certificates: ReadonlyMap<string, TlsKeyPair> = new Map(
  ['wildcard-cert', 'ns-r4n7v1pz/shop-tls'].map((key) => [
    key,
    { chainPem: `-----BEGIN CERTIFICATE-----\nplaceholder for ${key}\n-----END CERTIFICATE-----\n`, keyPem: `-----BEGIN PRIVATE KEY-----\nplaceholder for ${key}\n-----END PRIVATE KEY-----\n` },
  ]),
);

export async function defaultScenario(): Promise<ResolvedScenario> {
  return (await loadScenario()).resolved;
}

/** The default scenario's manifests in `mode`, with the golden run id and certificates. */
export function manifests(scenario: ResolvedScenario, mode: TenantManifestOptions['mode'], extra: Partial<TenantManifestOptions> = {}): TenantManifests {
  return buildTenantManifests(scenario, runId, { mode, fixture: { image: 'meshgate-echo:0.1.0' }, certificates, ...extra });
}

export function app(scenario: ResolvedScenario, id: string): ResolvedApp {
  const found = scenario.apps.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no app ${id} in the scenario`);
  return found;
}
