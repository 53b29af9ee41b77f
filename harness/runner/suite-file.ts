// The one test file of a run, evaluated in vitest's worker: the catalogue cannot
// cross into it as a value (its cases are functions), so its module is imported
// again here and the chosen suites are registered in order.
import { inject } from 'vitest';
import type { SuiteCatalogue } from '../suite/catalogue.ts';
import { registerSuite } from './register-suite.ts';

const content: { catalogue: SuiteCatalogue } = await import(inject('catalogueModule'));
for (const suite of inject('suites')) registerSuite(suite, content.catalogue.suites[suite] ?? [], content.catalogue.knownDifferences);
