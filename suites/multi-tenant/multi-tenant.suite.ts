import { registerSuite } from '../../harness/suite/register-suite.ts';
import { catalogue } from '../catalogue.ts';

registerSuite('multi-tenant', catalogue['multi-tenant']!);
