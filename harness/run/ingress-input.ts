import { basename } from 'node:path';
import { classifyIngresses, type DifferenceRows } from '../inventory/classify-ingresses.ts';
import { readIngressFile } from '../inventory/ingress-objects.ts';
import { type IngressBackend, ingressScenario } from '../inventory/ingress-scenario.ts';
import { type UntranslatableItem, untranslatableItems } from '../inventory/untranslatable.ts';
import { InputFileError } from '../errors.ts';
import { checkScenarioRules, type LoadedScenario } from '../scenario/load.ts';
import { resolveScenario } from '../scenario/resolve.ts';

/** An Ingress export as the scenario both the translation and the local reference consume, with what it leaves out. */
export interface IngressInput {
  scenario: LoadedScenario;
  backends: ReadonlyMap<string, IngressBackend>;
  untranslatable: UntranslatableItem[];
  /** Ingresses of other classes, not part of the cutover. */
  otherClasses: string[];
}

/** The known-differences table, as the catalogue passes it in (content: it decides how a difference classes). */
export type KnownDifferencesSource = () => Promise<ReadonlyArray<{ id: string; classification: 'translated' | 'accepted-gap' | 'blocking-gap' }>>;

/** The rows of `source` by id, as inventory reads them. */
export async function differenceRows(source: KnownDifferencesSource): Promise<DifferenceRows> {
  return new Map((await source()).map((row) => [row.id, row.classification]));
}

/**
 * Reads `kubectl get ingress -A -o yaml` output (exit 2 naming the problem when it is
 * not Ingress YAML), turns it into the scenario model and classes what the model leaves
 * out as inventory classes it. A set with nothing to serve is bad input too.
 */
export async function loadIngressInput(file: string, rows: DifferenceRows, ingressNginxClass = 'nginx'): Promise<IngressInput> {
  const ingresses = await readIngressFile(file);
  const name = basename(file).replace(/\.(ya?ml|json)$/, '').toLowerCase().replace(/[^a-z0-9-]+/g, '-') || 'ingresses';
  const model = ingressScenario(ingresses, { name, ingressNginxClass });
  if (model.scenario === null) {
    throw new InputFileError(file, `no Ingress of class ${ingressNginxClass} in a tenant namespace (ns-<user>) serves a host at /: nothing to replay or translate`);
  }
  checkScenarioRules(file, model.scenario);
  const untranslatable = untranslatableItems(model.notCarried, classifyIngresses(ingresses, rows, ingressNginxClass));
  return {
    scenario: { file, input: model.scenario, resolved: resolveScenario(model.scenario) },
    backends: model.backends,
    untranslatable,
    otherClasses: model.otherClasses,
  };
}
