import type { GatewayCase } from '../harness/suite/gateway-case.ts';
import { corsCases } from './cors/cases.ts';
import { hygieneCases, multiTenantCases } from './multi-tenant/cases.ts';
import { switchRiskCases } from './multi-tenant/switch-risk-cases.ts';
import { performanceCases } from './performance/cases.ts';
import { protocolCases } from './protocols/cases.ts';
import { http1Cases } from './protocols/http1-cases.ts';
import { longStreamCases } from './protocols/long-stream-cases.ts';
import { streamingCases } from './protocols/streaming-cases.ts';
import { sslCases } from './ssl/cases.ts';

/**
 * Every suite's cases by suite name: what `<suite>.suite.ts` registers with vitest
 * and what `--list` and the `--case` check enumerate before anything starts.
 */
export const catalogue: Record<string, Array<GatewayCase<any>>> = {
  cors: corsCases,
  'multi-tenant': [...multiTenantCases, ...hygieneCases, ...switchRiskCases],
  performance: performanceCases,
  protocols: [...protocolCases, ...http1Cases, ...streamingCases, ...longStreamCases],
  ssl: sslCases,
};
