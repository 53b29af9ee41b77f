import { chunkSize, contains, decimal, lower, sameBytes, valueStart } from './http1-bytes.ts';

/** Where the response being read is; `body` and `chunk-data` count down `remaining` bytes. */
type Phase = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailers' | 'until-close';

/** What `feed` returns when every byte was taken and the response goes on. */
export const readMore = -1;
/** What `feed` returns when the framing cannot be read: the connection is no longer usable. */
export const readBroken = -2;

/** A head (or a chunk-size or trailer line) longer than this is refused rather than buffered without end. */
const maxHeadBytes = 64 * 1024;

const CR = 13;
const headEnd = Buffer.from('\r\n\r\n');
const bytes = (text: string) => Buffer.from(text, 'latin1');
/** The headers read, one bit each, and their names in lower case. */
const contentLength = 1;
const transferEncoding = 2;
const connection = 4;
const echoBackend = 8;
const contentLengthName = bytes('content-length');
const transferEncodingName = bytes('transfer-encoding');
const connectionName = bytes('connection');
const echoBackendName = bytes('x-echo-backend');
const chunked = bytes('chunked');
const close = bytes('close');

/**
 * Reads HTTP/1.1 responses from raw bytes, one after another on one connection,
 * without turning them into strings: the status, Content-Length or chunked
 * framing, `Connection: close`, and whether the echo fixture's backend header
 * (`x-echo-backend: <namespace>/<app>/<instance>`) names the expected backend.
 * Nothing is allocated per response unless a head or line arrives split over reads.
 */
export class Http1ResponseReader {
  /** The status code, 0 when the status line is not HTTP/1.x with three digits. */
  status = 0;
  backendMatches = true;
  /** The server closes the connection after this response. */
  closeAfter = false;
  private phase: Phase = 'head';
  private remaining = 0;
  /** Bytes of a head or line that arrived split, kept (copied) until its end comes. */
  private carry: Buffer | undefined;
  private readonly backendPrefix: Buffer | undefined;

  /** `expectBackend`: the `<namespace>/<app>` that must answer; undefined to accept any. */
  constructor(expectBackend: string | undefined) {
    this.backendPrefix = expectBackend === undefined ? undefined : bytes(`${expectBackend.toLowerCase()}/`);
  }

  /** The body runs until the connection closes (neither a length nor chunked). */
  get untilClose(): boolean {
    return this.phase === 'until-close';
  }

  /** Forgets any partial response: the next bytes start a new one. */
  reset(): void {
    this.phase = 'head';
    this.carry = undefined;
  }

  /**
   * Reads `data[from, to)`: returns the offset just past the response's last byte
   * once it is complete (the next response starts there), `readMore` when all was
   * taken, `readBroken` on unreadable framing.
   */
  feed(data: Buffer, from: number, to: number): number {
    const carried = this.carry;
    if (carried === undefined) return this.steps(data, from, to);
    // Rare: a head or line split over reads. Offsets in the joined bytes are mapped back to `data`.
    this.carry = undefined;
    const joined = Buffer.concat([carried, data.subarray(from, to)]);
    const end = this.steps(joined, 0, joined.length);
    return end < 0 ? end : from + end - carried.length;
  }

  private steps(data: Buffer, from: number, to: number): number {
    let at = from;
    while (at < to) {
      const next = this.step(data, at, to);
      if (next === readBroken) return readBroken;
      if (next === readMore) {
        if (to - at > maxHeadBytes) return readBroken;
        this.carry = Buffer.from(data.subarray(at, to));
        return readMore;
      }
      at = next;
      if (this.phase === 'head') return at;
    }
    return readMore;
  }

  /** Consumes what the current phase can from `data[at, to)`: the offset reached, or readMore / readBroken. */
  private step(data: Buffer, at: number, to: number): number {
    switch (this.phase) {
      case 'head': {
        const end = data.indexOf(headEnd, at);
        // `data` may be a reused read buffer: bytes past `to` are stale.
        if (end < 0 || end + headEnd.length > to) return readMore;
        return this.readHead(data, at, end) ? end + headEnd.length : readBroken;
      }
      case 'body':
      case 'chunk-data': {
        const used = Math.min(this.remaining, to - at);
        this.remaining -= used;
        if (this.remaining === 0) this.phase = this.phase === 'body' ? 'head' : 'chunk-size';
        return at + used;
      }
      case 'chunk-size': {
        const end = lineEnd(data, at, to);
        if (end < 0) return end;
        const size = chunkSize(data, at, end);
        if (size < 0) return readBroken;
        if (size === 0) this.phase = 'trailers';
        else this.expect('chunk-data', size + 2);
        return end + 2;
      }
      case 'trailers': {
        const end = lineEnd(data, at, to);
        if (end < 0) return end;
        if (end === at) this.phase = 'head';
        return end + 2;
      }
      case 'until-close':
        return to;
    }
  }

