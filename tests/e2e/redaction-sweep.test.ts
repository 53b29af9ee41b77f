import { createServer } from 'node:http';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../harness/cli/main.ts';
import { freePort } from '../../harness/net/ports.ts';
import { startReceiver, type WebhookReceiver } from '../notify/webhook-receiver.ts';
import { runMeshgate, scratchDir } from './meshgate-cli.ts';

/**
 * The redaction sweep: a distinct secret in every option and environment variable that
 * takes one, real runs (validate as a process, judge in this process), and every output
 * file and stream, every notification body and every metrics push grepped for each secret.
 */
const secrets = {
  webhookPath: 'whpath7Q2xAa',
  webhookToken: 'whtoken9K1zBb',
  notifySecret: 'SECsign5T4rCc',
  pushgatewayPassword: 'pgpass8N2cDd',
  prometheusPassword: 'prompass6Y1uEe',
  bearerToken: 'bearer4H7kFf',
  passwordFile: 'pwfile2W9eGg',
};

const webhookUrl = (receiver: WebhookReceiver) => `${new URL(receiver.url).origin}/robot/${secrets.webhookPath}/send?access_token=${secrets.webhookToken}`;

/** Every file under `dir`, recursively, as text. */
async function filesUnder(dir: string): Promise<Array<{ file: string; text: string }>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((entry) => entry.isFile()).map(async (entry) => ({ file: join(entry.parentPath, entry.name), text: await readFile(join(entry.parentPath, entry.name), 'utf8') })));
}

function expectNoSecret(outputs: Array<{ file: string; text: string }>): void {
  expect(outputs.length).toBeGreaterThan(0);
  for (const { file, text } of outputs) {
    for (const [name, secret] of Object.entries(secrets)) expect(text.includes(secret), `${name} in ${file}`).toBe(false);
    // The Basic header of a secret would carry it base64-encoded.
    expect(/Basic [A-Za-z0-9+/=]{8,}/.test(text), `an Authorization value in ${file}`).toBe(false);
  }
}

