import { type Command, Option } from 'commander';
import { Agent } from 'undici';
import { InputFileError, UsageError } from '../errors.ts';
import type { PrometheusAccess } from '../judge/prometheus-client.ts';
import { splitCredentials } from '../net/http-url.ts';
import { registerSecret } from '../redact.ts';
import { readInputFile } from '../input-file.ts';

/**
 * How meshgate authenticates to Prometheus, as Prometheus' own clients do
 * (prometheus/common config.HTTPClientConfig: `authorization.credentials_file`,
 * `basic_auth.username` / `password_file`, `tls_config.ca_file`). Secrets come from files
 * (or the URL's userinfo), never from a flag's value, so they stay out of `ps`; whatever
 * is read is masked in every output.
 */
export interface PrometheusAuthFlags {
  prometheusBearerTokenFile?: string;
  prometheusUsername?: string;
  prometheusPasswordFile?: string;
  prometheusCaFile?: string;
}

/** Adds the Prometheus credential and CA options. */
export function addPrometheusAuthOptions(command: Command): Command {
  return command
    .addOption(new Option('--prometheus-bearer-token-file <file>', 'send "Authorization: Bearer <the file\'s content>" to Prometheus (e.g. a service account token)').env('MESHGATE_PROMETHEUS_BEARER_TOKEN_FILE'))
    .addOption(new Option('--prometheus-username <user>', 'Basic auth user for Prometheus (with --prometheus-password-file; or user:password in the URL)').env('MESHGATE_PROMETHEUS_USERNAME'))
    .addOption(new Option('--prometheus-password-file <file>', 'Basic auth password for Prometheus, read from this file').env('MESHGATE_PROMETHEUS_PASSWORD_FILE'))
    .addOption(new Option('--prometheus-ca-file <file>', 'PEM bundle that verifies Prometheus\' certificate (https)').env('MESHGATE_PROMETHEUS_CA_FILE'));
}

async function secretFile(file: string, what: string): Promise<string> {
  const text = (await readInputFile(file, `the ${what}`)).trim();
  if (text === '') throw new InputFileError(file, `the ${what} file is empty`);
  registerSecret(text);
  return text;
}

/** The URL without credentials, the Authorization header and the CA agent the flags ask for. One kind of credentials at a time. */
export async function prometheusAccess(url: URL, flags: PrometheusAuthFlags, queryMs: number): Promise<PrometheusAccess> {
  const { url: bare, authorization: fromUrl } = splitCredentials(url);
  const kinds = [fromUrl && 'credentials in the URL', flags.prometheusBearerTokenFile && '--prometheus-bearer-token-file', (flags.prometheusUsername || flags.prometheusPasswordFile) && '--prometheus-username/--prometheus-password-file'].filter(Boolean);
  if (kinds.length > 1) throw new UsageError(`Prometheus credentials given twice: ${kinds.join(' and ')} (choose one)`);
  if ((flags.prometheusUsername === undefined) !== (flags.prometheusPasswordFile === undefined)) throw new UsageError('--prometheus-username and --prometheus-password-file go together');
  let authorization = fromUrl;
  if (flags.prometheusBearerTokenFile) authorization = `Bearer ${await secretFile(flags.prometheusBearerTokenFile, 'bearer token')}`;
  if (flags.prometheusUsername && flags.prometheusPasswordFile) {
    const password = await secretFile(flags.prometheusPasswordFile, 'password');
    authorization = `Basic ${Buffer.from(`${flags.prometheusUsername}:${password}`).toString('base64')}`;
  }
  if (authorization) registerSecret(authorization.replace(/^\w+ /, ''));
  const ca = flags.prometheusCaFile === undefined ? undefined : await readInputFile(flags.prometheusCaFile, 'the Prometheus CA bundle');
  return { url: bare, queryMs, authorization, dispatcher: ca === undefined ? undefined : new Agent({ connect: { ca } }) };
}
