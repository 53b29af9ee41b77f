/**
 * Client of the echo fixture's gRPC service, used directly (h2c) or through a
 * gateway with TLS at the edge: then `address` is the gateway's loopback port
 * and `tls.servername` / `authority` carry the tenant host.
 *
 * Every helper resolves with the reply (or replies), the initial metadata, the
 * trailers and the status, or rejects with the grpc-js ServiceError (`code`,
 * `details`, and the trailers in `metadata`).
 */
import * as grpc from '@grpc/grpc-js';
import { MAX_MESSAGE_BYTES, loadEchoService } from '../fixture/echo-proto.ts';
import type { EchoReply, EchoRequestInit } from '../fixture/echo-proto.ts';

export type { EchoReply, EchoRequestInit } from '../fixture/echo-proto.ts';

/** A grpc-js channel to one echo server; `close()` it when done. */
export type EchoClient = grpc.Client;

/** Where and how to connect. */
export interface EchoClientOptions {
  /** `host:port` to connect to, e.g. `127.0.0.1:8443`. */
  address: string;
  /** TLS with this CA; `servername` is sent as SNI and checked against the certificate. */
  tls?: { ca: Buffer | string; servername: string };
  /** `:authority` of every call; default `tls.servername`, else the address. */
  authority?: string;
}

/** Per-call options. */
export interface EchoCallOptions {
  /** Request metadata. */
  metadata?: grpc.Metadata | Record<string, string>;
  /** Deadline from now, in milliseconds. */
  deadlineMs: number;
}

/** Outcome of a call with one reply (Unary, ClientStream). */
export interface EchoUnaryResult {
  reply: EchoReply;
  /** Initial metadata sent by the server. */
  metadata: grpc.Metadata;
  trailers: grpc.Metadata;
  status: grpc.StatusObject;
}

/** Outcome of a call with a reply stream (ServerStream, Bidi). */
export interface EchoStreamResult {
  replies: EchoReply[];
  /** Initial metadata sent by the server. */
  metadata: grpc.Metadata;
  trailers: grpc.Metadata;
  status: grpc.StatusObject;
}

/** Opens a channel (lazily connected) to an echo server. */
export function createEchoClient(options: EchoClientOptions): EchoClient {
  const channelOptions: grpc.ChannelOptions = {
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  };
  const authority = options.authority ?? options.tls?.servername;
  if (authority !== undefined) channelOptions['grpc.default_authority'] = authority;
  if (!options.tls) return new grpc.Client(options.address, grpc.credentials.createInsecure(), channelOptions);
  channelOptions['grpc.ssl_target_name_override'] = options.tls.servername;
  const ca = typeof options.tls.ca === 'string' ? Buffer.from(options.tls.ca) : options.tls.ca;
  return new grpc.Client(options.address, grpc.credentials.createSsl(ca), channelOptions);
}

/** Calls `Unary`. */
export function unary(client: EchoClient, request: EchoRequestInit, options: EchoCallOptions): Promise<EchoUnaryResult> {
  const method = loadEchoService().Unary;
  return new Promise((resolve, reject) => {
    let reply: EchoReply | undefined;
    const call = client.makeUnaryRequest(
      method.path, method.requestSerialize, method.responseDeserialize,
      request, toMetadata(options.metadata), callOptions(options),
      (error, value) => (error ? reject(error) : (reply = value)),
    );
    // grpc-js runs the callback before it emits `status`.
    onOk(call, (metadata, status) => reply && resolve({ reply, metadata, trailers: status.metadata, status }));
  });
}

/** Calls `ServerStream` and collects every reply. */
export function serverStream(client: EchoClient, request: EchoRequestInit, options: EchoCallOptions): Promise<EchoStreamResult> {
  const method = loadEchoService().ServerStream;
  return collect(
    client.makeServerStreamRequest(
      method.path, method.requestSerialize, method.responseDeserialize,
      request, toMetadata(options.metadata), callOptions(options),
    ),
  );
}

/** Calls `ClientStream` with every request, then ends the stream. */
export function clientStream(client: EchoClient, requests: EchoRequestInit[], options: EchoCallOptions): Promise<EchoUnaryResult> {
  const method = loadEchoService().ClientStream;
  return new Promise((resolve, reject) => {
    let reply: EchoReply | undefined;
    const call = client.makeClientStreamRequest(
      method.path, method.requestSerialize, method.responseDeserialize,
      toMetadata(options.metadata), callOptions(options),
      (error, value) => (error ? reject(error) : (reply = value)),
    );
    onOk(call, (metadata, status) => reply && resolve({ reply, metadata, trailers: status.metadata, status }));
    writeAll(call, requests);
  });
}

/** Calls `Bidi`: sends every request, ends the stream, and collects every echo. */
export function bidi(client: EchoClient, requests: EchoRequestInit[], options: EchoCallOptions): Promise<EchoStreamResult> {
  const method = loadEchoService().Bidi;
  const call = client.makeBidiStreamRequest(
    method.path, method.requestSerialize, method.responseDeserialize,
    toMetadata(options.metadata), callOptions(options),
  );
  const result = collect(call);
  writeAll(call, requests);
  return result;
}

function writeAll(call: grpc.ClientWritableStream<EchoRequestInit>, requests: EchoRequestInit[]): void {
  // Writes are buffered by the stream; the deadline bounds the whole call.
  for (const request of requests) call.write(request);
  call.end();
}

/** Resolves once the stream has both ended and finished with OK. */
function collect(call: grpc.ClientReadableStream<EchoReply>): Promise<EchoStreamResult> {
  return new Promise((resolve, reject) => {
    const replies: EchoReply[] = [];
    let ended = false;
    let done: Omit<EchoStreamResult, 'replies'> | undefined;
    const finish = (): void => {
      if (ended && done) resolve({ replies, ...done });
    };
    call.on('data', (reply: EchoReply) => replies.push(reply));
    call.on('error', reject);
    call.on('end', () => {
      ended = true;
      finish();
    });
    onOk(call, (metadata, status) => {
      done = { metadata, trailers: status.metadata, status };
      finish();
    });
  });
}

/** Calls `ok` with the initial metadata and the status when the call ends with OK. */
function onOk(call: grpc.Call, ok: (metadata: grpc.Metadata, status: grpc.StatusObject) => void): void {
  let metadata = new grpc.Metadata();
  call.on('metadata', (received: grpc.Metadata) => (metadata = received));
  call.on('status', (status: grpc.StatusObject) => {
    if (status.code === grpc.status.OK) ok(metadata, status);
  });
}

function toMetadata(metadata: EchoCallOptions['metadata']): grpc.Metadata {
  if (metadata instanceof grpc.Metadata) return metadata;
  const result = new grpc.Metadata();
  for (const [key, value] of Object.entries(metadata ?? {})) result.set(key, value);
  return result;
}

function callOptions(options: EchoCallOptions): grpc.CallOptions {
  return { deadline: Date.now() + options.deadlineMs };
}
