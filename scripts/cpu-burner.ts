// A CPU-burning neighbour for benchmarks and stress runs: one busy process per
// core, each ending by itself after `maxSeconds` even if nobody stops it.
import { type ResultPromise, execa } from 'execa';

/** Starts `cores` busy loops for at most `maxSeconds`; `stop()` ends them sooner. */
export function startCpuBurner(cores: number, maxSeconds: number): { stop: () => Promise<void> } {
  const loop = `const end = Date.now() + ${Math.round(maxSeconds * 1000)}; let x = 0; while (Date.now() < end) x++;`;
  const burners: ResultPromise[] = Array.from({ length: cores }, () => execa(process.execPath, ['-e', loop], { reject: false, cleanup: true, stdio: 'ignore' }));
  return {
    async stop() {
      for (const burner of burners) burner.kill('SIGKILL');
      await Promise.all(burners);
    },
  };
}
