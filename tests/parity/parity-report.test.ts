import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parityVerdict } from '../../harness/parity/parity-document.ts';
import { registerSecret } from '../../harness/redact.ts';
import { parityMetrics } from '../../harness/run/command-metrics.ts';
import { formatMetrics } from '../../harness/reporters/metrics.ts';
import { formatParityHtml, writeParityReport } from '../../harness/reporters/parity-html.ts';
import { scratchDir } from '../e2e/meshgate-cli.ts';
import { parityDocument } from './parity-document-fixture.ts';

const document = parityDocument;

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
