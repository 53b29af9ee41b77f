import { Client } from 'undici';
import type { GatewayAddress } from '../clients/http-client.ts';
import { errorCode } from '../clients/http-client.ts';
import type { Observation } from '../results/observation.ts';

function clientFor(gateway: GatewayAddress, scheme: 'http' | 'https', host: string): Client {
  const port = scheme === 'https' ? gateway.httpsPort : gateway.httpPort;
  return new Client(`${scheme}://${gateway.address}:${port}`, {
    connect: { servername: host, ca: gateway.ca, timeout: gateway.requestMs },
    headersTimeout: gateway.requestMs,
    bodyTimeout: gateway.requestMs,
  });
}

/** `count` sequential requests on one client: a gateway that keeps connections alive serves them on one. */
export async function probeKeepAlive(gateway: GatewayAddress, scheme: 'http' | 'https', host: string, count: number): Promise<Observation> {
  const client = clientFor(gateway, scheme, host);
  let connections = 0;
  client.on('connect', () => connections++);
  try {
    let answered = 0;
    for (let i = 0; i < count; i++) {
      const response = await client.request({ path: `/keepalive/${i}`, method: 'GET', headers: { host } });
      await response.body.dump();
      if (response.statusCode === 200) answered++;
    }
    return { error: null, details: { answered, connections } };
  } catch (error) {
    return { error: errorCode(error) };
  } finally {
    await client.destroy();
  }
}

/**
 * Asks the backend for `chunks` lines `intervalMs` apart and watches when they
 * arrive: a gateway that streams delivers them spread out, a buffering one all at once.
 */
export async function probeResponseStreaming(gateway: GatewayAddress, scheme: 'http' | 'https', host: string, chunks: number, intervalMs: number): Promise<Observation> {
  const client = clientFor(gateway, scheme, host);
  try {
    const response = await client.request({ path: `/stream?chunks=${chunks}&interval=${intervalMs}`, method: 'GET', headers: { host } });
    let firstAt: number | undefined;
    let lastAt = 0;
    let text = '';
    for await (const chunk of response.body) {
      lastAt = performance.now();
      firstAt ??= lastAt;
      text += chunk.toString();
    }
    const lines = text.split('\n').filter(Boolean).length;
    // The lines are written (chunks - 1) intervals apart. Streamed, they arrive spread over
    // about that time however late the first one is; buffered, they arrive together.
    const streamed = firstAt !== undefined && lastAt - firstAt >= ((chunks - 1) * intervalMs) / 2;
    return { status: response.statusCode, error: null, details: { lines, streamed } };
  } catch (error) {
    return { error: errorCode(error) };
  } finally {
    await client.destroy();
  }
}
