import type { ChildProcess } from '../process/child-process.ts';

/**
 * What an environment started, registered the moment it exists and released in
 * reverse order: nginx before its backends, tenant namespaces before the cluster,
 * everything before the folder it writes to. Consecutive processes stop together.
 * Every release runs even when one fails; the first failure is rethrown at the end.
 */
export class Resources {
  private readonly entries: Array<{ release: () => Promise<unknown>; process: boolean }> = [];
  private released: Promise<void> | undefined;

  add(release: () => Promise<unknown>): void {
    this.entries.push({ release, process: false });
  }

  addProcess(child: ChildProcess): void {
    this.entries.push({ release: () => child.stop(), process: true });
  }

  release(): Promise<void> {
    this.released ??= (async () => {
      const failures: unknown[] = [];
      const entries = this.entries.splice(0).reverse();
      for (let index = 0; index < entries.length; ) {
        let end = index + 1;
        while (entries[index]!.process && entries[end]?.process) end++;
        const outcomes = await Promise.allSettled(entries.slice(index, end).map((entry) => entry.release()));
        for (const outcome of outcomes) if (outcome.status === 'rejected') failures.push(outcome.reason);
        index = end;
      }
      if (failures.length > 0) throw failures[0];
    })();
    return this.released;
  }
}
