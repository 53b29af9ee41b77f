import { resolveScenario, type ResolvedScenario } from '../../harness/scenario/resolve.ts';
import { scenarioSchema } from '../../harness/scenario/schema.ts';

const kinds = ['web', 'grpc', 'ws'] as const;

/**
 * A platform-sized scenario: `apps` apps (web, gRPC and WebSocket in equal parts),
 * ten per tenant, with host labels of `labelLength` characters so the
 * server-name hash needs ingress-nginx's computed bucket size.
 */
export function generatedScenario(apps: number, labelLength = 60): ResolvedScenario {
  const label = (i: number) => `h${String(i).padStart(6, '0')}`.padEnd(labelLength, 'x');
  const tenants = Array.from({ length: Math.ceil(apps / 10) }, (_, t) => ({
    user: `u${String(t).padStart(7, '0')}`,
    apps: Array.from({ length: Math.min(10, apps - t * 10) }, (_, a) => {
      const i = t * 10 + a;
      return { name: `app${i}`, kind: kinds[i % kinds.length]!, host: label(i) };
    }),
  }));
  return resolveScenario(scenarioSchema.parse({ version: 1, name: `generated-${apps}`, domain: 'cloud.sealos.test', tenants }));
}
