import { type Server, createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Http1LoadConnection } from '../../harness/load/http1-load-connection.ts';
import type { Outcome } from '../../harness/load/load-session.ts';
import { defaultTimeouts } from '../../harness/timeouts.ts';

// The raw load client against hand-written answers: framing a general client
// would hide (split heads, chunk trailers, Connection: close, silence).
let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A TCP server that answers each request (one per data event) with the next of `answers`, split in two writes. */
async function answering(answers: string[]): Promise<number> {
  let next = 0;
  server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', () => {
      const answer = answers[next++ % answers.length]!;
      if (answer === '') return; // silence
      const middle = Math.floor(answer.length / 2);
      socket.write(answer.slice(0, middle));
      setTimeout(() => socket.write(answer.slice(middle), () => answer.includes('Connection: close') && socket.end()), 5);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
}

const connectionTo = (port: number, timeoutMs = 5000) =>
  new Http1LoadConnection({ gateway: { address: '127.0.0.1', httpPort: port, httpsPort: 0, requestMs: defaultTimeouts.requestMs }, scheme: 'http', host: 'a.test', expectBackend: 'ns-a/web' }, timeoutMs);

const backend = 'x-echo-backend: ns-a/web/i1\r\n';
const exchange = (connection: Http1LoadConnection) => new Promise<Outcome>((resolve) => connection.exchange(resolve));

/** Three exchanges, each started from the callback of the one before, as the load loops do. */
const threeFromCallbacks = (connection: Http1LoadConnection) =>
  new Promise<Outcome[]>((resolve) => {
    const seen: Outcome[] = [];
    const next = () => connection.exchange((outcome) => (seen.push(outcome) === 3 ? resolve(seen) : next()));
    next();
  });

describe('Http1LoadConnection', () => {
  it.each([
    { name: 'sized body split across reads', answer: `HTTP/1.1 200 OK\r\n${backend}Content-Length: 10\r\n\r\n0123456789`, outcome: 'ok' },
    { name: 'chunked body with a trailer', answer: `HTTP/1.1 200 OK\r\n${backend}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nx-t: 1\r\n\r\n`, outcome: 'ok' },
    { name: 'no backend header', answer: 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', outcome: 'mismatch' },
    { name: 'another backend', answer: 'HTTP/1.1 200 OK\r\nx-echo-backend: ns-b/web/i1\r\nContent-Length: 0\r\n\r\n', outcome: 'mismatch' },
    { name: 'a 503', answer: `HTTP/1.1 503 Service Unavailable\r\n${backend}Content-Length: 2\r\n\r\nno`, outcome: 'status' },
  ])('$name: $outcome, three times on one connection', async ({ answer, outcome }) => {
    const connection = connectionTo(await answering([answer]));
    try {
      for (let i = 0; i < 3; i++) expect(await exchange(connection)).toBe(outcome);
    } finally {
      connection.close();
    }
  });

  it('reconnects after Connection: close and reads a body that ends with the connection', async () => {
    const closing = `HTTP/1.1 200 OK\r\n${backend}Connection: close\r\n\r\nuntil the end`;
    const connection = connectionTo(await answering([closing, `HTTP/1.1 200 OK\r\n${backend}Content-Length: 0\r\n\r\n`]));
    try {
      expect(await exchange(connection)).toBe('ok');
      expect(await exchange(connection)).toBe('ok');
    } finally {
      connection.close();
    }
  });

  it('after Connection: close, an exchange started from the callback (as the load loops do) goes out on a new connection', async () => {
    const closing = `HTTP/1.1 200 OK\r\n${backend}Content-Length: 0\r\nConnection: close\r\n\r\n`;
    const connection = connectionTo(await answering([closing]));
    try {
      const outcomes = await threeFromCallbacks(connection);
      expect(outcomes).toEqual(['ok', 'ok', 'ok']);
    } finally {
      connection.close();
    }
  }, 10_000);

  it('gives up on a silent server after the timeout and on unreadable framing', async () => {
    const silent = connectionTo(await answering(['']), 300);
    try {
      expect(await exchange(silent)).toBe('timeout');
    } finally {
      silent.close();
    }
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const garbled = connectionTo(await answering([`HTTP/1.1 200 OK\r\n${backend}Transfer-Encoding: chunked\r\n\r\nzz\r\n`]));
    try {
      expect(await exchange(garbled)).toBe('error');
    } finally {
      garbled.close();
    }
  });

  it('after unreadable framing, an exchange started from the callback gets a new connection instead of hanging', async () => {
    const connection = connectionTo(await answering([`HTTP/1.1 200 OK\r\n${backend}Transfer-Encoding: chunked\r\n\r\nzz\r\n`]));
    try {
      const outcomes = await threeFromCallbacks(connection);
      expect(outcomes).toEqual(['error', 'error', 'error']);
    } finally {
      connection.close();
    }
  }, 10_000);
});
