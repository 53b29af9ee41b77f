import { Readable } from 'node:stream';
import type { ResolvedApp } from '../../harness/scenario/resolve.ts';
import { defineCase } from '../../harness/suite/gateway-case.ts';
import { probeKeepAlive, probeResponseStreaming } from '../../harness/suite/http1-probes.ts';
import { probeHttp, probeRawHttp } from '../../harness/suite/probes.ts';
import { type SchemeSubject, httpApps, overSchemes, preferredScheme, schemeSubjectName } from '../../harness/suite/subjects.ts';
import type { GatewayAddress } from '../../harness/clients/http-client.ts';

/** Apps whose body limit is small enough to send in a test (the adminer's 256m is not). */
const sendableBodyBytes = 64 * 1024 * 1024;
/** Apps whose read timeout is short enough to wait out in a test. */
const waitableTimeoutSeconds = 10;
/** One header line of 32 KiB: over nginx's 1k default, within Sealos' 64k / 4 x 128k buffers. */
const largeHeaderBytes = 32 * 1024;
const chunkedUploadBytes = 256 * 1024;
/** More than loopback's socket buffers on both sides can hold, so a backend that stops reading blocks the gateway's send. */
const stalledBodyBytes = 16 * 1024 * 1024;

const methods = ['GET', 'PUT', 'PATCH', 'DELETE'];

/** The first app of each distinct body limit. */
function onePerLimit(apps: ResolvedApp[]): ResolvedApp[] {
  return [...new Map(apps.map((app) => [app.bodySizeBytes, app] as const).reverse()).values()].reverse();
}

/** An app, and whether its at-limit body is sent whole (one app per distinct limit) or only announced. */
interface BodySubject {
  app: ResolvedApp;
  whole: boolean;
}

/**
 * A POST that announces `bytes` with Content-Length and Expect: 100-continue and sends no byte of it; the
 * first answer is read: 100 Continue or a final status. nginx compares Content-Length with
 * client_max_body_size when it picks the location and answers 413 at once, marking Expect as answered
 * (src/http/ngx_http_core_module.c 985-998 at nginx release-1.22.1); within the limit the proxy starts
 * reading the body and ngx_http_test_expect sends "HTTP/1.1 100 Continue" (ngx_http_request_body.c 51, 913-956).
 * So both sides of a 32 MiB limit cost one request head each.
 */
function probeAnnouncedBody(gateway: GatewayAddress, scheme: 'http' | 'https', app: ResolvedApp, bytes: number) {
  const head = [`POST /upload HTTP/1.1`, `Host: ${app.host}`, 'Connection: close', `Content-Length: ${bytes}`, 'Expect: 100-continue', '', ''].join('\r\n');
  return probeRawHttp(gateway, { scheme, servername: app.host, request: head });
}

async function probeWholeBody(gateway: GatewayAddress, app: ResolvedApp) {
  const observation = await probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, method: 'POST', body: Buffer.alloc(app.bodySizeBytes, 3), timeoutMs: 30_000 });
  return { ...observation, details: { bodyBytes: observation.echo?.bodyBytes ?? null } };
}

async function probeLargeHeader(gateway: GatewayAddress, scheme: 'http' | 'https', host: string) {
  const observation = await probeHttp(gateway, { scheme, host, headers: { 'x-large': 'a'.repeat(largeHeaderBytes) } });
  return { ...observation, details: { headerBytes: observation.echo?.headers['x-large']?.length ?? null } };
}

