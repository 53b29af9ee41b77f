import { readInputFile } from '../input-file.ts';
import { parseScenario } from '../scenario/load.ts';
import { buildGateManifests, gateGrants } from './gate-manifests.ts';
import type { GatePodOptions } from './gate-pod.ts';
import { formatGrants } from './gate-rbac.ts';
import type { Resources } from './pod-security.ts';
import { renderManifests } from './render-yaml.ts';
import { validateGateObjects } from './validate-gate-objects.ts';

/** What `manifests gate` was given: the pod's settings, the scenario file it carries, where the gateways run, the schedule. */
export interface GateDocumentsInput extends Omit<GatePodOptions, 'placement' | 'resources'> {
  /** The scenario file the ConfigMap carries. */
  scenario: string;
  schedule: string;
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  ingressGatewayNamespace: string;
  requests: Resources['requests'];
  limits: Resources['limits'];
  /** Instead of the objects: each permission the gate gets and the call that needs it. */
  printRbac?: boolean;
}

/**
 * The gate's objects as YAML, checked against their schemas (or, with `printRbac`,
 * its grants as text), and the line that says what was printed (none for the grants).
 */
export async function gateDocuments(input: GateDocumentsInput): Promise<{ text: string; message?: string }> {
  const scenarioYaml = await readInputFile(input.scenario, 'scenario');
  const loaded = parseScenario(scenarioYaml, input.scenario);
  const options = {
    ...input,
    scenarioYaml,
    scenario: loaded.resolved,
    placement: { istioNamespace: input.gatewayNamespace, istioSelector: input.gatewaySelector, ingressNginxNamespace: input.ingressGatewayNamespace },
    resources: { requests: input.requests, limits: input.limits },
  };
  if (input.printRbac) return { text: `${formatGrants(gateGrants(options))}\n` };
  const objects = validateGateObjects(buildGateManifests(options));
  return { text: renderManifests(objects), message: `meshgate: ${objects.length} objects for namespace ${input.namespace}; apply with kubectl apply -f -` };
}
