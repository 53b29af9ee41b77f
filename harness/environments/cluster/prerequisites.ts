import { execa } from 'execa';
import { type Prerequisite, nodePrerequisite, versionOf } from '../prerequisite.ts';
import { minimumVersions, requireAtLeast } from './minimum-versions.ts';

/** The Docker engine, not only the client: `docker info` fails without a reachable daemon. */
const dockerEngine: Prerequisite = {
  name: 'docker',
  required: true,
  probe: async () => {
    const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 30_000, reject: false });
    if ((result as { code?: string }).code === 'ENOENT') throw Object.assign(new Error('not found'), { code: 'ENOENT' });
    const version = result.stdout.trim();
    if (result.exitCode !== 0 || version === '') throw new Error(`client present, engine not reachable (${String(result.stderr).trim().split('\n').at(-1) ?? 'docker info failed'})`);
    return `engine ${version}`;
  },
  advice: 'start the Docker engine (or install Docker Engine / Docker Desktop); kind and k3s run their nodes as containers',
};

/**
 * The tools a cluster environment runs on this machine: kind and k3s need Docker (and
 * kind its CLI), Istio needs istioctl or Helm as `istioInstaller` says, ingress-nginx
 * needs Helm; an existing cluster needs only Node.js (kubectl is optional everywhere).
 */
export function clusterPrerequisites(env: 'kind' | 'k3s' | 'existing', options: { mode: string; istioInstaller: string }): Prerequisite[] {
  const needsIstio = options.mode !== 'ingress';
  const kubectl: Prerequisite = { name: 'kubectl', required: false, probe: () => versionOf('kubectl', ['version', '--client'], /Client Version: (\S+)/), advice: 'optional, for looking around the cluster yourself: https://kubernetes.io/docs/tasks/tools/' };
  if (env === 'existing') return [nodePrerequisite, kubectl];
  const checks: Prerequisite[] = [nodePrerequisite, dockerEngine];
  if (env === 'kind') {
    checks.push({
      name: 'kind',
      required: true,
      probe: async () => requireAtLeast(await versionOf('kind', ['version'], /kind (v\S+)/), minimumVersions.kind),
      advice: 'install kind v0.24.0 or newer: https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
    });
  }
  checks.push(kubectl);
  checks.push({
    name: 'istioctl',
    required: needsIstio && options.istioInstaller === 'istioctl',
    probe: async () => requireAtLeast(await versionOf('istioctl', ['version', '--remote=false'], /(\d+\.\d+\.\d+\S*)/), minimumVersions.istio),
    advice: 'install istioctl 1.22 or newer (https://istio.io/latest/docs/setup/getting-started/#download), or use --istio-installer helm',
  });
  checks.push({
    name: 'helm',
    required: options.mode !== 'istio' || options.istioInstaller === 'helm',
    probe: () => versionOf('helm', ['version', '--short'], /(v\S+)/),
    advice: 'install Helm 3 (https://helm.sh/docs/intro/install/): it installs ingress-nginx, and Istio with --istio-installer helm',
  });
  return checks;
}
