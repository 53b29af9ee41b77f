/**
 * SIGINT and SIGTERM abort the current command instead of killing the process, so
 * it can stop what it started and write an "interrupted" report. A second signal
 * while that cleanup runs is ignored: leaving nginx behind is worse than waiting
 * the few seconds the stop timeouts allow.
 */
export function interruptSignal(log: (line: string) => void): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      log(`meshgate: ${name} again; still stopping what was started`);
      return;
    }
    log(`meshgate: ${name} received, stopping what was started`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
