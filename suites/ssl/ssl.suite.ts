import { registerSuite } from '../../harness/suite/register-suite.ts';
import { catalogue } from '../catalogue.ts';
import { knownDifferences } from '../known-differences.ts';

registerSuite('ssl', catalogue['ssl']!, knownDifferences);
