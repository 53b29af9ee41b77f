import { registerSuite } from '../../harness/suite/register-suite.ts';
import { hygieneCases, multiTenantCases } from './cases.ts';

registerSuite('multi-tenant', [...multiTenantCases, ...hygieneCases]);
