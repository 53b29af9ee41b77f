import { registerSuite } from '../../harness/suite/register-suite.ts';
import { knownDifferences } from '../known-differences.ts';
import { sslCases } from './cases.ts';

registerSuite('ssl', sslCases, knownDifferences);
