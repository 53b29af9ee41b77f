import type { SuiteCatalogue } from '../suite/catalogue.ts';

/** Where the CLI writes: the process's stdout and stderr, or a caller's capture (tests run the CLI in-process). */
export interface CliOutput {
  /** Results a script reads: target paths, --list, manifests, JSON documents. */
  stdout: (text: string) => void;
  /** Progress, messages and errors. */
  stderr: (text: string) => void;
}

/** The process's own streams. */
export const processOutput: CliOutput = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** What every command gets from main: where to log, the interrupt signal, where to put its exit code, and the content to run. */
export interface CommandContext {
  /** Loads the suites (bin/meshgate.js passes them in: the harness never imports suites/). */
  catalogue: () => Promise<SuiteCatalogue>;
  log: (line: string) => void;
  /** Writes `text` as is to stdout (the CLI's output, not its progress). */
  print: (text: string) => void;
  signal: AbortSignal;
  exitCode: number;
  /**
   * `--json`: prints one JSON document on stdout. main prints an error document
   * instead when the command ends (exit 2 included) without having printed one.
   */
  printJson: (document: object) => void;
  /** Set by a command that notifies: main calls it when the command ends with exit 2 before a verdict was sent. */
  notifyFailure?: (error: { code: string; message: string }) => Promise<unknown>;
}
