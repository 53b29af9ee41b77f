/**
 * Every timeout and polling interval the harness uses, in one place.
 * All values are milliseconds. Raise them with care: each one bounds how long a
 * broken environment can keep a CI job waiting.
 */
export const timeouts = {
  /** A fixture process prints its ready line (ports bound, gRPC server started). */
  fixtureReadyMs: 15_000,
  /** nginx writes its pid file and answers on its HTTP port. */
  nginxReadyMs: 10_000,
  /** A process asked to stop (SIGTERM) must exit before it is killed (SIGKILL). */
  processStopMs: 5_000,
  /** One request or connection attempt made by a case. */
  requestMs: 5_000,
  /** A case's expectation must hold N consecutive times within this time. */
  convergenceMs: 15_000,
  /** Pause between two attempts of a converging check. */
  convergencePollMs: 100,
  /** `meshgate up` waits this long for its background environment to be ready. */
  upReadyMs: 60_000,
} as const;

/** How many consecutive matching observations make a check converged. */
export const convergenceSuccesses = 3;
