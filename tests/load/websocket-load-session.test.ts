import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { type StartedEchoFixture, startEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import { runClosedLoop } from '../../harness/load/closed-loop.ts';
import { websocketDriver } from '../../harness/load/load-driver.ts';
import type { LoadTarget, Outcome } from '../../harness/load/load-session.ts';
import { WebSocketLoadSession } from '../../harness/load/websocket-load-session.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// WebSocket round trips against the real echo fixture, and against a
// hand-written server for wrong echoes, silence and closes.
let fixture: StartedEchoFixture;
let server: WebSocketServer | undefined;

beforeAll(async () => {
  fixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'ws' });
});
afterAll(() => fixture.stop());
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const target = (port: number, expectBackend = 'ns-a/ws'): LoadTarget => ({ gateway: { address: '127.0.0.1', httpPort: port, httpsPort: 0, requestMs: defaultTimeouts.requestMs }, scheme: 'http', host: 'a.test', expectBackend });

/** A WebSocket server answering each message with `answer` (nothing for undefined). */
async function answering(answer: (message: Buffer) => Buffer | 'close' | undefined): Promise<number> {
  server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (socket) => {
    socket.on('message', (data: Buffer) => {
      const reply = answer(data);
      if (reply === 'close') socket.close();
      else if (reply) socket.send(reply);
    });
  });
  await new Promise<void>((resolve) => server!.once('listening', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

describe('WebSocket load session', () => {
  it('round-trips messages through the real echo fixture, checking the echo and the backend', async () => {
    const result = await runClosedLoop({ driver: websocketDriver(target(fixture.httpPort)), concurrency: 4, warmupMs: 100, durationMs: 400 });
    expect(result.requests).toBeGreaterThan(5);
    expect(result.successRate).toBe(1);
    const wrong = await runClosedLoop({ driver: websocketDriver(target(fixture.httpPort, 'ns-a/other')), concurrency: 2, warmupMs: 0, durationMs: 200 });
    expect(wrong.requests).toBeGreaterThan(0);
    expect(wrong.failures.mismatch).toBe(wrong.requests);
  });

  it('counts a wrong echo as a mismatch and a closed socket as errors', async () => {
    const garbled = await runClosedLoop({ driver: websocketDriver({ ...target(await answering(() => Buffer.from('not the message'))), expectBackend: undefined }), concurrency: 2, warmupMs: 0, durationMs: 200 });
    expect(garbled.requests).toBeGreaterThan(0);
    expect(garbled.failures.mismatch).toBe(garbled.requests);
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const closing = await runClosedLoop({ driver: websocketDriver({ ...target(await answering(() => 'close')), expectBackend: undefined }), concurrency: 2, warmupMs: 0, durationMs: 200 });
    expect(closing.requests).toBeGreaterThan(0);
    expect(closing.failures.error).toBe(closing.requests);
  });

  it('times out a message nobody echoes, then fails at once on the closed socket', async () => {
    const port = await answering(() => undefined);
    const session = new WebSocketLoadSession({ ...target(port), expectBackend: undefined }, Buffer.from('m'), 300);
    const exchange = () => new Promise<Outcome>((resolve) => session.exchange(resolve));
    try {
      expect(await exchange()).toBe('timeout');
      expect(await exchange()).toBe('error');
    } finally {
      session.close();
    }
  });
});
