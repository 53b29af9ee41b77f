/** What every command gets from main: where to log, the interrupt signal, and where to put its exit code. */
export interface CommandContext {
  log: (line: string) => void;
  signal: AbortSignal;
  exitCode: number;
}
