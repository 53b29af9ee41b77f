// The checks of `doctor`, loaded only when it runs.
import { execa } from 'execa';
import { headersMoreModule } from '../environments/local/nginx-modules.ts';
import { nginxBinary } from '../environments/local/nginx-process.ts';
import type { CommandContext } from './command-context.ts';
import { type ClusterFinding, inspectCluster } from '../environments/cluster/cluster-checks.ts';
import type { GatewayMode } from '../environments/cluster/gateway-install.ts';
import { connectKube } from '../environments/cluster/kube-api.ts';
import { resolveTimeouts } from '../timeouts.ts';
import { errorMessage } from '../errors.ts';
import { minimumVersions, requireAtLeast } from '../environments/cluster/minimum-versions.ts';

/** One prerequisite: how to read its version, whether it is required, what to do when it is missing. */
interface Check {
  name: string;
  required: boolean;
  probe(): Promise<string>;
  advice: string;
}

const nodeMinimum = [20, 19] as const;

/** The first match of `pattern` in what `file args` prints (stdout, then stderr); throws when it cannot run. */
async function versionOf(file: string, args: string[], pattern: RegExp): Promise<string> {
  const result = await execa(file, args, { timeout: 30_000 });
  return pattern.exec(`${result.stdout}\n${result.stderr}`)?.[1] ?? 'present';
}

const node: Check = {
  name: 'node',
  required: true,
  probe: async () => {
    const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
    const ok = major > nodeMinimum[0] || (major === nodeMinimum[0] && minor >= nodeMinimum[1]);
    if (!ok) throw new Error(`${process.versions.node} is older than ${nodeMinimum.join('.')}`);
    return process.versions.node;
  },
  advice: 'install Node.js 20.19 or newer',
};

const localChecks: Check[] = [
  node,
  {
    name: 'nginx',
    required: true,
    probe: async () => {
      const { stderr } = await execa(nginxBinary, ['-V']);
      for (const module of ['http_ssl_module', 'http_v2_module']) {
        if (!stderr.includes(module)) throw new Error(`built without ${module}`);
      }
      return /nginx\/(\S+)/.exec(stderr)?.[1] ?? 'unknown';
    },
    advice: 'run ./scripts/setup.sh, or `apt-get install nginx-light` (any nginx with ssl and http_v2); MESHGATE_NGINX points at another binary',
  },
  {
    name: 'headers-more',
    required: true,
    probe: async () => headersMoreModule(),
    advice: "ingress-nginx's template sets headers with more_set_headers: apt-get install -y libnginx-mod-http-headers-more-filter (./scripts/setup.sh does)",
  },
  { name: 'wrk', required: false, probe: () => versionOf('wrk', ['--version'], /wrk (\S+)/).catch(presentIfExit1('wrk')), advice: 'only for `npm run bench`: apt-get install wrk' },
  { name: 'hey', required: false, probe: heyVersion, advice: 'only for `npm run bench`: apt-get install hey' },
];

/**
 * hey has no version flag (its usage text names none): it must run (usage, exit 1
 * or 2), and the version is its package's (dpkg), or "present" where it was not
 * installed from a package.
 */
async function heyVersion(): Promise<string> {
  const usage = await execa('hey', [], { reject: false, timeout: 30_000 });
  if (usage.failed && usage.exitCode === undefined) throw usage;
  if (!/Usage: hey/.test(usage.stderr)) throw new Error('hey runs but prints no usage: not rakyll/hey');
  const packaged = await execa('dpkg-query', ['--show', '--showformat=${Version}', 'hey'], { reject: false, timeout: 30_000 });
  return packaged.exitCode === 0 && packaged.stdout !== '' ? `${packaged.stdout} (Debian package)` : 'present (hey prints no version)';
}

/** `wrk --version` prints its version and exits 1: running at all is what counts. */
function presentIfExit1(name: string) {
  return (error: { exitCode?: number; stdout?: string }) => {
    if (error.exitCode !== 1) throw error;
    return new RegExp(`${name} (\\S+)`).exec(error.stdout ?? '')?.[1] ?? 'present';
  };
}

/** The Docker engine, not only the client: `docker info` fails without a reachable daemon. */
const dockerEngine: Check = {
  name: 'docker',
  required: true,
  probe: async () => {
    const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 30_000, reject: false });
    if ((result as { code?: string }).code === 'ENOENT') throw Object.assign(new Error('not found'), { code: 'ENOENT' });
    const version = result.stdout.trim();
    if (result.exitCode !== 0 || version === '') throw new Error(`client present, engine not reachable (${String(result.stderr).trim().split('\n').at(-1) ?? 'docker info failed'})`);
    return `engine ${version}`;
  },
  advice: 'start the Docker engine (or install Docker Engine / Docker Desktop); kind and k3s run their nodes as containers',
};

