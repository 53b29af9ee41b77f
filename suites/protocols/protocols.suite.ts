import { registerSuite } from '../../harness/suite/register-suite.ts';
import { protocolCases } from './cases.ts';

registerSuite('protocols', protocolCases);
