import { cronScheduleProblem } from './cron-schedule.ts';
import { type GateObject, type PodTemplate, gateObjectSchema } from './gate-objects.ts';
import { ManifestError } from './manifest-error.ts';
import { issueError } from './validate-objects.ts';

const kinds = gateObjectSchema.options.map((option) => option.shape.kind.value);

type Has = (kind: string, name: string, namespace?: string) => boolean;

/**
 * Checks `meshgate manifests gate`'s objects: strict schemas (a misspelled or missing
 * field names the object and field), CronJob schedules field by field, then references
 * within the list: each binding's role, ServiceAccounts and namespace, each pod's
 * ServiceAccount, ConfigMap volumes and mounts. Secrets the pods read are the user's own.
 */
export function validateGateObjects(objects: readonly unknown[]): GateObject[] {
  const parsed = objects.map((object, index) => {
    const result = gateObjectSchema.safeParse(object);
    if (!result.success) throw issueError(object, index, result.error.issues[0]!, kinds);
    return result.data;
  });
  const has: Has = (kind, objectName, namespace) =>
    parsed.some((object) => object.kind === kind && object.metadata.name === objectName && (namespace === undefined || ('namespace' in object.metadata && object.metadata.namespace === namespace)));
  for (const object of parsed) {
    if (object.kind === 'ClusterRoleBinding' || object.kind === 'RoleBinding') checkBinding(object, has);
    if (object.kind === 'Job') checkPod(object, object.spec.template.spec, 'spec.template.spec', has);
    if (object.kind === 'CronJob') {
      const problem = cronScheduleProblem(object.spec.schedule);
      if (problem) throw ManifestError.at(object, 'spec.schedule', `not a cron schedule: ${problem}`);
      checkPod(object, object.spec.jobTemplate.spec.template.spec, 'spec.jobTemplate.spec.template.spec', has);
    }
  }
  return parsed;
}

function checkBinding(object: Extract<GateObject, { kind: 'ClusterRoleBinding' | 'RoleBinding' }>, has: Has): void {
  const namespace = 'namespace' in object.metadata ? object.metadata.namespace : undefined;
  if (!has(object.roleRef.kind, object.roleRef.name, namespace)) throw ManifestError.at(object, 'roleRef.name', `no ${object.roleRef.kind} ${namespace ? `${namespace}/` : ''}${object.roleRef.name} in the list`);
  object.subjects.forEach((subject, i) => {
    if (!has('ServiceAccount', subject.name, subject.namespace)) throw ManifestError.at(object, `subjects[${i}]`, `no ServiceAccount ${subject.namespace}/${subject.name} in the list`);
  });
}

function checkPod(object: Extract<GateObject, { kind: 'Job' | 'CronJob' }>, pod: PodTemplate['spec'], at: string, has: Has): void {
  const { namespace } = object.metadata;
  if (!has('ServiceAccount', pod.serviceAccountName, namespace)) throw ManifestError.at(object, `${at}.serviceAccountName`, `no ServiceAccount ${namespace}/${pod.serviceAccountName} in the list`);
  pod.volumes.forEach((volume, i) => {
    if ('configMap' in volume && !has('ConfigMap', volume.configMap.name, namespace)) throw ManifestError.at(object, `${at}.volumes[${i}].configMap.name`, `no ConfigMap ${namespace}/${volume.configMap.name} in the list`);
  });
  pod.containers[0]!.volumeMounts.forEach((mount, i) => {
    if (!pod.volumes.some((volume) => volume.name === mount.name)) throw ManifestError.at(object, `${at}.containers[0].volumeMounts[${i}].name`, `no volume ${mount.name} in the pod`);
  });
}
