// WebSocket message round trips through nginx to the echo fixture: a minimal `ws` loop and meshgate's engine.
import { fileURLToPath } from 'node:url';
import { type Figures, type Load, type Tool, meshgate, runPinned } from './bench-tools.ts';
import { benchHost } from './bench-target.ts';

const reference = fileURLToPath(new URL('./bench-websocket-reference.ts', import.meta.url));

/** The tools, the reference loop first (the ratios are to it). */
export function websocketTools(load: Load): Tool[] {
  return [() => wsLoop(load), () => meshgate('websocket', load)];
}

async function wsLoop({ gateway, concurrency, seconds }: Load): Promise<Figures> {
  const url = `ws://${gateway.address}:${gateway.httpPort}/ws`;
  const stdout = await runPinned(process.execPath, ['--import', import.meta.resolve('tsx'), reference, url, benchHost, String(concurrency), String(seconds)]);
  const result = JSON.parse(stdout) as Omit<Figures, 'tool' | 'method'>;
  return { tool: 'ws 8 minimal loop', ...result, method: 'raw, every message; checks the echo only' };
}
