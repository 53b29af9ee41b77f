import { registerSuite } from '../../harness/suite/register-suite.ts';
import { sslCases } from './cases.ts';

registerSuite('ssl', sslCases);
