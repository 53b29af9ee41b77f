import { expect, it } from 'vitest';
import { runMeshgate } from '../e2e/meshgate-cli.ts';
import { startReceiver } from './webhook-receiver.ts';

it('validate posts a notice when it cannot do its job (exit 2: a missing kubeconfig), naming the run and the error', async () => {
  const receiver = await startReceiver();
  try {
    const args = ['validate', '--env', 'existing', '--kubeconfig', '/nonexistent/kubeconfig', '--istio-gateway', '127.0.0.1', '--fixture-image', 'registry.example.test/echo:1', '--run-id', 'exit-2-notice'];
    const result = await runMeshgate([...args, '--notify-webhook', receiver.url, '--notify-format', 'wecom']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('notice posted to the notification webhook');
    expect(receiver.bodies).toEqual([
      { msgtype: 'markdown', markdown: { content: expect.stringMatching(/^### meshgate validate: ERROR \(exit 2\)\n> run exit-2-notice\n> E_INPUT: \/nonexistent\/kubeconfig: ENOENT/) } },
    ]);
  } finally {
    await receiver.close();
  }
});
