import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ParityDocument, parityVerdict } from '../../harness/parity/parity-document.ts';
import { registerSecret } from '../../harness/redact.ts';
import { parityMetrics } from '../../harness/reporters/command-metrics.ts';
import { formatMetrics } from '../../harness/reporters/metrics.ts';
import { formatParityHtml, writeParityReport } from '../../harness/reporters/parity-html.ts';
import { scratchDir } from '../e2e/meshgate-cli.ts';

/** A comparison whose answers carry what must never reach a report: a URL's credentials and a registered token. */
const document: ParityDocument = {
  runId: 'parity-report',
  verdict: 'fail',
  source: '--hosts hosts.txt',
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:30.000Z',
  options: { rate: 20 },
  reference: '127.0.0.1 (http 80, https 443)',
  candidate: '127.0.0.2 (http 80, https 443)',
  resumed: 0,
  interrupted: false,
  counts: { same: 1, knownDifference: 1, differs: 1, unreachable: 1 },
  hosts: [
    { host: 'same.example.test', verdict: 'same', differences: [], noisy: ['GET / body.id'] },
    { host: 'cors.example.test', verdict: 'known-difference', differences: [{ field: 'preflight allowed status', reference: '204', candidate: '200', class: 'known-difference', row: 'cors-preflight-200' }], noisy: [] },
    {
      host: 'shop.example.test',
      verdict: 'differs',
      differences: [
        { field: 'http / location', reference: 'https://shop.example.test/', candidate: 'https://admin:hunter22@shop.example.test/', class: 'differs' },
        { field: 'GET / body.note', reference: '"<script>alert(1)</script>"', candidate: '"tok-parity-secret-1234"', class: 'differs' },
      ],
      noisy: ['GET / body.id'],
    },
    { host: 'gone.example.test', verdict: 'unreachable', reason: 'the candidate gateway answered none of its probes (error ECONNREFUSED)', differences: [], noisy: [] },
  ],
};

let scratch: Awaited<ReturnType<typeof scratchDir>>;
beforeAll(async () => {
  scratch = await scratchDir();
});
afterAll(() => scratch?.remove());

describe('the parity report', () => {
  it('writes parity.json and parity.html through the one redaction', async () => {
    registerSecret('tok-parity-secret-1234');
    const files = await writeParityReport(scratch.dir, document);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      expect(text, file).not.toContain('hunter22');
      expect(text, file).not.toContain('tok-parity-secret-1234');
      expect(text, file).toContain('***');
    }
    expect(JSON.parse(await readFile(join(scratch.dir, 'parity.json'), 'utf8')).hosts).toHaveLength(4);
  });

  it('shows each differing host with both answers side by side, escaped, and no script', () => {
    const html = formatParityHtml(document);
    expect(html).toContain('<h1 class="verdict fail" id="verdict">meshgate parity: FAIL</h1>');
    expect(html).toContain('<td class="answer">https://shop.example.test/</td><td class="answer">https://admin:hunter22@shop.example.test/</td>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script');
    expect(html).toContain('<tr data-host="gone.example.test"><td>gone.example.test</td><td>the candidate gateway answered none of its probes (error ECONNREFUSED)</td></tr>');
    expect(html).toContain('known-difference (cors-preflight-200)');
    expect(html).toContain('<tr><td><code>GET / body.id</code></td><td class="num">2</td></tr>');
  });

  it('never passes an interrupted or incomplete comparison', () => {
    const counts = { same: 3, knownDifference: 0, differs: 0, unreachable: 0 };
    expect(parityVerdict({ ...document, counts, interrupted: false })).toBe('pass');
    expect(parityVerdict({ ...document, counts, interrupted: true })).toBe('interrupted');
    expect(parityVerdict({ ...document, counts: { ...counts, unreachable: 1 } })).toBe('error');
    expect(parityVerdict({ ...document, counts: { ...counts, differs: 1 } })).toBe('fail');
  });

  it('as metrics: verdict, hosts by verdict, differing fields by probe and class (hosts are no label)', () => {
    const text = formatMetrics(parityMetrics(document), 'openmetrics', { command: 'parity' });
    expect(text).toContain('meshgate_parity_verdict{command="parity",verdict="fail"} 1');
    expect(text).toContain('meshgate_parity_hosts{command="parity",verdict="unreachable"} 1');
    expect(text).toContain('meshgate_parity_differences{command="parity",probe="http",class="differs"} 1');
    expect(text).toContain('meshgate_parity_differences{command="parity",probe="preflight",class="known-difference"} 1');
    expect(text).toContain('meshgate_parity_duration_seconds{command="parity"} 30');
    expect(text).not.toContain('example.test');
  });
});