function clusterChecks(env: 'kind' | 'k3s' | 'existing', options: { mode: string; istioInstaller: string }): Check[] {
  const needsIstio = options.mode !== 'ingress';
  const kubectl: Check = { name: 'kubectl', required: false, probe: () => versionOf('kubectl', ['version', '--client'], /Client Version: (\S+)/), advice: 'optional, for looking around the cluster yourself: https://kubernetes.io/docs/tasks/tools/' };
  if (env === 'existing') return [node, kubectl];
  const checks: Check[] = [node, dockerEngine];
  if (env === 'kind') {
    checks.push({
      name: 'kind',
      required: true,
      probe: async () => requireAtLeast(await versionOf('kind', ['version'], /kind (v\S+)/), minimumVersions.kind),
      advice: 'install kind v0.24.0 or newer: https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
    });
  }
  checks.push(kubectl);
  checks.push({
    name: 'istioctl',
    required: needsIstio && options.istioInstaller === 'istioctl',
    probe: async () => requireAtLeast(await versionOf('istioctl', ['version', '--remote=false'], /(\d+\.\d+\.\d+\S*)/), minimumVersions.istio),
    advice: 'install istioctl 1.22 or newer (https://istio.io/latest/docs/setup/getting-started/#download), or use --istio-installer helm',
  });
  checks.push({
    name: 'helm',
    required: options.mode !== 'istio' || options.istioInstaller === 'helm',
    probe: () => versionOf('helm', ['version', '--short'], /(v\S+)/),
    advice: 'install Helm 3 (https://helm.sh/docs/intro/install/): it installs ingress-nginx, and Istio with --istio-installer helm',
  });
  return checks;
}

export interface DoctorFlags {
  env: 'local' | 'kind' | 'k3s' | 'existing';
  mode: GatewayMode;
  istioInstaller: string;
  json?: boolean;
  kubeconfig?: string;
  context?: string;
  gatewayNamespace: string;
  gatewaySelector: Record<string, string>;
  ingressGatewayNamespace: string;
}

interface CheckResult {
  name: string;
  required: boolean;
  ok: boolean;
  version: string;
  advice: string;
}

/** Runs the checks for `flags.env`, prints each with its version or advice, and sets the exit code. */
export async function runDoctor(context: CommandContext, flags: DoctorFlags): Promise<void> {
  const checks = flags.env === 'local' ? localChecks : clusterChecks(flags.env, flags);
  const results: CheckResult[] = await Promise.all(
    checks.map(async (check) => {
      try {
        return { name: check.name, required: check.required, ok: true, version: await check.probe(), advice: '' };
      } catch (error) {
        const reason = (error as { code?: string }).code === 'ENOENT' ? 'not found' : (error as Error).message.split('\n')[0]!;
        return { name: check.name, required: check.required, ok: false, version: reason, advice: check.advice };
      }
    }),
  );
  if (flags.env === 'existing') results.push(...(await clusterFindings(flags)));
  for (const r of results) context.log(`${r.ok ? '✓' : r.required ? '✗' : '○'} ${r.name.padEnd(8)} ${r.version}${r.ok ? '' : ` — ${r.advice}`}`);
  if (flags.json) context.printJson(results);
  const missing = results.filter((r) => r.required && !r.ok);
  context.exitCode = missing.length > 0 ? 2 : 0;
  context.log(missing.length > 0 ? `meshgate: missing for --env ${flags.env}: ${missing.map((r) => r.name).join(', ')}` : `meshgate: ready for the ${flags.env} environment`);
}

/** What the existing cluster itself says (reads only); every finding is required. */
async function clusterFindings(flags: DoctorFlags): Promise<CheckResult[]> {
  const placement = { istioNamespace: flags.gatewayNamespace, istioSelector: flags.gatewaySelector, ingressNginxNamespace: flags.ingressGatewayNamespace };
  let findings: ClusterFinding[];
  try {
    findings = await inspectCluster(connectKube({ kubeconfig: flags.kubeconfig, context: flags.context, requestMs: resolveTimeouts(process.env).kubeRequestMs }), { mode: flags.mode, placement });
  } catch (error) {
    findings = [{ name: 'api-server', ok: false, detail: errorMessage(error), advice: 'pass --kubeconfig FILE and --context NAME of the cluster to check' }];
  }
  return findings.map((finding) => ({ name: finding.name, required: true, ok: finding.ok, version: finding.detail, advice: finding.advice }));
}
