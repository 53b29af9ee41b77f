import { Agent } from 'undici';
import { InputFileError, UsageError } from '../errors.ts';
import { readInputFile } from '../input-file.ts';
import { splitCredentials } from '../net/http-url.ts';
import { registerSecret } from '../redact.ts';
import type { PrometheusAccess } from './prometheus-client.ts';

/**
 * How meshgate authenticates to Prometheus, as Prometheus' own clients do
 * (prometheus/common config.HTTPClientConfig: `authorization.credentials_file`,
 * `basic_auth.username` / `password_file`, `tls_config.ca_file`). Secrets come from files
 * (or the URL's userinfo), never from a flag's value, so they stay out of `ps`; whatever
 * is read is masked in every output.
 */
export interface PrometheusAuthFiles {
  prometheusBearerTokenFile?: string;
  prometheusUsername?: string;
  prometheusPasswordFile?: string;
  prometheusCaFile?: string;
}

async function secretFile(file: string, what: string): Promise<string> {
  const text = (await readInputFile(file, `the ${what}`)).trim();
  if (text === '') throw new InputFileError(file, `the ${what} file is empty`);
  registerSecret(text);
  return text;
}

/** The URL without credentials, the Authorization header and the CA agent `auth` asks for. One kind of credentials at a time. */
export async function prometheusAccess(url: URL, auth: PrometheusAuthFiles, queryMs: number): Promise<PrometheusAccess> {
  const { url: bare, authorization: fromUrl } = splitCredentials(url);
  const kinds = [fromUrl && 'credentials in the URL', auth.prometheusBearerTokenFile && '--prometheus-bearer-token-file', (auth.prometheusUsername || auth.prometheusPasswordFile) && '--prometheus-username/--prometheus-password-file'].filter(Boolean);
  if (kinds.length > 1) throw new UsageError(`Prometheus credentials given twice: ${kinds.join(' and ')} (choose one)`);
  if ((auth.prometheusUsername === undefined) !== (auth.prometheusPasswordFile === undefined)) throw new UsageError('--prometheus-username and --prometheus-password-file go together');
  let authorization = fromUrl;
  if (auth.prometheusBearerTokenFile) authorization = `Bearer ${await secretFile(auth.prometheusBearerTokenFile, 'bearer token')}`;
  if (auth.prometheusUsername && auth.prometheusPasswordFile) {
    const password = await secretFile(auth.prometheusPasswordFile, 'password');
    authorization = `Basic ${Buffer.from(`${auth.prometheusUsername}:${password}`).toString('base64')}`;
  }
  if (authorization) registerSecret(authorization.replace(/^\w+ /, ''));
  const ca = auth.prometheusCaFile === undefined ? undefined : await readInputFile(auth.prometheusCaFile, 'the Prometheus CA bundle');
  return { url: bare, queryMs, authorization, dispatcher: ca === undefined ? undefined : new Agent({ connect: { ca } }) };
}
