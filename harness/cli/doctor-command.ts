import { Command } from 'commander';
import { execa } from 'execa';
import { nginxBinary } from '../environments/local/nginx-process.ts';
import type { CommandContext } from './command-context.ts';

/** One prerequisite: how to read its version, whether it is required, what to do when it is missing. */
interface Check {
  name: string;
  required: boolean;
  probe(): Promise<string>;
  advice: string;
}

const nodeMinimum = [20, 19] as const;

const checks: Check[] = [
  {
    name: 'node',
    required: true,
    probe: async () => {
      const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
      const ok = major > nodeMinimum[0] || (major === nodeMinimum[0] && minor >= nodeMinimum[1]);
      if (!ok) throw new Error(`${process.versions.node} is older than ${nodeMinimum.join('.')}`);
      return process.versions.node;
    },
    advice: 'install Node.js 20.19 or newer',
  },
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
    name: 'wrk',
    required: false,
    probe: async () => /wrk (\S+)/.exec((await execa('wrk', ['--version'], { reject: false })).stdout)?.[1] ?? 'present',
    advice: 'only for `npm run bench`: apt-get install wrk',
  },
  {
    name: 'hey',
    required: false,
    probe: async () => {
      await execa('which', ['hey']);
      return 'present';
    },
    advice: 'only for `npm run bench`: apt-get install hey',
  },
];

/** `doctor`: checks prerequisites with versions and says what to do about each missing one. */
export function doctorCommand(context: CommandContext): Command {
  return new Command('doctor')
    .description('check the prerequisites of the local environment and benchmarks, with versions and advice')
    .option('--json', 'print the checks as JSON on stdout')
    .action(async (flags: { json?: boolean }) => {
      const results = await Promise.all(
        checks.map(async (check) => {
          try {
            return { name: check.name, required: check.required, ok: true, version: await check.probe(), advice: '' };
          } catch (error) {
            const reason = (error as { code?: string }).code === 'ENOENT' ? 'not found' : (error as Error).message;
            return { name: check.name, required: check.required, ok: false, version: reason, advice: check.advice };
          }
        }),
      );
      for (const r of results) context.log(`${r.ok ? '✓' : r.required ? '✗' : '○'} ${r.name.padEnd(6)} ${r.version}${r.ok ? '' : ` — ${r.advice}`}`);
      if (flags.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      const missing = results.filter((r) => r.required && !r.ok);
      context.exitCode = missing.length > 0 ? 2 : 0;
      context.log(missing.length > 0 ? `meshgate: missing ${missing.map((r) => r.name).join(', ')}` : 'meshgate: ready for the local environment');
    });
}
