import { registerSuite } from '../../harness/suite/register-suite.ts';
import { corsCases } from './cases.ts';

registerSuite('cors', corsCases);
