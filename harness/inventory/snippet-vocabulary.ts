import type { Handling } from './annotation-vocabulary.ts';
import { webSocketGuardLines } from '../kubernetes/ingress-annotations.ts';
import { type Directive, parseSnippet } from './nginx-snippet.ts';

/** One directive (or a group that only makes sense together) and what the translation does with it. */
export interface ClassedDirective {
  text: string;
  handling: Handling | undefined;
}

/**
 * Directives the translation carries as route header rules (harness/kubernetes
 * virtual-service.ts: headers.request / headers.response), as ingress-annotations.ts
 * writes them; an `if` never counts: nginx keeps only the last matching `if` block's
 * headers, which the Istio route cannot reproduce.
 */
const directiveHandling: Readonly<Record<string, Handling>> = {
  proxy_set_header: { translated: 'headers.request.set (an empty value: headers.request.remove)' },
  grpc_set_header: { translated: 'headers.request.set (an empty value: headers.request.remove)' },
  more_set_headers: { translated: 'headers.response.set' },
  add_header: { translated: 'headers.response.set' },
  more_clear_headers: { translated: 'headers.response.remove' },
  proxy_hide_header: { translated: 'headers.response.remove' },
  grpc_hide_header: { translated: 'headers.response.remove' },
  client_header_buffer_size: { difference: "Envoy's request header limit is per listener (60 KiB by default), not per host", row: 'large-header-default-buffers' },
  large_client_header_buffers: { difference: "Envoy's request header limit is per listener (60 KiB by default), not per host", row: 'large-header-default-buffers' },
};

/** The guard as the translation's own Ingresses write it (ingress-annotations.ts), as directives. */
const guard = parseSnippet(webSocketGuardLines.join('\n')).map(render).join(' ');

/** Whether a snippet's `set` and `if` directives are exactly the cross-site WebSocket guard. */
export function isWebSocketGuard(conditionals: readonly Directive[]): boolean {
  return conditionals.length > 0 && conditionals.map(render).join(' ') === guard;
}

/** nginx's add_header without `always` adds to 200, 201, 204, 206, 301-304, 307 and 308 only (ngx_http_headers_filter_module); a route's response header goes on every answer. */
const addHeaderOn2xx3xx: Handling = { difference: 'the translation adds the header to every answer; nginx (add_header without always) to 2xx and 3xx answers only' };

/**
 * Classes a snippet's directives. `set` and `if` directives are read together: when they
 * are the cross-site WebSocket guard, they are the translated guard route; otherwise each
 * is not understood. Sealos' terminal snippet (labring/sealos controllers/terminal/
 * controllers/ingress.go `safeConfigurationSnippet`) is not that guard, whatever its
 * intent: it appends `1` to `$flag` for an upgrade and `2` for a request not same-site,
 * and refuses `$flag = '02'`, so nginx answers 403 to a cross-site request that is NOT an
 * upgrade (and to any without Sec-Fetch-Site), and lets a cross-site upgrade (`012`) through.
 */
export function classifyDirectives(directives: readonly Directive[]): ClassedDirective[] {
  const conditionals = directives.filter((directive) => directive.name === 'set' || directive.name === 'if');
  const classed: ClassedDirective[] = [];
  if (isWebSocketGuard(conditionals)) {
    classed.push({ text: conditionals.map(render).join(' '), handling: { translated: 'a route answering 403 to cross-site WebSocket upgrades (withoutHeaders on Sec-Fetch-Site)' } });
  } else {
    classed.push(...conditionals.map((directive) => ({ text: render(directive), handling: undefined })));
  }
  for (const directive of directives) {
    if (directive.name === 'set' || directive.name === 'if') continue;
    const handling = directive.block ? undefined : directive.name === 'add_header' && directive.args.at(-1) !== 'always' ? addHeaderOn2xx3xx : directiveHandling[directive.name];
    // A header rule whose value nginx builds from variables ($host, $remote_addr) has no literal to translate.
    const variable = handling !== undefined && !('gap' in handling) && directive.args.some((arg) => arg.includes('$'));
    classed.push({ text: render(directive), handling: variable ? { gap: 'the value is built from nginx variables; the translation writes literal header values only' } : handling });
  }
  return classed;
}

/** A directive as one line of nginx configuration, for the report. */
export function render(directive: Directive): string {
  const head = [directive.name, ...directive.args.map((arg) => (/[\s;{}]/.test(arg) ? JSON.stringify(arg) : arg))].join(' ');
  return directive.block ? `${head} { ${directive.block.map(render).join(' ')} }` : `${head};`;
}