  /** Reads the head in `data[from, end)` (without its blank line) and picks the body's framing; false when unreadable. */
  private readHead(data: Buffer, from: number, end: number): boolean {
    this.status = statusCode(data, from, end);
    this.backendMatches = this.backendPrefix === undefined;
    this.closeAfter = false;
    let length = -1;
    let isChunked = false;
    let seen = 0; // the headers read so far, one bit each
    // Header lines; of a repeated header the first counts.
    for (let line = data.indexOf(CR, from); line >= 0 && line < end; ) {
      const start = line + 2;
      const next = data.indexOf(CR, start);
      const stop = next < 0 || next > end ? end : next;
      const header = headerAt(data, start, stop) & ~seen;
      if (header !== 0) {
        seen |= header;
        const value = valueStart(data, start + nameOf(header).length + 1, stop);
        if (header === contentLength) {
          length = decimal(data, value, stop);
          if (length < 0) return false;
        } else if (header === transferEncoding) isChunked = contains(data, value, stop, chunked);
        else if (header === connection) this.closeAfter = contains(data, value, stop, close);
        else {
          const prefix = this.backendPrefix;
          this.backendMatches = prefix === undefined || (stop - value >= prefix.length && sameBytes(data, value, prefix));
        }
      }
      line = next < end ? next : -1;
    }
    // A phase left at 'head' means the response ends with its head.
    if (isChunked) this.phase = 'chunk-size';
    else if (length > 0) this.expect('body', length);
    else if (length < 0 && this.status !== 204 && this.status !== 304) this.phase = 'until-close';
    return true;
  }

  private expect(phase: 'body' | 'chunk-data', count: number): void {
    this.phase = phase;
    this.remaining = count;
  }
}

/** Which of the headers read is the line `data[start, stop)`, or 0; the first byte rules out most lines. */
function headerAt(data: Buffer, start: number, stop: number): number {
  const first = lower(data[start]!);
  if (first === 99) return isHeader(data, start, stop, contentLengthName) ? contentLength : isHeader(data, start, stop, connectionName) ? connection : 0; // c
  if (first === 116) return isHeader(data, start, stop, transferEncodingName) ? transferEncoding : 0; // t
  if (first === 120) return isHeader(data, start, stop, echoBackendName) ? echoBackend : 0; // x
  return 0;
}

const nameOf = (header: number) =>
  header === contentLength ? contentLengthName : header === transferEncoding ? transferEncodingName : header === connection ? connectionName : echoBackendName;

/** Whether the line starts with header `name` and a colon (no space before it, RFC 9112 section 5.1). */
function isHeader(data: Buffer, start: number, stop: number, name: Buffer): boolean {
  return stop - start > name.length && data[start + name.length] === 58 && sameBytes(data, start, name);
}

/** The three-digit code of an `HTTP/1.x NNN` status line, else 0. */
function statusCode(data: Buffer, from: number, end: number): number {
  if (end - from < 12 || data[from + 8] !== 32) return 0;
  for (let i = 0; i < httpVersion.length; i++) if (data[from + i] !== httpVersion[i]) return 0;
  let code = 0;
  for (let i = from + 9; i < from + 12; i++) {
    const digit = data[i]! - 48;
    if (digit < 0 || digit > 9) return 0;
    code = code * 10 + digit;
  }
  return code;
}
const httpVersion = bytes('HTTP/1.');

/** Where the CRLF ending the line at `from` starts: readMore when it has not arrived within `to`, readBroken for a bare CR. */
function lineEnd(data: Buffer, from: number, to: number): number {
  const end = data.indexOf(CR, from);
  if (end < 0 || end + 1 >= to) return readMore;
  return data[end + 1] === 10 ? end : readBroken;
}
