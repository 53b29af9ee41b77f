import { type Socket, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { ExchangeWatchdog } from './exchange-watchdog.ts';
import { Http1ResponseReader, readBroken, readMore } from './http1-response-reader.ts';
import type { LoadTarget, Outcome } from './load-session.ts';

/** Every plain connection reads into this: reads are handled before the next one can land. */
const readBuffer = Buffer.alloc(64 * 1024);

/**
 * One keep-alive HTTP/1.1 connection for load: a GET prebuilt as one buffer and a
 * minimal response reader on bytes (status, Content-Length or chunked framing,
 * Connection: close, and the echo fixture's backend header). A general client such as undici
 * spends most of a core on what load does not need; this one keeps the engine
 * close to wrk's rate (`npm run bench`). One request at a time, no pipelining.
 */
export class Http1LoadConnection {
  private readonly request: Buffer;
  private socket: Socket | undefined;
  private pending: ((outcome: Outcome) => void) | undefined;
  private readonly response: Http1ResponseReader;
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
    this.response = new Http1ResponseReader(target.expectBackend);
    this.request = Buffer.from(`GET ${target.path ?? '/'} HTTP/1.1\r\nHost: ${target.host}\r\nUser-Agent: meshgate-load\r\n\r\n`, 'latin1');
  }

  /** Sends the GET (connecting first when needed); `done` gets the outcome of its answer, never synchronously. */
  exchange(done: (outcome: Outcome) => void): void {
    this.pending = done;
    this.response.reset();
    this.watchdog.begin();
    // Written after this round of reads, all together, as wrk does: the gateway then finds a batch per wakeup.
    writeSoon((this.socket ??= this.connect()), this.request);
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
                if (this.socket === socket) this.read(readBuffer, bytes);
                return true;
              },
            },
          });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.socket === socket) this.read(chunk, chunk.length);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      // Closed on purpose (close()): a newer socket may already carry the next request.
      if (this.socket !== socket) return;
      this.socket = undefined;
      if (this.pending && this.response.untilClose && !this.timedOut) this.finish();
      else this.settle(this.timedOut ? 'timeout' : 'error');
      this.timedOut = false;
    });
    return socket;
  }

  /** Reads `data[0, length)`; the reader copies what it keeps, as a plain socket's buffer is reused. */
  private read(data: Buffer, length: number): void {
    let at = 0;
    while (at < length && this.pending) {
      const end = this.response.feed(data, at, length);
      if (end === readMore) return;
      if (end === readBroken) {
        // Unreadable framing: the connection cannot be reused, and the next exchange (started in settle) needs a new one.
        this.close();
        this.settle('error');
        return;
      }
      at = end;
      this.finish();
    }
    // Bytes nobody asked for: the framing is broken, so is the connection.
    if (at < length) this.socket?.destroy();
  }

  private finish(): void {
    const { status, backendMatches, closeAfter } = this.response;
    const ok = status >= 200 && status < 300;
    // Closed first: the caller may start its next exchange inside settle(), and it must get a new connection.
    if (closeAfter) this.close();
    this.settle(!ok ? 'status' : backendMatches ? 'ok' : 'mismatch');
  }

  private settle(outcome: Outcome): void {
    const pending = this.pending;
    this.pending = undefined;
    this.watchdog.end();
    pending?.(outcome);
  }
}

/** Requests to write at the end of this round of reads, and their sockets (two arrays: no pair allocated per request). */
const queuedSockets: Socket[] = [];
const queuedRequests: Buffer[] = [];

function writeSoon(socket: Socket, request: Buffer): void {
  queuedRequests.push(request);
  if (queuedSockets.push(socket) === 1) setImmediate(flushWrites);
}

function flushWrites(): void {
  for (let i = 0; i < queuedSockets.length; i++) {
    const socket = queuedSockets[i]!;
    if (!socket.destroyed) socket.write(queuedRequests[i]!);
  }
  queuedSockets.length = 0;
  queuedRequests.length = 0;
}
