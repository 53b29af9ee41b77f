import type { Page } from 'playwright-core';
import { loadResultOf } from '../../harness/results/measurements.ts';
import type { RunReport } from '../../harness/results/run-report.ts';

interface ShownPage {
  headline?: string;
  suites: Record<string, Record<string, string>>;
  loads: Record<string, Record<string, string>>;
  charts: Array<{ label: string; box: { width: number; height: number }; lines: number }>;
}

/** Runs in the page (the project compiles without DOM types, so it is source text): what the page shows, by data attribute. */
const extractPage = `(() => {
  const byAttribute = (cells, name) => Object.fromEntries([...cells].map((cell) => [cell.getAttribute(name), cell.textContent.trim()]));
  return {
    headline: document.querySelector('h1')?.textContent.trim(),
    suites: Object.fromEntries([...document.querySelectorAll('tr[data-suite]')].map((row) => [row.getAttribute('data-suite'), byAttribute(row.querySelectorAll('td[data-count]'), 'data-count')])),
    loads: Object.fromEntries([...document.querySelectorAll('section.load-target tr[data-case]')].map((row) => [row.getAttribute('data-case'), byAttribute(row.querySelectorAll('td[data-metric]'), 'data-metric')])),
    charts: [...document.querySelectorAll('svg.chart')].map((chart) => ({ label: chart.getAttribute('aria-label'), box: chart.getBoundingClientRect().toJSON(), lines: chart.querySelectorAll('polyline').length })),
  };
})()`;

/**
 * What a person relies on when opening report.html, checked in the rendered page
 * against results.json: the verdict, each suite's counts, every load level's
 * figures, the charts drawn with size. Returns the problems found (none: empty).
 */
export async function checkReportPage(page: Page, results: RunReport): Promise<string[]> {
  const problems: string[] = [];
  const shown = (await page.evaluate(extractPage)) as ShownPage;
  const verdict = results.status === 'interrupted' ? 'INTERRUPTED' : results.gate.verdict.toUpperCase();
  if (shown.headline !== `meshgate: ${verdict}`) problems.push(`headline ${JSON.stringify(shown.headline)}, results.json says ${verdict}`);
  for (const suite of new Set(results.cases.map((record) => record.suite))) {
    for (const result of ['PASSED', 'FAILED', 'SKIPPED', 'NOT_SUPPORTED'] as const) {
      const expected = results.cases.filter((record) => record.suite === suite && record.result === result).length;
      const count = shown.suites[suite]?.[result];
      if (Number(count) !== expected) problems.push(`${suite} ${result}: page ${count}, results.json ${expected}`);
    }
  }
  for (const record of results.cases) {
    const load = loadResultOf(record);
    if (!load) continue;
    const figures = { rps: String(Math.round(load.rps)), p50: (load.p50Us / 1000).toFixed(2), p95: (load.p95Us / 1000).toFixed(2), p99: (load.p99Us / 1000).toFixed(2) };
    for (const [metric, expected] of Object.entries(figures)) {
      const value = shown.loads[record.key]?.[metric];
      if (value !== expected) problems.push(`${record.key} ${metric}: page ${value}, results.json ${expected}`);
    }
  }
  for (const chart of shown.charts) {
    if (chart.box.width < 100 || chart.box.height < 100 || chart.lines === 0) problems.push(`chart ${chart.label} is not drawn: ${chart.box.width}x${chart.box.height}, ${chart.lines} lines`);
  }
  return problems;
}

/** Opens `url` and collects console errors, page errors and any request that leaves the file. */
export async function openCollectingErrors(page: Page, url: string): Promise<string[]> {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) errors.push(`network request: ${request.url()}`);
  });
  await page.goto(url, { waitUntil: 'load', timeout: 30_000 });
  return errors;
}
