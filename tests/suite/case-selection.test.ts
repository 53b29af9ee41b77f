import { describe, expect, it } from 'vitest';
import { plannedTarget } from '../../harness/run/prepare.ts';
import { loadScenario } from '../../harness/scenario/load.ts';
import { compileCasePattern, planCases, selectCases } from '../../harness/suite/case-selection.ts';
import { catalogue } from '../../suites/catalogue.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

describe('case selection', async () => {
  const planned = planCases(catalogue, ['cors', 'ssl'], plannedTarget(await loadScenario(), 'local'), defaultTimeouts);

  it('matches the id alone, or id[subject] when the pattern has a [', () => {
    const pick = (pattern: string) => planned.filter(compileCasePattern(pattern));
    expect(new Set(pick('^tlsv12-accepted$').map((item) => item.caseId))).toEqual(new Set(['tlsv12-accepted']));
    expect(pick('ns-k8x2m9qa')).toEqual([]);
    expect(pick('^tlsv12-accepted\\[ns-k8x2m9qa/hello-web\\]$')).toEqual([{ suite: 'ssl', caseId: 'tlsv12-accepted', subject: 'ns-k8x2m9qa/hello-web' }]);
  });

  it('refuses a malformed pattern and a selection with nothing to check', () => {
    expect(() => selectCases(planned, '[', ['ssl'])).toThrow('--case "[" is not a regular expression');
    expect(() => selectCases(planned, '^nothing', ['cors', 'ssl'])).toThrow('--case "^nothing" selects no case with something to check in cors, ssl');
    expect(() => selectCases([{ suite: 'cors', caseId: 'a', subject: '-' }], undefined, ['cors'])).toThrow('the scenario gives no case anything to check');
  });
});
