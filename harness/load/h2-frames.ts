/**
 * The few HTTP/2 frames a gRPC unary load client writes and reads (RFC 9113).
 * Section numbers below are RFC 9113's.
 */

/** Frame types (§6). */
export const frameType = { data: 0x0, headers: 0x1, rstStream: 0x3, settings: 0x4, pushPromise: 0x5, ping: 0x6, goaway: 0x7, windowUpdate: 0x8, continuation: 0x9 } as const;
/** Frame flags (§6): END_STREAM, ACK (SETTINGS and PING), END_HEADERS, PADDED, PRIORITY. */
export const flag = { endStream: 0x1, ack: 0x1, endHeaders: 0x4, padded: 0x8, priority: 0x20 } as const;
/** SETTINGS identifiers (§6.5.2). */
export const setting = { enablePush: 0x2, maxConcurrentStreams: 0x3, initialWindowSize: 0x4 } as const;
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
  const out = Buffer.allocUnsafe(headerBytes + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(streamId, 5);
  payload.copy(out, headerBytes);
  return out;
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
 * A header block of "literal header field without indexing, new name" entries
 * (RFC 7541 §6.2.2), plain strings: it never touches either dynamic table, so one
 * block can be sent on every request.
 */
export function literalHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(headers)) {
    parts.push(Buffer.from([0x00]), hpackString(name), hpackString(value));
  }
  return Buffer.concat(parts);
}

/** A string literal, not Huffman-coded: its length as a 7-bit-prefix integer (RFC 7541 §5.1, §5.2), then its bytes. */
function hpackString(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  const length: number[] = [];
  if (bytes.length < 127) length.push(bytes.length);
  else {
    length.push(127);
    let rest = bytes.length - 127;
    for (; rest >= 128; rest = Math.floor(rest / 128)) length.push((rest % 128) + 128);
    length.push(rest);
  }
  return Buffer.concat([Buffer.from(length), bytes]);
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
