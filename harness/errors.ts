/**
 * Errors the harness raises when it cannot do its job. Each has a stable `code`
 * that scripts can match on; all of them map to exit code 2. Expected outcomes
 * (a case skipped, a feature not supported) are results, never exceptions.
 */
export class MeshgateError extends Error {
  /** Process exit code for this error: 2, "the harness could not do its job". */
  readonly exitCode = 2;
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line was wrong: unknown suite, bad flag value. */
export class UsageError extends MeshgateError {
  constructor(message: string) {
    super('E_USAGE', message);
  }
}

/** A scenario, target or baseline file is missing or invalid. */
export class InputFileError extends MeshgateError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('E_INPUT', `${file}: ${message}`, options);
  }
}

/** An environment could not start (port taken, nginx missing, process died). */
export class EnvironmentError extends MeshgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_ENVIRONMENT', message, options);
  }
}

/**
 * A named wait ran out of time; the message says what was awaited, on what, for
 * how long, and which flag or environment variable raises the limit (when there is one).
 */
export class WaitTimeoutError extends MeshgateError {
  constructor(what: string, resource: string, timeoutMs: number, lastError?: unknown, raiseWith?: string) {
    const last = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
    const raise = raiseWith ? `; on a slow or busy machine raise it with ${raiseWith}` : '';
    super('E_WAIT_TIMEOUT', `timed out after ${timeoutMs} ms waiting for ${what} (${resource})${last}${raise}`, {
      cause: lastError,
    });
  }
}

/** Metrics could not be pushed (Pushgateway unreachable or refusing them). */
export class MetricsPushError extends MeshgateError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_METRICS_PUSH', message, options);
  }
}

/** The run was stopped by SIGINT or SIGTERM. */
export class InterruptedError extends MeshgateError {
  constructor(readonly signal: NodeJS.Signals) {
    super('E_INTERRUPTED', `interrupted by ${signal}`);
  }
}

/** Message of an unknown thrown value, for logs and reports. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
