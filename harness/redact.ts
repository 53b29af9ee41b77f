import writeFileAtomic from 'write-file-atomic';

/**
 * The one place that decides what is secret. Every output (report files, logs, `--json`,
 * metrics labels, notification bodies) passes its text through `redact` on the way out.
 *
 * Two kinds of secret:
 * - values registered when an option is parsed (`registerSecret`, `registerUrlSecrets`): a
 *   webhook URL's path and query, signing secrets, the contents of token and password
 *   files, the credentials of a URL. Like GitHub Actions' `::add-mask::`, a registered value
 *   is masked wherever it shows up, also URL-, JSON- or HTML-escaped.
 * - shapes recognised in any text: credentials in a URL (`scheme://user:pass@`), secret query
 *   parameters (`access_token=`, `key=`, `sign=`, ...), chat webhook paths (Slack
 *   `hooks.slack.com/services/...`, Feishu/Lark `/open-apis/bot/v2/hook/<token>`),
 *   Authorization headers, PEM private keys.
 */

/** What a secret is replaced by. */
export const mask = '***';

/** Registered value -> its replacement. */
const registered = new Map<string, string>();

/** Below this length a value is too common to mask everywhere (a one-letter password would blank out every "a"). */
const minimumLength = 3;

/** Masks `value` (and its escaped forms) in every later output; `replacement` keeps what may be shown, e.g. the origin. */
export function registerSecret(value: string | undefined, replacement = mask): void {
  if (value === undefined || value.length < minimumLength) return;
  for (const form of new Set([value, encodeURIComponent(value), htmlEscape(value), JSON.stringify(value).slice(1, -1)])) registered.set(form, replacement);
}

/**
 * Registers what is secret in a URL: always its credentials; with `wholePath` (webhooks,
 * whose token is the path or the query) the path and query as well, the URL then showing
 * as its origin.
 */
export function registerUrlSecrets(value: string, wholePath: boolean): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    registerSecret(value, wholePath ? mask : value.replace(/\/\/[^/@]*@/, `//${mask}@`));
    return;
  }
  registerSecret(decodeURIComponent(url.password));
  registerSecret(url.password);
  if (url.username !== '' && url.password === '') registerSecret(url.username);
  if (!wholePath) return;
  registerSecret(value, `${url.origin}/${mask}`);
  registerSecret(url.href, `${url.origin}/${mask}`);
  // Parts alone only when long enough to be a token: `?format=json` must not blank out every "json".
  const part = (text: string) => text.length >= minimumPartLength && registerSecret(text);
  part(url.pathname.slice(1));
  for (const [, param] of url.searchParams) part(param);
  part(url.search.slice(1));
}

/** Path and query parts of a webhook are masked alone from this length: chat tokens are 20 to 64 characters. */
const minimumPartLength = 8;

const secretParams = 'access_token|token|key|sign|signature|sig|secret|password|passwd|pwd|api[_-]?key|apikey|auth|credentials?';

/** Shapes that are secret wherever they appear, with their replacement. */
const shapes: Array<[RegExp, string]> = [
  [/-----BEGIN ([A-Z ]*)PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, `-----BEGIN $1PRIVATE KEY-----${mask}-----END $1PRIVATE KEY-----`],
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi, `$1${mask}@`],
  [new RegExp(`([?&](?:amp;)?(?:${secretParams})=)[^&\\s"'<>#]+`, 'gi'), `$1${mask}`],
  [/(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[^\s"'<>?#]+/gi, `$1${mask}`],
  [/(\/open-apis\/bot\/v2\/hook\/)[^\s"'<>?#]+/gi, `$1${mask}`],
  // A quoted value (JSON, YAML, HTML-escaped JSON): the quotes stay, so the document still parses; `null` is left alone.
  [/(\bauthorization(?:["']|&quot;)?\s*[:=]\s*)(["']|&quot;)[^\r\n<]*?\2/gi, `$1$2${mask}$2`],
  // A header line: `Authorization: Bearer ...`.
  [/(\bauthorization:[ \t]*)(?=[A-Za-z])[^\r\n"',;}]+/gi, `$1${mask}`],
];

/** `text` with every registered value and every secret shape masked. */
export function redact(text: string): string {
  let result = text;
  // Longest first, so a whole URL is replaced before its path or query alone.
  for (const [value, replacement] of [...registered].sort((a, b) => b[0].length - a[0].length)) result = result.replaceAll(value, replacement);
  for (const [pattern, replacement] of shapes) result = result.replace(pattern, replacement);
  return result;
}

/** A URL for messages: credentials masked; with `originOnly` (webhooks) only the origin. */
export function redactUrl(url: URL | string, originOnly = false): string {
  try {
    const parsed = new URL(String(url));
    if (originOnly) return `${parsed.origin}/${mask}`;
    if (parsed.username !== '' || parsed.password !== '') {
      parsed.username = mask;
      parsed.password = '';
    }
    return redact(parsed.href);
  } catch {
    return '(invalid URL)';
  }
}

/** Writes an output file (report, metrics) through `redact`. */
export async function writeRedacted(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, redact(text));
}

function htmlEscape(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}
