import { z } from 'zod';
import { quantity, resourcesSchema, restrictedContainerSecuritySchema, restrictedPodSecuritySchema } from './pod-security.ts';
import { dns1035Label, dns1123Label, dns1123Subdomain, ingressHost, labels, portName, portNumber } from './names.ts';

/**
 * The Kubernetes objects meshgate applies for its tenants, with only the fields it
 * sets, named as the Kubernetes API reference names them. The schemas are strict,
 * so a misspelled field fails validation at run time; the types are inferred from
 * them, so a misspelled field in a builder's object literal fails to compile.
 */

/** ObjectMeta of a namespaced object; `name` follows the rule the kind requires. */
export function namespacedMetadata(name: z.ZodType<string>) {
  return z.strictObject({
    name,
    namespace: dns1123Label,
    labels,
    annotations: z.record(z.string(), z.string()).optional(),
  });
}

export const namespaceSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Namespace'),
  metadata: z.strictObject({ name: dns1123Label, labels }),
});
export type Namespace = z.infer<typeof namespaceSchema>;

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'not base64');

/** A `kubernetes.io/tls` Secret: the API server requires both keys. */
export const secretSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Secret'),
  metadata: namespacedMetadata(dns1123Subdomain),
  type: z.literal('kubernetes.io/tls'),
  data: z.strictObject({ 'tls.crt': base64.min(1), 'tls.key': base64.min(1) }),
});
export type Secret = z.infer<typeof secretSchema>;

const containerSchema = z.strictObject({
  name: dns1123Label,
  image: z.string().min(1),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never']),
  args: z.array(z.string()),
  env: z.array(
    z.strictObject({
      name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'),
      valueFrom: z.strictObject({ fieldRef: z.strictObject({ fieldPath: z.string().min(1) }) }),
    }),
  ),
  ports: z.array(z.strictObject({ name: portName, containerPort: portNumber, protocol: z.literal('TCP') })).min(1),
  readinessProbe: z.strictObject({
    httpGet: z.strictObject({ path: z.string().startsWith('/'), port: portName }),
    /** Seconds between probes. */
    periodSeconds: z.number().int().positive(),
  }),
  resources: resourcesSchema,
  securityContext: restrictedContainerSecuritySchema,
  volumeMounts: z.array(z.strictObject({ name: dns1123Label, mountPath: z.string().startsWith('/') })),
});

export const deploymentSchema = z.strictObject({
  apiVersion: z.literal('apps/v1'),
  kind: z.literal('Deployment'),
  metadata: namespacedMetadata(dns1123Subdomain),
  spec: z.strictObject({
    replicas: z.number().int().nonnegative(),
    selector: z.strictObject({ matchLabels: labels }),
    template: z.strictObject({
      metadata: z.strictObject({ labels }),
      spec: z.strictObject({
        /** Pod Security "restricted" (pod-security.ts). */
        securityContext: restrictedPodSecuritySchema,
        containers: z.array(containerSchema).min(1),
        volumes: z.array(z.strictObject({ name: dns1123Label, emptyDir: z.strictObject({ sizeLimit: quantity }) })),
      }),
    }),
  }),
});
export type Deployment = z.infer<typeof deploymentSchema>;

const servicePortSchema = z
  .strictObject({
    name: portName,
    port: portNumber,
    targetPort: portName,
    protocol: z.literal('TCP'),
    /** Istio's protocol selection reads this first, then the `<protocol>[-suffix]` port name. */
    appProtocol: z.string().min(1),
  })
  .refine((port) => port.name === port.appProtocol || port.name.startsWith(`${port.appProtocol}-`), {
    message: 'a port name must be its appProtocol, optionally with a -suffix (Istio protocol selection)',
    path: ['name'],
  });

export const serviceSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Service'),
  metadata: namespacedMetadata(dns1035Label),
  spec: z.strictObject({ selector: labels, ports: z.array(servicePortSchema).min(1) }),
});
export type Service = z.infer<typeof serviceSchema>;

const namespaceNameSelector = z.strictObject({ namespaceSelector: z.strictObject({ matchLabels: z.strictObject({ 'kubernetes.io/metadata.name': dns1123Label }) }) });

/** Ingress rules only: which pods (this namespace's) and namespaces (by their automatic name label) may connect. */
export const networkPolicySchema = z.strictObject({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('NetworkPolicy'),
  metadata: namespacedMetadata(dns1123Subdomain),
  spec: z.strictObject({
    podSelector: z.strictObject({}),
    policyTypes: z.tuple([z.literal('Ingress')]),
    ingress: z.array(z.strictObject({ from: z.array(z.union([z.strictObject({ podSelector: z.strictObject({}) }), namespaceNameSelector])).min(1) })).min(1),
  }),
});
export type NetworkPolicy = z.infer<typeof networkPolicySchema>;

const ingressPathSchema = z.strictObject({
  path: z.string().startsWith('/'),
  pathType: z.enum(['Exact', 'Prefix', 'ImplementationSpecific']),
  backend: z.strictObject({
    service: z.strictObject({ name: dns1035Label, port: z.strictObject({ number: portNumber }) }),
  }),
});

export const ingressSchema = z.strictObject({
  apiVersion: z.literal('networking.k8s.io/v1'),
  kind: z.literal('Ingress'),
  metadata: namespacedMetadata(dns1123Subdomain),
  spec: z.strictObject({
    tls: z.array(z.strictObject({ hosts: z.array(ingressHost).min(1), secretName: dns1123Subdomain })).optional(),
    rules: z.array(z.strictObject({ host: ingressHost, http: z.strictObject({ paths: z.array(ingressPathSchema).min(1) }) })).min(1),
  }),
});
export type Ingress = z.infer<typeof ingressSchema>;
