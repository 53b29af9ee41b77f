import type { ParityDocument } from '../../harness/parity/parity-document.ts';

/** A comparison whose answers carry what must never reach a report: a URL's credentials and a registered token. */
export const parityDocument: ParityDocument = {
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
