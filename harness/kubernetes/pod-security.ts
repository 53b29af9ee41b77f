import { z } from 'zod';

/**
 * What every pod meshgate emits sets so that Pod Security "restricted" admits it
 * (kubernetes.io/docs/concepts/security/pod-security-standards/#restricted): a
 * numeric non-root user (an image's `USER node` cannot be checked by the kubelet
 * otherwise), the runtime's default seccomp profile, no privilege escalation,
 * every capability dropped, and a read-only root filesystem with writable
 * emptyDir mounts where the process writes (/tmp: tsx's compile cache).
 */

/** The node image's `node` user and group (meshgate and the echo fixture). */
export const NODE_UID = 1000;
/** `nobody`: the probe pod's curl writes nothing. */
export const NOBODY_UID = 65534;

/** Pod-level securityContext for `uid`. */
export function restrictedPodSecurity(uid: number): RestrictedPodSecurity {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } };
}

/** Container-level securityContext: nothing to escalate to, nothing to write outside its volumes. */
export const restrictedContainerSecurity: RestrictedContainerSecurity = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
};

/** A writable scratch directory on a read-only root filesystem, bounded in size. */
export const tmpVolume = { name: 'tmp', emptyDir: { sizeLimit: '256Mi' } } as const;
export const tmpMount = { name: 'tmp', mountPath: '/tmp' } as const;

/** Kubernetes quantities as meshgate writes them: `500m`, `2`, `512Mi`, `1Gi`. */
export const quantity = z.string().regex(/^([0-9]+m|[0-9]+(\.[0-9]+)?|[0-9]+(Ki|Mi|Gi|Ti))$/, 'not a Kubernetes quantity (e.g. 500m, 2, 512Mi)');

/** CPU and memory a container asks for and may not pass. */
export const resourcesSchema = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity }),
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
});
export type Resources = z.infer<typeof resourcesSchema>;

export const restrictedPodSecuritySchema = z.strictObject({
  runAsNonRoot: z.literal(true),
  runAsUser: z.number().int().positive(),
  runAsGroup: z.number().int().positive(),
  fsGroup: z.number().int().positive(),
  seccompProfile: z.strictObject({ type: z.literal('RuntimeDefault') }),
});
export type RestrictedPodSecurity = z.infer<typeof restrictedPodSecuritySchema>;

export const restrictedContainerSecuritySchema = z.strictObject({
  allowPrivilegeEscalation: z.literal(false),
  readOnlyRootFilesystem: z.literal(true),
  capabilities: z.strictObject({ drop: z.tuple([z.literal('ALL')]) }),
});
export type RestrictedContainerSecurity = z.infer<typeof restrictedContainerSecuritySchema>;

/** `cpu=500m,memory=512Mi`: a --requests / --limits flag. */
export function parseResourceList(value: string): { cpu: string; memory: string } | undefined {
  const pairs = Object.fromEntries(value.split(',').map((pair) => pair.split('=')));
  const parsed = z.strictObject({ cpu: quantity, memory: quantity }).safeParse(pairs);
  return parsed.success ? parsed.data : undefined;
}
