import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../../errors.ts';
import type { Resources } from '../resources.ts';
import type { ClusterProvider, GatewayEndpoint, ProvisionedCluster } from './cluster-environment.ts';
import type { ClusterTools } from './command-runner.ts';
import { nodePorts } from './gateway-install.ts';

export interface K3sProviderOptions extends ClusterTools {
  /** rancher/k3s image, e.g. rancher/k3s:v1.31.2-k3s1 (the version testcontainers' own tests use). */
  image: string;
}

/**
 * A single-node k3s cluster in a container through testcontainers' K3s module:
 * lighter than kind for laptops and CI runners with Docker. It runs privileged
 * (it starts containers itself). The gateways' NodePorts are exposed on mapped
 * host ports; testcontainers removes the container when the run ends, so it is
 * never kept or reused.
 */
export function k3sProvider(options: K3sProviderOptions): ClusterProvider {
  return {
    name: 'k3s',
    async provision(workDir: string, resources: Resources): Promise<ProvisionedCluster> {
      // Loaded on use: the module pulls in the Docker client, which the other environments never need.
      // A development dependency: a checkout's `npm ci` has it, the image (no Docker inside) does not.
      const { K3sContainer } = await import('@testcontainers/k3s').catch((error: unknown) => {
        throw new EnvironmentError('--env k3s needs @testcontainers/k3s, a development dependency: run it from a checkout after `npm ci` (the container image has no Docker and leaves it out)', { cause: error });
      });
      const gatewayPorts = [nodePorts.istio.http, nodePorts.istio.https, nodePorts.ingressNginx.http, nodePorts.ingressNginx.https];
      const container = await new K3sContainer(options.image).withExposedPorts(...gatewayPorts).start();
      resources.add(() => container.stop());
      const kubeconfig = join(workDir, 'kubeconfig');
      await writeFile(kubeconfig, container.getKubeConfig(), { mode: 0o600 });
      const endpoint = (gateway: { http: number; https: number }): GatewayEndpoint => ({
        address: container.getHost(),
        httpPort: container.getMappedPort(gateway.http),
        httpsPort: container.getMappedPort(gateway.https),
      });
      return {
        kubeconfig,
        gateways: { istio: endpoint(nodePorts.istio), ingressNginx: endpoint(nodePorts.ingressNginx) },
        description: `k3s container ${container.getName()}`,
        // No registry: the image goes in as a tarball, imported into containerd's k8s.io namespace where the kubelet looks.
        async loadImage(image: string) {
          const archive = join(workDir, 'fixture-image.tar');
          await options.runner.run('docker', ['save', '--output', archive, image], { timeoutMs: options.timeouts.installStepMs });
          await container.copyFilesToContainer([{ source: archive, target: '/tmp/fixture-image.tar' }]);
          const result = await container.exec(['ctr', '--namespace', 'k8s.io', 'images', 'import', '/tmp/fixture-image.tar']);
          if (result.exitCode !== 0) throw new Error(`k3s could not import ${image}: ${result.output.trim()}`);
        },
      };
    },
  };
}
