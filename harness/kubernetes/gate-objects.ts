import { z } from 'zod';
import { dns1123Label, dns1123Subdomain, labels } from './names.ts';
import { quantity, resourcesSchema, restrictedContainerSecuritySchema, restrictedPodSecuritySchema } from './pod-security.ts';

/**
 * The objects that run meshgate itself in a cluster (`meshgate manifests gate`), with only
 * the fields it sets, named as the Kubernetes API reference names them (core/v1,
 * rbac.authorization.k8s.io/v1, batch/v1). Strict like the tenant objects: a misspelled
 * field fails validation, and fails to compile in a builder.
 */

const clusterMetadata = z.strictObject({ name: dns1123Subdomain, labels });
const namespacedMetadata = z.strictObject({ name: dns1123Subdomain, namespace: dns1123Label, labels });

export const gateNamespaceSchema = z.strictObject({ apiVersion: z.literal('v1'), kind: z.literal('Namespace'), metadata: z.strictObject({ name: dns1123Label, labels }) });

export const serviceAccountSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('ServiceAccount'),
  metadata: namespacedMetadata,
  /** false for a pod that never calls the API (the judge). */
  automountServiceAccountToken: z.boolean(),
});

const policyRuleSchema = z.strictObject({
  apiGroups: z.array(z.string()).length(1),
  resources: z.array(z.string().min(1)).min(1),
  verbs: z.array(z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'])).min(1),
  resourceNames: z.array(dns1123Subdomain).min(1).optional(),
});
export type PolicyRule = z.infer<typeof policyRuleSchema>;

export const clusterRoleSchema = z.strictObject({ apiVersion: z.literal('rbac.authorization.k8s.io/v1'), kind: z.literal('ClusterRole'), metadata: clusterMetadata, rules: z.array(policyRuleSchema).min(1) });
export const roleSchema = z.strictObject({ apiVersion: z.literal('rbac.authorization.k8s.io/v1'), kind: z.literal('Role'), metadata: namespacedMetadata, rules: z.array(policyRuleSchema).min(1) });

const subjects = z.array(z.strictObject({ kind: z.literal('ServiceAccount'), name: dns1123Subdomain, namespace: dns1123Label })).min(1);
export const clusterRoleBindingSchema = z.strictObject({
  apiVersion: z.literal('rbac.authorization.k8s.io/v1'),
  kind: z.literal('ClusterRoleBinding'),
  metadata: clusterMetadata,
  roleRef: z.strictObject({ apiGroup: z.literal('rbac.authorization.k8s.io'), kind: z.literal('ClusterRole'), name: dns1123Subdomain }),
  subjects,
});
export const roleBindingSchema = z.strictObject({
  apiVersion: z.literal('rbac.authorization.k8s.io/v1'),
  kind: z.literal('RoleBinding'),
  metadata: namespacedMetadata,
  roleRef: z.strictObject({ apiGroup: z.literal('rbac.authorization.k8s.io'), kind: z.literal('Role'), name: dns1123Subdomain }),
  subjects,
});

export const configMapSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('ConfigMap'),
  metadata: namespacedMetadata,
  data: z.record(z.string().regex(/^[-._a-zA-Z0-9]+$/, 'not a ConfigMap key'), z.string()),
});

const volumeSchema = z.union([
  z.strictObject({ name: dns1123Label, configMap: z.strictObject({ name: dns1123Subdomain }) }),
  z.strictObject({ name: dns1123Label, persistentVolumeClaim: z.strictObject({ claimName: dns1123Subdomain }) }),
  z.strictObject({ name: dns1123Label, emptyDir: z.strictObject({ sizeLimit: quantity }) }),
]);

const envSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'not an environment variable name'),
  /** Only from a Secret: a webhook URL carries its token and is never written into an object. */
  valueFrom: z.strictObject({ secretKeyRef: z.strictObject({ name: dns1123Subdomain, key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'not a Secret key') }) }),
});

const podTemplateSchema = z.strictObject({
  metadata: z.strictObject({ labels }),
  spec: z.strictObject({
    serviceAccountName: dns1123Subdomain,
    /** The image runs as the node user (uid 1000); fsGroup lets it write a mounted claim. */
    securityContext: restrictedPodSecuritySchema,
    restartPolicy: z.enum(['Never', 'OnFailure']),
    /** Seconds between SIGTERM and SIGKILL: the run removes its objects in between. */
    terminationGracePeriodSeconds: z.number().int().positive(),
    containers: z
      .array(
        z.strictObject({
          name: dns1123Label,
          image: z.string().min(1),
          args: z.array(z.string()),
          env: z.array(envSchema).optional(),
          resources: resourcesSchema,
          securityContext: restrictedContainerSecuritySchema,
          volumeMounts: z.array(z.strictObject({ name: dns1123Label, mountPath: z.string().startsWith('/'), readOnly: z.boolean().optional() })),
        }),
      )
      .length(1),
    volumes: z.array(volumeSchema),
  }),
});
export type PodTemplate = z.infer<typeof podTemplateSchema>;

const jobSpecSchema = z.strictObject({
  /** A gate that fails must not be retried into a pass: one attempt. */
  backoffLimit: z.number().int().nonnegative(),
  /** Seconds the whole Job may take. */
  activeDeadlineSeconds: z.number().int().positive(),
  template: podTemplateSchema,
});
export type JobSpec = z.infer<typeof jobSpecSchema>;

export const jobSchema = z.strictObject({ apiVersion: z.literal('batch/v1'), kind: z.literal('Job'), metadata: namespacedMetadata, spec: jobSpecSchema });
export type Job = z.infer<typeof jobSchema>;

export const cronJobSchema = z.strictObject({
  apiVersion: z.literal('batch/v1'),
  kind: z.literal('CronJob'),
  metadata: namespacedMetadata,
  spec: z.strictObject({
    /** Checked field by field by validateGateObjects (cronScheduleProblem). */
    schedule: z.string().min(1),
    concurrencyPolicy: z.enum(['Allow', 'Forbid', 'Replace']),
    successfulJobsHistoryLimit: z.number().int().nonnegative(),
    failedJobsHistoryLimit: z.number().int().nonnegative(),
    jobTemplate: z.strictObject({ spec: jobSpecSchema }),
  }),
});
export type CronJob = z.infer<typeof cronJobSchema>;

/** Any object of `meshgate manifests gate`, told apart by `kind`. */
export const gateObjectSchema = z.discriminatedUnion('kind', [
  gateNamespaceSchema,
  serviceAccountSchema,
  clusterRoleSchema,
  clusterRoleBindingSchema,
  roleSchema,
  roleBindingSchema,
  configMapSchema,
  jobSchema,
  cronJobSchema,
]);
export type GateObject = z.infer<typeof gateObjectSchema>;
