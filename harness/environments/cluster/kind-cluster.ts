import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { ClusterTools } from './command-runner.ts';

/** A NodePort inside the cluster published on a loopback port of the host. */
export interface PortMapping {
  /** The gateway Service's nodePort (what kind calls containerPort: the node container's port). */
  nodePort: number;
  hostPort: number;
}

export interface KindClusterOptions extends ClusterTools {
  /** Cluster name (`kind create cluster --name`); shared across runs with --reuse. */
  name: string;
  runId: string;
  /** Ports the gateways' NodePort Services listen on, published on 127.0.0.1 only. */
  ports: PortMapping[];
  /** Node image (`kind create cluster --image`), e.g. kindest/node:v1.31.2; kind's default when absent. */
  nodeImage?: string;
  /** Folder the run owns: the kind config and the cluster's kubeconfig go here (never ~/.kube/config). */
  workDir: string;
  signal?: AbortSignal;
}

/**
 * kind's Cluster config (kind.x-k8s.io/v1alpha4): one control-plane node labelled
 * `ingress-ready=true` as kind's ingress guide does, plus the run id, with the
 * gateways' NodePorts published on loopback so nothing listens beyond this host.
 */
export function kindConfig(options: Pick<KindClusterOptions, 'runId' | 'ports'>): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    nodes: [
      {
        role: 'control-plane',
        kubeadmConfigPatches: [
          stringify({ kind: 'InitConfiguration', nodeRegistration: { kubeletExtraArgs: { 'node-labels': `ingress-ready=true,meshgate.io/run-id=${options.runId}` } } }),
        ],
        extraPortMappings: options.ports.map((port) => ({ containerPort: port.nodePort, hostPort: port.hostPort, listenAddress: '127.0.0.1', protocol: 'TCP' })),
      },
    ],
  });
}

/** A kind cluster this run created or reused; what stop() should do with it is the caller's choice (--keep). */
export interface KindCluster {
  name: string;
  /** kubeconfig file for this cluster, inside the run's work folder. */
  kubeconfig: string;
  /** True when the cluster existed before this run (--reuse); such a cluster is never deleted by the run. */
  reused: boolean;
}

/** Names of the kind clusters on this machine. */
export async function kindClusters({ runner, timeouts }: ClusterTools, signal?: AbortSignal): Promise<string[]> {
  const { stdout } = await runner.run('kind', ['get', 'clusters'], { timeoutMs: timeouts.clusterCommandMs, signal });
  return stdout.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('No kind clusters'));
}

/**
 * Creates the cluster, or with `reuse` takes the existing one of that name. Either
 * way the kubeconfig is written into the work folder, never merged into the user's.
 */
export async function createOrReuseKindCluster(options: KindClusterOptions, reuse: boolean): Promise<KindCluster> {
  const { runner, timeouts, name, signal, workDir } = options;
  const kubeconfig = join(workDir, 'kubeconfig');
  if (reuse && (await kindClusters(options, signal)).includes(name)) {
    const { stdout } = await runner.run('kind', ['get', 'kubeconfig', '--name', name], { timeoutMs: timeouts.clusterCommandMs, signal });
    await writeFile(kubeconfig, stdout, { mode: 0o600 });
    return { name, kubeconfig, reused: true };
  }
  const config = join(workDir, 'kind-config.yaml');
  await writeFile(config, kindConfig(options));
  const image = options.nodeImage ? ['--image', options.nodeImage] : [];
  await runner.run('kind', ['create', 'cluster', '--name', name, '--config', config, '--kubeconfig', kubeconfig, ...image, '--wait', '5m'], {
    timeoutMs: timeouts.clusterCreateMs,
    signal,
  });
  return { name, kubeconfig, reused: false };
}

/**
 * Loads a locally built image into every node of the cluster (no registry needed), as an
 * archive: `kind load docker-image` fails when Docker uses the containerd image store
 * (kubernetes-sigs/kind#3795), `docker save` + `kind load image-archive` works with both stores.
 */
export async function loadImage({ runner, timeouts }: ClusterTools, cluster: KindCluster, image: string, workDir: string, signal?: AbortSignal): Promise<void> {
  const archive = join(workDir, 'fixture-image.tar');
  await runner.run('docker', ['save', '--output', archive, image], { timeoutMs: timeouts.installStepMs, signal });
  await runner.run('kind', ['load', 'image-archive', archive, '--name', cluster.name], { timeoutMs: timeouts.installStepMs, signal });
}

/** Saves the nodes' logs (kubelet, containerd, pods) into `dir`, for a failed run's report. */
export async function exportLogs({ runner, timeouts }: ClusterTools, cluster: KindCluster, dir: string): Promise<void> {
  await runner.run('kind', ['export', 'logs', dir, '--name', cluster.name], { timeoutMs: timeouts.clusterCommandMs, allowFailure: true });
}

/** Deletes the cluster; its kubeconfig file goes with the work folder. */
export async function deleteKindCluster({ runner, timeouts }: ClusterTools, cluster: KindCluster): Promise<void> {
  await runner.run('kind', ['delete', 'cluster', '--name', cluster.name, '--kubeconfig', cluster.kubeconfig], { timeoutMs: timeouts.clusterCommandMs });
}

/**
 * The node's published ports as docker reports them (`docker port`): the truth
 * for a reused cluster, whose mappings were fixed when it was created.
 * Lines look like `30080/tcp -> 127.0.0.1:18080`.
 */
export async function publishedPorts({ runner, timeouts }: ClusterTools, cluster: KindCluster, signal?: AbortSignal): Promise<PortMapping[]> {
  const { stdout } = await runner.run('docker', ['port', `${cluster.name}-control-plane`], { timeoutMs: timeouts.clusterCommandMs, signal });
  return [...stdout.matchAll(/^(\d+)\/tcp -> 127\.0\.0\.1:(\d+)$/gm)].map((match) => ({ nodePort: Number(match[1]), hostPort: Number(match[2]) }));
}
