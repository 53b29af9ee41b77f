import { type Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import type { LoadTarget, Outcome } from './load-driver.ts';

/** Where the response being read is. */
type ReadState =
  | { at: 'head' }
  | { at: 'body'; remaining: number }
  | { at: 'chunk-size' }
  | { at: 'chunk-data'; remaining: number }
  | { at: 'trailers' }
  | { at: 'until-close' };

const headEnd = Buffer.from('\r\n\r\n');
/** How often a connection checks its request against the timeout, ms. */
const watchdogMs = 1000;
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
  private state: ReadState = { at: 'head' };
  private status = 0;
  private backendMatches = true;
  private closeAfter = false;
  /** performance.now() when the request in flight was written. */
  private sentAt = 0;
  private timedOut = false;
  private watchdog: NodeJS.Timeout | undefined;

  constructor(
    private readonly target: LoadTarget,
    private readonly timeoutMs: number,
  ) {
    this.request = Buffer.from(`GET ${target.path ?? '/'} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: meshgate-load\r\n\r\n`, 'latin1');
  }

  /** Sends the GET (connecting first when needed) and resolves with the outcome of its answer. */
  exchange(): Promise<Outcome> {
    return new Promise((resolve) => {
      this.pending = resolve;
      this.state = { at: 'head' };
      this.sentAt = performance.now();
      (this.socket ??= this.connect()).write(this.request);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
    clearInterval(this.watchdog);
    this.watchdog = undefined;
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
    // One coarse check a second instead of a timer re-armed on every read and write (which costs at this rate).
    this.watchdog ??= setInterval(() => {
      if (!this.pending || performance.now() - this.sentAt < this.timeoutMs || !this.socket) return;
      this.timedOut = true;
      this.socket.destroy();
    }, watchdogMs).unref();
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.read(chunk, false);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      // Closed on purpose (close()): a newer socket may already carry the next request.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.buffered = undefined;
      if (this.state.at === 'until-close' && !this.timedOut) this.finish();
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
    const state = this.state;
    switch (state.at) {
      case 'head': {
        const end = data.indexOf(headEnd);
        if (end < 0) return -1;
        this.readHead(data.toString('latin1', 0, end));
        return end + headEnd.length;
      }
      case 'body':
      case 'chunk-data': {
        const used = Math.min(state.remaining, data.length);
        state.remaining -= used;
        if (state.remaining === 0) {
          if (state.at === 'body') this.finish();
          else this.state = { at: 'chunk-size' };
        }
        return used;
      }
      case 'chunk-size': {
        const end = data.indexOf(lineEnd);
        if (end < 0) return -1;
        const size = Number.parseInt(data.toString('latin1', 0, end), 16);
        if (Number.isNaN(size)) return this.fail();
        this.state = size === 0 ? { at: 'trailers' } : { at: 'chunk-data', remaining: size + lineEnd.length };
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
    const { expectBackend } = this.target;
    this.backendMatches = expectBackend === undefined || backendOf(head)?.startsWith(`${expectBackend}/`) === true;
    this.closeAfter = /\r\nconnection:[ \t]*close/i.test(head);
    const length = /\r\ncontent-length:[ \t]*(\d+)/i.exec(head);
    if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) this.state = { at: 'chunk-size' };
    else if (length) this.state = { at: 'body', remaining: Number(length[1]) };
    else if (this.status === 204 || this.status === 304) this.state = { at: 'body', remaining: 0 };
    else this.state = { at: 'until-close' };
    if (this.state.at === 'body' && this.state.remaining === 0) this.finish();
  }

  private finish(): void {
    const ok = this.status >= 200 && this.status < 300;
    this.settle(!ok ? 'status' : this.backendMatches ? 'ok' : 'mismatch');
    if (this.closeAfter) this.close();
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
    this.state = { at: 'head' };
    pending?.(outcome);
  }
}

/** The echo fixture's `x-echo-backend: <namespace>/<app>/<instance>` header, if present. */
function backendOf(head: string): string | undefined {
  return /\r\nx-echo-backend:[ \t]*([^\r]*)/i.exec(head)?.[1];
}
