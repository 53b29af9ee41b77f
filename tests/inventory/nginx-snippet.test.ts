import { describe, expect, it } from 'vitest';
import { parseSnippet, SnippetSyntaxError } from '../../harness/inventory/nginx-snippet.ts';
import { classifyDirectives } from '../../harness/inventory/snippet-vocabulary.ts';

describe('parseSnippet', () => {
  it.each([
    ['client_header_buffer_size 64k;\nlarge_client_header_buffers 4 128k;\n', [{ name: 'client_header_buffer_size', args: ['64k'] }, { name: 'large_client_header_buffers', args: ['4', '128k'] }]],
    ['more_set_headers "X-A: 1; mode=block"; # a comment; not a directive\n', [{ name: 'more_set_headers', args: ['X-A: 1; mode=block'] }]],
    ["proxy_set_header X-Q 'it\\'s';", [{ name: 'proxy_set_header', args: ['X-Q', "it's"] }]],
    ['if ($flag = \'02\'){ return 403; }', [{ name: 'if', args: ['($flag', '=', '02', ')'], block: [{ name: 'return', args: ['403'] }] }]],
    ['access_by_lua_block { if ngx.var.a then ngx.exit(403) end }\nproxy_set_header A b;', [{ name: 'access_by_lua_block', args: ['if ngx.var.a then ngx.exit(403) end'] }, { name: 'proxy_set_header', args: ['A', 'b'] }]],
    ['', []],
  ])('%j', (text, directives) => {
    expect(parseSnippet(text)).toEqual(directives);
  });

  it.each([
    ['proxy_set_header A b', /"proxy_set_header" has no closing ";"/],
    ['if ($a) { return 403;', /no closing "}"/],
    ['return 403; }', /unexpected "}"/],
    ['more_set_headers "X: 1;', /quote is never closed/],
    ['; return 403;', /unexpected ";"/],
  ])('refuses %j as nginx would', (text, message) => {
    expect(() => parseSnippet(text)).toThrow(SnippetSyntaxError);
    expect(() => parseSnippet(text)).toThrow(message);
  });
});

describe('classifyDirectives', () => {
  const classes = (text: string) => classifyDirectives(parseSnippet(text)).map((item) => [item.text.split(' ')[0], item.handling && Object.keys(item.handling)[0]]);

  it("reads meshgate's one-if form as the translated guard route, and not Sealos' terminal snippet, which refuses other requests", () => {
    // `$flag` is "02" for a cross-site request that is not an upgrade: that one gets 403, a cross-site upgrade ("012") passes.
    const sealos = "set $flag 0;\nif ($http_upgrade = 'websocket') {set $flag \"${flag}1\";}\nif ($http_sec_fetch_site !~ 'same-.*') {set $flag \"${flag}2\";}\nif ($flag = '02'){ return 403; }";
    expect(classes(sealos)).toEqual([['set', undefined], ['if', undefined], ['if', undefined], ['if', undefined]]);
    const own = 'set $meshgate_websocket_guard "$http_upgrade:$http_sec_fetch_site";\nif ($meshgate_websocket_guard ~* "^websocket:(?!(same-origin|same-site)$)") { return 403; }';
    expect(classes(own)).toEqual([['set', 'translated']]);
  });

  it('does not take any if for the guard: other conditions, or a guard that does not refuse, are not understood', () => {
    expect(classes('if ($http_x_debug) { return 403; }')).toEqual([['if', undefined]]);
    expect(classes("set $f 0; if ($http_upgrade = 'websocket') { set $f 1; } if ($http_sec_fetch_site !~ 'same-') { return 200; }")).toEqual([['set', undefined], ['if', undefined], ['if', undefined]]);
  });

  it('classes header rules as translated, header buffers by their known-differences row, the rest as not understood', () => {
    const items = classifyDirectives(parseSnippet('proxy_set_header Authorization "";\nmore_clear_headers "X-Frame-Options:";\nadd_header X-A b always;\nlarge_client_header_buffers 4 128k;\nrewrite ^/a /b break;\nlocation /x { return 404; }'));
    expect(items.map((item) => item.handling)).toEqual([
      { translated: expect.stringContaining('headers.request.set') },
      { translated: 'headers.response.remove' },
      { translated: 'headers.response.set' },
      { difference: expect.any(String), row: 'large-header-default-buffers' },
      undefined,
      undefined,
    ]);
  });
});
