import { loadEchoService } from '../fixture/echo-proto.ts';
import { ExchangeWatchdog } from './exchange-watchdog.ts';
import { type ExpectedAnswer, GrpcAnswer } from './grpc-answer.ts';
import { GrpcH2Connection, type GrpcRequest, type H2Call, type StreamEnd } from './grpc-h2-connection.ts';
import { headerBlocks } from './h2-frames.ts';
import type { LoadSession, LoadTarget, Outcome } from './load-session.ts';

/**
 * gRPC unary calls to the echo service on one HTTP/2 connection shared by every
 * call slot, as gRPC clients multiplex. The request is built once: its header
 * blocks (indexed after the first calls, as HPACK encoders do) and a DATA frame
 * holding one length-prefixed message (grpc/doc/PROTOCOL-HTTP2.md,
 * "Length-Prefixed-Message"); every answer is still checked in full (GrpcAnswer).
 * grpc-js, and node:http2 under it, spend several times the CPU per call.
 * A new connection replaces the current one once it takes no new calls (GOAWAY, closed).
 */
export class GrpcLoadChannel {
  private connection: GrpcH2Connection | undefined;
  private readonly request: GrpcRequest;
  readonly expected: ExpectedAnswer;

  /** `message` is echoed by every call; a call unanswered for `timeoutMs` is cancelled. */
  constructor(
    private readonly target: LoadTarget,
    message: string,
    readonly timeoutMs = target.gateway.requestMs,
  ) {
    const method = loadEchoService().Unary;
    this.expected = { message, backend: target.expectBackend };
    const body = method.requestSerialize({ message });
    const grpcMessage = Buffer.alloc(5 + body.length); // byte 0: not compressed; bytes 1-4: length, big-endian
    grpcMessage.writeUInt32BE(body.length, 1);
    body.copy(grpcMessage, 5);
    const blocks = headerBlocks({
      ':method': 'POST',
      ':scheme': target.scheme,
      ':path': method.path,
      ':authority': target.host,
      'content-type': 'application/grpc',
      te: 'trailers',
      // No grpc-timeout: a deadline timer per call would load the backend measured; the watchdog bounds the call here.
      'user-agent': 'meshgate-load',
    });
    this.request = { blocks, body: grpcMessage };
  }

  /** Starts `call` on the current connection (opened on first use); returns what cancels it. */
  start(call: H2Call): () => void {
    if (!this.connection) {
      const connection = new GrpcH2Connection(this.target, this.request, () => {
        if (this.connection === connection) this.connection = undefined;
      });
      this.connection = connection;
    }
    return this.connection.start(call);
  }

  close(): void {
    this.connection?.destroy();
    this.connection = undefined;
  }
}

/** One call at a time on the shared channel. */
export class GrpcCallSlot implements LoadSession, H2Call {
  private done: ((outcome: Outcome) => void) | undefined;
  private answer: GrpcAnswer | undefined;
  private cancel: (() => void) | undefined;
  /** A call the server refused unprocessed (GOAWAY) is sent once more, on a new connection. */
  private retried = false;
  private readonly watchdog: ExchangeWatchdog;

  constructor(private readonly channel: GrpcLoadChannel) {
    this.watchdog = new ExchangeWatchdog(channel.timeoutMs, () => {
      this.cancel?.();
      this.settle('timeout');
    });
  }

  exchange(done: (outcome: Outcome) => void): void {
    this.done = done;
    this.answer = new GrpcAnswer(this.channel.expected);
    this.retried = false;
    this.watchdog.begin();
    this.cancel = this.channel.start(this);
  }

  onHeaders(fields: Array<[string, string]>): void {
    this.answer?.onHeaders(fields);
  }

  onData(payload: Buffer): void {
    this.answer?.onData(payload);
  }

  onEnd(how: StreamEnd): void {
    if (how === 'refused' && !this.retried) {
      this.retried = true;
      this.cancel = this.channel.start(this);
      return;
    }
    this.settle(how === 'ended' && this.answer ? this.answer.outcome() : 'error');
  }

  close(): void {
    this.watchdog.stop();
    this.cancel?.();
    this.done = undefined;
  }

  private settle(outcome: Outcome): void {
    const done = this.done;
    this.done = undefined;
    this.cancel = undefined;
    this.watchdog.end();
    done?.(outcome);
  }
}
