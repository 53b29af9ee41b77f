import { execa } from 'execa';
import { type Prerequisite, nodePrerequisite, versionOf } from '../prerequisite.ts';
import { headersMoreModule } from './nginx-modules.ts';
import { nginxBinary } from './nginx-process.ts';

/** What the local environment runs on this machine: Node.js, an nginx with ssl and http_v2, and the headers-more module. */
export const localPrerequisites: Prerequisite[] = [
  nodePrerequisite,
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
];

/** The reference load tools `npm run bench` runs on this machine beside meshgate's engine (optional). */
export const benchPrerequisites: Prerequisite[] = [
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
