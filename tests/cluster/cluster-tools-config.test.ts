import { parse } from 'yaml';
import { describe, expect, it, vi } from 'vitest';
import { ingressNginxValues, istioGatewayValues, istiodValues, istioOperator, nodePorts } from '../../harness/environments/cluster/gateway-install.ts';
import { kindConfig } from '../../harness/environments/cluster/kind-cluster.ts';
import { FakeCommandRunner } from './fake-command-runner.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The files meshgate hands to kind, istioctl and helm, checked against the fields
// their documentation gives (kind.x-k8s.io/v1alpha4, IstioOperator, chart values).
describe('tool configuration', () => {
  it('kind: one control-plane node labelled ingress-ready and with the run id, NodePorts published on loopback only', () => {
    const config = parse(kindConfig({ runId: 'run-1', ports: [{ nodePort: 30443, hostPort: 18443 }] }));
    expect(config).toEqual({
      kind: 'Cluster',
      apiVersion: 'kind.x-k8s.io/v1alpha4',
      nodes: [
        {
          role: 'control-plane',
          kubeadmConfigPatches: [expect.any(String)],
          extraPortMappings: [{ containerPort: 30443, hostPort: 18443, listenAddress: '127.0.0.1', protocol: 'TCP' }],
        },
      ],
    });
    expect(parse(config.nodes[0].kubeadmConfigPatches[0])).toEqual({
      kind: 'InitConfiguration',
      nodeRegistration: { kubeletExtraArgs: { 'node-labels': 'ingress-ready=true,meshgate.io/run-id=run-1' } },
    });
  });

  it('Istio: istioctl overlay and gateway chart values both make the ingress gateway a NodePort Service on the published ports', () => {
    const operator = parse(istioOperator('default'));
    expect(operator).toMatchObject({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', spec: { profile: 'default' } });
    const gateway = operator.spec.components.ingressGateways[0];
    expect(gateway).toMatchObject({ name: 'istio-ingressgateway', enabled: true, k8s: { service: { type: 'NodePort' } } });
    expect(gateway.k8s.service.ports.map((port: { name: string; nodePort?: number }) => [port.name, port.nodePort])).toEqual([
      ['status-port', undefined],
      ['http2', nodePorts.istio.http],
      ['https', nodePorts.istio.https],
    ]);
    const values = parse(istioGatewayValues());
    // Helm replaces lists whole: the status port must still be there.
    expect(values.service.ports.map((port: { name: string }) => port.name)).toEqual(['status-port', 'http2', 'https']);
    expect(values.service).toMatchObject({ type: 'NodePort', ports: [{}, { nodePort: nodePorts.istio.http }, { nodePort: nodePorts.istio.https }] });
  });

  it.each([
    ['1.22.0', { pilot: { env: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } } }],
    ['1.23.6', { pilot: { env: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } } }],
    ['1.24.0', { env: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } }],
    ['1.24.2', { env: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } }],
    ['1.29.1', { env: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } }],
  ])('istiod chart %s gets the gateway-scoping flag under the key that chart version reads', (version, values) => {
    expect(parse(istiodValues(version))).toEqual(values);
  });

  it('ingress-nginx: NodePorts, snippets allowed at risk level Critical (the terminal guard needs them), ingress-nginx HSTS default kept', () => {
    expect(parse(ingressNginxValues())).toEqual({
      controller: {
        allowSnippetAnnotations: true,
        config: { 'annotations-risk-level': 'Critical' },
        service: { type: 'NodePort', nodePorts: { http: nodePorts.ingressNginx.http, https: nodePorts.ingressNginx.https } },
        ingressClassResource: { name: 'nginx' },
      },
    });
  });
});

describe('k3s provider', () => {
  it('exposes the gateway NodePorts, writes the kubeconfig, and imports the fixture image into containerd', async () => {
    const started = {
      getKubeConfig: () => 'apiVersion: v1\nkind: Config\n',
      getHost: () => 'localhost',
      getMappedPort: (port: number) => port + 10_000,
      getName: () => '/k3s-test',
      copyFilesToContainer: vi.fn(async () => undefined),
      exec: vi.fn(async () => ({ exitCode: 0, output: '' })),
      stop: vi.fn(async () => undefined),
    };
    const exposed: number[] = [];
    vi.doMock('@testcontainers/k3s', () => ({
      K3sContainer: class {
        constructor(readonly image: string) {}
        withExposedPorts(...ports: number[]) {
          exposed.push(...ports);
          return this;
        }
        start = async () => started;
      },
    }));
    const { k3sProvider } = await import('../../harness/environments/cluster/k3s-provider.ts');
    const { Resources } = await import('../../harness/environments/resources.ts');
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const workDir = await mkdtemp(join(tmpdir(), 'meshgate-k3s-test-'));
    const resources = new Resources();
    try {
      const runner = new FakeCommandRunner();
      const cluster = await k3sProvider({ image: 'rancher/k3s:v1.31.2-k3s1', runner, timeouts: defaultTimeouts }).provision(workDir, resources);
      expect(exposed).toEqual([30080, 30443, 31080, 31443]);
      expect(cluster.gateways.istio).toEqual({ address: 'localhost', httpPort: 40080, httpsPort: 40443 });
      expect(await readFile(cluster.kubeconfig!, 'utf8')).toContain('kind: Config');
      await cluster.loadImage!('meshgate-echo:test');
      expect(runner.calls).toEqual([['docker', 'save', '--output', join(workDir, 'fixture-image.tar'), 'meshgate-echo:test']]);
      expect(started.exec).toHaveBeenCalledWith(['ctr', '--namespace', 'k8s.io', 'images', 'import', '/tmp/fixture-image.tar']);
      await resources.release();
      expect(started.stop).toHaveBeenCalled();
    } finally {
      vi.doUnmock('@testcontainers/k3s');
      await rm(workDir, { recursive: true, force: true });
    }
  });
});
