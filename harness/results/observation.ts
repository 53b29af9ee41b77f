// What a case expected and observed, and the known difference it followed: data the
// cases write and the gate and reports read (harness/suite/ compares them).

/** What one probe of the gateway observed. Header names are lower-case. */
export interface Observation {
  /** HTTP status (101 for a WebSocket upgrade); for gRPC, the gRPC status code. */
  status?: number;
  headers?: Record<string, string | undefined>;
  /** `<namespace>/<app>` of the backend that answered, or null when none did. */
  backend?: string | null;
  /** Error code when the exchange failed (a TLS alert, a reset, a timeout), or null. */
  error?: string | null;
  /** Protocol facts the case checks (negotiated ALPN, echo intact, ...). */
  details?: Record<string, string | number | boolean | null>;
}

/** A header must equal a value, match a pattern, contain a token, be present, or be absent. */
export type HeaderExpectation = { equals: string } | { matches: string } | { contains: string } | { present: true } | { absent: true };

export interface Expectation {
  status?: number | number[];
  headers?: Record<string, HeaderExpectation>;
  /** Expected backend identity; null means the request must reach no backend at all. */
  backend?: string | null;
  /** Expected error code pattern; null means the exchange must not fail. */
  error?: string | null;
  details?: Record<string, string | number | boolean | null>;
}

/** How a cutover treats a difference between ingress-nginx and Istio. */
export const differenceClasses = ['translated', 'accepted-gap', 'blocking-gap'] as const;
export type DifferenceClass = (typeof differenceClasses)[number];

/** What a case result records about a known difference: applied, and whether the gateway showed it. */
export interface DifferenceNote {
  id: string;
  classification: DifferenceClass;
  /** True when the observation departs from ingress-nginx's expectation: the difference was seen on this run. */
  seen?: boolean;
}
