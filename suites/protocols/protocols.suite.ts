import { registerSuite } from '../../harness/suite/register-suite.ts';
import { catalogue } from '../catalogue.ts';

registerSuite('protocols', catalogue['protocols']!);
