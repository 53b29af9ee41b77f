import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeRunReport } from '../../harness/reporters/report-files.ts';
import type { CaseRecord } from '../../harness/results/case-record.ts';
import { chromiumBinary, openChromium } from '../../scripts/headless-chromium.ts';
import { scratchDir } from '../e2e/meshgate-cli.ts';
import { missingBinaries } from '../required-binary.ts';
import { load, perfRecord, runReportOf } from '../reporters/run-report-fixture.ts';
import { checkReportPage, openCollectingErrors } from './report-page-checks.ts';

const skip = missingBinaries([{ path: chromiumBinary, install: 'apt-get install chromium' }]);

const failed: CaseRecord = { key: 'cors/preflight[ns-a/web exact]', suite: 'cors', caseId: 'preflight', subject: 'ns-a/web exact', description: 'preflight answered by the gateway', result: 'FAILED', reason: 'status: expected 204, observed 404', durationMs: 40, expected: { status: 204 }, fingerprint: { status: 404 } };
const cases = [perfRecord(1, 800, false, load(1, 700)), perfRecord(10, 1600, false, load(10, 1500)), perfRecord(200, 900, true), failed];

describe.skipIf(skip)('report.html in headless Chromium', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  beforeAll(async () => {
    scratch = await scratchDir();
    browser = await openChromium();
    await writeRunReport(scratch.dir, runReportOf(cases, { options: { command: 'run', reports: scratch.dir } }));
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await scratch?.remove();
  });

  it('renders without console errors or network requests, and its numbers match results.json', async () => {
    const page = await browser.context.newPage();
    const errors = await openCollectingErrors(page, pathToFileURL(join(scratch.dir, 'report.html')).href);
    expect(errors).toEqual([]);
    const results = JSON.parse(await readFile(join(scratch.dir, 'results.json'), 'utf8'));
    expect(await checkReportPage(page, results)).toEqual([]);
    expect(await page.locator('svg.chart').count()).toBe(4);
    expect(await page.locator('#comparison + p + table tbody tr').count()).toBe(10);
    await page.close();
  }, 60_000);

  it('the checks catch a wrong number, a script error and a reach for the network', async () => {
    const html = await readFile(join(scratch.dir, 'report.html'), 'utf8');
    const broken = join(scratch.dir, 'broken.html');
    const tampered = html.replace('data-metric="p95">1.60<', 'data-metric="p95">1.50<').replace('</body>', '<script>null.x</script><img src="http://127.0.0.1:9/x.png"></body>');
    expect(tampered).not.toBe(html);
    await writeFile(broken, tampered);
    const page = await browser.context.newPage();
    const errors = await openCollectingErrors(page, pathToFileURL(broken).href);
    expect(errors.join('\n')).toMatch(/page error: .*null/);
    expect(errors.join('\n')).toContain('network request: http://127.0.0.1:9/x.png');
    const results = JSON.parse(await readFile(join(scratch.dir, 'results.json'), 'utf8'));
    expect(await checkReportPage(page, results)).toEqual(['performance/http-closed-loop[ns-a/web c=10] p95: page 1.50, results.json 1.60']);
    await page.close();
  }, 60_000);
});
