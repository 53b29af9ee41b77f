import { createServer } from 'node:http';
import { freePort } from '../../harness/net/ports.ts';

export interface WebhookReceiver {
  url: string;
  /** Parsed JSON bodies received, in order. */
  bodies: unknown[];
  /** Request paths with their query, in order. */
  paths: string[];
  close(): Promise<void>;
}

/** An answer: HTTP status and body text. */
export interface ReceiverAnswer {
  status: number;
  body?: string;
}

/**
 * A webhook receiver on loopback (a Slack, DingTalk, Feishu, WeCom or Alertmanager-style
 * endpoint stand-in). It answers every POST with `answers[i]` for the i-th request, the last
 * answer repeating; a number is a status with a plain body.
 */
export async function startReceiver(...answers: Array<number | ReceiverAnswer>): Promise<WebhookReceiver> {
  const bodies: unknown[] = [];
  const paths: string[] = [];
  const script = (answers.length === 0 ? [200] : answers).map((answer) => (typeof answer === 'number' ? { status: answer, body: answer === 200 ? 'ok' : 'no' } : answer));
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answer = script[Math.min(bodies.length, script.length - 1)]!;
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      paths.push(request.url ?? '');
      response.writeHead(answer.status, { 'content-type': answer.body?.startsWith('{') ? 'application/json' : 'text/plain' }).end(answer.body ?? '');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/services/T000/B000/secret`, bodies, paths, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
