import { type ClientHttp2Session, type ClientHttp2Stream, connect, constants } from 'node:http2';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { loadEchoService } from '../fixture/echo-proto.ts';
import { timeouts } from '../timeouts.ts';
import { ExchangeWatchdog } from './exchange-watchdog.ts';
import { type ExpectedAnswer, GrpcAnswer } from './grpc-answer.ts';
import type { LoadSession, LoadTarget, Outcome } from './load-driver.ts';

/**
 * gRPC unary calls to the echo service straight on node:http2: one HTTP/2
 * connection shared by every call slot, as gRPC clients multiplex. The request is
 * one prebuilt length-prefixed message (grpc/doc/PROTOCOL-HTTP2.md,
 * "Length-Prefixed-Message"), and every answer is still checked in full
 * (GrpcAnswer). grpc-js does the same with far more work per call.
 * Made on first use, and again after the server ends it (GOAWAY, error).
 */
export class GrpcLoadChannel {
  private session: ClientHttp2Session | undefined;
  readonly headers: Record<string, string>;
  readonly frame: Buffer;
  readonly expected: ExpectedAnswer;

  /** `message` is echoed by every call; a call unanswered for `timeoutMs` is cancelled. */
  constructor(
    private readonly target: LoadTarget,
    message: string,
    readonly timeoutMs = timeouts.requestMs,
  ) {
    const { scheme, host } = target;
    const method = loadEchoService().Unary;
    this.expected = { message, backend: target.expectBackend };
    const body = method.requestSerialize({ message: this.expected.message });
    this.frame = Buffer.alloc(5 + body.length); // byte 0: not compressed; bytes 1-4: length, big-endian
    this.frame.writeUInt32BE(body.length, 1);
    body.copy(this.frame, 5);
    this.headers = {
      ':method': 'POST',
      ':scheme': scheme,
      ':path': method.path,
      ':authority': host,
      'content-type': 'application/grpc',
      te: 'trailers',
      // The server bounds the call too (PROTOCOL-HTTP2.md: TimeoutValue TimeoutUnit, "m" = milliseconds).
      'grpc-timeout': `${timeoutMs}m`,
      'user-agent': 'meshgate-load',
    };
  }

  /** Starts one call: the prebuilt HEADERS and DATA, written together in the next flush. */
  request(): ClientHttp2Stream {
    const session = (this.session ??= this.connect());
    const stream = session.request(this.headers, { endStream: false });
    stream.end(this.frame);
    return stream;
  }

  close(): void {
    this.session?.destroy();
    this.session = undefined;
  }

  private connect(): ClientHttp2Session {
    const { gateway, scheme, host } = this.target;
    const port = scheme === 'https' ? gateway.httpsPort : gateway.httpPort;
    // Our own socket, so Nagle can be turned off: node:http2 does not, and a call's
    // frames would then wait for the peer's delayed ACK on a busy machine.
    const socket = () =>
      scheme === 'https'
        ? connectTls({ host: gateway.address, port, servername: host, ca: gateway.ca, ALPNProtocols: ['h2'] }).setNoDelay(true)
        : connectTcp({ host: gateway.address, port, noDelay: true });
    const session = connect(`${scheme}://${gateway.address}:${port}`, { createConnection: socket });
    const forget = () => {
      if (this.session === session) this.session = undefined;
    };
    // After GOAWAY (nginx's keepalive_requests) the calls in flight finish; new ones need a new connection.
    session.on('goaway', forget);
    session.on('close', forget);
    session.on('error', forget);
    return session;
  }
}

/** One call at a time on the shared channel. */
export class GrpcCallSlot implements LoadSession {
  private stream: ClientHttp2Stream | undefined;
  private timedOut = false;
  private readonly watchdog: ExchangeWatchdog;

  constructor(private readonly channel: GrpcLoadChannel) {
    this.watchdog = new ExchangeWatchdog(channel.timeoutMs, () => {
      this.timedOut = true;
      this.stream?.close(constants.NGHTTP2_CANCEL);
    });
  }

  exchange(done: (outcome: Outcome) => void): void {
    this.watchdog.begin();
    let stream: ClientHttp2Stream;
    try {
      stream = this.stream = this.channel.request();
    } catch {
      // A session closing under us (destroyed, GOAWAY between calls): the next call reconnects.
      this.channel.close();
      return void setImmediate(() => this.settle(done, 'error'));
    }
    const answer = new GrpcAnswer(this.channel.expected);
    stream.on('response', (headers) => answer.onHeaders(headers));
    stream.on('data', (chunk: Buffer) => answer.onData(chunk));
    stream.on('trailers', (trailers) => answer.onTrailers(trailers));
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (this.stream === stream) this.stream = undefined;
      const timedOut = this.timedOut;
      this.timedOut = false;
      this.settle(done, timedOut ? 'timeout' : answer.outcome(stream.rstCode === constants.NGHTTP2_NO_ERROR));
    });
  }

  close(): void {
    this.watchdog.stop();
    this.stream?.close(constants.NGHTTP2_CANCEL);
  }

  private settle(done: (outcome: Outcome) => void, outcome: Outcome): void {
    this.watchdog.end();
    done(outcome);
  }
}
