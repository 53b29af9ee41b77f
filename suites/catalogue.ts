import { fileURLToPath } from 'node:url';
import type { SuiteCatalogue } from '../harness/suite/catalogue.ts';
import { corsCases } from './cors/cases.ts';
import { knownDifferences } from './known-differences.ts';
import { hygieneCases, multiTenantCases } from './multi-tenant/cases.ts';
import { requestIdCases } from './multi-tenant/request-id-cases.ts';
import { switchRiskCases } from './multi-tenant/switch-risk-cases.ts';
import { performanceCases } from './performance/cases.ts';
import { protocolCases } from './protocols/cases.ts';
import { http1Cases } from './protocols/http1-cases.ts';
import { longStreamCases } from './protocols/long-stream-cases.ts';
import { longTimeoutCases } from './protocols/long-timeout-cases.ts';
import { streamingCases } from './protocols/streaming-cases.ts';
import { sslCases } from './ssl/cases.ts';

/**
 * Every suite and its cases, declared once: what a run registers with the case
 * runtime and what `--list` and the `--case` check enumerate before anything starts.
 */
export const catalogue: SuiteCatalogue = {
  suites: {
    cors: corsCases,
    'multi-tenant': [...multiTenantCases, ...hygieneCases, ...requestIdCases, ...switchRiskCases],
    performance: performanceCases,
    protocols: [...protocolCases, ...http1Cases, ...streamingCases, ...longTimeoutCases, ...longStreamCases],
    ssl: sslCases,
  },
  knownDifferences,
  dir: fileURLToPath(new URL('./', import.meta.url)),
};
