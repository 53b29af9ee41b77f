import { type Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { ExchangeWatchdog } from './exchange-watchdog.ts';
import type { LoadTarget, Outcome } from './load-session.ts';

/** Where the response being read is; `body` and `chunk-data` count down `remaining` bytes. */
type ReadPhase = 'head' | 'body' | 'chunk-size' | 'chunk-data' | 'trailers' | 'until-close';

const headEnd = Buffer.from('\r\n\r\n');

/** Every plain connection reads into this: reads are handled before the next one can land. */
const readBuffer = Buffer.alloc(64 * 1024);
const lineEnd = Buffer.from('\r\n');

/**
 * One keep-alive HTTP/1.1 connection for load: a GET prebuilt as one buffer and a
 * minimal response reader (status, Content-Length or chunked framing, Connection:
 * close, and the echo fixture's backend header). A general client such as undici
 * spends most of a core on what load does not need; this one keeps the engine
 * close to wrk's rate (`npm run bench`). One request at a time, no pipelining.
 */
export class Http1LoadConnection {
  private readonly request: Buffer;
  private socket: Socket | undefined;
  private pending: ((outcome: Outcome) => void) | undefined;
  private buffered: Buffer | undefined;
  private phase: ReadPhase = 'head';
  private remaining = 0;
  private status = 0;
  private backendMatches = true;
  private closeAfter = false;
  private timedOut = false;
  private readonly watchdog: ExchangeWatchdog;

  constructor(
    private readonly target: LoadTarget,
    timeoutMs: number,
  ) {
    this.watchdog = new ExchangeWatchdog(timeoutMs, () => {
      if (!this.socket) return;
      this.timedOut = true;
      this.socket.destroy();
    });
    this.request = Buffer.from(`GET ${target.path ?? '/'} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: meshgate-load\r\n\r\n`, 'latin1');
  }

  /** Sends the GET (connecting first when needed); `done` gets the outcome of its answer, never synchronously. */
  exchange(done: (outcome: Outcome) => void): void {
    this.pending = done;
    this.phase = 'head';
    this.watchdog.begin();
    // Written after this round of reads, all together, as wrk does: the gateway then finds a batch per wakeup.
    writeSoon(this.socket ??= this.connect(), this.request);
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
    this.watchdog.stop();
  }

  private connect(): Socket {
    const { gateway, scheme, host } = this.target;
    // Plain TCP reads into one reused buffer (net's `onread`): no Buffer and no 'data' event per read.
    const socket =
      scheme === 'https'
        ? connectTls({ host: gateway.address, port: gateway.httpsPort, servername: host, ca: gateway.ca, ALPNProtocols: ['http/1.1'] })
        : connectTcp({
            host: gateway.address,
            port: gateway.httpPort,
            onread: {
              buffer: readBuffer,
              callback: (bytes) => {
                if (this.socket === socket) this.read(readBuffer.subarray(0, bytes), true);
                return true;
              },
            },
          });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.read(chunk, false);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      // Closed on purpose (close()): a newer socket may already carry the next request.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.buffered = undefined;
      if (this.phase === 'until-close' && !this.timedOut) this.finish();
      else this.settle(this.timedOut ? 'timeout' : 'error');
      this.timedOut = false;
    });
    return socket;
  }

  /** Reads what arrived; `shared` data lives in the reused buffer, so a partial head or line is copied out. */
  private read(chunk: Buffer, shared: boolean): void {
    let data = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
    this.buffered = undefined;
    while (data.length > 0 && this.pending) {
      const consumed = this.step(data);
      if (consumed < 0) {
        this.buffered = shared ? Buffer.from(data) : data;
        return;
      }
      data = data.subarray(consumed);
    }
    // Bytes nobody asked for: the framing is broken, so is the connection.
    if (data.length > 0) this.socket?.destroy();
  }

  /** Consumes what the current state can from `data`: bytes used, or -1 when more must arrive. */
  private step(data: Buffer): number {
    switch (this.phase) {
      case 'head': {
        const end = data.indexOf(headEnd);
        if (end < 0) return -1;
        this.readHead(data.toString('latin1', 0, end));
        return end + headEnd.length;
      }
      case 'body':
      case 'chunk-data': {
        const used = Math.min(this.remaining, data.length);
        this.remaining -= used;
        if (this.remaining === 0) {
          if (this.phase === 'body') this.finish();
          else this.phase = 'chunk-size';
        }
        return used;
      }
      case 'chunk-size': {
        const end = data.indexOf(lineEnd);
        if (end < 0) return -1;
        const size = Number.parseInt(data.toString('latin1', 0, end), 16);
        if (Number.isNaN(size)) return this.fail();
        if (size === 0) this.phase = 'trailers';
        else this.expect('chunk-data', size + lineEnd.length);
        return end + lineEnd.length;
      }
      case 'trailers': {
        const end = data.indexOf(lineEnd);
        if (end < 0) return -1;
        if (end === 0) this.finish();
        return end + lineEnd.length;
      }
      case 'until-close':
        return data.length;
    }
  }

  private readHead(head: string): void {
    this.status = head.startsWith('HTTP/1.') ? Number(head.slice(9, 12)) : 0;
    // Header names are case-insensitive; one lower-casing and native searches beat a regex per header here.
    const lower = head.toLowerCase();
    const length = headerValue(lower, 'content-length');
    const { expectBackend } = this.target;
    this.backendMatches = expectBackend === undefined || headerValue(lower, 'x-echo-backend')?.startsWith(`${expectBackend}/`) === true;
    this.closeAfter = headerValue(lower, 'connection')?.includes('close') === true;
    if (headerValue(lower, 'transfer-encoding')?.includes('chunked')) this.phase = 'chunk-size';
    else if (length !== undefined) this.expect('body', Number(length));
    else if (this.status === 204 || this.status === 304) this.expect('body', 0);
    else this.phase = 'until-close';
    if (this.phase === 'body' && this.remaining === 0) this.finish();
  }

  private expect(phase: 'body' | 'chunk-data', bytes: number): void {
    this.phase = phase;
    this.remaining = bytes;
  }

  private finish(): void {
    const ok = this.status >= 200 && this.status < 300;
    // Closed first: the caller may start its next exchange inside settle(), and it must get a new connection.
    if (this.closeAfter) this.close();
    this.settle(!ok ? 'status' : this.backendMatches ? 'ok' : 'mismatch');
  }

  /** Unreadable framing: the request failed and the connection cannot be reused. */
  private fail(): number {
    this.settle('error');
    this.close();
    return 0;
  }

  private settle(outcome: Outcome): void {
    const pending = this.pending;
    this.pending = undefined;
    this.phase = 'head';
    this.watchdog.end();
    pending?.(outcome);
  }
}

/**
 * The value of header `name` (lower case) in a lower-cased response head, trimmed;
 * undefined when absent. The echo fixture names its backend in
 * `x-echo-backend: <namespace>/<app>/<instance>`.
 */
function headerValue(lowerHead: string, name: HeaderName): string | undefined {
  const line = headerLineStarts[name];
  const at = lowerHead.indexOf(line);
  if (at < 0) return undefined;
  const end = lowerHead.indexOf('\r\n', at + 2);
  return lowerHead.slice(at + line.length, end < 0 ? undefined : end).trim();
}

const headerLineStarts = {
  'content-length': '\r\ncontent-length:',
  'transfer-encoding': '\r\ntransfer-encoding:',
  connection: '\r\nconnection:',
  'x-echo-backend': '\r\nx-echo-backend:',
} as const;
type HeaderName = keyof typeof headerLineStarts;

const queuedWrites: Array<[Socket, Buffer]> = [];

function writeSoon(socket: Socket, request: Buffer): void {
  if (queuedWrites.push([socket, request]) === 1) setImmediate(flushWrites);
}

function flushWrites(): void {
  for (const [socket, request] of queuedWrites.splice(0)) if (!socket.destroyed) socket.write(request);
}
