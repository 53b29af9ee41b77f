import { type Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import HPACK from 'hpack';
import {
  type Frame, FrameReader, cancelCode, defaultHeaderTableSize, defaultWindow, flag, frame, frameType, type headerBlocks, maxWindow, preface,
  requestFrames, setting, settings, tableSizeUpdate, unpadded, windowUpdate,
} from './h2-frames.ts';
import type { LoadTarget } from './load-session.ts';

/** How a call's stream ended: cleanly (END_STREAM), reset or cut with its connection, or refused unprocessed (GOAWAY). */
export type StreamEnd = 'ended' | 'reset' | 'refused';

/** One call on a connection: what arrives on its stream. */
export interface H2Call {
  /** A decoded header block: the response headers, then the trailers. */
  onHeaders(fields: Array<[string, string]>): void;
  /** DATA payload, a view into the read data: valid until the next read. */
  onData(payload: Buffer): void;
  onEnd(how: StreamEnd): void;
}

/** One call's request: its headers as header blocks, and the gRPC message that is its DATA. */
export interface GrpcRequest {
  blocks: ReturnType<typeof headerBlocks>;
  body: Buffer;
}

/** Streams in flight before the server's SETTINGS say how many it allows. */
const initialStreamLimit = 100;

/**
 * One HTTP/2 connection carrying gRPC unary calls, each a prebuilt HEADERS +
 * DATA pair with its stream id patched in; the frames of a round of calls go out
 * in one write. It answers SETTINGS and PING, keeps both flow-control windows
 * (RFC 9113 §6.9: ours opened wide, the server's respected for the DATA sent),
 * decodes every header block in order (HPACK state is per connection), and on
 * GOAWAY hands calls the server did not process back as 'refused' (§6.8: safe to retry).
 */
export class GrpcH2Connection {
  private readonly socket: Socket;
  private readonly reader = new FrameReader();
  private readonly hpack = new HPACK();
  private readonly streams = new Map<number, H2Call>();
  private readonly waiting: H2Call[] = [];
  private nextStreamId = 1;
  private streamLimit = initialStreamLimit;
  private sendWindow = defaultWindow;
  private received = 0;
  private block: { streamId: number; parts: Buffer[]; endStream: boolean } | undefined;
  private out: Buffer[] = [];
  private retired = false;
  /**
   * Which header block the next request carries: plain until the server's SETTINGS
   * show room in its table, then once the indexing one, then the one-byte indexes.
   */
  private headerMode: 'plain' | 'indexing' | 'indexed' = 'plain';
  private tableSize = defaultHeaderTableSize;
  private sizeUpdate: number | undefined;
  private settingsSeen = false;

  /** @param onRetire called once when this connection takes no new calls (GOAWAY, closed, stream ids used up) */
  constructor(
    target: LoadTarget,
    private readonly request: GrpcRequest,
    private readonly onRetire: () => void,
  ) {
    const { gateway, scheme, host } = target;
    // Nagle off: a call's frames must not wait for the peer's delayed ACK.
    this.socket =
      scheme === 'https'
        ? connectTls({ host: gateway.address, port: gateway.httpsPort, servername: host, ca: gateway.ca, ALPNProtocols: ['h2'] }).setNoDelay(true)
        : connectTcp({ host: gateway.address, port: gateway.httpPort, noDelay: true });
    this.socket.on('secureConnect', () => {
      if ((this.socket as Socket & { alpnProtocol?: string | false }).alpnProtocol !== 'h2') this.socket.destroy();
    });
    this.socket.on('data', (chunk: Buffer) => this.reader.read(chunk, (incoming) => this.onFrame(incoming)));
    this.socket.on('error', () => undefined);
    this.socket.on('close', () => this.onClose());
    // Our windows as large as allowed, so the server never waits for a WINDOW_UPDATE per reply.
    this.send(Buffer.concat([preface, settings([[setting.enablePush, 0], [setting.initialWindowSize, maxWindow]]), windowUpdate(0, maxWindow - defaultWindow)]));
  }

  /** Starts `call`, or queues it until a stream or send window is free; returns what cancels it. */
  start(call: H2Call): () => void {
    if (this.streams.size < this.streamLimit && this.sendWindow >= this.dataBytes) this.open(call);
    else this.waiting.push(call);
    return () => this.cancel(call);
  }

  /** Ends the connection at once; calls in flight end as 'reset'. */
  destroy(): void {
    this.socket.destroy();
  }

  private get dataBytes(): number {
    return this.request.body.length;
  }

  private open(call: H2Call): void {
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    this.streams.set(id, call);
    this.sendWindow -= this.dataBytes;
    const { blocks } = this.request;
    let block = this.headerMode === 'indexed' ? blocks.indexed : this.headerMode === 'indexing' ? blocks.indexing : blocks.plain;
    if (this.headerMode === 'indexing') this.headerMode = 'indexed';
    if (this.sizeUpdate !== undefined) {
      block = Buffer.concat([tableSizeUpdate(this.sizeUpdate), block]);
      this.sizeUpdate = undefined;
    }
    this.send(requestFrames(id, block, this.request.body));
    if (this.nextStreamId > maxWindow) this.retire();
  }

  private cancel(call: H2Call): void {
    const queued = this.waiting.indexOf(call);
    if (queued >= 0) this.waiting.splice(queued, 1);
    for (const [id, open] of this.streams) {
      if (open !== call) continue;
      this.streams.delete(id);
      const code = Buffer.alloc(4);
      code.writeUInt32BE(cancelCode);
      this.send(frame(frameType.rstStream, 0, id, code));
      this.startWaiting();
    }
  }

  /** Frames written together after this round of reads: one write for many calls. */
  private send(bytes: Buffer): void {
    if (this.out.push(bytes) === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const out = this.out;
    this.out = [];
    if (!this.socket.destroyed) this.socket.write(out.length === 1 ? out[0]! : Buffer.concat(out));
  }

  private onFrame(incoming: Frame): void {
    const { type, flags, streamId, payload } = incoming;
    switch (type) {
      case frameType.data: {
        // Flow control counts the whole payload, padding included (§6.9.1).
        this.received += payload.length;
        if (this.received >= maxWindow / 2) {
          this.send(windowUpdate(0, this.received));
          this.received = 0;
        }
        this.streams.get(streamId)?.onData(unpadded(incoming));
        if (flags & flag.endStream) this.end(streamId, 'ended');
        return;
      }
      case frameType.headers:
        this.block = { streamId, parts: [unpadded(incoming)], endStream: (flags & flag.endStream) !== 0 };
        if (flags & flag.endHeaders) this.endBlock();
        return;
      case frameType.continuation:
        this.block?.parts.push(payload);
        if (flags & flag.endHeaders) this.endBlock();
        return;
      case frameType.rstStream:
        return this.end(streamId, 'reset');
      case frameType.settings:
        if (!(flags & flag.ack)) this.onSettings(payload);
        return;
      case frameType.ping:
        if (!(flags & flag.ack)) this.send(frame(frameType.ping, flag.ack, 0, payload));
        return;
      case frameType.goaway:
        return this.onGoaway(payload.readUInt32BE(0) & maxWindow);
      case frameType.windowUpdate:
        if (streamId === 0) this.sendWindow += payload.readUInt32BE(0) & maxWindow;
        return this.startWaiting();
      case frameType.pushPromise:
        return this.destroy(); // push was disabled in our SETTINGS: a protocol error (§8.4)
    }
  }

  /** Every header block is decoded, even for a cancelled stream: the HPACK table is the connection's. */
  private endBlock(): void {
    const block = this.block!;
    this.block = undefined;
    let fields: Array<[string, string]>;
    try {
      fields = this.hpack.decode(block.parts.length === 1 ? block.parts[0]! : Buffer.concat(block.parts));
    } catch {
      return this.destroy(); // COMPRESSION_ERROR is a connection error (§4.3)
    }
    this.streams.get(block.streamId)?.onHeaders(fields);
    if (block.endStream) this.end(block.streamId, 'ended');
  }

  private onSettings(payload: Buffer): void {
    for (let at = 0; at + 6 <= payload.length; at += 6) {
      const [id, value] = [payload.readUInt16BE(at), payload.readUInt32BE(at + 2)];
      if (id === setting.maxConcurrentStreams) this.streamLimit = value;
      if (id === setting.headerTableSize && value < this.tableSize) this.shrinkTable(value);
    }
    if (!this.settingsSeen && this.headerMode === 'plain' && this.tableSize >= this.request.blocks.tableBytes) this.headerMode = 'indexing';
    this.settingsSeen = true;
    this.send(frame(frameType.settings, flag.ack, 0));
    this.startWaiting();
  }

  /** The server's table got smaller: say so in the next block (RFC 7541 §4.2); plain blocks if ours no longer fit. */
  private shrinkTable(bytes: number): void {
    this.tableSize = bytes;
    this.sizeUpdate = bytes;
    if (bytes < this.request.blocks.tableBytes) this.headerMode = 'plain';
  }

  /** Streams above `lastStreamId` were not processed: refused, to be retried elsewhere. */
  private onGoaway(lastStreamId: number): void {
    this.retire();
    for (const [id, call] of this.streams) {
      if (id <= lastStreamId) continue;
      this.streams.delete(id);
      call.onEnd('refused');
    }
    if (this.streams.size === 0) this.socket.end();
  }

  private end(streamId: number, how: StreamEnd): void {
    const call = this.streams.get(streamId);
    if (!call) return;
    this.streams.delete(streamId);
    call.onEnd(how);
    if (this.retired && this.streams.size === 0) this.socket.end();
    else this.startWaiting();
  }

  private startWaiting(): void {
    while (!this.retired && this.waiting.length > 0 && this.streams.size < this.streamLimit && this.sendWindow >= this.dataBytes) this.open(this.waiting.shift()!);
  }

  /** No new calls from now on; the queued ones go elsewhere. */
  private retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.onRetire();
    for (const call of this.waiting.splice(0)) call.onEnd('refused');
  }

  private onClose(): void {
    this.retire();
    const calls = [...this.streams.values()];
    this.streams.clear();
    for (const call of calls) call.onEnd('reset');
  }
}
