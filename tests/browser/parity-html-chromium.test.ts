import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeParityReport } from '../../harness/reporters/parity-html.ts';
import { chromiumBinary, openChromium } from '../../scripts/headless-chromium.ts';
import { scratchDir } from '../e2e/meshgate-cli.ts';
import { parityDocument } from '../parity/parity-document-fixture.ts';
import { missingBinaries } from '../required-binary.ts';
import { openCollectingErrors } from './report-page-checks.ts';

const skip = missingBinaries([{ path: chromiumBinary, install: 'apt-get install chromium' }]);

/** Runs in the page: per host section, each field's two answers as shown. */
const extractAnswers = `Object.fromEntries([...document.querySelectorAll('section.host')].map((section) => [section.getAttribute('data-host'),
  Object.fromEntries([...section.querySelectorAll('tr[data-field]')].map((row) => [row.getAttribute('data-field'), [...row.querySelectorAll('td.answer')].map((cell) => cell.textContent)]))]))`;

describe.skipIf(skip)('parity.html in headless Chromium', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let browser: Awaited<ReturnType<typeof openChromium>>;
  beforeAll(async () => {
    scratch = await scratchDir();
    browser = await openChromium();
    await writeParityReport(scratch.dir, parityDocument);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await scratch?.remove();
  });

  it('renders without console errors or network requests, and shows each difference as parity.json has it, side by side', async () => {
    const page = await browser.context.newPage();
    expect(await openCollectingErrors(page, pathToFileURL(join(scratch.dir, 'parity.html')).href)).toEqual([]);
    expect(await page.locator('h1').textContent()).toBe('meshgate parity: FAIL');
    const shown = await page.evaluate(extractAnswers);
    const expected = Object.fromEntries(
      parityDocument.hosts
        .filter((host) => host.differences.length > 0)
        // The page shows what the redaction lets through: the URL's credentials masked.
        .map((host) => [host.host, Object.fromEntries(host.differences.map((item) => [item.field, [item.reference ?? '(none)', (item.candidate ?? '(none)').replace('admin:hunter22@', '***@')]]))]),
    );
    expect(shown).toEqual(expected);
    await page.close();
  }, 60_000);
});
