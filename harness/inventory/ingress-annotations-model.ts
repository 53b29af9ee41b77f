import { ingressNginxTimeouts } from '../scenario/kind-defaults.ts';
import { type AppInput, type AppKind, corsSchema, sizeString } from '../scenario/schema.ts';
import type { IngressObject } from './ingress-objects.ts';
import { parseSnippet, SnippetSyntaxError } from './nginx-snippet.ts';
import { render } from './snippet-vocabulary.ts';
import { snippetRules } from './snippet-rules.ts';

/** One annotation (or one directive of a snippet annotation) the scenario model does not carry. */
export interface AnnotationNotCarried {
  /** The annotation's name without `nginx.ingress.kubernetes.io/`. */
  annotation: string;
  /** The directive as inventory renders it, for a snippet's directive. */
  directive?: string;
  reason: string;
  /**
   * Set where the model drops a setting that inventory's vocabulary counts as translated (a value it
   * cannot carry): the item then blocks whatever inventory says of the annotation in general.
   */
  blocks?: true;
}

/** What an Ingress's annotations make of its app, and what they leave out. */
export interface AnnotationModel {
  kind: AppKind;
  settings: Pick<AppInput, 'sslRedirect' | 'bodySize' | 'timeouts' | 'cors' | 'requestHeaders' | 'responseHeaders' | 'webSocketGuard' | 'hsts'>;
  /** HTTP apps only: whether the Ingress has the launchpad's whole buffer set, which the model gives every HTTP app. */
  launchpadBuffers: boolean;
  notCarried: AnnotationNotCarried[];
}

const prefix = 'nginx.ingress.kubernetes.io/';
/** ingress-nginx's default proxy-body-size (internal/ingress/controller/config/config.go NewDefault: ProxyBodySize "1m"). */
const ingressNginxBodySize = '1m';
const timeoutNames = { connectSeconds: 'proxy-connect-timeout', sendSeconds: 'proxy-send-timeout', readSeconds: 'proxy-read-timeout' } as const;
const corsNames = ['cors-allow-origin', 'cors-allow-methods', 'cors-allow-headers', 'cors-allow-credentials', 'cors-max-age'];
const bufferNames = ['client-body-buffer-size', 'proxy-buffer-size', 'server-snippet'];
/** The launchpad's HTTP buffer set (ingress-annotations.ts sealosBufferAnnotations and sealosHeaderBufferSnippet). */
const launchpadBufferDirectives = ['client_header_buffer_size 64k;', 'large_client_header_buffers 4 128k;'];

/**
 * Reads an Ingress's ingress-nginx annotations into the scenario model's settings
 * (the vocabulary ingress-annotations.ts writes). Every annotation the model does not
 * carry is named, with why; annotations outside ingress-nginx's prefix are not read.
 */
export function annotationModel(ingress: IngressObject): AnnotationModel {
  const value = (name: string) => ingress.annotations[`${prefix}${name}`]?.trim();
  const notCarried: AnnotationNotCarried[] = [];
  const skip: Skip = (annotation, reason, blocks) => notCarried.push({ annotation, reason, ...(blocks ? { blocks } : {}) });
  const kind = backendKind(value('backend-protocol'), skip);
  const snippet = value('configuration-snippet');
  const rules = snippet === undefined ? null : snippetRules(snippet);
  if (snippet !== undefined && rules === null) skip('configuration-snippet', 'nginx would refuse this snippet');
  for (const item of rules?.notCarried ?? []) notCarried.push({ annotation: 'configuration-snippet', ...item });
  const launchpadBuffers = kind === 'web' && hasLaunchpadBuffers(value);
  if (!launchpadBuffers) bufferItems(value, kind, notCarried);
  const settings: AnnotationModel['settings'] = {
    sslRedirect: readSslRedirect(value('ssl-redirect'), skip),
    bodySize: readBodySize(value('proxy-body-size'), skip),
    timeouts: readTimeouts(value, skip),
    ...readCors(value, skip),
    ...(rules ? { requestHeaders: rules.requestHeaders, responseHeaders: rules.responseHeaders, webSocketGuard: rules.webSocketGuard, ...(rules.hsts ? { hsts: rules.hsts } : {}) } : {}),
  };
  const read = new Set(['backend-protocol', 'configuration-snippet', 'ssl-redirect', 'proxy-body-size', 'enable-cors', ...corsNames, ...bufferNames, ...Object.values(timeoutNames)]);
  for (const name of Object.keys(ingress.annotations)) {
    if (name.startsWith(prefix) && !read.has(name.slice(prefix.length))) skip(name.slice(prefix.length), 'the scenario model has no such setting');
  }
  return { kind, settings, launchpadBuffers, notCarried };
}