/** HTTP/1.1 behaviour through the gateway. */
export const http1Cases = [
  defineCase({
    id: 'http1-methods',
    description: `${methods.join(', ')} reach the backend with their method intact.`,
    features: ['http1'],
    subjects: httpApps,
    expect: () => ({ details: { methods: methods.join(',') } }),
    probe: async (app, { gateway }) => {
      const seen: string[] = [];
      for (const method of methods) seen.push((await probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, method })).echo?.method ?? 'none');
      return { details: { methods: seen.join(',') } };
    },
  }),
  defineCase({
    id: 'http1-status-passthrough',
    description: 'A backend status (418) reaches the client unchanged, with the backend identity.',
    features: ['http1'],
    subjects: httpApps,
    expect: (app) => ({ status: 418, backend: app.id }),
    probe: (app, { gateway }) => probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, path: '/?status=418' }),
  }),
  defineCase({
    id: 'http1-keepalive-reuse',
    description: 'Three sequential requests from one client are served on one kept-alive connection.',
    features: ['http1'],
    subjects: httpApps,
    expect: () => ({ error: null, details: { answered: 3, connections: 1 } }),
    probe: (app, { gateway }) => probeKeepAlive(gateway, preferredScheme(app), app.host, 3),
  }),
  defineCase({
    id: 'http1-chunked-upload',
    description: `A chunked upload without Content-Length (${chunkedUploadBytes / 1024} KiB) arrives whole.`,
    features: ['http1'],
    subjects: httpApps,
    expect: (app) => ({ status: 200, backend: app.id, details: { bodyBytes: chunkedUploadBytes } }),
    probe: async (app, { gateway }) => {
      const body = Readable.from(Array.from({ length: 16 }, () => Buffer.alloc(chunkedUploadBytes / 16, 2)));
      const observation = await probeHttp(gateway, { scheme: preferredScheme(app), host: app.host, method: 'POST', body });
      return { ...observation, details: { bodyBytes: observation.echo?.bodyBytes ?? null } };
    },
  }),
  defineCase({
    id: 'http1-response-streaming',
    description: 'A streamed response (4 lines, 300 ms apart) reaches the client as it is written, not buffered to the end.',
    features: ['http1'],
    subjects: httpApps,
    expect: () => ({ status: 200, details: { lines: 4, streamed: true } }),
    probe: (app, { gateway }) => probeResponseStreaming(gateway, preferredScheme(app), app.host, 4, 300),
    // One observation is a second of lines arriving in time: it is its own repetition.
    convergence: { successes: 1 },
  }),
  defineCase<SchemeSubject>({
    id: 'http1-large-request-header',
    description: `A ${largeHeaderBytes / 1024} KiB request header fits Sealos' raised header buffers (the launchpad's HTTP set) and reaches the backend, on every listener.`,
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target).filter((app) => app.sealosBuffers)),
    subjectName: schemeSubjectName,
    expect: ({ app }) => ({ status: 200, backend: app.id, details: { headerBytes: largeHeaderBytes } }),
    probe: ({ app, scheme }, { gateway }) => probeLargeHeader(gateway, scheme, app.host),
  }),
  defineCase<SchemeSubject>({
    id: 'http1-large-request-header-refused-at-defaults',
    description: `Apps without the HTTP set (the launchpad's WS and GRPC sets replace it) keep ingress-nginx's 4 x 8k header buffers: a ${largeHeaderBytes / 1024} KiB header gets 400 from the gateway.`,
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target).filter((app) => !app.sealosBuffers)),
    subjectName: schemeSubjectName,
    expect: () => ({ status: 400, backend: null }),
    probe: ({ app, scheme }, { gateway }) => probeLargeHeader(gateway, scheme, app.host),
  }),
  defineCase<BodySubject>({
    id: 'body-at-limit-accepted',
    covers: ['bodySize'],
    description:
      "Every app accepts a body exactly at its proxy-body-size. The request announces it with Expect: 100-continue and sends no byte: " +
      'the gateway must answer 100 Continue, not 413 (nginx checks the limit against Content-Length before it asks for the body). ' +
      'On one app per distinct limit the whole body is sent and must arrive intact (tens of MiB each).',
    features: ['http1'],
    subjects: (target) => {
      const apps = httpApps(target);
      const whole = new Set(onePerLimit(apps.filter((app) => app.bodySizeBytes <= sendableBodyBytes)));
      return apps.map((app) => ({ app, whole: whole.has(app) }));
    },
    subjectName: ({ app }) => app.id,
    convergence: { successes: 1 },
    weight: ({ whole }) => (whole ? 8 : 1),
    expect: ({ app, whole }) => (whole ? { status: 200, backend: app.id, details: { bodyBytes: app.bodySizeBytes } } : { status: 100, backend: null }),
    probe: ({ app, whole }, { gateway }) => (whole ? probeWholeBody(gateway, app) : probeAnnouncedBody(gateway, preferredScheme(app), app, app.bodySizeBytes)),
  }),
  defineCase<SchemeSubject>({
    id: 'body-over-limit-refused',
    covers: ['bodySize'],
    description: "A body declared one byte over the app's proxy-body-size is refused with 413 before it reaches the backend, on every listener.",
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target)),
    subjectName: schemeSubjectName,
    expect: () => ({ status: 413, backend: null }),
    probe: ({ app, scheme }, { gateway }) => probeAnnouncedBody(gateway, scheme, app, app.bodySizeBytes + 1),
  }),
  defineCase<SchemeSubject>({
    id: 'slow-backend-beyond-read-timeout-504',
    covers: ['timeouts.readSeconds'],
    sample: `apps whose read timeout is at most ${waitableTimeoutSeconds} s, short enough to wait out`,
    description: "A backend slower than the app's proxy-read-timeout gets a 504 from the gateway (the probe gives up long before ingress-nginx's 60 s default).",
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target).filter((app) => app.timeouts.readSeconds <= waitableTimeoutSeconds)),
    subjectName: schemeSubjectName,
    convergence: { successes: 1 },
    expect: () => ({ status: 504 }),
    probe: ({ app, scheme }, { gateway }) =>
      probeHttp(gateway, { scheme, host: app.host, path: `/?delay=${(app.timeouts.readSeconds + 1) * 1000}`, timeoutMs: (app.timeouts.readSeconds + 5) * 1000 }),
  }),
  defineCase<SchemeSubject>({
    id: 'slow-backend-within-read-timeout-200',
    covers: ['timeouts.readSeconds'],
    sample: `apps whose read timeout is at most ${waitableTimeoutSeconds} s, short enough to wait out`,
    description: "A backend that answers just within the app's proxy-read-timeout is served (200).",
    features: ['http1'],
    subjects: (target) => overSchemes(httpApps(target).filter((app) => app.timeouts.readSeconds <= waitableTimeoutSeconds)),
    subjectName: schemeSubjectName,
    convergence: { successes: 1 },
    expect: ({ app }) => ({ status: 200, backend: app.id }),
    probe: ({ app, scheme }, { gateway }) =>
      probeHttp(gateway, { scheme, host: app.host, path: `/?delay=${app.timeouts.readSeconds * 500}`, timeoutMs: (app.timeouts.readSeconds + 5) * 1000 }),
  }),
  defineCase<SchemeSubject>({
    id: 'stalled-backend-beyond-send-timeout-504',
    covers: ['timeouts.sendSeconds'],
    sample: `apps whose send timeout is at most ${waitableTimeoutSeconds} s and whose body limit holds ${stalledBodyBytes / 1024 / 1024} MiB`,
    description: `A backend that stops reading a ${stalledBodyBytes / 1024 / 1024} MiB upload gets the gateway's 504 after the app's proxy-send-timeout (the probe gives up long before ingress-nginx's 60 s default).`,
    features: ['http1'],
    subjects: (target) =>
      overSchemes(httpApps(target).filter((app) => app.timeouts.sendSeconds <= waitableTimeoutSeconds && app.bodySizeBytes >= stalledBodyBytes)),
    subjectName: schemeSubjectName,
    convergence: { successes: 1 },
    // Megabytes held in the gateway's buffers: a heavy case, a few at a time (no longer alone, which
    // made every other protocol case wait for its seconds of stall).
    weight: 8,
    expect: () => ({ status: 504, backend: null }),
    probe: ({ app, scheme }, { gateway }) =>
      probeHttp(gateway, {
        scheme,
        host: app.host,
        method: 'POST',
        path: `/?stall=${(app.timeouts.sendSeconds + 10) * 1000}`,
        body: Buffer.alloc(stalledBodyBytes, 4),
        timeoutMs: (app.timeouts.sendSeconds + 8) * 1000,
      }),
  }),
];