/** A Pushgateway stand-in recording what it is sent (PUT bodies). */
async function startRecorder(): Promise<{ url: string; bodies: string[]; close: () => Promise<void> }> {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      bodies.push(`${request.url}\n${body}`);
      response.writeHead(200).end();
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}`, bodies, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * A Prometheus HTTP API stand-in: every instant query gets one series per side's key labels
 * (buckets for bucket queries); it records the Authorization header, and answers 401 to `refuse`.
 */
async function startFakePrometheus(refuse: string): Promise<{ url: string; authorizations: string[]; close: () => Promise<void> }> {
  const authorizations: string[] = [];
  const labels = { destination_service_namespace: 'ns-a', destination_service_name: 'web', namespace: 'ns-a', service: 'web' };
  const server = createServer((request, response) => {
    const authorization = request.headers.authorization ?? '';
    authorizations.push(authorization);
    if (authorization === refuse) return void response.writeHead(401, { 'content-type': 'application/json' }).end('{"status":"error","error":"unauthorized"}');
    const query = new URL(request.url ?? '/', 'http://x').searchParams.get('query') ?? '';
    const result = query.includes('_bucket') ? ['50', '+Inf'].map((le) => ({ metric: { ...labels, le }, value: [0, '1000'] })) : [{ metric: labels, value: [0, query.includes('5..') ? '1' : '1000'] }];
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `127.0.0.1:${port}`, authorizations, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Runs the CLI in this process with `env` set, capturing stdout and stderr. */
async function inProcess(args: string[], env: Record<string, string>): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { exitCode: await main(['node', 'meshgate', ...args], async () => (await import('../../suites/catalogue.ts')).catalogue), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

describe('the redaction sweep: no planted secret in any output', () => {
  let scratch: Awaited<ReturnType<typeof scratchDir>>;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    scratch = await scratchDir();
    // DingTalk's answer to a wrong keyword: a refusal in a 200 body, so the warning (with the URL) is written too.
    receiver = await startReceiver({ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' });
  });
  afterAll(async () => {
    await receiver?.close();
    await scratch?.remove();
  });

  it('validate with a down Pushgateway keeps exit 0, warns on stderr and in the report, and leaks nothing', async () => {
    const reports = join(scratch.dir, 'reports');
    const metrics = join(scratch.dir, 'metrics.txt');
    const pushgateway = `http://meshgate:${secrets.pushgatewayPassword}@127.0.0.1:${await freePort()}`;
    const env = { MESHGATE_NOTIFY_WEBHOOK: webhookUrl(receiver), MESHGATE_NOTIFY_SECRET: secrets.notifySecret };
    const args = ['validate', 'cors', '--case', '^preflight-allowed-origin$', '--reports', reports, '--run-id', 'sweep-validate', '--pushgateway', pushgateway, '--metrics-out', metrics, '--notify-format', 'dingtalk', '--report-url-base', 'https://ci.example.test/artifacts', '--json'];
    const result = await runMeshgate(args, env);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: metrics not pushed to http:\/\/\*\*\*@127\.0\.0\.1:\d+\/ \(job meshgate, scenario \S+, mode local\): .*; the verdict stands/);
    expect(result.stderr).toMatch(/meshgate: PASS: /);
    const summary = await readFile(join(reports, 'sweep-validate', 'summary.md'), 'utf8');
    expect(summary).toMatch(/`monitoring`: metrics not pushed to .*the verdict stands/);
    expect(summary).toMatch(/`monitoring`: notification to http:\/\/127\.0\.0\.1:\d+\/\*\*\* not delivered: refused: error 310000/);
    expect(JSON.parse(result.stdout)).toMatchObject({ exitCode: 0, verdict: 'pass' });
    // Redaction keeps documents whole: results.json still parses, with the webhook as its origin.
    const results = JSON.parse(await readFile(join(reports, 'sweep-validate', 'results.json'), 'utf8'));
    expect(results.options.notifyWebhook).toBe(`${new URL(receiver.url).origin}/***`);
    const message = JSON.stringify(receiver.bodies.at(-1));
    expect(message).toContain('sweep-validate');
    expect(message).toContain('https://ci.example.test/artifacts/sweep-validate/report.html');
    // The signed robot got its signature, computed from the secret, in the query.
    expect(receiver.paths.at(-1)).toMatch(/[?&]sign=[^&]+/);
    expectNoSecret([
      ...(await filesUnder(reports)),
      { file: 'metrics.txt', text: await readFile(metrics, 'utf8') },
      { file: 'stdout', text: result.stdout },
      { file: 'stderr', text: result.stderr },
      ...receiver.bodies.map((body, index) => ({ file: `notification ${index}`, text: JSON.stringify(body) })),
    ]);
  }, 170_000);

  it('judge with credentials in the URL, a token file and a password file, pushing and notifying, leaks nothing', async () => {
    const tokenFile = join(scratch.dir, 'token');
    const passwordFile = join(scratch.dir, 'password');
    await writeFile(tokenFile, `${secrets.bearerToken}\n`);
    await writeFile(passwordFile, `${secrets.passwordFile}\n`);
    const refused = `Basic ${Buffer.from(`reader:${secrets.passwordFile}`).toString('base64')}`;
    const [prometheus, pushgateway] = [await startFakePrometheus(refused), await startRecorder()];
    const reports = join(scratch.dir, 'judge-reports');
    const common = ['judge', '--window', '10m', '--reports', reports, '--metrics-out', join(reports, 'metrics.txt'), '--notify-webhook', webhookUrl(receiver), '--notify-format', 'feishu', '--json'];
    const streams: Array<{ file: string; text: string }> = [];
    try {
      const runs: Array<{ args: string[]; env: Record<string, string> }> = [
        { args: [...common, '--run-id', 'judge-url'], env: { MESHGATE_PROMETHEUS: `http://reader:${secrets.prometheusPassword}@${prometheus.url}`, MESHGATE_PUSHGATEWAY: pushgateway.url, MESHGATE_NOTIFY_SECRET: secrets.notifySecret } },
        { args: [...common, '--run-id', 'judge-token', '--prometheus', `http://${prometheus.url}`], env: { MESHGATE_PROMETHEUS_BEARER_TOKEN_FILE: tokenFile } },
        { args: [...common, '--run-id', 'judge-basic', '--prometheus', `http://${prometheus.url}`, '--prometheus-username', 'reader', '--prometheus-password-file', passwordFile], env: {} },
      ];
      const results = [];
      for (const run of runs) {
        const result = await inProcess(run.args, run.env);
        results.push(result);
        streams.push({ file: `${run.args.at(-1)} stdout`, text: result.stdout }, { file: `${run.args.at(-1)} stderr`, text: result.stderr });
      }
      expect(results.map((result) => result.exitCode)).toEqual([expect.any(Number), expect.any(Number), 2]);
      expect(results[0]!.exitCode).toBeLessThan(2);
      expect(results[2]!.stderr).toMatch(/E_PROMETHEUS.*HTTP 401/);
      // The credentials were sent as they mean, and only to Prometheus.
      expect(new Set(prometheus.authorizations)).toEqual(new Set([`Basic ${Buffer.from(`reader:${secrets.prometheusPassword}`).toString('base64')}`, `Bearer ${secrets.bearerToken}`, refused]));
      expect(pushgateway.bodies.join('\n')).toContain('meshgate_judge_verdict');
      expect(JSON.stringify(receiver.bodies.at(-1))).toMatch(/meshgate judge: ERROR \(exit 2\)/);
    } finally {
      await prometheus.close();
      await pushgateway.close();
    }
    expectNoSecret([
      ...(await filesUnder(reports)),
      ...streams,
      ...pushgateway.bodies.map((body, index) => ({ file: `push ${index}`, text: body })),
      ...receiver.bodies.map((body, index) => ({ file: `notification ${index}`, text: JSON.stringify(body) })),
    ]);
  }, 120_000);
});
