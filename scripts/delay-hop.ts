import { type Server, type Socket, createConnection, createServer } from 'node:net';
import { Worker } from 'node:worker_threads';

/**
 * A TCP hop between the gateway and a backend that holds every answer chunk for
 * `delayUs` microseconds: a slower candidate for the gate-quality benchmark.
 * Sleeps, never polls (polling would burn the CPU the gateway needs on a 2-core
 * machine). A sleep ends late on a busy machine, so the benchmark reports the
 * slowdown it measured, not only the one it asked for. Loopback only.
 */
export class DelayHop {
  /** Added latency, µs; can change between measurements. */
  delayUs = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly queue: Array<{ due: number; socket: Socket; chunk: Buffer }> = [];
  private waiting = false;
  private readonly timer = sleeper();

  /** The backend answers come from; set once the gateway config names it. */
  backendPort = 0;

  private constructor() {
    this.server = createServer((client) => this.connect(client));
    this.timer.on('message', () => this.release());
  }

  /** Listens on a free loopback port; set `backendPort` before traffic comes. */
  static async start(): Promise<{ hop: DelayHop; port: number }> {
    const hop = new DelayHop();
    await new Promise<void>((resolve, reject) => {
      hop.server.once('error', reject);
      hop.server.listen(0, '127.0.0.1', resolve);
    });
    const address = hop.server.address();
    if (address === null || typeof address === 'string') throw new Error('delay hop: no port');
    return { hop, port: address.port };
  }

  close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    void this.timer.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private connect(client: Socket): void {
    const backend = createConnection({ host: '127.0.0.1', port: this.backendPort });
    for (const socket of [client, backend]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        backend.destroy();
      });
    }
    client.on('data', (chunk) => backend.write(chunk));
    backend.on('data', (chunk) => this.hold(client, chunk));
  }

  private hold(socket: Socket, chunk: Buffer): void {
    if (this.delayUs === 0) {
      socket.write(chunk);
      return;
    }
    this.queue.push({ due: performance.now() + this.delayUs / 1000, socket, chunk });
    if (!this.waiting) this.release();
  }

  /** Writes what is due (the delay is the same for all, so the queue is in due order), then sleeps until the next. */
  private release(): void {
    this.waiting = false;
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.due <= now) {
      const { socket, chunk } = this.queue.shift()!;
      if (!socket.destroyed) socket.write(chunk);
    }
    const next = this.queue[0];
    if (!next) return;
    this.waiting = true;
    this.timer.postMessage(next.due - now);
  }
}

/**
 * A thread that answers each message (a delay in ms) after that long. Node's
 * setTimeout truncates to whole milliseconds, so a 0.12 ms hold became 1 ms and
 * every small slowdown of a 2 ms backend the same +50 %; Atomics.wait takes
 * fractional milliseconds, and sleeping in its own thread blocks nothing.
 */
function sleeper(): Worker {
  const source = `
    const { parentPort } = require('node:worker_threads');
    const cell = new Int32Array(new SharedArrayBuffer(4));
    parentPort.on('message', (ms) => {
      if (ms > 0) Atomics.wait(cell, 0, 0, ms);
      parentPort.postMessage(0);
    });`;
  const worker = new Worker(source, { eval: true });
  worker.unref();
  return worker;
}
