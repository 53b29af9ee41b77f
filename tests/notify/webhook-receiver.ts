import { createServer } from 'node:http';
import { freePort } from '../../harness/net/ports.ts';

export interface WebhookReceiver {
  url: string;
  /** Parsed JSON bodies received, in order. */
  bodies: unknown[];
  close(): Promise<void>;
}

/** A webhook receiver on loopback answering every POST with `status` (a Slack or DingTalk endpoint stand-in). */
export async function startReceiver(status = 200): Promise<WebhookReceiver> {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/services/T000/B000/secret`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
