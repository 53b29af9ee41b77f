import { type GateObject, gateObjectSchema } from './gate-objects.ts';
import { ManifestError } from './manifest-error.ts';
import { issueError } from './validate-objects.ts';

const kinds = gateObjectSchema.options.map((option) => option.shape.kind.value);

/**
 * Checks `meshgate manifests gate`'s objects: strict schemas (a misspelled or missing
 * field names the object and field), then references within the list: the binding's
 * role and ServiceAccount, each pod's ServiceAccount, ConfigMap volumes and mounts.
 */
export function validateGateObjects(objects: readonly unknown[]): GateObject[] {
  const parsed = objects.map((object, index) => {
    const result = gateObjectSchema.safeParse(object);
    if (!result.success) throw issueError(object, index, result.error.issues[0]!, kinds);
    return result.data;
  });
  const has = (kind: string, objectName: string, namespace?: string) =>
    parsed.some((object) => object.kind === kind && object.metadata.name === objectName && (namespace === undefined || ('namespace' in object.metadata && object.metadata.namespace === namespace)));
  for (const object of parsed) {
    if (object.kind === 'ClusterRoleBinding') {
      if (!has('ClusterRole', object.roleRef.name)) throw ManifestError.at(object, 'roleRef.name', `no ClusterRole ${object.roleRef.name} in the list`);
      object.subjects.forEach((subject, i) => {
        if (!has('ServiceAccount', subject.name, subject.namespace)) throw ManifestError.at(object, `subjects[${i}]`, `no ServiceAccount ${subject.namespace}/${subject.name} in the list`);
      });
    }
    if (object.kind === 'Job') checkPod(object, object.spec.template.spec, 'spec.template.spec', has);
    if (object.kind === 'CronJob') checkPod(object, object.spec.jobTemplate.spec.template.spec, 'spec.jobTemplate.spec.template.spec', has);
  }
  return parsed;
}

type PodSpec = Extract<GateObject, { kind: 'Job' }>['spec']['template']['spec'];

function checkPod(object: Extract<GateObject, { kind: 'Job' | 'CronJob' }>, pod: PodSpec, at: string, has: (kind: string, name: string, namespace?: string) => boolean): void {
  const { namespace } = object.metadata;
  if (!has('ServiceAccount', pod.serviceAccountName, namespace)) throw ManifestError.at(object, `${at}.serviceAccountName`, `no ServiceAccount ${namespace}/${pod.serviceAccountName} in the list`);
  pod.volumes.forEach((volume, i) => {
    if ('configMap' in volume && !has('ConfigMap', volume.configMap.name, namespace)) throw ManifestError.at(object, `${at}.volumes[${i}].configMap.name`, `no ConfigMap ${namespace}/${volume.configMap.name} in the list`);
  });
  pod.containers[0]!.volumeMounts.forEach((mount, i) => {
    if (!pod.volumes.some((volume) => volume.name === mount.name)) throw ManifestError.at(object, `${at}.containers[0].volumeMounts[${i}].name`, `no volume ${mount.name} in the pod`);
  });
}