type Skip = (annotation: string, reason: string, blocks?: true) => void;

/** HTTP, GRPC and WS as the launchpad writes them; ingress-nginx's default is HTTP. */
function backendKind(protocol: string | undefined, skip: Skip): AppKind {
  const upper = (protocol ?? 'HTTP').toUpperCase();
  if (upper === 'GRPC') return 'grpc';
  if (upper === 'WS') return 'ws';
  if (upper !== 'HTTP') skip('backend-protocol', `${protocol}: the model speaks HTTP, gRPC and WebSocket to backends only (served as HTTP)`);
  return 'web';
}

function hasLaunchpadBuffers(value: (name: string) => string | undefined): boolean {
  if (value('client-body-buffer-size') !== '64k' || value('proxy-buffer-size') !== '64k') return false;
  try {
    return parseSnippet(value('server-snippet') ?? '').map(render).join(' ') === launchpadBufferDirectives.join(' ');
  } catch (error) {
    if (error instanceof SnippetSyntaxError) return false;
    throw error;
  }
}

/** Buffer annotations outside the launchpad's whole set: the model carries that set (HTTP apps) or none (gRPC, WebSocket). */
function bufferItems(value: (name: string) => string | undefined, kind: AppKind, notCarried: AnnotationNotCarried[]): void {
  const reason = kind === 'web' ? "the model carries buffer sizes only as the launchpad's whole set (64k body, 64k proxy, 64k / 4 x 128k headers)" : 'the model gives gRPC and WebSocket apps ingress-nginx\'s default buffers';
  for (const name of ['client-body-buffer-size', 'proxy-buffer-size']) if (value(name) !== undefined) notCarried.push({ annotation: name, reason });
  const snippet = value('server-snippet');
  if (snippet === undefined) return;
  try {
    for (const directive of parseSnippet(snippet)) notCarried.push({ annotation: 'server-snippet', directive: render(directive), reason });
  } catch (error) {
    if (!(error instanceof SnippetSyntaxError)) throw error;
    notCarried.push({ annotation: 'server-snippet', reason: 'nginx would refuse this snippet' });
  }
}

function readSslRedirect(value: string | undefined, skip: Skip): boolean | undefined {
  if (value === undefined || value === 'true') return undefined;
  if (value === 'false') return false;
  skip('ssl-redirect', `${value}: neither "true" nor "false"`);
  return undefined;
}

function readBodySize(value: string | undefined, skip: Skip): string {
  if (value !== undefined && sizeString.safeParse(value).success && !/^0+[kmg]?$/i.test(value)) return value;
  // 0 turns nginx's check off; the model always has a limit.
  if (value !== undefined) skip('proxy-body-size', `${value}: not a size the model carries (a positive size such as 64k, 32m, 3g)`, true);
  return ingressNginxBodySize;
}

function readTimeouts(value: (name: string) => string | undefined, skip: Skip): NonNullable<AppInput['timeouts']> {
  const timeouts: Record<keyof typeof timeoutNames, number> = { ...ingressNginxTimeouts };
  for (const [field, name] of Object.entries(timeoutNames) as Array<[keyof typeof timeoutNames, string]>) {
    const text = value(name);
    if (text === undefined) continue;
    if (/^[1-9][0-9]*$/.test(text)) timeouts[field] = Number(text);
    else skip(name, `${text}: not a whole number of seconds`, true);
  }
  return timeouts;
}

/** enable-cors with its cors-* values; ingress-nginx reads cors-* only when enable-cors is "true" (annotations/cors/main.go). */
function readCors(value: (name: string) => string | undefined, skip: Skip): Pick<AppInput, 'cors'> {
  if (value('enable-cors') !== 'true') return {};
  const list = (name: string) => value(name)?.split(',').map((part) => part.trim()).filter(Boolean);
  const origins = list('cors-allow-origin');
  if (origins === undefined || origins.includes('*')) {
    skip('enable-cors', 'every origin (*), ingress-nginx\'s default: the model carries listed origins only', true);
    return {};
  }
  const credentials = value('cors-allow-credentials');
  const maxAge = value('cors-max-age');
  const input = {
    allowOrigins: origins,
    allowMethods: list('cors-allow-methods')?.map((method) => method.toUpperCase()) ?? undefined,
    allowHeaders: list('cors-allow-headers'),
    ...(credentials === undefined ? {} : { allowCredentials: credentials === 'true' }),
    ...(maxAge === undefined ? {} : { maxAgeSeconds: Number(maxAge) }),
  };
  const parsed = corsSchema.safeParse(input);
  if (!parsed.success) {
    skip('enable-cors', `the CORS values do not fit the model: ${parsed.error.issues[0]!.message}`, true);
    return {};
  }
  return { cors: parsed.data };
}
