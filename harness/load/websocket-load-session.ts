import type WebSocket from 'ws';
import { openWebSocket } from '../suite/probes.ts';
import { ExchangeWatchdog } from './exchange-watchdog.ts';
import type { LoadSession, LoadTarget, Outcome } from './load-session.ts';

/**
 * One WebSocket carrying message round trips: each exchange sends `message` as a
 * binary message and waits for its echo. Listeners are set once and the timeout
 * is a watchdog tick, not a promise, listener pair and timer per message. The
 * upgrade answer names the backend; every message on a socket to the wrong one
 * is a mismatch. After a timeout the socket is closed: later echoes would be out of step.
 */
export class WebSocketLoadSession implements LoadSession {
  private readonly socket: WebSocket;
  private state: 'opening' | 'open' | 'closed' = 'opening';
  private rightBackend: boolean;
  private pending: ((outcome: Outcome) => void) | undefined;
  private readonly watchdog: ExchangeWatchdog;

  constructor(
    target: LoadTarget,
    private readonly message: Buffer,
    timeoutMs: number,
  ) {
    this.rightBackend = target.expectBackend === undefined;
    this.socket = openWebSocket(target.gateway, { scheme: target.scheme === 'https' ? 'wss' : 'ws', host: target.host, path: target.path });
    this.socket.on('error', () => undefined);
    this.socket.once('upgrade', (response) => {
      this.rightBackend ||= String(response.headers['x-echo-backend'] ?? '').startsWith(`${target.expectBackend}/`);
    });
    this.socket.once('open', () => {
      this.state = 'open';
      if (this.pending) this.send();
    });
    this.socket.on('message', (data: Buffer, binary: boolean) => this.settle(binary && data.equals(this.message) ? 'ok' : 'mismatch'));
    this.socket.once('close', () => {
      this.state = 'closed';
      this.settle('error');
    });
    this.watchdog = new ExchangeWatchdog(timeoutMs, () => {
      this.settle('timeout');
      this.socket.terminate();
    });
  }

  exchange(done: (outcome: Outcome) => void): void {
    this.pending = done;
    this.watchdog.begin();
    // A closed socket fails at once; the pause keeps a session without a socket from spinning.
    if (this.state === 'closed') setImmediate(() => this.settle('error'));
    else if (this.state === 'open') this.send();
  }

  close(): void {
    this.watchdog.stop();
    this.pending = undefined;
    this.socket.terminate();
  }

  private send(): void {
    if (this.rightBackend) this.socket.send(this.message, { binary: true });
    else setImmediate(() => this.settle('mismatch'));
  }

  private settle(outcome: Outcome): void {
    const pending = this.pending;
    this.pending = undefined;
    this.watchdog.end();
    pending?.(outcome);
  }
}
