import { registerSuite } from '../../harness/suite/register-suite.ts';
import { multiTenantCases } from './cases.ts';

registerSuite('multi-tenant', multiTenantCases);
