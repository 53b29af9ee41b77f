import type { Handling } from './annotation-vocabulary.ts';
import type { Directive } from './nginx-snippet.ts';

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

/** Variables a cross-site WebSocket guard reads: the upgrade, and the browser's Sec-Fetch-Site. */
const guardVariables = ['$http_upgrade', '$http_sec_fetch_site'];

/**
 * Classes a snippet's directives. `set` and `if` directives are read together: when
 * they amount to Sealos' terminal guard (a WebSocket upgrade whose Sec-Fetch-Site is
 * not same-origin/same-site gets 403: labring/sealos controllers/terminal/controllers/
 * ingress.go `safeConfigurationSnippet`, or meshgate's own one-`if` form), they are
 * the translated guard route; otherwise each is not understood.
 */
export function classifyDirectives(directives: readonly Directive[]): ClassedDirective[] {
  const conditionals = directives.filter((directive) => directive.name === 'set' || directive.name === 'if');
  const classed: ClassedDirective[] = [];
  if (conditionals.length > 0 && isWebSocketGuard(conditionals)) {
    classed.push({ text: conditionals.map(render).join(' '), handling: { translated: 'a route answering 403 to cross-site WebSocket upgrades (withoutHeaders on Sec-Fetch-Site)' } });
  } else {
    classed.push(...conditionals.map((directive) => ({ text: render(directive), handling: undefined })));
  }
  for (const directive of directives) {
    if (directive.name === 'set' || directive.name === 'if') continue;
    classed.push({ text: render(directive), handling: directive.block ? undefined : directiveHandling[directive.name] });
  }
  return classed;
}

function isWebSocketGuard(conditionals: readonly Directive[]): boolean {
  const text = conditionals.map(render).join(' ');
  const refusals = conditionals.filter((directive) => directive.name === 'if' && directive.block?.length === 1 && directive.block[0]!.name === 'return' && directive.block[0]!.args[0] === '403');
  return refusals.length === 1 && guardVariables.every((variable) => text.includes(variable)) && /same-/.test(text);
}

/** A directive as one line of nginx configuration, for the report. */
export function render(directive: Directive): string {
  const head = [directive.name, ...directive.args.map((arg) => (/[\s;{}]/.test(arg) ? JSON.stringify(arg) : arg))].join(' ');
  return directive.block ? `${head} { ${directive.block.map(render).join(' ')} }` : `${head};`;
}
