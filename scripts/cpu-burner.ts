// A CPU-burning neighbour for benchmarks and stress runs: one busy process per
// core, each ending by itself after `maxSeconds` even if nobody stops it.
import { type ResultPromise, execa } from 'execa';
import { pinnedCommand } from '../harness/process/cpu-pinning.ts';

/**
 * Starts busy loops for at most `maxSeconds`: `cores` unpinned ones (the scheduler
 * spreads them), or one pinned to each core of a list. `stop()` ends them sooner.
 */
export function startCpuBurner(cores: number | string[], maxSeconds: number): { stop: () => Promise<void> } {
  const loop = `const end = Date.now() + ${Math.round(maxSeconds * 1000)}; let x = 0; while (Date.now() < end) x++;`;
  const pins = typeof cores === 'number' ? Array.from({ length: cores }, () => undefined) : cores;
  const burners: ResultPromise[] = pins.map((core) => execa(...pinnedCommand(core, process.execPath, ['-e', loop]), { reject: false, cleanup: true, stdio: 'ignore' }));
  return {
    async stop() {
      for (const burner of burners) burner.kill('SIGKILL');
      await Promise.all(burners);
    },
  };
}
