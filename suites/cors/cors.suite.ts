import { registerSuite } from '../../harness/suite/register-suite.ts';
import { knownDifferences } from '../known-differences.ts';
import { corsCases } from './cases.ts';

registerSuite('cors', corsCases, knownDifferences);
