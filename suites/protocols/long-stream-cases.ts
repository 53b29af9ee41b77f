import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeResponseStreaming } from '../../harness/suite/http1-probes.ts';
import { probeGrpcServerStream } from '../../harness/suite/stream-probes.ts';
import { type SchemeSubject, appsOfKind, httpApps, overSchemes, schemeSubjectName } from '../../harness/suite/subjects.ts';

/**
 * A response that keeps sending for longer than the app's read timeout must live on:
 * ingress-nginx bounds only the gap between two reads from the backend (proxy_read_timeout,
 * grpc_read_timeout: nginx.tmpl 1335, 1361), whereas a route timeout that bounds the whole
 * response (a VirtualService `timeout`) cuts SSE, downloads and gRPC streams.
 */

/** Apps whose read timeout is short enough to outlive in a test, in seconds. */
const waitableTimeoutSeconds = 10;
/** The stream lasts this many read timeouts, so it clearly outlives one. */
const streamTimeouts = 1.5;
/** Gaps between two writes: a quarter of the read timeout, well within it. */
const gapsPerTimeout = 4;

/** Writes and the gap between them (ms) for a stream that outlives `app`'s read timeout while data keeps flowing. */
function outliving(app: ResolvedApp): { count: number; intervalMs: number } {
  const intervalMs = (app.timeouts.readSeconds * 1000) / gapsPerTimeout;
  return { count: Math.ceil(streamTimeouts * gapsPerTimeout) + 1, intervalMs };
}

const waitable = (app: ResolvedApp) => app.timeouts.readSeconds <= waitableTimeoutSeconds;

export const longStreamCases = [
  defineCase<SchemeSubject>({
    id: 'long-download-outlives-read-timeout',
    covers: ['timeouts.readSeconds'],
    description: `A chunked download that keeps sending (a line every quarter of the app's read timeout) for ${streamTimeouts} read timeouts arrives whole and streamed, on every listener.`,
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target).filter(waitable)),
    subjectName: schemeSubjectName,
    // One observation is seconds of lines arriving in time: it is its own repetition.
    convergence: { successes: 1 },
    expect: ({ app }) => ({ status: 200, error: null, details: { lines: outliving(app).count, streamed: true } }),
    probe: ({ app, scheme }, { gateway }) => {
      const { count, intervalMs } = outliving(app);
      return probeResponseStreaming(gateway, scheme, app.host, count, intervalMs);
    },
  }),
  defineCase({
    id: 'long-grpc-stream-outlives-read-timeout',
    covers: ['timeouts.readSeconds'],
    description: `A gRPC server stream that keeps replying (every quarter of the app's read timeout) for ${streamTimeouts} read timeouts delivers every reply and ends OK.`,
    features: ['grpc', 'tls'],
    subjects: (target) => appsOfKind(target, 'grpc').filter((app) => app.tls !== null && waitable(app)),
    convergence: { successes: 1 },
    expect: (app) => {
      const { count } = outliving(app);
      return { status: 0, backend: app.id, error: null, details: { replies: count, indexes: Array.from({ length: count }, (_, index) => index).join(','), messageEcho: true } };
    },
    probe: (app, { gateway }) => {
      const { count, intervalMs } = outliving(app);
      return probeGrpcServerStream(gateway, { host: app.host }, count, intervalMs);
    },
  }),
];
