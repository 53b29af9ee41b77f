import type { HeaderRules } from '../scenario/resolve.ts';
import { type Directive, parseSnippet, SnippetSyntaxError } from './nginx-snippet.ts';
import { isWebSocketGuard, render } from './snippet-vocabulary.ts';

/** What the scenario model takes from a configuration-snippet: header rules and the WebSocket guard. */
export interface SnippetRules {
  requestHeaders: HeaderRules;
  responseHeaders: HeaderRules;
  webSocketGuard: boolean;
  /** Strict-Transport-Security set by the snippet (ingress-annotations.ts hstsSnippet writes an app's own so). */
  hsts?: { maxAgeSeconds: number; includeSubdomains: boolean };
  /** Directives (as inventory renders them) the model cannot carry, with why. */
  notCarried: Array<{ directive: string; reason: string; blocks?: true }>;
}

const headerName = /^[A-Za-z0-9-]+$/;
/** The scenario's header values are written into gateway configs verbatim: no variables, no line breaks. */
const plainValue = /^[^$\r\n]*$/;

/**
 * Reads a configuration-snippet into the scenario's vocabulary (ingress-annotations.ts
 * configurationSnippet writes the same lines). A snippet nginx would refuse is carried
 * by nothing: returns null and the caller names the whole annotation.
 */
export function snippetRules(text: string): SnippetRules | null {
  let directives: Directive[];
  try {
    directives = parseSnippet(text);
  } catch (error) {
    if (error instanceof SnippetSyntaxError) return null;
    throw error;
  }
  const guard = isWebSocketGuard(directives.filter((directive) => directive.name === 'set' || directive.name === 'if'));
  const rules: SnippetRules = { requestHeaders: { set: {}, remove: [] }, responseHeaders: { set: {}, remove: [] }, webSocketGuard: guard, notCarried: [] };
  const conditionals = rules.webSocketGuard ? new Set(['set', 'if']) : new Set<string>();
  for (const directive of directives) {
    if (conditionals.has(directive.name)) continue;
    const reason = applyDirective(directive, rules);
    // A header rule the model cannot carry is one inventory counts as translated: its loss blocks.
    const headerRule = ['proxy_set_header', 'grpc_set_header', 'add_header', 'more_set_headers', 'more_clear_headers', 'proxy_hide_header', 'grpc_hide_header'].includes(directive.name);
    if (reason !== null) rules.notCarried.push({ directive: render(directive), reason, ...(headerRule ? { blocks: true as const } : {}) });
  }
  return rules;
}

/** Applies one directive to `rules`; returns why it is not carried, or null. */
function applyDirective(directive: Directive, rules: SnippetRules): string | null {
  const { name, args, block } = directive;
  if (block) return 'a block directive: the model carries plain header rules only';
  switch (name) {
    case 'proxy_set_header':
    case 'grpc_set_header': {
      const [header, value, ...rest] = args;
      if (!header || value === undefined || rest.length > 0 || !headerName.test(header)) return 'not a header name and one value';
      if (!plainValue.test(value)) return 'the value uses nginx variables, which the model does not carry';
      if (value === '') rules.requestHeaders.remove.push(header);
      else rules.requestHeaders.set[header] = value;
      return null;
    }
    case 'more_set_headers':
      return moreSetHeaders(args, rules);
    case 'add_header': {
      // Without `always` nginx adds it to 2xx and 3xx answers only: the model's rule (every answer) is a known difference (snippet-vocabulary.ts).
      const [header, value, always] = args;
      if (args.length > 3 || (args.length === 3 && always !== 'always')) return 'not a header name, a value and `always`';
      if (!header || !headerName.test(header) || value === undefined || !plainValue.test(value)) return 'not a header name and a plain value';
      rules.responseHeaders.set[header] = value;
      return null;
    }
    case 'more_clear_headers':
    case 'proxy_hide_header':
    case 'grpc_hide_header': {
      const names = args.map((arg) => arg.replace(/:$/, ''));
      if (names.length === 0 || names.some((header) => !headerName.test(header))) return 'options or wildcards the model does not carry';
      rules.responseHeaders.remove.push(...names);
      return null;
    }
    default:
      return 'not a header rule: the model carries header rules and the WebSocket guard only';
  }
}

/** `more_set_headers "Name: value" ...` without -s/-t options (headers-more: those limit it to some statuses or types). */
function moreSetHeaders(args: string[], rules: SnippetRules): string | null {
  const pairs = args.map((arg) => /^([A-Za-z0-9-]+):\s*(.*)$/.exec(arg));
  if (pairs.length === 0 || pairs.some((pair) => pair === null)) return 'options (-s, -t) or a malformed header the model does not carry';
  if (pairs.some((pair) => !plainValue.test(pair![2]!))) return 'the value uses nginx variables, which the model does not carry';
  for (const pair of pairs) {
    const hsts = pair![1]!.toLowerCase() === 'strict-transport-security' ? /^max-age=([0-9]+)(; includeSubDomains)?$/.exec(pair![2]!) : null;
    if (hsts) rules.hsts = { maxAgeSeconds: Number(hsts[1]), includeSubdomains: hsts[2] !== undefined };
    else rules.responseHeaders.set[pair![1]!] = pair![2]!;
  }
  return null;
}
