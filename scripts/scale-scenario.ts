// A scenario of N apps (web, gRPC and WebSocket in equal parts, ten per tenant,
// Sealos-shaped random hosts) for measuring meshgate at platform size.
//   tsx scripts/scale-scenario.ts 300 > /tmp/scale-300.yaml
import { stringify } from 'yaml';

const kinds = ['web', 'grpc', 'ws'] as const;
const appsPerTenant = 10;

/** A 12-letter host label from a number, distinct for distinct numbers (like the launchpad's random hosts). */
function hostLabel(index: number): string {
  let value = index * 7_919 + 104_729; // spread consecutive indexes over the alphabet
  let label = '';
  for (let position = 0; position < 12; position++) {
    label += String.fromCharCode(97 + (value % 26));
    value = Math.floor(value / 26) + position * 3;
  }
  return label;
}

/** The scenario as YAML text: `apps` apps in tenants of ten, the default domain and TLS. */
export function scaleScenario(apps: number): string {
  const tenants = [];
  for (let first = 0; first < apps; first += appsPerTenant) {
    const tenantApps = [];
    for (let index = first; index < Math.min(apps, first + appsPerTenant); index++) {
      const kind = kinds[index % kinds.length]!;
      tenantApps.push({ name: `${kind}-${index}`, kind, host: `${hostLabel(index)}` });
    }
    tenants.push({ user: `u${String(first / appsPerTenant).padStart(7, '0')}`, apps: tenantApps });
  }
  return stringify({
    version: 1,
    name: `scale-${apps}`,
    domain: 'cloud.sealos.test',
    tls: { enabled: true, wildcardSecret: 'wildcard-cert' },
    tenants,
    performance: { concurrency: [10], rates: [], durationSeconds: 3, warmupSeconds: 1 },
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const apps = Number(process.argv[2] ?? '300');
  if (!Number.isInteger(apps) || apps < 3 || apps > 5_000) {
    console.error(`apps must be an integer from 3 to 5000, got ${process.argv[2]}`);
    process.exit(2);
  }
  process.stdout.write(scaleScenario(apps));
}
