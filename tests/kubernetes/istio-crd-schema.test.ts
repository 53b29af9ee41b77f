import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { loadIngressInput } from '../../harness/run/ingress-input.ts';
import { translateIngresses } from '../../harness/run/translate-ingresses.ts';
import { knownDifferences } from '../../suites/known-differences.ts';
import { defaultScenario, manifests } from './fixtures.ts';

/**
 * The Istio objects meshgate writes validate against Istio's published CRD schemas
 * (tests/kubernetes/istio-crds/networking-v1.json: the v1 openAPIV3Schema of the Gateway,
 * VirtualService and DestinationRule CRDs; networking-v1alpha3.json: the EnvoyFilter CRD's,
 * which Istio serves only as v1alpha3; both copied unchanged from istio/istio's
 * manifests/charts/base/files/crd-all.gen.yaml at the commit their `source` names).
 * Unknown fields are errors (the API server would prune them silently); the CEL rules
 * (x-kubernetes-validations) are not evaluated here.
 */
type Schema = Record<string, unknown>;
const crdFile = (name: string) => (JSON.parse(readFileSync(new URL(`./istio-crds/${name}`, import.meta.url), 'utf8')) as { schemas: Record<string, Schema> }).schemas;
const crds = { schemas: { ...crdFile('networking-v1.json'), ...crdFile('networking-v1alpha3.json') } };

/** The structural schema made strict: objects with declared properties accept no others; int-or-string as such. */
function strict(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(strict);
  if (schema === null || typeof schema !== 'object') return schema;
  const entries = Object.entries(schema as Schema).filter(([key]) => key !== 'x-kubernetes-validations');
  const result: Schema = Object.fromEntries(entries.map(([key, value]) => [key, key === 'properties' ? mapValues(value as Schema) : strict(value)]));
  if (result['x-kubernetes-int-or-string']) return { anyOf: [{ type: 'integer' }, { type: 'string' }] };
  if (result.properties && result.additionalProperties === undefined && !result['x-kubernetes-preserve-unknown-fields']) result.additionalProperties = false;
  return result;
}

function mapValues(properties: Schema): Schema {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, strict(value)]));
}

const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
/** The root: the API server adds apiVersion, kind and metadata to every CRD's schema itself. */
function objectSchema(schema: Schema): Schema {
  const properties = (schema as { properties: Schema }).properties;
  return {
    type: 'object',
    required: ['apiVersion', 'kind', 'metadata', 'spec'],
    properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec: strict(properties.spec), status: properties.status },
    additionalProperties: false,
  };
}

const validators = Object.fromEntries(Object.entries(crds.schemas).map(([kind, schema]) => [kind, ajv.compile(objectSchema(schema))]));

function errorsOf(object: { kind: string }): string[] {
  const validate = validators[object.kind];
  if (!validate) throw new Error(`no CRD schema for ${object.kind}`);
  return validate(object) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
}

const istioKinds = new Set(Object.keys(crds.schemas));

// The default scenario's objects, and what `translate --ingresses` writes for the Ingress set read from Sealos.
const sealosSet = await loadIngressInput(new URL('../inventory/sealos-ingresses.yaml', import.meta.url).pathname, new Map(knownDifferences.map((row) => [row.id, row.classification])));
const translated = translateIngresses(sealosSet, 'golden', { gatewayNamespace: 'istio-system', gatewaySelector: { istio: 'ingressgateway' }, clusterDomain: 'cluster.local' }).objects;
const objects = [...manifests(await defaultScenario(), 'istio').objects, ...translated].filter((object) => istioKinds.has(object.kind));

describe("golden Istio objects against Istio's CRD schemas (v1, and v1alpha3 for EnvoyFilter)", () => {
  it('has the four kinds meshgate writes', () => {
    expect(new Set(objects.map((object) => object.kind))).toEqual(new Set(['Gateway', 'VirtualService', 'DestinationRule', 'EnvoyFilter']));
  });

  it.each(objects.map((object) => [`${object.kind} ${"namespace" in object.metadata ? object.metadata.namespace : ""}/${object.metadata.name}`, object] as const))('%s validates', (_name, object) => {
    expect(errorsOf(object)).toEqual([]);
  });

  it('refuses an unknown field and a wrongly typed one (the check can fail)', () => {
    const service = objects.find((object) => object.kind === 'VirtualService')! as unknown as { spec: { http: Array<Record<string, unknown>> } };
    const unknownField = { ...service, spec: { ...service.spec, http: [{ ...service.spec.http[0], corsPolicy: { allowOriginRegex: ['https://a.test'] } }] } };
    expect(errorsOf(unknownField as never).join('\n')).toMatch(/must NOT have additional properties.*allowOriginRegex/);
    const wrongType = { ...service, spec: { ...service.spec, http: [{ ...service.spec.http[0], timeout: 5 }] } };
    expect(errorsOf(wrongType as never).join('\n')).toMatch(/timeout must be string/);
  });

  it('refuses an EnvoyFilter with an unknown match field or a wrong operation (the v1alpha3 check can fail)', () => {
    const filter = objects.find((object) => object.kind === 'EnvoyFilter')! as unknown as { spec: { configPatches: Array<Record<string, any>> } };
    const [patch] = filter.spec.configPatches;
    const unknownField = { ...filter, spec: { ...filter.spec, configPatches: [{ ...patch, match: { ...patch!.match, vhostName: 'a:80' } }] } };
    expect(errorsOf(unknownField as never).join('\n')).toMatch(/must NOT have additional properties.*vhostName/);
    const badOperation = { ...filter, spec: { ...filter.spec, configPatches: [{ ...patch, patch: { ...patch!.patch, operation: 'PREPEND' } }] } };
    expect(errorsOf(badOperation as never).join('\n')).toMatch(/operation must be equal to one of the allowed values/);
  });
});
