/**
 * Screenshot of a report.html in headless Chromium, for the README:
 * `npx tsx scripts/report-screenshot.ts reports/<run-id>/report.html docs/report.png`.
 * A viewport-wide PNG of the top of the page (verdict, suites, first plots).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { openChromium } from './headless-chromium.ts';

const [page, output, height = '1400'] = process.argv.slice(2);
if (!page || !output) {
  process.stderr.write('usage: tsx scripts/report-screenshot.ts REPORT.html OUTPUT.png [HEIGHT_PX]\n');
  process.exit(2);
}
const browser = await openChromium();
try {
  const tab = await browser.context.newPage();
  await tab.setViewportSize({ width: 1100, height: Number(height) });
  await tab.goto(pathToFileURL(resolve(page)).href, { waitUntil: 'load', timeout: 30_000 });
  await tab.screenshot({ path: output, fullPage: false });
  process.stderr.write(`wrote ${output}\n`);
} finally {
  await browser.close();
}
