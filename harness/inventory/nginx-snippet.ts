/** One nginx directive of a snippet: `name args...;` or `name args... { block }`. */
export interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}

/** A snippet nginx itself would refuse to parse: unbalanced braces, an open quote, a statement without `;`. */
export class SnippetSyntaxError extends Error {}

/**
 * Parses the text of a server-snippet or configuration-snippet annotation into
 * directives, as nginx's own parser tokenizes a configuration
 * (src/core/ngx_conf_file.c, ngx_conf_read_token: words, quoted strings with
 * backslash escapes, `#` comments, `;`, `{`, `}`). Variables and regular expressions
 * stay in the arguments as written.
 */
export function parseSnippet(text: string): Directive[] {
  const tokens = tokenize(text);
  let at = 0;
  const parseBlock = (nested: boolean): Directive[] => {
    const directives: Directive[] = [];
    let words: string[] = [];
    while (at < tokens.length) {
      const token = tokens[at++]!;
      if (token.kind === 'word') {
        words.push(token.text);
        continue;
      }
      if (token.text === '}') {
        if (!nested) throw new SnippetSyntaxError('unexpected "}"');
        if (words.length > 0) throw new SnippetSyntaxError(`"${words[0]}" has no closing ";"`);
        return directives;
      }
      if (words.length === 0) throw new SnippetSyntaxError(`unexpected "${token.text}"`);
      const [name, ...args] = words;
      words = [];
      if (token.text === ';') directives.push({ name: name!, args });
      else if (name!.endsWith('_by_lua_block')) directives.push({ name: name!, args: [skipRawBlock()] });
      else directives.push({ name: name!, args, block: parseBlock(true) });
    }
    if (nested) throw new SnippetSyntaxError('a block has no closing "}"');
    if (words.length > 0) throw new SnippetSyntaxError(`"${words[0]}" has no closing ";"`);
    return directives;
  };
  // lua-nginx-module reads a *_by_lua_block's body as Lua, not as directives: keep it whole.
  const skipRawBlock = (): string => {
    const start = at;
    for (let depth = 1; at < tokens.length; at++) {
      depth += tokens[at]!.text === '{' ? 1 : tokens[at]!.text === '}' ? -1 : 0;
      if (depth === 0) return tokens.slice(start, at++).map((token) => token.text).join(' ');
    }
    throw new SnippetSyntaxError('a Lua block has no closing "}"');
  };
  return parseBlock(false);
}

type Token = { kind: 'word' | 'punct'; text: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (/\s/.test(char)) i++;
    else if (char === '#') i = lineEnd(text, i);
    else if (char === ';' || char === '{' || char === '}') {
      tokens.push({ kind: 'punct', text: char });
      i++;
    } else if (char === '"' || char === "'") {
      const end = closingQuote(text, i);
      tokens.push({ kind: 'word', text: text.slice(i + 1, end).replace(/\\(.)/g, '$1') });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !/[\s;{}]/.test(text[end]!)) end += text[end] === '\\' ? 2 : 1;
      tokens.push({ kind: 'word', text: text.slice(i, end) });
      i = end;
    }
  }
  return tokens;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf('\n', from);
  return end === -1 ? text.length : end;
}

function closingQuote(text: string, from: number): number {
  for (let i = from + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[from]) return i;
  }
  throw new SnippetSyntaxError(`a ${text[from]} quote is never closed`);
}
