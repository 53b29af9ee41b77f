import { registerSuite } from '../../harness/suite/register-suite.ts';
import { knownDifferences } from '../known-differences.ts';
import { protocolCases } from './cases.ts';
import { http1Cases } from './http1-cases.ts';
import { streamingCases } from './streaming-cases.ts';

registerSuite('protocols', [...protocolCases, ...http1Cases, ...streamingCases], knownDifferences);
