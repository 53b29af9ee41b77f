// `meshgate inventory --from-file` at platform size: writes an export of N Ingresses
// shaped as Sealos writes them (launchpad HTTP, gRPC and WebSocket sets, terminals,
// paused apps, and one tenant Ingress in ten with a rewrite or a snippet), then runs
// the real command on it and prints its wall time and peak RSS (/usr/bin/time).
//   npm run bench:inventory -- [ingresses=10000]
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { stringify } from 'yaml';

const count = Number(process.argv[2] ?? 10_000);
if (!Number.isInteger(count) || count < 1 || count > 200_000) {
  console.error('usage: npm run bench:inventory -- [ingresses, 1-200000]');
  process.exit(2);
}
const bin = fileURLToPath(new URL('../bin/meshgate.js', import.meta.url));
const nginx = (name: string) => `nginx.ingress.kubernetes.io/${name}`;
const launchpadSets: Array<Record<string, string>> = [
  { [nginx('backend-protocol')]: 'HTTP', [nginx('client-body-buffer-size')]: '64k', [nginx('proxy-buffer-size')]: '64k', [nginx('proxy-send-timeout')]: '300', [nginx('proxy-read-timeout')]: '300', [nginx('server-snippet')]: 'client_header_buffer_size 64k;\nlarge_client_header_buffers 4 128k;\n' },
  { [nginx('backend-protocol')]: 'GRPC' },
  { [nginx('proxy-read-timeout')]: '3600', [nginx('proxy-send-timeout')]: '3600', [nginx('backend-protocol')]: 'WS' },
  { [nginx('proxy-send-timeout')]: '86400', [nginx('proxy-read-timeout')]: '86400', [nginx('enable-cors')]: 'true', [nginx('cors-allow-origin')]: 'https://cloud.example.test,https://*.cloud.example.test', [nginx('cors-allow-methods')]: 'PUT, GET, POST, PATCH, OPTIONS', [nginx('cors-allow-credentials')]: 'false' },
  { [nginx('rewrite-target')]: '/$2', [nginx('use-regex')]: 'true' },
  { [nginx('configuration-snippet')]: 'more_set_headers "X-Frame-Options: DENY";\nproxy_set_header X-Tenant "t";\nrewrite ^/old/(.*)$ /new/$1 break;\n' },
];

function ingress(i: number): object {
  const host = `h${i}.cloud.example.test`;
  const extra = launchpadSets[i % 10 < 4 ? i % 4 : i % 10 === 9 ? 4 + (i % 2) : i % 3]!;
  const ingressClass = i % 50 === 0 ? 'pause' : 'nginx';
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `network-${i}`, namespace: `ns-${(i % 2_000).toString(36)}`, annotations: { 'kubernetes.io/ingress.class': ingressClass, [nginx('proxy-body-size')]: '32m', ...extra } },
    spec: { rules: [{ host, http: { paths: [{ pathType: 'Prefix', path: '/', backend: { service: { name: 'app', port: { number: 8080 } } } }] } }], tls: [{ hosts: [host], secretName: 'wildcard-cert' }] },
  };
}

const dir = await mkdtemp(join(tmpdir(), 'meshgate-bench-inventory-'));
try {
  const file = join(dir, 'ingresses.yaml');
  await writeFile(file, stringify({ apiVersion: 'v1', kind: 'List', metadata: {}, items: Array.from({ length: count }, (_, i) => ingress(i)) }, { lineWidth: 0 }));
  const run = await execa('/usr/bin/time', ['-f', '%e %M', process.execPath, bin, 'inventory', '--from-file', file, '--out', join(dir, 'inventory.json')], { reject: false });
  const [seconds, kib] = run.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  if (run.exitCode !== 0) throw new Error(`inventory exited ${run.exitCode}: ${run.stderr}`);
  console.log(run.stderr.split('\n').slice(0, 6).join('\n'));
  console.log(`inventory of ${count} Ingresses from a file: ${seconds!.toFixed(2)} s, peak RSS ${(kib! / 1024).toFixed(0)} MiB (node ${process.versions.node})`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
