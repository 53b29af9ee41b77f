import { registerSuite } from '../../harness/suite/register-suite.ts';
import { catalogue } from '../catalogue.ts';
import { knownDifferences } from '../known-differences.ts';

registerSuite('multi-tenant', catalogue['multi-tenant']!, knownDifferences);
