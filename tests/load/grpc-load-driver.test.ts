import { type Http2Server, type ServerHttp2Stream, type Settings, createServer } from 'node:http2';
import HPACK from 'hpack';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StartedEchoFixture, startEchoFixture } from '../../harness/fixture/echo-fixture.ts';
import { loadEchoService } from '../../harness/fixture/echo-proto.ts';
import { runClosedLoop } from '../../harness/load/closed-loop.ts';
import { GrpcCallSlot, GrpcLoadChannel } from '../../harness/load/grpc-load-driver.ts';
import { headerBlocks } from '../../harness/load/h2-frames.ts';
import { grpcUnaryDriver } from '../../harness/load/load-driver.ts';
import type { LoadTarget, Outcome } from '../../harness/load/load-session.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The raw gRPC load client against the real echo fixture (h2c on loopback), and
// against a hand-written HTTP/2 server for what a real backend rarely does.
let fixture: StartedEchoFixture;
let failing: StartedEchoFixture;
let server: Http2Server | undefined;

beforeAll(async () => {
  fixture = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'grpc' });
  failing = await startEchoFixture({ tenant: 'a', namespace: 'ns-a', app: 'broken', errorRate: 1 });
});
afterAll(() => Promise.all([fixture.stop(), failing.stop()]));
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

const target = (port: number, expectBackend = 'ns-a/grpc'): LoadTarget => ({ gateway: { address: '127.0.0.1', httpPort: port, httpsPort: 0, requestMs: defaultTimeouts.requestMs }, scheme: 'http', host: 'a.test', expectBackend });
const run = (driverTarget: LoadTarget, durationMs = 400) => runClosedLoop({ driver: grpcUnaryDriver(driverTarget), concurrency: 4, warmupMs: 0, durationMs });

/** One gRPC reply frame: flag 0, length, the encoded EchoReply. */
function replyFrame(message: string, app = 'grpc'): Buffer {
  const body = loadEchoService().Unary.responseSerialize({ message, payload: Buffer.alloc(0), backend: { tenant: 'a', namespace: 'ns-a', app, instance: 'i1' }, metadata: {}, index: 0, authority: 'a.test' });
  const frame = Buffer.alloc(5 + body.length);
  frame.writeUInt32BE(body.length, 1);
  body.copy(frame, 5);
  return frame;
}

/** An h2c server that answers every call with `answer`, after reading the request. */
async function answering(answer: (stream: ServerHttp2Stream, calls: number) => void, settings: Settings = {}): Promise<number> {
  let calls = 0;
  server = createServer({ settings });
  server.on('stream', (stream) => {
    stream.on('error', () => undefined);
    stream.resume();
    stream.on('end', () => answer(stream, ++calls));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

const ok = (stream: ServerHttp2Stream, message = 'm'.repeat(64), app = 'grpc') => {
  stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'x-echo-backend': `ns-a/${app}/i1` }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
  stream.end(replyFrame(message, app));
};

describe('raw gRPC unary load', () => {
  it('checks every call against the real echo fixture: status, backend header and reply, echoed message', async () => {
    const result = await run(target(fixture.grpcPort));
    expect(result.protocol).toBe('grpc');
    expect(result.requests).toBeGreaterThan(5);
    expect(result.successRate).toBe(1);
    const wrong = await run(target(fixture.grpcPort, 'ns-a/other'));
    expect(wrong.requests).toBeGreaterThan(0);
    expect(wrong.failures.mismatch).toBe(wrong.requests);
  });

  it('counts a backend failing every call (UNAVAILABLE) as errors, and a refused connection too', async () => {
    const broken = await run(target(failing.grpcPort, 'ns-a/broken'));
    expect(broken.requests).toBeGreaterThan(0);
    expect(broken.failures.error).toBe(broken.requests);
    // Port 1 on loopback: nothing listens.
    const refused = await run(target(1), 200);
    expect(refused.requests).toBeGreaterThan(0);
    expect(refused.failures.error).toBe(refused.requests);
  });

  it.each([
    { name: 'a wrong echo', outcome: 'mismatch', answer: (stream: ServerHttp2Stream) => ok(stream, 'something else') },
    { name: 'a reply naming another app', outcome: 'mismatch', answer: (stream: ServerHttp2Stream) => ok(stream, undefined, 'other') },
    { name: 'grpc-status 13 in the trailers', outcome: 'status', answer: (stream: ServerHttp2Stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '13' }));
      stream.end();
    } },
    { name: 'a Trailers-Only DEADLINE_EXCEEDED', outcome: 'timeout', answer: (stream: ServerHttp2Stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '4' }, { endStream: true }) },
    { name: 'no grpc-status at all', outcome: 'status', answer: (stream: ServerHttp2Stream) => {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'x-echo-backend': 'ns-a/grpc/i1' });
      stream.end(replyFrame('m'.repeat(64)));
    } },
    { name: 'an HTTP 502', outcome: 'status', answer: (stream: ServerHttp2Stream) => stream.respond({ ':status': 502 }, { endStream: true }) },
    { name: 'a reset stream', outcome: 'error', answer: (stream: ServerHttp2Stream) => stream.close(2) },
  ])('$name: $outcome, on every call', async ({ answer, outcome }) => {
    const result = await run(target(await answering(answer)), 300);
    expect(result.requests).toBeGreaterThan(0);
    expect(result.failures[outcome as Exclude<Outcome, 'ok'>]).toBe(result.requests);
  });

  it('opens a new connection after GOAWAY (as nginx sends after keepalive_requests) and loses no call', async () => {
    const port = await answering((stream, calls) => {
      ok(stream);
      if (calls % 5 === 0) stream.session?.close(); // GOAWAY, in-flight calls finish
    });
    const result = await run(target(port), 600);
    expect(result.requests).toBeGreaterThan(10);
    expect(result.successRate).toBe(1);
  });

  it.each([{ headerTableSize: 0 }, { headerTableSize: 100 }, { headerTableSize: 65_536 }])(
    'sends headers the server can decode whatever its HPACK table size (%o), checking each one arrived',
    async (settings) => {
      const port = await answering((stream) => ok(stream), settings);
      const seen = new Set<string>();
      server!.on('stream', (_stream, headers) => seen.add(`${headers[':path']} ${headers[':authority']} ${headers['content-type']} ${headers.te}`));
      const result = await run(target(port), 300);
      expect(result.requests).toBeGreaterThan(3); // the third call on a connection uses the indexed block
      expect(result.successRate).toBe(1);
      expect([...seen]).toEqual(['/meshgate.echo.v1.Echo/Unary a.test application/grpc trailers']);
    },
  );

  it('header blocks: plain, then indexing, then one byte per header naming the same fields', () => {
    const headers = { ':method': 'POST', ':path': '/p', 'x-long': 'v'.repeat(300) };
    const blocks = headerBlocks(headers);
    const decoder = new HPACK();
    for (const block of [blocks.plain, blocks.indexing, blocks.indexed, blocks.indexed]) expect(decoder.decode(block)).toEqual(Object.entries(headers));
    expect(blocks.indexed.length).toBe(3);
    expect(blocks.tableBytes).toBe(7 + 4 + 5 + 2 + 6 + 300 + 3 * 32);
  });

  it('cancels a call nobody answers after the timeout', async () => {
    const port = await answering(() => undefined);
    const channel = new GrpcLoadChannel(target(port), 'm', 300);
    const slot = new GrpcCallSlot(channel);
    try {
      expect(await new Promise<Outcome>((resolve) => slot.exchange(resolve))).toBe('timeout');
    } finally {
      slot.close();
      channel.close();
    }
  });
});
