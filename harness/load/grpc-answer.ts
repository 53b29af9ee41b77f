import { loadEchoService } from '../fixture/echo-proto.ts';
import type { Outcome } from './load-session.ts';

/** gRPC status codes told apart in outcomes (grpc/doc/statuscodes.md); the rest count as 'status'. */
const grpcOk = '0';
const grpcDeadlineExceeded = '4';
const grpcUnavailable = '14';
/** Most reply bytes kept: an echo of a 64-byte message is far smaller; more is a wrong answer. */
const maxReplyBytes = 64 * 1024;

/** What a unary call must get back: its message echoed, by `<namespace>/<app>` when given. */
export interface ExpectedAnswer {
  message: string;
  backend: string | undefined;
}

/**
 * The answer to one unary echo call, read as it arrives and judged once the
 * stream has closed (grpc/doc/PROTOCOL-HTTP2.md): `:status` 200, an
 * application/grpc content-type, grpc-status 0 (in the trailers, or in the
 * headers of a Trailers-Only answer), exactly one uncompressed length-prefixed
 * reply echoing the message, and the expected backend both in the
 * `x-echo-backend` header and in the reply.
 */
export class GrpcAnswer {
  private status = 0;
  private grpcContent = false;
  private grpcStatus: string | undefined;
  private headerBackend = '';
  private readonly chunks: Buffer[] = [];
  private bytes = 0;

  constructor(private readonly expected: ExpectedAnswer) {}

  /** A header block: the response headers (with `:status`), then the trailers. Names arrive lower-case (RFC 9113 §8.2.1). */
  onHeaders(fields: Array<[string, string]>): void {
    for (const [name, value] of fields) {
      if (name === ':status') this.status = Number(value);
      else if (name === 'content-type') this.grpcContent = value.startsWith('application/grpc');
      else if (name === 'x-echo-backend') this.headerBackend = value;
      else if (name === 'grpc-status') this.grpcStatus = value;
    }
  }

  /** DATA as it arrives; copied, since it may be a view into a buffer that the next read reuses. */
  onData(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes <= maxReplyBytes) this.chunks.push(Buffer.from(chunk));
  }

  /** The outcome once the stream has ended cleanly (END_STREAM; a reset one is an error without asking). */
  outcome(): Outcome {
    if (this.status === 0) return 'error';
    if (this.status !== 200 || !this.grpcContent || this.grpcStatus === undefined) return 'status';
    if (this.grpcStatus === grpcDeadlineExceeded) return 'timeout';
    if (this.grpcStatus === grpcUnavailable) return 'error';
    if (this.grpcStatus !== grpcOk) return 'status';
    return this.echoes() ? 'ok' : 'mismatch';
  }

  private echoes(): boolean {
    const { backend, message } = this.expected;
    if (backend !== undefined && !this.headerBackend.startsWith(`${backend}/`)) return false;
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    // One message: flag 0 (not compressed), its length, then exactly that many bytes.
    if (this.bytes !== data.length || data.length < 5 || data[0] !== 0 || data.readUInt32BE(1) !== data.length - 5) return false;
    try {
      const reply = loadEchoService().Unary.responseDeserialize(data.subarray(5));
      return reply.message === message && (backend === undefined || `${reply.backend.namespace}/${reply.backend.app}` === backend);
    } catch {
      return false; // not an EchoReply
    }
  }
}
