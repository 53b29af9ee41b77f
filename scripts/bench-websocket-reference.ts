// The WebSocket reference client of `npm run bench`: the smallest loop the `ws`
// library allows (no promise, no timer per message), `concurrency` sockets each
// sending a 64-byte binary message and the next one as soon as its echo is back.
// Prints {"rps","p50Ms","p99Ms","failures"} as JSON; checks only that the echo is equal.
//   tsx scripts/bench-websocket-reference.ts <ws://host:port/path> <Host header> <concurrency> <seconds>
import WebSocket from 'ws';

const [url = '', host = '', concurrency = '50', seconds = '5'] = process.argv.slice(2);
const message = Buffer.alloc(64, 'm');
const start = performance.now() + 1000; // one second of warm-up, as the engine
const end = start + Number(seconds) * 1000;
const latencies: number[] = [];
let failures = 0;

await Promise.all(
  Array.from({ length: Number(concurrency) }, () =>
    new Promise<void>((resolve) => {
      const socket = new WebSocket(url, { headers: { host } });
      let sent = 0;
      const send = () => {
        sent = performance.now();
        if (sent >= end) return socket.close();
        socket.send(message);
      };
      socket.on('open', send);
      socket.on('message', (data: Buffer) => {
        const now = performance.now();
        if (now >= start) latencies.push(now - sent);
        if (!data.equals(message)) failures++;
        send();
      });
      socket.on('error', () => failures++);
      socket.on('close', () => resolve());
    }),
  ),
);
latencies.sort((a, b) => a - b);
const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((latencies.length * p) / 100))] ?? NaN;
process.stdout.write(`${JSON.stringify({ rps: latencies.length / Number(seconds), p50Ms: at(50), p99Ms: at(99), failures })}\n`);
