/**
 * The few HTTP/2 frames a gRPC unary load client writes and reads (RFC 9113).
 * Section numbers below are RFC 9113's.
 */

/** Frame types (§6). */
export const frameType = { data: 0x0, headers: 0x1, rstStream: 0x3, settings: 0x4, pushPromise: 0x5, ping: 0x6, goaway: 0x7, windowUpdate: 0x8, continuation: 0x9 } as const;
/** Frame flags (§6): END_STREAM, ACK (SETTINGS and PING), END_HEADERS, PADDED, PRIORITY. */
export const flag = { endStream: 0x1, ack: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 } as const;
/** SETTINGS identifiers (§6.5.2). */
export const setting = { headerTableSize: 0x1, enablePush: 0x2, maxConcurrentStreams: 0x3, initialWindowSize: 0x4 } as const;
/** The HPACK dynamic table size before SETTINGS say otherwise (§6.5.2). */
export const defaultHeaderTableSize = 4096;
/** RST_STREAM error code CANCEL (§7). */
export const cancelCode = 0x8;
/** The largest flow-control window (§6.9.1): 2^31 - 1. */
export const maxWindow = 0x7fffffff;
/** Window size of a new connection and stream before SETTINGS say otherwise (§6.9.2). */
export const defaultWindow = 65_535;
/** The client connection preface (§3.4). */
export const preface = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const headerBytes = 9;

/** One frame: the 9-byte header (§4.1) then the payload. */
export function frame(type: number, flags: number, streamId: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  return frameInto(Buffer.allocUnsafe(headerBytes + payload.length), 0, type, flags, streamId, payload);
}

/** Writes one frame into `out` at `at`; returns `out`. */
export function frameInto(out: Buffer, at: number, type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  out.writeUIntBE(payload.length, at, 3);
  out[at + 3] = type;
  out[at + 4] = flags;
  out.writeUInt32BE(streamId, at + 5);
  payload.copy(out, at + headerBytes);
  return out;
}

/**
 * One request: HEADERS (END_HEADERS) with `headerBlock`, then DATA (END_STREAM)
 * with `body`, on stream `streamId`, in one buffer for one write.
 */
export function requestFrames(streamId: number, headerBlock: Buffer, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 * headerBytes + headerBlock.length + body.length);
  frameInto(out, 0, frameType.headers, flag.endHeaders, streamId, headerBlock);
  return frameInto(out, headerBytes + headerBlock.length, frameType.data, flag.endStream, streamId, body);
}

/** A WINDOW_UPDATE frame (§6.9) adding `increment` bytes to a window. */
export function windowUpdate(streamId: number, increment: number): Buffer {
  const payload = Buffer.alloc(4);
  payload.writeUInt32BE(increment, 0);
  return frame(frameType.windowUpdate, 0, streamId, payload);
}

/** A SETTINGS frame (§6.5) with the given identifier/value pairs. */
export function settings(values: Array<[number, number]>): Buffer {
  const payload = Buffer.alloc(6 * values.length);
  values.forEach(([id, value], index) => {
    payload.writeUInt16BE(id, index * 6);
    payload.writeUInt32BE(value, index * 6 + 2);
  });
  return frame(frameType.settings, 0, 0, payload);
}

/**
 * The same headers as three header blocks (RFC 7541): `plain`, literals without
 * indexing (§6.2.2), valid whatever the server's table holds; `indexing`,
 * literals with incremental indexing (§6.2.1), which add them to the server's
 * dynamic table; `indexed`, one byte each (§6.1) naming those entries, valid while
 * the server's table still holds them: a client that sends nothing else indexed keeps
 * them at 62 (the last added) upward (§2.3.3). `tableBytes` is what they take there (§4.1).
 */
export function headerBlocks(headers: Record<string, string>): { plain: Buffer; indexing: Buffer; indexed: Buffer; tableBytes: number } {
  const fields = Object.entries(headers);
  const literals = (prefix: number) => Buffer.concat(fields.flatMap(([name, value]) => [Buffer.from([prefix]), hpackString(name), hpackString(value)]));
  const firstDynamicIndex = 62;
  // An index below 127 fits the 7-bit prefix of one byte.
  if (firstDynamicIndex + fields.length - 1 >= 127) throw new Error('too many headers to index in one byte each');
  const indexes = fields.map((_, position) => 0x80 | (firstDynamicIndex + fields.length - 1 - position));
  return {
    plain: literals(0x00),
    indexing: literals(0x40),
    indexed: Buffer.from(indexes),
    tableBytes: fields.reduce((sum, [name, value]) => sum + Buffer.byteLength(name, 'latin1') + Buffer.byteLength(value, 'latin1') + 32, 0),
  };
}

/** A dynamic table size update (RFC 7541 §6.3): first in the first header block after the server lowered the size. */
export function tableSizeUpdate(bytes: number): Buffer {
  return Buffer.concat([Buffer.from([0x20 | Math.min(bytes, 31)]), bytes < 31 ? Buffer.alloc(0) : hpackInteger(bytes - 31)]);
}

/** A string literal, not Huffman-coded: its length as a 7-bit-prefix integer (§5.2), then its bytes. */
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  const length = bytes.length < 127 ? Buffer.from([bytes.length]) : Buffer.concat([Buffer.from([127]), hpackInteger(bytes.length - 127)]);
  return Buffer.concat([length, bytes]);
}

/** The continuation bytes of an integer past its prefix (RFC 7541 §5.1): 7 bits each, least significant first. */
function hpackInteger(rest: number): Buffer {
  const bytes: number[] = [];
  for (; rest >= 128; rest = Math.floor(rest / 128)) bytes.push((rest % 128) + 128);
  bytes.push(rest);
  return Buffer.from(bytes);
}

/** A frame as read: its header fields and payload (a view into the read data; copy to keep it). */
export interface Frame {
  type: number;
  flags: number;
  streamId: number;
  payload: Buffer;
}

/** Cuts the incoming byte stream into frames; keeps a partial frame until the rest arrives. */
export class FrameReader {
  private pending: Buffer | undefined;

  /** Calls `onFrame` for each whole frame in what arrived so far. */
  read(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    let data = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = undefined;
    while (data.length >= headerBytes) {
      const length = data.readUIntBE(0, 3);
      if (data.length < headerBytes + length) break;
      onFrame({ type: data[3]!, flags: data[4]!, streamId: data.readUInt32BE(5) & maxWindow, payload: data.subarray(headerBytes, headerBytes + length) });
      data = data.subarray(headerBytes + length);
    }
    if (data.length > 0) this.pending = Buffer.from(data);
  }
}

/** A HEADERS or DATA payload without its padding and (HEADERS) priority fields (§6.1, §6.2). */
export function unpadded(frame: Frame): Buffer {
  let { payload } = frame;
  if (frame.flags & flag.padded) payload = payload.subarray(1, payload.length - payload[0]!);
  if (frame.type === frameType.headers && frame.flags & flag.priority) payload = payload.subarray(5);
  return payload;
}
