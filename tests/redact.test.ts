import { describe, expect, it } from 'vitest';
import { mask, redact, redactUrl, registerSecret, registerUrlSecrets } from '../harness/redact.ts';

describe('what is secret, by its shape', () => {
  it.each([
    ['credentials in a URL', 'push to https://user:hunter2@pg.example:9091/x', 'push to https://***@pg.example:9091/x'],
    ['a token query parameter', 'https://oapi.dingtalk.com/robot/send?access_token=abc123&timestamp=1', 'https://oapi.dingtalk.com/robot/send?access_token=***&timestamp=1'],
    ['a WeCom key, HTML-escaped', 'send?a=1&amp;key=k-9f', 'send?a=1&amp;key=***'],
    ['a Slack webhook path', 'https://hooks.slack.com/services/T000/B000/XXXX', 'https://hooks.slack.com/services/***'],
    ['a Feishu hook path', 'https://open.feishu.cn/open-apis/bot/v2/hook/5e3d587e-d78e', 'https://open.feishu.cn/open-apis/bot/v2/hook/***'],
    ['an Authorization header', 'Authorization: Bearer eyJhbGciOi.x.y', `Authorization: ${mask}`],
    ['an Authorization field in JSON', '{"authorization":"Basic dXNlcjpwYXNz"}', `{"authorization":"${mask}"}`],
    ['an Authorization field in HTML-escaped JSON', '&quot;Authorization&quot;: &quot;Bearer abc&quot;', `&quot;Authorization&quot;: &quot;${mask}&quot;`],
    ['a PEM private key', 'key:\n-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n', `key:\n-----BEGIN PRIVATE KEY-----${mask}-----END PRIVATE KEY-----\n`],
  ])('%s', (_what, text, expected) => {
    expect(redact(text)).toBe(expected);
  });

  it.each([
    'ns-a/web: 5xx ratio 10.00 % over the 5.00 % ceiling',
    'basic authentication is not configured',
    'https://ci.example.test/artifacts/run-1/report.html',
    'certificate-verifies-for-host[ns-a/web]: the chain verifies',
    '{"authorization": null, "authorizationError": null}',
  ])('leaves what is not secret: %s', (text) => {
    expect(redact(text)).toBe(text);
  });
});

describe('registered secrets', () => {
  it('masks a registered value in every escaping it may take', () => {
    registerSecret('p&ss"w<rd');
    for (const form of ['p&ss"w<rd', encodeURIComponent('p&ss"w<rd'), 'p&amp;ss&quot;w&lt;rd', 'p&ss\\"w<rd']) expect(redact(`x ${form} y`)).toBe(`x ${mask} y`);
  });

  it("a webhook shows as its origin; its path and query alone are masked too", () => {
    registerUrlSecrets('https://chat.example.test/hook/tok-417?sig=s-88-long-token&format=json', true);
    expect(redact('to https://chat.example.test/hook/tok-417?sig=s-88-long-token&format=json now')).toBe('to https://chat.example.test/*** now');
    expect(redact('path hook/tok-417 and s-88-long-token')).toBe(`path ${mask} and ${mask}`);
    // Short parts are not tokens: masking them everywhere would break unrelated text (and JSON).
    expect(redact('results.json')).toBe('results.json');
  });

  it('a server URL keeps its path and loses its credentials', () => {
    registerUrlSecrets('https://reader:pw-31337@prom.example.test/prometheus', false);
    expect(redact('pw-31337')).toBe(mask);
    expect(redactUrl('https://reader:pw-31337@prom.example.test/prometheus')).toBe('https://***@prom.example.test/prometheus');
    expect(redactUrl('https://chat.example.test/hook/abc', true)).toBe('https://chat.example.test/***');
  });
});
