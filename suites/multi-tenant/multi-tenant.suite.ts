import { registerSuite } from '../../harness/suite/register-suite.ts';
import { knownDifferences } from '../known-differences.ts';
import { hygieneCases, multiTenantCases } from './cases.ts';

registerSuite('multi-tenant', [...multiTenantCases, ...hygieneCases], knownDifferences);
