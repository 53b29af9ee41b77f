import { type Command, Option } from 'commander';
import type { PrometheusAuthFiles } from '../judge/prometheus-access.ts';

/** The Prometheus credential and CA flags: files, never a secret as a flag's value (harness/judge/prometheus-access.ts reads them). */
export type PrometheusAuthFlags = PrometheusAuthFiles;

/** Adds the Prometheus credential and CA options. */
export function addPrometheusAuthOptions(command: Command): Command {
  return command
    .addOption(new Option('--prometheus-bearer-token-file <file>', 'send "Authorization: Bearer <the file\'s content>" to Prometheus (e.g. a service account token)').env('MESHGATE_PROMETHEUS_BEARER_TOKEN_FILE'))
    .addOption(new Option('--prometheus-username <user>', 'Basic auth user for Prometheus (with --prometheus-password-file; or user:password in the URL)').env('MESHGATE_PROMETHEUS_USERNAME'))
    .addOption(new Option('--prometheus-password-file <file>', 'Basic auth password for Prometheus, read from this file').env('MESHGATE_PROMETHEUS_PASSWORD_FILE'))
    .addOption(new Option('--prometheus-ca-file <file>', 'PEM bundle that verifies Prometheus\' certificate (https)').env('MESHGATE_PROMETHEUS_CA_FILE'));
}
