import { registerSuite } from '../../harness/suite/register-suite.ts';
import { performanceCases } from './cases.ts';

registerSuite('performance', performanceCases);
